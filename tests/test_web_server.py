"""The bounded server behind ``gesprekscoach serve`` (skill.web.server), in process on a free port:
slow clients cannot grow it, and the HTTP parser's own errors are short JSON (issue 13)."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

try:
    from tests.web_fixtures import make_app
except ImportError:  # tests/ on sys.path instead of the repo root
    from web_fixtures import make_app  # type: ignore

from skill.web.server import BoundedWSGIServer


@pytest.fixture
def server():
    app, *_ = make_app(dev=True)
    srv = BoundedWSGIServer("127.0.0.1", 0, app, workers=2, max_pending=2, request_timeout=2.0, read_timeout=5.0)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def _raw(port, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def _status_and_json(answer: bytes):
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def test_slow_clients_cannot_grow_the_server(server):
    before = threading.active_count()
    slow = []
    for _ in range(20):  # each sends half a request and then nothing
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        sock.sendall(b"POST /alexa HTTP/1.1\r\nHost: x\r\n")
        slow.append(sock)
    answers = []
    for sock in slow:  # the two in work and the two waiting are closed at the deadline; the rest at once
        data = b""
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        answers.append(data)
        sock.close()
    busy = [a for a in answers if a.startswith(b"HTTP/1.0 503")]
    assert all(_status_and_json(a)[1]["error"] == "busy" for a in busy)
    assert threading.active_count() <= before + 2  # the two workers; no thread per connection
    for _ in range(500):  # the watchdog has released every slot (no timing is asserted)
        if server.stats()["open"] == 0:
            break
        time.sleep(0.01)
    stats = server.stats()
    # four at a time (two at work, two waiting) until the deadline closes them; the rest got 503 at once
    # (on a slow machine a slot may come free again before all twenty have connected)
    assert stats["open"] == 0 and stats["refused"] == len(busy) >= 8
    assert stats["expired"] + stats["refused"] == 20
    assert all(a == b"" for a in answers if a not in busy)  # closed without an answer: nothing was sent
    status, body = _status_and_json(_raw(server.port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
    assert status == 200 and body["status"] == "ok"


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n",
        b"GET /health HTTP/1.1\r\n" + b"".join(b"X-H%d: 1\r\n" % n for n in range(120)) + b"\r\n",
    ],
)
def test_headers_the_parser_refuses_get_a_json_431(server, request_bytes):
    status, body = _status_and_json(_raw(server.port, request_bytes))
    assert status == 431 and body["error"] == "headers_too_large"


def test_a_request_line_too_long_gets_json(server):
    status, body = _status_and_json(_raw(server.port, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n"))
    assert status == 414 and body["error"] == "uri_too_long"
