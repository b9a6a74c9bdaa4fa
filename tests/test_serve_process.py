"""``gesprekscoach serve`` as a real process on a free port, talked to over HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from skill.dev import envelopes
from tests.e2e_helpers import ServeProcess

SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"


class Server(ServeProcess):
    """The server process, with small HTTP helpers answering (status, JSON body)."""

    def request(self, method, path, body=None, headers=None):
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")

    def post(self, envelope):
        return self.request(
            "POST", "/alexa", json.dumps(envelope).encode(), {"Content-Type": "application/json; charset=utf-8"}
        )


@pytest.fixture
def dev_server():
    server = Server("--dev", "--skill-id", SKILL_ID)
    yield server
    if server.proc.poll() is None:
        server.stop()


def test_serve_dev_talks_alexa_over_http(dev_server):
    status, health = dev_server.request("GET", "/health")
    assert status == 200 and health == {"status": "ok", "skill": "gesprekscoach"}  # no configuration

    launch = envelopes.launch(skill_id=SKILL_ID)
    status, first = dev_server.post(launch)
    assert status == 200
    assert first["response"]["shouldEndSession"] is False
    assert first["response"]["outputSpeech"]["ssml"].startswith("<speak>")

    stop = envelopes.follow_up(envelopes.intent("AMAZON.StopIntent", skill_id=SKILL_ID), first, launch)
    status, last = dev_server.post(stop)
    assert status == 200 and last["response"]["shouldEndSession"] is True

    assert dev_server.post(envelopes.launch())[0] == 400  # skill id still checked in dev mode
    assert dev_server.request("GET", "/alexa")[0] == 405
    assert dev_server.request("POST", "/alexa", b"{oops")[0] == 400

    code, out, err = dev_server.stop()
    assert code == 0
    assert "SIGNATURE CHECK IS OFF" in err  # the clear dev warning
    lines = [
        json.loads(line.split(" gesprekscoach.web ", 1)[1])
        for line in err.splitlines()
        if " gesprekscoach.web {" in line
    ]
    assert [entry["status"] for entry in lines if entry["path"] == "/alexa"] == [200, 200, 400, 405, 400]
    assert lines[0]["request_type"] == "LaunchRequest"
    assert "Traceback" not in err
    assert envelopes.DEFAULT_USER_ID not in err


def test_serve_without_dev_refuses_unsigned_requests():
    server = Server(env={"GESPREKSCOACH_SKILL_ID": SKILL_ID})
    try:
        status, body = server.post(envelopes.launch(skill_id=SKILL_ID))
        assert status == 400 and body["error"] == "cert_url_missing"
        assert server.request("GET", "/health")[0] == 200
    finally:
        code, _, err = server.stop()
    assert code == 0
    assert "SIGNATURE CHECK IS OFF" not in err


def test_streamed_body_over_the_limit_is_413():
    import http.client
    from urllib.parse import urlsplit

    server = Server("--dev", "--max-body-bytes", "1000")
    try:
        address = urlsplit(server.url)
        for size, expected in [(5000, 413), (1001, 413), (1000, 400)]:  # 1000 bytes of "x" is not JSON
            conn = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
            chunks = (b"x" * 100 for _ in range(size // 100))
            tail = b"x" * (size % 100)
            conn.request(
                "POST",
                "/alexa",
                body=(c for part in (chunks, [tail]) for c in part if c),
                headers={"Transfer-Encoding": "chunked"},
                encode_chunked=True,
            )
            resp = conn.getresponse()
            assert resp.status == expected, (size, resp.status)
            assert json.loads(resp.read())["error"] in {"too_large", "invalid_json"}
            conn.close()
    finally:
        server.stop()
