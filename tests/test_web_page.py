"""The browser page's server side (skill.web.page) through the Flask test client: the page and its
headers, POST /api/turn (answers, sessions, the anonymous user id, limits, 429, bad input), and that
turning the page off or on never changes /alexa. The page itself in a real browser: test_browser.py."""

from __future__ import annotations

import json
import logging
import os
import random
import re
from html.parser import HTMLParser

import pytest

from skill.builder import build_skill
from skill.config import SkillConfig
from skill.web.page import (
    CSP,
    SESSION_COOKIE,
    STATE_PATH,
    USER_COOKIE,
    USER_PREFIX,
    PageSettings,
    StateSigner,
    load_secret,
)
from tests.web_fixtures import make_app


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def recording_skill():
    """The real skill, remembering every request envelope it was given (skill.envelopes)."""
    skill = build_skill(SkillConfig(rng=random.Random(4)))
    skill.envelopes = []
    invoke = skill.invoke

    def recording(request_envelope, context):
        skill.envelopes.append(skill.serializer.serialize(request_envelope))
        return invoke(request_envelope=request_envelope, context=context)

    skill.invoke = recording
    return skill


SKILL = build_skill(SkillConfig(rng=random.Random(4)))


KEY = b"k" * 32


def page_app(skill=SKILL, **page):
    clock = page.pop("clock", None) or FakeClock()
    page.setdefault("secret", KEY)
    app = make_app(skill=skill, page=PageSettings(clock=clock, wall_clock=clock, **page))[0]
    return app, clock


def state_of(client):
    cookie = client.get_cookie(SESSION_COOKIE, path=STATE_PATH)
    return cookie.value if cookie is not None else None


def turn(client, text, **kwargs):
    return client.post("/api/turn", json={"text": text}, **kwargs)


def quiz_reply(text):
    """An answer of the right kind to the quiz question that ends text (right or wrong)."""
    question = text.rsplit("Vraag ", 1)[-1]
    return "waar" if "niet waar" in question else "a"


def set_cookies(resp):
    return {c.split("=", 1)[0]: c for c in resp.headers.getlist("Set-Cookie")}


# ------------------------------------------------------------------------------------- the page


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_page_is_dutch_html_with_a_strict_csp_and_no_inline_code():
    app, _ = page_app()
    resp = app.test_client().get("/")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert resp.headers["Content-Security-Policy"] == CSP
    policy = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in CSP and "http" not in CSP
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    html = resp.get_data(as_text=True)
    parser = _Tags()
    parser.feed(html)
    tags = parser.tags
    assert ("html", {"lang": "nl"}) in tags
    scripts = [attrs for tag, attrs in tags if tag == "script"]
    assert scripts and all(a.get("src", "").startswith("/assets/") for a in scripts)
    assert "<style" not in html
    for tag, attrs in tags:
        assert "style" not in attrs, tag
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for key in ("src", "href"):
            if key in attrs:
                assert attrs[key].startswith(("/assets/", "#", "/privacy", "/terms")), attrs  # nothing from elsewhere
    ids = {attrs.get("id") for _, attrs in tags}
    assert {"gesprek", "invoer", "microfoon", "formulier", "status"} <= ids
    log = next(attrs for tag, attrs in tags if attrs.get("id") == "gesprek")
    assert log["aria-live"] == "polite" and log["role"] == "log"


@pytest.mark.parametrize(
    "path, mimetype",
    [
        ("/assets/gesprekscoach.js", "text/javascript"),
        ("/assets/gesprekscoach.css", "text/css"),
        ("/assets/icon.png", "image/png"),
    ],
)
def test_static_files_are_served_with_the_same_headers(path, mimetype):
    app, _ = page_app()
    resp = app.test_client().get(path)
    assert resp.status_code == 200 and resp.mimetype == mimetype
    assert resp.headers["Content-Security-Policy"] == CSP
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_page_weight_stays_small():
    app, _ = page_app()
    client = app.test_client()
    total = sum(
        len(client.get(p).data)
        for p in ("/", "/assets/gesprekscoach.js", "/assets/gesprekscoach.css", "/assets/icon.png")
    )
    assert total < 40 * 1024, total


