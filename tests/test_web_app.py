"""The Flask app through its test client: every status code, a real conversation, logging."""

from __future__ import annotations

import datetime as dt
import json
import logging
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

try:
    from tests.web_fixtures import NOW, body_of, make_app, signed_headers, stamp
except ImportError:  # tests/ on sys.path instead of the repo root
    from web_fixtures import NOW, body_of, make_app, signed_headers, stamp  # type: ignore

from skill.dev import envelopes
from skill.builder import build_skill
from skill.config import SkillConfig

SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"


def _post(client, envelope, *, signed=True):
    body = body_of(envelope)
    return client.post("/alexa", data=body, headers=signed_headers(body) if signed else {})


def _json_lines(caplog):
    return [
        json.loads(r.getMessage())
        for r in caplog.records
        if r.name == "gesprekscoach.web" and r.getMessage().startswith("{")
    ]


# ----------------------------------------------------------------------------------- status codes


def test_health_is_json_200():
    app, *_ = make_app()
    resp = app.test_client().get("/health")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert resp.get_json()["status"] == "ok"


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/alexa"), ("PUT", "/alexa"), ("DELETE", "/alexa"), ("PATCH", "/alexa"), ("POST", "/health")],
)
def test_wrong_method_is_405_json(method, path):
    app, _, _, stub = make_app()
    resp = app.test_client().open(path, method=method, data=b"{}")
    assert resp.status_code == 405
    assert resp.get_json()["error"] == "method_not_allowed"
    assert "Allow" in resp.headers
    assert stub.runs == 0


def test_unknown_path_is_404_json():
    app, *_ = make_app()
    resp = app.test_client().get("/nope")
    assert resp.status_code == 404 and resp.get_json()["error"] == "not_found"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"not json",
        b"\xff\xfe{}",
        b"[]",
        b"42",
        b"null",
        b'"text"',
        b"{}",
        b'{"version": "1.0"}',
        b'{"version": "1.0", "request": "LaunchRequest"}',
        b'{"version": "1.0", "request": {"type": "LaunchRequest"}}',
        b'{"version": 1, "request": {"type": "LaunchRequest", "timestamp": "2030-06-15T12:00:00Z"}}',
    ],
)
def test_bad_bodies_are_400_json(body):
    app, fetcher, _, stub = make_app()
    resp = app.test_client().post("/alexa", data=body, headers=signed_headers(body))
    assert resp.status_code == 400
    assert resp.get_json()["error"] in {"invalid_json", "not_an_envelope"}
    assert stub.runs == 0 and len(fetcher.calls) <= 1  # the signature is checked first


@pytest.mark.parametrize(
    "mutate",
    [
        lambda e: e["request"].update(type="Totally.Unknown"),
        lambda e: e.update(session="nope"),
        lambda e: e["context"].update(System=[]),
    ],
)
def test_envelopes_the_sdk_cannot_read_are_400(mutate):
    app, _, _, stub = make_app(dev=True)
    env = envelopes.launch(timestamp=stamp())
    mutate(env)
    resp = _post(app.test_client(), env, signed=False)
    assert resp.status_code == 400 and resp.get_json()["error"] == "not_an_envelope"
    assert stub.runs == 0


def test_request_type_without_a_handler_is_400():
    app, _, _, stub = make_app(dev=True)  # the stub skill handles only Launch and Intent requests
    resp = _post(app.test_client(), envelopes.session_ended(timestamp=stamp()), signed=False)
    assert resp.status_code == 400 and resp.get_json()["error"] == "unsupported_request"


def test_too_large_is_413_json():
    app, _, _, stub = make_app(max_body_bytes=4096)
    env = envelopes.launch(timestamp=stamp(), attributes={"padding": "x" * 5000})
    resp = _post(app.test_client(), env)
    assert resp.status_code == 413 and resp.get_json()["error"] == "too_large"
    assert stub.runs == 0


def test_body_just_under_the_limit_is_fine():
    env = envelopes.launch(timestamp=stamp())
    app, _, _, stub = make_app(max_body_bytes=len(body_of(env)))
    assert _post(app.test_client(), env).status_code == 200
    app, _, _, stub = make_app(max_body_bytes=len(body_of(env)) - 1)  # one byte over
    assert _post(app.test_client(), env).status_code == 413 and stub.runs == 0


def test_a_fault_in_the_skill_is_a_json_error_without_traceback(caplog):
    from ask_sdk_core.dispatch_components import AbstractRequestHandler
    from ask_sdk_core.skill_builder import SkillBuilder

    class Broken(AbstractRequestHandler):
        def can_handle(self, handler_input):
            return True

        def handle(self, handler_input):
            raise ZeroDivisionError("boom in handler")

    sb = SkillBuilder()
    sb.add_request_handler(Broken())
    app, *_ = make_app(skill=sb.create())
    with caplog.at_level(logging.INFO, logger="gesprekscoach"):
        resp = _post(app.test_client(), envelopes.launch(timestamp=stamp()))
    assert resp.status_code == 500
    assert resp.get_json() == {"error": "internal_error", "message": "the skill could not handle this request"}
    assert b"Traceback" not in resp.data and b"boom" not in resp.data
    assert any(r.exc_info for r in caplog.records)  # the traceback goes to the log only
    assert _json_lines(caplog)[-1]["outcome"] == "error"


