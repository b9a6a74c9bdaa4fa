"""AlexaFastPath (skill/web/app.py) answers a well-formed POST /alexa without Flask's request
machinery. It must give exactly what the Flask view gives: every request below is sent to two apps
built alike, one as served (fast path in front) and one with Flask only, and the status, headers,
body and log line must be equal. The fast path must also really answer the common requests (else
this would compare Flask with itself), and hand everything unusual to Flask."""

from __future__ import annotations

import io
import json
import logging
import random

import pytest
from werkzeug.test import Client, EnvironBuilder

try:
    from tests.web_fixtures import body_of, broken_skill, make_app, signed_headers, stamp
except ImportError:  # tests/ on sys.path instead of the repo root
    from web_fixtures import body_of, broken_skill, make_app, signed_headers, stamp  # type: ignore

from skill.builder import build_skill
from skill.config import SkillConfig
from skill.dev import envelopes
from skill.web.app import DEFAULT_MAX_BODY_BYTES, AlexaFastPath


def _skill(broken: bool = False):
    return broken_skill() if broken else build_skill(SkillConfig(rng=random.Random(7)))


class Side:
    """An app as served, or the same app with Flask only; counts what the fast path handed on."""

    def __init__(self, fast: bool, broken: bool = False, **settings):
        self.app, *_ = make_app(skill=_skill(broken), **settings)
        middleware = self.app.wsgi_app
        assert isinstance(middleware, AlexaFastPath)
        self.handed_on = 0
        flask_wsgi = middleware.flask_wsgi

        def counting(environ, start_response):
            self.handed_on += 1
            return flask_wsgi(environ, start_response)

        middleware.flask_wsgi = counting
        self.wsgi = middleware if fast else flask_wsgi

    def send(self, environ, caplog):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="gesprekscoach.web"):
            body, status, headers = _run(self.wsgi, environ)
        lines = [json.loads(r.getMessage()) for r in caplog.records if r.getMessage().startswith("{")]
        for line in lines:
            line.pop("latency_ms", None)
        return status, sorted(headers), body, lines