def test_opening_the_page_loads_the_resolver_in_the_background_and_alexa_never_does():
    app, _ = page_app(skill=build_skill(SkillConfig(rng=random.Random(4))))
    coach = app.blueprints["page"].coach
    from skill.dev import envelopes
    from tests.web_fixtures import body_of

    app.test_client().post("/alexa", data=body_of(envelopes.launch()), headers={"Content-Type": "application/json"})
    assert coach.warming is None and coach._chat is None
    app.test_client().get("/")
    coach.warming.join(60)
    assert coach._chat is not None
    assert turn(app.test_client(), "geef me een tip").get_json()["understood"] == "TipIntent"


def test_the_page_gives_the_browser_an_anonymous_user_cookie_once():
    app, _ = page_app()
    client = app.test_client()
    resp = client.get("/")
    cookie = set_cookies(resp)[USER_COOKIE]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "Max-Age=31536000" in cookie and "Secure" not in cookie  # plain http on the loopback
    assert USER_COOKIE not in set_cookies(client.get("/"))  # kept, not replaced
    behind_https = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in set_cookies(behind_https)[USER_COOKIE]


# ------------------------------------------------------------------------------------ the turn


def test_a_question_gets_the_answer_its_card_and_speech_pieces():
    app, _ = page_app()
    resp = turn(app.test_client(), "wat is lichaamstaal")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert resp.headers["Cache-Control"] == "no-store"
    data = resp.get_json()
    assert data["understood"] == "PrincipleIntent principe='lichaamstaal' -> non_verbaal"
    assert data["text"].startswith("Let op non-verbale signalen.")
    assert data["card"]["title"] == "Let op non-verbale signalen"
    assert data["ended"] is False  # the page is the opened skill: the answer asks a follow-up question
    assert [p["text"] for p in data["speech"] if p["text"]][0] == "Let op non-verbale signalen."
    assert all(p["rate"] == 0.95 for p in data["speech"])
    assert all(p["pause_ms"] >= 0 for p in data["speech"]) and any(p["pause_ms"] for p in data["speech"])


def test_empty_text_opens_the_skill_and_stop_ends_it():
    app, _ = page_app()
    client = app.test_client()
    opened = turn(client, "").get_json()
    assert opened["understood"] == "LaunchRequest" and opened["ended"] is False
    stopped = turn(client, "stop").get_json()
    assert stopped["understood"] == "AMAZON.StopIntent" and stopped["ended"] is True


def test_session_attributes_travel_between_turns_in_a_signed_cookie():
    app, _ = page_app()
    client = app.test_client()
    first = turn(client, "start de quiz")
    cookie = set_cookies(first)[SESSION_COOKIE]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age" not in cookie
    assert f"Path={STATE_PATH}" in cookie and len(cookie) < 4096
    assert "Vraag 1 van 5" in first.get_json()["text"]
    answer = quiz_reply(first.get_json()["text"])
    second = turn(client, answer).get_json()
    assert second["understood"].startswith("QuizAnswerIntent")
    assert "Vraag 2 van 5" in second["text"]
    # another browser (no cookies) is another conversation
    other = turn(app.test_client(), answer).get_json()
    assert "Vraag 2 van 5" not in other["text"]
    ended = turn(client, "stop")
    assert ended.get_json()["ended"] is True
    assert state_of(client) is None  # an ended conversation's state is deleted
    assert (
        "Max-Age=0" in set_cookies(ended)[SESSION_COOKIE]
        or "Expires=Thu, 01 Jan 1970" in set_cookies(ended)[SESSION_COOKIE]
    )


def test_any_worker_with_the_same_key_takes_the_next_turn(tmp_path):
    """gunicorn --workers 2: two app processes; the conversation goes on whichever answers. Without a
    configured secret they share the key file (made once, mode 0600)."""
    secret_file = str(tmp_path / "web-secret")
    one = page_app(secret=None, secret_file=secret_file)[0]
    two = page_app(secret=None, secret_file=secret_file)[0]
    assert (os.stat(secret_file).st_mode & 0o777) == 0o600
    client = one.test_client()
    text = turn(client, "start de quiz").get_json()["text"]
    for number, app in ((2, two), (3, one), (4, two)):
        client = copy_cookies(client, app)
        text = turn(client, quiz_reply(text)).get_json()["text"]
        assert f"Vraag {number} van 5" in text, text
    # a worker with another key does not accept the state: a new conversation, not an error
    stranger = copy_cookies(client, page_app(secret=b"s" * 32)[0])
    assert "Vraag 5 van 5" not in turn(stranger, quiz_reply(text)).get_json()["text"]