# --------------------------------------------------------------------------- never 500 for input

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(
        [
            ("request",),
            ("request", "type"),
            ("request", "timestamp"),
            ("request", "intent"),
            ("session",),
            ("session", "attributes"),
            ("session", "new"),
            ("context",),
            ("context", "System"),
            ("context", "System", "application"),
            ("version",),
            ("session", "application"),
            ("request", "locale"),
        ]
    ),
    value=_json_values,
)
def test_mangled_envelopes_never_give_500(path, value):
    app, _, _, _ = make_app(dev=True)
    env = envelopes.intent("AMAZON.HelpIntent", timestamp=stamp())
    target = env
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    resp = _post(app.test_client(), env, signed=False)
    assert resp.status_code in (200, 400), resp.get_data(as_text=True)
    assert resp.is_json


@settings(max_examples=100, deadline=None)
@given(body=st.binary(max_size=300))
def test_random_bytes_never_give_500(body):
    app, *_ = make_app(dev=True)
    resp = app.test_client().post("/alexa", data=body)
    assert resp.status_code == 400 and resp.is_json


# ------------------------------------------------------------------------------ real conversation


def _real_app(**kw):
    return make_app(skill=build_skill(SkillConfig(skill_id=kw.get("skill_id"), rng=random.Random(3))), **kw)[0]


def test_a_real_conversation_with_signed_requests():
    app = _real_app(skill_id=SKILL_ID)
    client = app.test_client()
    launch = envelopes.launch(skill_id=SKILL_ID, timestamp=stamp())
    resp = _post(client, launch)
    assert resp.status_code == 200
    first = resp.get_json()
    assert first["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    assert first["response"]["shouldEndSession"] is False

    help_req = envelopes.follow_up(
        envelopes.intent("AMAZON.HelpIntent", skill_id=SKILL_ID, timestamp=stamp(NOW + dt.timedelta(seconds=5))),
        first,
        launch,
    )
    resp = _post(client, help_req)
    assert resp.status_code == 200
    second = resp.get_json()
    assert second["response"]["outputSpeech"]["ssml"] != first["response"]["outputSpeech"]["ssml"]
    assert second["response"].get("shouldEndSession") is False

    stop = envelopes.follow_up(
        envelopes.intent("AMAZON.StopIntent", skill_id=SKILL_ID, timestamp=stamp(NOW + dt.timedelta(seconds=9))),
        second,
        help_req,
    )
    resp = _post(client, stop)
    assert resp.status_code == 200
    assert resp.get_json()["response"]["shouldEndSession"] is True


def test_create_app_from_the_environment_in_dev_mode(monkeypatch, caplog):
    monkeypatch.setenv("GESPREKSCOACH_DEV", "1")
    monkeypatch.setenv("GESPREKSCOACH_SKILL_ID", SKILL_ID)
    from skill.web import create_app

    with caplog.at_level(logging.WARNING, logger="gesprekscoach"):
        app = create_app()
    assert any("SIGNATURE CHECK IS OFF" in r.getMessage() for r in caplog.records)
    client = app.test_client()
    resp = _post(client, envelopes.launch(skill_id=SKILL_ID), signed=False)  # wall-clock timestamp
    assert resp.status_code == 200 and resp.get_json()["response"]["shouldEndSession"] is False
    assert _post(client, envelopes.launch(), signed=False).status_code == 400  # skill id still checked
    stale = envelopes.launch(skill_id=SKILL_ID, timestamp="2001-01-01T00:00:00Z")
    assert _post(client, stale, signed=False).get_json()["error"] == "timestamp_stale"


def test_create_app_verifies_signatures_by_default(monkeypatch):
    monkeypatch.delenv("GESPREKSCOACH_DEV", raising=False)
    from skill.web import create_app

    app = create_app(SkillConfig())
    resp = _post(app.test_client(), envelopes.launch(), signed=False)
    assert resp.status_code == 400 and resp.get_json()["error"] == "cert_url_missing"


# ----------------------------------------------------------------------------------------- logging


def test_one_structured_log_line_per_request_without_ids_or_words(caplog):
    app = _real_app()
    client = app.test_client()
    secret_words = "mijn buurvrouw heeft geheime zorgen"
    env = envelopes.intent("AMAZON.HelpIntent", timestamp=stamp(), slots=[envelopes.slot("onderwerp", secret_words)])
    with caplog.at_level(logging.DEBUG, logger="gesprekscoach"):
        assert _post(client, env).status_code == 200
    lines = _json_lines(caplog)
    assert len(lines) == 1
    line = lines[0]
    assert line["request_type"] == "IntentRequest" and line["intent"] == "AMAZON.HelpIntent"
    assert line["outcome"] == "ok" and line["status"] == 200 and isinstance(line["latency_ms"], float)
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (
        secret_words,
        "geheime",
        envelopes.DEFAULT_USER_ID,
        envelopes.DEFAULT_DEVICE_ID,
        env["session"]["sessionId"],
        env["request"]["requestId"],
    ):
        assert secret not in text
