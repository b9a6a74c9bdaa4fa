"""The bounded WSGI server behind ``gesprekscoach serve``.

werkzeug's threaded server starts a thread per connection, with no limit and no timeout: slow clients
(a header line every few seconds) grow it without bound. This one is werkzeug's server with
* a fixed pool of ``workers`` threads and at most ``max_pending`` more connections waiting for one;
  beyond that a connection gets an immediate 503 JSON answer and is closed;
* one deadline per connection, ``request_timeout`` seconds from accept to the last byte of the answer
  (one request per connection: HTTP/1.0, ``Connection: close``); a watchdog closes the socket when it
  passes, whatever the client is doing; and a ``read_timeout`` for each read;
* JSON for the errors the HTTP parser answers itself (a header line over 64 KiB: 431, a request line
  too long: 414, a malformed request: 400), with one log line each.

It is fine for a small skill and for local use. In production run gunicorn behind an HTTPS reverse
proxy that buffers requests (docs/deploy.md lists the limits to set on both).
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, Optional

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler

log = logging.getLogger("gesprekscoach.web")

DEFAULT_WORKERS = 8
DEFAULT_MAX_PENDING = 32
DEFAULT_REQUEST_TIMEOUT = 30.0
DEFAULT_READ_TIMEOUT = 10.0

_PARSER_ERRORS = {
    400: "bad_request",
    408: "timeout",
    414: "uri_too_long",
    431: "headers_too_large",
    501: "not_implemented",
    505: "http_version_not_supported",
}


def _json_line(fields: Dict[str, object]) -> str:
    return json.dumps(dict({"event": "http"}, **fields), sort_keys=True)


class JsonErrorRequestHandler(WSGIRequestHandler):
    """werkzeug's handler; the errors Python's HTTP parser sends itself come out as short JSON."""

    protocol_version = "HTTP/1.0"  # one request per connection: the connection deadline is the request's

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None) -> None:
        reason = _PARSER_ERRORS.get(code, "bad_request")
        short = self.responses.get(code, ("Bad Request",))[0]
        body = json.dumps({"error": reason, "message": short}).encode("utf-8")
        log.info(_json_line({"status": code, "outcome": "rejected", "reason": reason, "detail": (message or "")[:120]}))
        try:
            self.send_response(code, short)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if getattr(self, "command", "") != "HEAD" and code >= 200 and code not in (204, 304):
                self.wfile.write(body)
        except OSError:
            pass
        self.close_connection = True

    def log_request(self, code="-", size="-") -> None:  # our app logs one JSON line per request
        pass


class BoundedWSGIServer(BaseWSGIServer):
    """A WSGI server with a bounded worker pool, a bounded wait queue and a deadline per connection."""

    multithread = True

    def __init__(
        self,
        host: str,
        port: int,
        app,
        *,
        workers: int = DEFAULT_WORKERS,
        max_pending: int = DEFAULT_MAX_PENDING,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
    ):
        handler = type("BoundedRequestHandler", (JsonErrorRequestHandler,), {"timeout": read_timeout})
        super().__init__(host, port, app, handler=handler)
        self.workers = max(1, int(workers))
        self.max_pending = max(0, int(max_pending))
        self.request_timeout = float(request_timeout)
        self._slots = threading.BoundedSemaphore(self.workers + self.max_pending)
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="gesprekscoach-worker")
        self._deadlines: Dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self.refused = 0  # connections answered 503 because every slot was taken
        self.expired = 0  # connections closed by the watchdog
        self._watchdog = threading.Thread(target=self._watch, name="gesprekscoach-watchdog", daemon=True)
        self._watchdog.start()

    # socketserver calls this for every accepted connection, in the accepting thread
    def process_request(self, request, client_address) -> None:
        if not self._slots.acquire(blocking=False):
            self.refused += 1
            self._busy(request)
            return
        with self._lock:
            self._deadlines[request] = time.monotonic() + self.request_timeout
        try:
            self._pool.submit(self._work, request, client_address)
        except RuntimeError:  # the pool is shut down
            self._done(request)

    def _work(self, request, client_address) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self._done(request)

    def _done(self, request) -> None:
        with self._lock:
            self._deadlines.pop(request, None)
        self.shutdown_request(request)
        self._slots.release()

    def _busy(self, request) -> None:
        body = json.dumps({"error": "busy", "message": "server busy, try again"}).encode("utf-8")
        head = (
            f"HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
        ).encode("ascii")
        log.warning(_json_line({"status": 503, "outcome": "rejected", "reason": "busy"}))
        try:
            request.setblocking(False)  # a small answer fits the socket buffer; never wait for a client
            request.send(head + body)
        except OSError:
            pass
        self.shutdown_request(request)

    def _watch(self) -> None:
        while not self._closing.wait(0.2):
            now = time.monotonic()
            with self._lock:
                late = [sock for sock, deadline in self._deadlines.items() if deadline <= now]
                for sock in late:
                    del self._deadlines[sock]
            for sock in late:
                self.expired += 1
                try:
                    sock.shutdown(socket.SHUT_RDWR)  # wakes the worker blocked on it
                except OSError:
                    pass

    def stats(self) -> Dict[str, int]:
        with self._lock:
            open_now = len(self._deadlines)
        return {
            "open": open_now,
            "refused": self.refused,
            "expired": self.expired,
            "workers": self.workers,
            "max_pending": self.max_pending,
        }

    def server_close(self) -> None:
        self._closing.set()
        super().server_close()
        self._pool.shutdown(wait=False, cancel_futures=True)