def copy_cookies(client, app):
    other = app.test_client()
    for name, path in ((USER_COOKIE, "/"), (SESSION_COOKIE, STATE_PATH)):
        cookie = client.get_cookie(name, path=path)
        if cookie is not None:
            other.set_cookie(name, cookie.value, path=path)
    return other


def test_the_skill_gets_a_real_envelope_with_the_browsers_user_id():
    recording = recording_skill()
    app, _ = page_app(skill=recording)
    client = app.test_client()
    client.get("/")
    user = client.get_cookie(USER_COOKIE).value
    turn(client, "geef een open vraag")
    launch, examples = recording.envelopes[-2:]  # text outside a session first opens one
    assert launch["request"]["type"] == "LaunchRequest"
    assert examples["request"]["intent"]["name"] == "ExamplesIntent"
    slot = examples["request"]["intent"]["slots"]["principe"]
    assert slot["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"] == "open_vragen"
    assert examples["session"]["sessionId"] == launch["session"]["sessionId"]
    for env in (launch, examples):
        assert env["session"]["user"]["userId"] == USER_PREFIX + user
        assert env["context"]["System"]["user"]["userId"] == USER_PREFIX + user
    other = app.test_client()
    turn(other, "help")
    assert recording.envelopes[-1]["session"]["user"]["userId"] != USER_PREFIX + user


def test_a_forged_tampered_or_foreign_state_is_not_trusted():
    app, _ = page_app()
    client = app.test_client()
    client.set_cookie(USER_COOKIE, "x")
    client.set_cookie(SESSION_COOKIE, "<script>", path=STATE_PATH)
    resp = turn(client, "help")
    assert resp.status_code == 200 and USER_COOKIE in set_cookies(resp)  # a broken user id is replaced
    assert client.get_cookie(USER_COOKIE).value != "x"
    text = turn(client, "start de quiz").get_json()["text"]
    good = state_of(client)
    body = good.split(".")[1]
    tampered = good.replace(body, body[:-2] + ("AA" if body[-2:] != "AA" else "BB"))
    for bad in (tampered, "1." + body + ".forged", "2" + good[1:], "A" * 40, good + "x"):
        client.set_cookie(SESSION_COOKIE, bad, path=STATE_PATH)
        answer = turn(client, quiz_reply(text)).get_json()
        assert "Vraag 2 van 5" not in answer["text"], bad  # not the quiz: a new conversation
        client.set_cookie(SESSION_COOKIE, good, path=STATE_PATH)
    # the good state in another browser (another user id) is worth nothing
    thief = app.test_client()
    turn(thief, "help")
    thief.set_cookie(SESSION_COOKIE, good, path=STATE_PATH)
    assert "Vraag 2 van 5" not in turn(thief, quiz_reply(text)).get_json()["text"]
    # and in its own browser it still works
    assert "Vraag 2 van 5" in turn(client, quiz_reply(text)).get_json()["text"]


# ---------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "body, content_type, status, reason",
    [
        (b"{", "application/json", 400, "invalid_json"),
        (b"\xff\xfe", "application/json", 400, "invalid_json"),
        (b"[]", "application/json", 400, "bad_request"),
        (b'"tip"', "application/json", 400, "bad_request"),
        (b'{"text": 3}', "application/json", 400, "bad_request"),
        (b'{"text": ["a"]}', "application/json", 400, "bad_request"),
        (b'{"text": "a\\u0000b"}', "application/json", 400, "bad_text"),
        (b'{"text": "tip"}', "text/plain", 415, "unsupported_media_type"),
        (b"text=tip", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (json.dumps({"text": "a" * 301}).encode(), "application/json", 413, "text_too_long"),
        (json.dumps({"text": "a " * 2000}).encode(), "application/json", 413, "too_large"),
    ],
)
def test_bad_requests_get_a_short_json_4xx(body, content_type, status, reason):
    app, _ = page_app()
    resp = app.test_client().post("/api/turn", data=body, headers={"Content-Type": content_type})
    assert resp.status_code == status
    assert resp.mimetype == "application/json" and resp.get_json()["error"] == reason
    assert len(resp.data) < 300