def _run(wsgi, environ):
    out = {}

    def start_response(status, headers, exc_info=None):
        out["status"], out["headers"] = status, headers

    chunks = wsgi(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return body, out["status"], out["headers"]


def _environ(body: bytes = b"", headers=None, *, method="POST", path="/alexa", raw_environ=None):
    builder = EnvironBuilder(method=method, path=path, data=body, headers=headers or {})
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    environ.update(raw_environ or {})
    return environ


def _signed(envelope):
    body = body_of(envelope)
    return body, signed_headers(body)


BIG = b"x" * (DEFAULT_MAX_BODY_BYTES + 1)


def _cases():
    """(name, environ factory, whether the fast path answers it itself)."""
    cases = []
    from bench.dispatch import request_mix

    for label, env in request_mix():
        env["request"]["timestamp"] = stamp()
        body, headers = _signed(env)
        cases.append((f"mix {label}", lambda b=body, h=headers: _environ(b, headers=h), True))
    launch = envelopes.launch(timestamp=stamp())
    body, headers = _signed(launch)
    stale = _signed(envelopes.launch(timestamp="2001-01-01T00:00:00Z"))
    impossible = _signed(envelopes.launch(timestamp="2030-02-30T00:00:00Z"))
    bad_json = b'{"version": "1.0", "request": '
    cases += [
        ("not JSON", lambda: _environ(bad_json, headers=signed_headers(bad_json)), True),
        ("a JSON list", lambda: _environ(b"[1, 2]", headers=signed_headers(b"[1, 2]")), True),
        ("not an envelope", lambda: _environ(b'{"a": 1}', headers=signed_headers(b'{"a": 1}')), True),
        ("no signature", lambda: _environ(body, headers={"Content-Type": "application/json"}), True),
        (
            "wrong signature",
            lambda: _environ(body, headers={**headers, "Signature-256": signed_headers(b"other")["Signature-256"]}),
            True,
        ),
        ("stale", lambda: _environ(*stale), True),
        ("bad timestamp", lambda: _environ(*impossible), True),
        ("empty body", lambda: _environ(b"", signed_headers(b""), raw_environ={"CONTENT_LENGTH": "0"}), True),
        ("query string", lambda: _environ(body, path="/alexa?x=1", headers=headers), True),
        # handed to Flask:
        ("too large", lambda: _environ(BIG, headers=signed_headers(BIG)), False),
        ("GET", lambda: _environ(method="GET"), False),
        ("HEAD", lambda: _environ(method="HEAD"), False),
        ("other path", lambda: _environ(body, path="/alexa/", headers=headers), False),
        ("health", lambda: _environ(method="GET", path="/health"), False),
        (
            "chunked",
            lambda: _environ(
                body,
                headers=headers,
                raw_environ={"HTTP_TRANSFER_ENCODING": "chunked", "CONTENT_LENGTH": "", "wsgi.input_terminated": True},
            ),
            False,
        ),
        (
            "length with a plus",
            lambda: _environ(body, headers=headers, raw_environ={"CONTENT_LENGTH": f"+{len(body)}"}),
            False,
        ),
        (
            "length with spaces",
            lambda: _environ(body, headers=headers, raw_environ={"CONTENT_LENGTH": f" {len(body)} "}),
            False,
        ),
        ("no body", lambda: _environ(b"", headers=signed_headers(b"")), False),
        ("no length", lambda: _environ(body, headers=headers, raw_environ={"CONTENT_LENGTH": ""}), False),
        ("huge headers", lambda: _environ(body, headers={**headers, "X-Big": "y" * 70_000}), False),
        (
            "short body",
            lambda: _environ(body, headers=headers, raw_environ={"wsgi.input": io.BytesIO(body[:-10])}),
            False,
        ),
    ]
    return cases


CASES = _cases()


@pytest.mark.parametrize("name, make, fast", CASES, ids=[c[0] for c in CASES])
def test_the_fast_path_answers_exactly_as_flask_does(name, make, fast, caplog):
    served, flask_only = Side(True), Side(False)
    got = served.send(make(), caplog)
    expected = flask_only.send(make(), caplog)
    assert got == expected
    assert served.handed_on == (0 if fast else 1)
    assert got[0][:3] != "500"


def test_a_whole_conversation_is_the_same_both_ways(caplog):
    """A session, turn by turn: each request (the session attributes of the answer before) goes to
    both sides; the answers must be equal at every turn."""
    served, flask_only = Side(True), Side(False)
    attributes, session_id = None, "amzn1.echo-api.session.fastpath"
    intents = ["TipIntent", "QuizIntent", "AMAZON.HelpIntent", "AMAZON.RepeatIntent", "AMAZON.StopIntent"]
    answers = []
    for step in range(6):
        if step == 0:
            env = envelopes.launch(timestamp=stamp(), session_id=session_id)
        else:
            env = envelopes.intent(intents[step - 1], timestamp=stamp(), attributes=attributes, session_id=session_id)
        request = _signed(env)
        got, expected = served.send(_environ(*request), caplog), flask_only.send(_environ(*request), caplog)
        assert got == expected, f"turn {step}"
        answers.append(json.loads(got[2]))
        attributes = answers[-1].get("sessionAttributes")
    assert served.handed_on == 0
    assert answers[-1]["response"]["shouldEndSession"] is True
    assert all(a["response"]["shouldEndSession"] is False for a in answers[:-1])


def test_a_fault_in_the_skill_is_the_same_json_500_both_ways(caplog):
    served, flask_only = Side(True, broken=True), Side(False, broken=True)
    request = _signed(envelopes.launch(timestamp=stamp()))
    got, expected = served.send(_environ(*request), caplog), flask_only.send(_environ(*request), caplog)
    assert got == expected
    assert got[0] == "500 INTERNAL SERVER ERROR"
    assert json.loads(got[2]) == {"error": "internal_error", "message": "the skill could not handle this request"}
    assert got[3][-1]["outcome"] == "error" and served.handed_on == 0


def test_the_test_client_goes_through_the_fast_path():
    """So every other web test (they use app.test_client()) exercises it too."""
    served = Side(True)
    body, headers = _signed(envelopes.launch(timestamp=stamp()))
    assert Client(served.app).post("/alexa", data=body, headers=headers).status_code == 200
    assert served.app.test_client().post("/alexa", data=body, headers=headers).status_code == 200
    assert served.app.test_client().get("/health").status_code == 200
    assert served.handed_on == 1  # only the health check
