"""Fuzz a live server: random and mutated Alexa request envelopes (tests/fuzzing.py, the same mutator
as the property tests, driven by plain seeded randomness), plus garbage and oversized bodies, wrong
methods and paths, and the browser page (POST /api/turn with phrases, random text and junk; GET / and
its files), for N seconds; counts by status and error reason.

    .venv/bin/python bench/fuzz.py --seconds 30 [--threads 4] [--seed 1] [--port P]

Besides the envelopes, a share of the requests are built to cost the server work (issue 13): bodies
nested 100,000 deep, ``"timestamp": "1.1.1.…"`` and other timestamps Amazon never sends, thousands of
session keys, headers over 64 KiB or over 100 of them, and odd certificate URLs and signatures.

Without --port it starts ``gesprekscoach serve --dev`` on a free loopback port (signature check off,
timestamp check on: envelopes are stamped now; with --verify the signature check is on and every
request is refused on the unauthenticated path) and stops it at the end; with --port it fuzzes the
server already listening on 127.0.0.1:P. Every answer is checked: never a 500 (or any 5xx), every 200
a valid Alexa response within the limits (skill.dev.response_check), every 4xx a short JSON error.
Failures are written, with their request body, to --failures (JSONL). Exit status 1 on any failure.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402


CAP = 128 * 1024
JSON = {"Content-Type": "application/json"}
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-13.pem"


def crafted_body(rnd: random.Random, env) -> bytes:
    """Bodies built to cost the server work (issue 13), within the size cap."""
    kind = rnd.randrange(6)
    if kind == 0:
        return b"[" * rnd.randint(1000, CAP - 1)
    if kind == 1:
        return b'{"a":' * rnd.randint(1000, CAP // 5 - 1)
    env = env if isinstance(env, dict) and isinstance(env.get("request"), dict) else {"request": {}}
    if kind == 2:
        env["request"]["timestamp"] = ("1." * rnd.randint(10, 60_000))[:-1]
    elif kind == 3:
        env["request"]["timestamp"] = rnd.choice(
            [
                "2030-06-15T12:00:00+25:00",
                "2030-02-30T12:00:00Z",
                "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999Z",
                "2030-06-15T12:00:00" + " " * 1000 + "Z",
            ]
        )
    elif kind == 4:
        env["session"] = {"attributes": {f"k{i}": i for i in range(rnd.randint(100, 9000))}}
    else:
        env["session"] = {"attributes": {"x": "[" * 900 + "]" * 900}}
    body = json.dumps(env).encode("utf-8")
    return body[:CAP]


def crafted_headers(rnd: random.Random):
    """Headers an outsider might send: oversized, too many, odd certificate URLs and signatures."""
    kind = rnd.randrange(5)
    if kind == 0:
        return dict(JSON, **{"X-Big": "a" * rnd.randint(60_000, 80_000)})
    if kind == 1:
        return dict(JSON, **{f"X-Pad-{i}": "b" * 8000 for i in range(9)})
    if kind == 2:
        return dict(JSON, **{f"X-H{i}": "1" for i in range(rnd.randint(90, 130))})
    url = rnd.choice(
        [
            CERT_URL + "%3fx=1",
            CERT_URL + "%23" + str(rnd.randrange(99)),
            CERT_URL + "#x",
            "https://s3.amazonaws.com/echo.api/%252e%252e/evil/cert.pem",
            "https://s3.amazonaws.com/echo.api%2f..%2fevil/cert.pem",
            "https://s3.amazonaws.com/echo.api/\u00e9.pem",
            "http://127.0.0.1:1/echo.api/c.pem",
            CERT_URL,
        ]
    )
    signature = rnd.choice(["", "!!", "A" * 344, "=" * 4, "QUJD" * 20_000])
    return dict(JSON, **{"SignatureCertChainUrl": url, "Signature-256": signature})


PAGE_PHRASES = [
    "",
    "help",
    "stop",
    "start de quiz",
    "a",
    "waar",
    "volgende",
    "geef me een tip",
    "wat is lichaamstaal",
    "de checklist stap voor stap",
    "open empathisch gesprek",
    "blabla",
]


def page_request(rnd: random.Random):
    """The browser page: its endpoint with real phrases, random text and junk; the page and its files."""
    roll = rnd.random()
    if roll < 0.45:
        text = rnd.choice(PAGE_PHRASES)
    elif roll < 0.75:
        text = "".join(
            chr(rnd.choice([rnd.randint(32, 126), rnd.randint(0xA0, 0x2FFF), rnd.randint(0, 31)]))
            for _ in range(rnd.randint(0, rnd.choice([20, 400])))
        )
    elif roll < 0.85:
        junk = rnd.choice(
            [
                b"",
                b"{",
                b"[]",
                b'{"text": 1}',
                b'{"text": null}',
                b"\xff",
                os.urandom(rnd.randint(1, 100)),
                b'{"text": "' + b"x" * rnd.randint(200, 4000) + b'"}',
            ]
        )
        return "POST", "/api/turn", junk, None, JSON
    elif roll < 0.95:
        path = rnd.choice(["/", "/assets/gesprekscoach.js", "/assets/gesprekscoach.css", "/assets/nope"])
        return "GET", path, b"", None, JSON
    else:
        return rnd.choice(["GET", "PUT"]), "/api/turn", b"", None, JSON
    return "POST", "/api/turn", json.dumps({"text": text}).encode(), None, JSON


def make_request(rnd: random.Random, draw):
    """(method, path, body bytes, envelope or None, headers)."""
    from tests import fuzzing

    if rnd.random() < 0.15:
        return page_request(rnd)
    roll = rnd.random()
    if roll < 0.78:
        env = fuzzing.envelope(draw)
        return "POST", "/alexa", fuzzing.to_body(env), env, JSON
    if roll < 0.83:
        return "POST", "/alexa", crafted_body(rnd, fuzzing.envelope(draw)), None, JSON
    if roll < 0.86:
        env = fuzzing.envelope(draw)
        return "POST", "/alexa", fuzzing.to_body(env), None, crafted_headers(rnd)
    if roll < 0.90:
        junk = rnd.choice(
            [b"", b"{", b"[]", b"null", b"\xff\xfe\x00", b"NaN", b'{"version": "1.0"}', os.urandom(rnd.randint(1, 300))]
        )
        return "POST", "/alexa", junk, None, JSON
    if roll < 0.93:
        return "POST", "/alexa", b"{" + b" " * (CAP + rnd.randint(1, 5000)) + b"}", None, JSON
    if roll < 0.96:
        return rnd.choice(["GET", "PUT", "DELETE", "PATCH"]), "/alexa", b"", None, JSON
    if roll < 0.98:
        return "GET", rnd.choice(["/health", "/privacy", "/terms"]), b"", None, JSON
    return "POST", rnd.choice(["/", "/alexa/", "/admin", "/alexa?x=1", "/%00"]), b"{}", None, JSON


def judge(method, path, status, data, env):
    """'' when fine, else a short description of what is wrong."""
    from skill.dev.response_check import problems

    if status >= 500:
        return f"{status} from the server"
    if status == 200 and method == "GET" and (path == "/" or path.startswith("/assets/")):
        return ""  # the page and its files (not JSON)
    if status == 200 and path in ("/privacy", "/terms"):
        return "" if data.startswith(b"<!DOCTYPE html>") else "legal page is not HTML"
    try:
        payload = json.loads(data) if data else None
    except ValueError:
        return f"{status} with a body that is not JSON"
    if status == 200 and path == "/api/turn":
        if not (
            isinstance(payload, dict)
            and isinstance(payload.get("speech"), list)
            and isinstance(payload.get("understood"), str)
            and isinstance(payload.get("ended"), bool)
        ):
            return "a page answer without its fields"
        return ""
    if status == 200 and path == "/alexa" and method == "POST":
        found = problems(payload) if isinstance(payload, dict) else ["not an object"]
        return "invalid response: " + "; ".join(found) if found else ""
    if 400 <= status < 500:
        if not (isinstance(payload, dict) and isinstance(payload.get("error"), str)):
            return f"{status} without a JSON error"
        if len(data) > 1024:
            return f"{status} with a long error body"
    return ""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--seed", type=int, default=None, help="default: random (printed)")
    ap.add_argument("--port", type=int, default=None, help="fuzz a server already on 127.0.0.1:PORT")
    ap.add_argument("--max-requests", type=int, default=2_000_000)
    ap.add_argument(
        "--verify",
        action="store_true",
        help="start the server with the signature check ON (production mode): every request is "
        "unsigned, so this fuzzes the refusal path; the default (--dev) reaches the skill",
    )
    ap.add_argument(
        "--failures",
        default=os.path.join(tempfile.gettempdir(), "gesprekscoach-fuzz-failures.jsonl"),
        help="where failing requests are written (JSONL)",
    )
    args = ap.parse_args(argv)
    if not 0 < args.seconds <= 24 * 3600 or not 0 < args.threads <= 64:
        ap.error("--seconds must be in (0, 86400], --threads in (0, 64]")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)

    from tests import fuzzing

    server = None
    log = None
    port = args.port
    if port is None:
        port = common.free_port()
        log = tempfile.NamedTemporaryFile(prefix="gesprekscoach-fuzz-", suffix=".log", delete=False)
        env = {k: v for k, v in os.environ.items() if not k.startswith("GESPREKSCOACH_")}
        env["GESPREKSCOACH_WEB_RATE_BURST"] = str(10**9)  # let the page's turns reach the skill (429 is tested)
        server = subprocess.Popen(
            [common.venv_tool("gesprekscoach"), "serve"]
            + ([] if args.verify else ["--dev"])
            + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "WARNING"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=str(common.ROOT),
        )
    statuses, reasons = Counter(), Counter()
    failures = []
    lock = threading.Lock()
    budget = [args.max_requests]
    try:
        common.wait_for_port(port, timeout=30, proc=server)
        deadline = time.monotonic() + args.seconds

        def worker(n: int) -> None:
            rnd = random.Random(seed * 1000 + n)
            draw = fuzzing.RandomDraw(rnd)
            conn = None
            while time.monotonic() < deadline:
                with lock:
                    if budget[0] <= 0:
                        return
                    budget[0] -= 1
                method, path, body, env, headers = make_request(rnd, draw)
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
                    conn.request(method, path, body=body or None, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    status = resp.status
                    if resp.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = None
                except (OSError, http.client.HTTPException) as exc:
                    if conn is not None:
                        conn.close()
                    conn = None
                    if len(body) > CAP:  # the server may close on an oversized body
                        with lock:
                            statuses["closed (oversized body)"] += 1
                        continue
                    if sum(len(k) + len(v) for k, v in headers.items()) > 60_000 or len(headers) > 100:
                        with lock:  # the server answers 431 and closes while the client still writes
                            statuses["closed (oversized headers)"] += 1
                        continue
                    status, data = -1, repr(exc).encode()
                problem = judge(method, path, status, data, env) if status > 0 else f"no answer: {data!r}"
                reason = ""
                if 400 <= status < 500:
                    try:
                        reason = json.loads(data).get("error", "")
                    except (ValueError, AttributeError):
                        pass
                with lock:
                    statuses[status] += 1
                    if reason:
                        reasons[reason] += 1
                    if problem:
                        failures.append(
                            {
                                "problem": problem,
                                "method": method,
                                "path": path,
                                "status": status,
                                "body": body[:300000].decode("utf-8", "backslashreplace"),
                                "answer": data[:60000].decode("utf-8", "backslashreplace"),
                            }
                        )
            if conn is not None:
                conn.close()

        threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(args.threads)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.seconds + 60)
        elapsed = time.monotonic() - t0
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=5)
            log.close()

    total = sum(statuses.values())
    print(common.line("="))
    print(
        f"Fuzz: {total} requests in {elapsed:.1f} s ({total / elapsed:.0f}/s), {args.threads} threads, "
        f"seed {seed}, server "
        f"{('gesprekscoach serve' + ('' if args.verify else ' --dev')) if server else f'127.0.0.1:{port}'}"
    )
    print(common.line())
    print("  by status: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))))
    print("  4xx by reason: " + ", ".join(f"{k}: {v}" for k, v in reasons.most_common()))
    if failures:
        with open(args.failures, "w", encoding="utf-8") as fh:
            for f in failures:
                fh.write(json.dumps(f) + "\n")
        print(f"  UNEXPECTED FAILURES: {len(failures)} (written to {args.failures}); first: {failures[0]['problem']}")
        if server is not None:
            print(f"  server log: {log.name}")
    else:
        print("  unexpected failures: 0 (no 5xx, every 200 valid, every 4xx a JSON error)")
        if log is not None:
            os.unlink(log.name)
    print(common.line("="))
    print(
        json.dumps(
            {
                "bench": "fuzz",
                "requests": total,
                "seconds": round(elapsed, 1),
                "seed": seed,
                "statuses": {str(k): v for k, v in statuses.items()},
                "failures": len(failures),
            }
        )
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