def test_text_up_to_the_cap_is_answered():
    app, _ = page_app()
    resp = turn(app.test_client(), "tip " * 75)  # 299 characters after folding spaces
    assert resp.status_code == 200 and resp.get_json()["understood"] == "AMAZON.FallbackIntent"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_wrong_method_on_the_endpoint_is_405_json(method):
    app, _ = page_app()
    resp = app.test_client().open("/api/turn", method=method)
    assert resp.status_code == 405 and resp.get_json()["error"] == "method_not_allowed"


def test_rate_limit_per_client_answers_429_with_json_and_retry_after():
    app, clock = page_app(rate_burst=3, rate_per_minute=30)
    client = app.test_client()
    for _ in range(3):
        assert turn(client, "help").status_code == 200
    refused = turn(client, "help")
    assert refused.status_code == 429 and refused.get_json()["error"] == "rate_limited"
    assert refused.headers["Retry-After"] == "2"
    assert turn(client, "help", environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code == 200  # another client
    clock.now += 2  # one token back (30 a minute)
    assert turn(client, "help").status_code == 200
    assert turn(client, "help").status_code == 429
    # bad requests count as well: garbage cannot be sent faster than questions
    clock.now += 60
    for _ in range(3):
        assert client.post("/api/turn", data=b"{", headers={"Content-Type": "application/json"}).status_code == 400
    assert turn(client, "help").status_code == 429


def test_rate_limiter_forgets_clients_once_their_budget_is_whole_again():
    from skill.web.page import RateLimiter

    clock = FakeClock()
    limiter = RateLimiter(burst=2, per_minute=60, max_clients=3, clock=clock)
    assert limiter.allow("a") == (True, 0) and limiter.allow("b") == (True, 0)
    assert len(limiter) == 2
    clock.now += 1  # a and b have their 2 tokens back
    assert limiter.allow("c") == (True, 0) and len(limiter) == 1  # only c is remembered
    for key in "defg":
        limiter.allow(key)
    assert len(limiter) == 3  # the cap


def test_forwarded_for_is_read_only_behind_a_trusted_proxy():
    app, _ = page_app(rate_burst=1, rate_per_minute=1)
    client = app.test_client()
    assert turn(client, "help", headers={"X-Forwarded-For": "1.1.1.1"}).status_code == 200
    assert turn(client, "help", headers={"X-Forwarded-For": "2.2.2.2"}).status_code == 429  # not trusted
    app, _ = page_app(rate_burst=1, rate_per_minute=1, proxy_hops=1)
    client = app.test_client()
    assert turn(client, "help", headers={"X-Forwarded-For": "1.1.1.1"}).status_code == 200
    assert turn(client, "help", headers={"X-Forwarded-For": "1.1.1.1"}).status_code == 429
    assert turn(client, "help", headers={"X-Forwarded-For": "9.9.9.9, 2.2.2.2"}).status_code == 200
    assert turn(client, "help", headers={"X-Forwarded-For": "8.8.8.8, 2.2.2.2"}).status_code == 429  # the proxy's view


def test_nothing_a_visitor_types_is_logged(caplog):
    app, _ = page_app()
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="gesprekscoach"):
        turn(client, "geheimwoordje lichaamstaal")
        turn(client, "mijn zoon wil niet meer leven")
        client.post("/api/turn", data=b'{"text": "onleesbaargeheim', headers={"Content-Type": "application/json"})
    lines = [r.getMessage() for r in caplog.records]
    assert any('"path": "/api/turn"' in line and '"intent"' in line for line in lines)
    for word in ("geheimwoordje", "lichaamstaal", "zoon", "leven", "onleesbaargeheim"):
        assert not [line for line in lines if word in line], word


# -------------------------------------------------------------------------------- the sessions


