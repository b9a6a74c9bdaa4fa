"""Property tests through the Flask app (test client), with the real skill: random and mutated
envelopes, signed with the suite's throwaway PKI (so they pass signature verification and reach the
skill) or sent to a dev-mode app, plus raw garbage and oversized bodies. Never a 500; every 200 is a
valid Alexa response within the limits; every 4xx is a short JSON error. No timings here.

These found three bugs (oversized or non-UTF-8 feature sections of the session attributes echoed back:
a response over 24 kB, and a 500; and the exception-handler path echoing the raw attributes), fixed in
skill/state.py and skill/handlers/errors.py; test_properties_skill.py keeps regression tests.
"""

from __future__ import annotations

import json
import random

from hypothesis import HealthCheck, given, settings, strategies as st

from skill.builder import build_skill
from skill.config import SkillConfig
from skill.dev.response_check import problems
from skill.web.page import PageSettings
from tests import fuzzing
from tests.web_fixtures import NOW, make_app, signed_headers, stamp

SKILL = build_skill(SkillConfig(rng=random.Random(5)))
VERIFIED_APP = make_app(skill=SKILL)[0]
DEV_APP = make_app(skill=SKILL, dev=True)[0]
MAX_BODY = 128 * 1024


def post(app, body: bytes, headers=None):
    return app.test_client().post("/alexa", data=body, headers=headers or {"Content-Type": "application/json"})


def check(env, body: bytes, resp) -> None:
    status = resp.status_code
    assert status < 500, f"{status} for body {body[:1500]!r}: {resp.data[:300]!r}"
    if status == 200:
        out = json.loads(resp.data)
        found = problems(out)
        assert not found, f"invalid response {found} for {body[:1500]!r}"
    elif 400 <= status < 500:
        assert resp.mimetype == "application/json", (status, resp.mimetype)
        err = json.loads(resp.data)
        assert isinstance(err, dict) and isinstance(err.get("error"), str) and err["error"], err
        assert len(resp.data) < 1024, "error bodies are short"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), verified=st.booleans())
def test_mutated_envelopes_through_the_app(data, verified):
    env = fuzzing.envelope(fuzzing.HypothesisDraw(data), timestamp=stamp(NOW))
    body = fuzzing.to_body(env)
    if verified:
        resp = post(VERIFIED_APP, body, signed_headers(body))
    else:
        resp = post(DEV_APP, body)
    check(env, body, resp)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_well_formed_signed_envelopes_are_answered(data):
    """Unmutated, signed envelopes of the three core request types always get a valid 200."""
    env = fuzzing.base_envelope(fuzzing.HypothesisDraw(data), well_formed=True, timestamp=stamp(NOW))
    body = fuzzing.to_body(env)
    resp = post(VERIFIED_APP, body, signed_headers(body))
    check(env, body, resp)
    if len(body) > MAX_BODY:
        assert resp.status_code == 413
    elif env["request"]["type"] in {"LaunchRequest", "IntentRequest", "SessionEndedRequest"}:
        assert resp.status_code == 200, (resp.status_code, resp.data[:300])


@settings(max_examples=60, deadline=None)
@given(
    junk=st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(lambda t: t.encode("utf-8")),
        st.sampled_from(
            [
                b"",
                b"{}",
                b"[]",
                b"null",
                b"\xff\xfe",
                b'{"version": "1.0"}',
                b'{"request": {"type": "LaunchRequest"}}',
                b"NaN",
                b"1e999",
            ]
        ),
    ),
    oversized=st.booleans(),
)
def test_garbage_bodies(junk, oversized):
    body = junk + b" " * (MAX_BODY + 1) if oversized else junk
    for app in (DEV_APP, VERIFIED_APP):
        resp = post(app, body)
        check(None, body, resp)
        assert resp.status_code in ((413,) if oversized else (400,)), resp.status_code


def test_random_fuzz_seeds_through_the_app():
    """bench/fuzz.py's plain-random mutator, a fixed seed, many envelopes (dev app: fast)."""
    draw = fuzzing.RandomDraw(random.Random(6))
    for _ in range(200):
        env = fuzzing.envelope(draw, timestamp=stamp(NOW))
        body = fuzzing.to_body(env)
        check(env, body, post(DEV_APP, body))


# ------------------------------------------------------------------ the browser page's endpoint

PAGE_APP = make_app(skill=SKILL, dev=True, page=PageSettings(rate_burst=10**9))[0]
PHRASES = [
    "",
    "help",
    "stop",
    "start de quiz",
    "a",
    "b",
    "waar",
    "niet waar",
    "volgende",
    "vorige",
    "herhaal",
    "geef me een tip",
    "wat is lichaamstaal",
    "de checklist stap voor stap",
    "ja",
    "nee",
    "vraag empathisch gesprek om een tip",
    "open empathisch gesprek",
    "ik wil niet meer leven",
    "alexa, stop",
    "blabla",
    "weet ik niet",
    "sla over",
    "opnieuw beginnen",
]


def check_turn(body: bytes, resp) -> None:
    status = resp.status_code
    assert status < 500, f"{status} for body {body[:500]!r}: {resp.data[:300]!r}"
    assert resp.mimetype == "application/json", (status, resp.mimetype)
    payload = json.loads(resp.data)
    if status == 200:
        assert set(payload) == {"understood", "text", "speech", "card", "ended"}, payload
        assert isinstance(payload["understood"], str) and payload["understood"]
        assert isinstance(payload["ended"], bool) and isinstance(payload["text"], str)
        for piece in payload["speech"]:
            assert isinstance(piece["text"], str) and 0.2 <= piece["rate"] <= 4.0
            assert isinstance(piece["pause_ms"], int) and 0 <= piece["pause_ms"] <= 10000
        assert payload["card"] is None or isinstance(payload["card"]["title"], str)
    else:
        assert 400 <= status < 500 and isinstance(payload.get("error"), str) and len(resp.data) < 1024


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.one_of(
        st.builds(lambda t: json.dumps({"text": t}).encode(), st.text(max_size=400)),
        st.builds(lambda t: json.dumps({"text": t}, ensure_ascii=False).encode(), st.sampled_from(PHRASES)),
        st.builds(lambda v: json.dumps(v).encode(), json_values),
        st.builds(lambda v: json.dumps({"text": v}).encode(), json_values),
        st.binary(max_size=300),
        st.sampled_from([b"", b"{", b"\xff\xfe", b"NaN", b'{"text": "' + b"a" * 5000 + b'"}']),
    ),
    content_type=st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain", ""]),
)
def test_page_endpoint_never_fails(body, content_type):
    client = PAGE_APP.test_client()
    resp = client.post("/api/turn", data=body, headers={"Content-Type": content_type} if content_type else {})
    check_turn(body, resp)
    if not content_type.startswith("application/json"):
        assert resp.status_code == 415


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(turns=st.lists(st.one_of(st.sampled_from(PHRASES), st.text(max_size=60)), min_size=1, max_size=12))
def test_page_conversations_never_fail(turns):
    """A browser's conversation (cookies kept): real phrases and random text in any order."""
    client = PAGE_APP.test_client()
    for text in turns:
        body = json.dumps({"text": text}).encode()
        check_turn(body, client.post("/api/turn", data=body, headers={"Content-Type": "application/json"}))