def test_state_signer_round_trip_expiry_size_and_bombs():
    clock = FakeClock()
    signer = StateSigner(KEY, idle_seconds=60, max_bytes=600, clock=clock)
    value = signer.dump("u1", "sess-1", {"quiz": {"n": 1}, "woord": "één"})
    loaded = signer.load("u1", value)
    assert (loaded.session_id, loaded.attributes) == ("sess-1", {"quiz": {"n": 1}, "woord": "één"})
    assert signer.load("u2", value) is None  # bound to the browser's user id
    assert StateSigner(b"x" * 32, 60, 600, clock).load("u1", value) is None  # another key
    assert signer.dump("u1", None, {"x": 1}) is None  # a closed session keeps nothing
    assert signer.dump("u1", "s", {"big": secrets_text(2000)}) is None  # over the cap: not kept
    clock.now += 61
    assert signer.load("u1", value) is None  # too old
    clock.now -= 200
    assert signer.load("u1", value) is None  # from the future
    clock.now += 139
    assert signer.load("u1", value) is not None
    # a small, validly signed state that inflates beyond 64 kB is refused, not unpacked
    import base64
    import zlib

    bomb = base64.urlsafe_b64encode(zlib.compress(b'{"s":"x","a":{"k":"' + b"a" * 200_000 + b'"},"t":1000}', 9))
    body = bomb.decode().rstrip("=")
    big = StateSigner(KEY, 60, 4000, clock)
    assert big.load("u1", f"1.{body}.{big._mac('u1', body)}") is None
    for junk in ("", "1..", "1.x.y", "1.!!.y", "a.b.c.d", None):
        assert signer.load("u1", junk) is None


def secrets_text(n):
    import secrets

    return secrets.token_hex(n // 2)


def test_signing_key_from_the_environment_or_a_private_file(tmp_path):
    assert load_secret(PageSettings(secret=b"geheim" * 6)) == b"geheim" * 6
    path = str(tmp_path / "sub" / "web-secret")
    first = load_secret(PageSettings(secret_file=path))
    assert len(first) == 32 and load_secret(PageSettings(secret_file=path)) == first
    assert (os.stat(path).st_mode & 0o777) == 0o600
    env = PageSettings.from_env({"GESPREKSCOACH_WEB_SECRET": "s3cret", "XDG_DATA_HOME": str(tmp_path)})
    assert env.secret == b"s3cret" and env.secret_file == str(tmp_path / "gesprekscoach" / "web-secret")
    unwritable = tmp_path / "file"
    unwritable.write_text("")
    assert len(load_secret(PageSettings(secret_file=str(unwritable / "x")))) == 32  # this process only


def test_an_expired_session_starts_a_new_conversation():
    app, clock = page_app(session_idle_seconds=60)
    client = app.test_client()
    assert "Vraag 1 van 5" in turn(client, "start de quiz").get_json()["text"]
    clock.now += 61
    data = turn(client, "a").get_json()
    assert "Vraag 2 van 5" not in data["text"] and data["ended"] is False


# ---------------------------------------------------------------------- on, off, and /alexa unharmed


def test_no_web_turns_the_page_off_and_alexa_stays_the_same():
    from skill.web import WebSettings

    assert WebSettings.from_env({"GESPREKSCOACH_NO_WEB": "1"}).web_page is False
    assert WebSettings.from_env({}).web_page is True
    app, *_ = make_app(skill=SKILL, web_page=False)
    client = app.test_client()
    assert client.get("/").status_code == 404 and client.get("/").get_json()["error"] == "not_found"
    assert turn(client, "help").status_code == 404
    assert client.get("/assets/gesprekscoach.js").status_code == 404
    assert client.get("/health").status_code == 200


@pytest.mark.parametrize("web_page", [True, False])
def test_alexa_verification_is_the_same_with_the_page_on(web_page):
    from skill.dev import envelopes
    from tests.web_fixtures import body_of

    app, *_ = make_app(skill=SKILL, web_page=web_page)
    body = body_of(envelopes.launch())
    resp = app.test_client().post("/alexa", data=body, headers={"Content-Type": "application/json"})
    assert resp.status_code == 400  # unsigned: refused, page or not
    assert "Content-Security-Policy" not in resp.headers or web_page is False


def test_serve_no_web_flag():
    import urllib.error
    import urllib.request

    from tests.e2e_helpers import ServeProcess

    with ServeProcess("--no-web") as server:
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(server.url + "/", timeout=5)
        assert err.value.code == 404
    with ServeProcess(env={"GESPREKSCOACH_NO_WEB": "1"}) as server:
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(server.url + "/", timeout=5)
        assert err.value.code == 404
    with ServeProcess() as server:
        with urllib.request.urlopen(server.url + "/", timeout=5) as resp:
            assert resp.status == 200 and b'<html lang="nl">' in resp.read()


# ------------------------------------------------------------------------------ speech pieces


def test_speech_pieces_follow_the_ssml_of_a_real_answer():
    app, _ = page_app()
    data = turn(app.test_client(), "geef een open vraag").get_json()
    quotes = [p for p in data["speech"] if p["rate"] == 0.9]
    assert quotes and all(p["pause_ms"] >= 600 for p in quotes)
    assert {q["text"] for q in quotes} <= {m for m in re.findall(r"‘([^’]+)’", data["text"])}


# ------------------------------------------------------------------- memory (issue 9) per browser


def test_each_browser_has_its_own_memory_and_can_wipe_it(tmp_path):
    """With a store, the anonymous user id of a browser carries its progress across conversations;
    another browser has none; "wis mijn gegevens" wipes it."""
    from tests.memory_helpers import rows, store_skill

    db = tmp_path / "profiles.db"
    app, _ = page_app(skill=store_skill(f"sqlite:{db}"))
    mine, other = app.test_client(), app.test_client()
    turn(mine, "praat wat langzamer")
    slow = turn(mine, "geef me een tip").get_json()
    assert max(p["rate"] for p in slow["speech"]) < 0.95  # the pace reaches the page's speech pieces
    turn(mine, "stop")
    user = mine.get_cookie(USER_COOKIE).value
    assert rows(db) and all(user not in key for key, _, _ in rows(db))  # stored, not under the raw cookie
    again = turn(mine, "geef me een tip").get_json()
    assert max(p["rate"] for p in again["speech"]) < 0.95  # remembered in a new conversation
    fresh = turn(other, "geef me een tip").get_json()
    assert max(p["rate"] for p in fresh["speech"]) == 0.95  # another browser, another person
    asked = turn(mine, "wis mijn gegevens").get_json()
    assert asked["understood"] == "ForgetMeIntent" and asked["ended"] is False
    done = turn(mine, "ja").get_json()
    assert done["ended"] is True
    after = turn(mine, "geef me een tip").get_json()
    assert max(p["rate"] for p in after["speech"]) == 0.95  # the pace is forgotten


def test_every_practice_scenario_can_be_played_in_the_page_and_distress_leaves_it():
    """Issue 11: practising in the browser page: the role play starts, typed replies fill the elicited
    reply whole, each scenario runs to its summary, "ja" starts another, until every scenario has been
    played; a distress statement mid-practice gets the care answer; "stop met oefenen" leaves."""
    from skill.content import load_content
    from skill.practice.scenarios import load_scenarios

    scenarios = load_scenarios(load_content())
    situations = {s.situation: s.id for s in (scenarios.get(i) for i in scenarios.ids)}
    app, _ = page_app(skill=build_skill(SkillConfig(rng=random.Random(4))), rate_burst=100000)
    client = app.test_client()
    turn(client, "")
    data = turn(client, "laten we oefenen").get_json()
    played = set()
    for _ in range(60):
        assert data["understood"] == "PracticeIntent" or data["understood"].startswith("AMAZON.YesIntent")
        now = [sid for text, sid in situations.items() if text in data["text"]]
        assert len(now) == 1, data["text"]
        replies = ["wat maakt het zo zwaar", "ben je moe", "het klinkt alsof het je te veel wordt"] * 3
        for words in replies:  # 3 to 5 answers, then the summary and the offer of another one
            data = turn(client, words).get_json()
            assert data["understood"] == f"PracticeReplyIntent antwoord_vrij='{words}'" and not data["ended"]
            if "nog een gesprek oefenen?" in data["text"]:
                break
        assert "nog een gesprek oefenen?" in data["text"]
        played.add(now[0])
        if played == set(scenarios.ids):
            break
        data = turn(client, "ja").get_json()
    assert played == set(scenarios.ids)
    # mid-practice: real distress leaves the role play for the care answer; it can be resumed
    data = turn(client, "ja").get_json()
    data = turn(client, "sorry, ik wil eigenlijk zelf niet meer leven").get_json()
    assert data["understood"].startswith("CrisisIntent") and "113" in data["text"] and not data["ended"]
    data = turn(client, "ga verder met oefenen").get_json()
    assert data["understood"].startswith("ResumeIntent") and not data["ended"]
    data = turn(client, "stop met oefenen").get_json()
    assert data["understood"].startswith("LeaveIntent") and not data["ended"]
