"""Refusal benchmark (issue 13): what an unauthenticated request costs the webservice.

    .venv/bin/python bench/refusal.py [--rounds 15] [--passes 20] [--max-seconds 120]

One app in its production configuration (signature check on, the suite's throwaway PKI trusted, the
chain served from memory and cached by a genuine request first), driven in process through Flask's test
client. Every request below is refused; per request we time

- plain:   an ordinary LaunchRequest envelope (about 1 KiB) with a Signature-256 that does not match,
  either forged (random bytes) or replayed (a genuine signature by the key over another body);
- crafted: bodies just under the 128 KiB size cap with the same signatures (or none, or a refused
  certificate URL): the issue's ``"timestamp": "1.1.1.…"`` body, 128 Ki of ``[``, thousands of keys,
  long escaped strings, and a timestamp with a ``+25:00`` offset.

The figure is the ratio crafted / plain per kind (median of per-round ratios; the sides of a round
run back to back), and the worst kind. Goal: at most 2 for every kind. The body is never parsed; a
forged signature fails on the RSA operation before the body is hashed, a replayed one costs one
SHA-256 over the body (what remains of the difference, with reading 128 KiB).

It runs against any checkout: ``PYTHONPATH=<old checkout> .venv/bin/python bench/refusal.py --passes 1
--rounds 3`` measures the code before the fix (where the crafted timestamp costs about a second).

``--http`` measures what the issue saw instead: gunicorn (2 workers x 4 threads, the real skill, the
same throwaway PKI shared through PEM files) on loopback; the latency of genuine signed requests sent
one after another, first alone, then while ``--attackers`` connections (default 24) send the crafted
``1.1.1.…`` body with a replayed signature as fast as they can. Alexa gives up after 8 s.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402

TARGET = 2.0
CAP = 128 * 1024


def _pad(env: dict, key_path, filler) -> bytes:
    """The envelope with ``filler(n)`` at key_path, grown to just under the size cap."""
    target = env
    for key in key_path[:-1]:
        target = target[key]
    target[key_path[-1]] = filler(0)
    base = len(json.dumps(env).encode())
    n = CAP - base - 64
    while True:
        target[key_path[-1]] = filler(n)
        body = json.dumps(env, ensure_ascii=False).encode("utf-8")
        if len(body) <= CAP - 16:
            return body
        n -= max(16, (len(body) - CAP) // 2 + 16)


def crafted_bodies(launch) -> dict:
    def dots(n):
        return ("1." * (n // 2))[:-1] or "1"

    bodies = {
        "timestamp 1.1.1...": _pad(launch(), ("request", "timestamp"), dots),
        "timestamp +25:00": _pad(
            launch(), ("request", "timestamp"), lambda n: "2030-06-15T12:00:00" + " " * n + "+25:00"
        ),
        "many keys": _pad(launch(), ("session", "attributes"), lambda n: {f"k{i}": i for i in range(n // 12)}),
        "long escaped strings": _pad(launch(), ("session", "attributes"), lambda n: {"s": '\u00e9\\"\n' * (n // 14)}),
    }
    bodies["nesting [[[["] = b"[" * (CAP - 16)
    return bodies


def http_app():
    """The gunicorn app for --http: production configuration with the PKI in $BENCH_REFUSAL_DIR."""
    import os

    from cryptography import x509

    from skill.builder import build_skill
    from skill.config import SkillConfig
    from skill.web import WebSettings, create_app
    from skill.web.verifier import load_pem_bundle
    from tests.web_fixtures import CERT_URL, Clock, FakeFetcher

    folder = os.environ["BENCH_REFUSAL_DIR"]
    with open(os.path.join(folder, "root.pem"), "rb") as fh:
        root = x509.load_pem_x509_certificate(fh.read())
    with open(os.path.join(folder, "chain.pem"), "rb") as fh:
        chain = fh.read()
    assert load_pem_bundle(chain)
    settings = WebSettings(trust_roots=[root], fetcher=FakeFetcher({CERT_URL: chain}), clock=Clock())
    return create_app(SkillConfig(), settings, skill=build_skill(SkillConfig()))


def http_main(args) -> int:
    import http.client
    import tempfile
    import threading

    from bench.serving import Gunicorn
    from skill.dev import envelopes
    from tests.web_fixtures import CERT_URL, body_of, pem, pki, sign, stamp

    p = pki()
    folder = tempfile.mkdtemp(prefix="bench-refusal-")
    with open(f"{folder}/root.pem", "wb") as fh:
        fh.write(pem(p.root))
    with open(f"{folder}/chain.pem", "wb") as fh:
        fh.write(p.chains["good"])
    genuine = body_of(envelopes.launch(timestamp=stamp()))
    good_headers = {
        "SignatureCertChainUrl": CERT_URL,
        "Signature-256": sign(genuine),
        "Content-Type": "application/json",
    }
    crafted = crafted_bodies(lambda: envelopes.launch(timestamp=stamp()))["timestamp 1.1.1..."]
    bad_headers = {
        "SignatureCertChainUrl": CERT_URL,
        "Signature-256": sign(b"another body"),
        "Content-Type": "application/json",
    }

    def post(conn, body, headers):
        conn.request("POST", "/alexa", body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status

    with Gunicorn(
        "bench.refusal:http_app()", workers=2, threads=4, env={"GESPREKSCOACH_DEV": "", "BENCH_REFUSAL_DIR": folder}
    ) as server:

        def genuine_latencies(seconds):
            out, statuses = [], set()
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
                t0 = time.perf_counter()
                try:
                    statuses.add(post(conn, genuine, good_headers))
                except (OSError, http.client.HTTPException) as exc:  # no answer within 20 s, or dropped
                    statuses.add(type(exc).__name__)
                out.append(time.perf_counter() - t0)
                conn.close()
                time.sleep(0.05)
            return out, statuses

        genuine_latencies(1.0)  # warm-up: each worker builds the app on its first request
        quiet, quiet_status = genuine_latencies(args.http_seconds)
        stop = threading.Event()
        sent = [0]
        refused = set()

        def attacker():
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
            while not stop.is_set():
                try:
                    refused.add(post(conn, crafted, bad_headers))
                    sent[0] += 1
                except (OSError, http.client.HTTPException) as exc:
                    refused.add(type(exc).__name__)
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
            conn.close()

        threads = [threading.Thread(target=attacker, daemon=True) for _ in range(args.attackers)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        t0 = time.monotonic()
        loud, loud_status = genuine_latencies(args.http_seconds)
        elapsed = time.monotonic() - t0
        stop.set()
        for t in threads:
            t.join(30)

    def ms(values, q):
        return common.percentile(values, q) * 1000

    print(common.line("="))
    print(f"Refusal under load: gunicorn 2 workers x 4 threads, real skill; {common.machine_note()}")
    print(common.line())
    print(
        f"  genuine alone:        {len(quiet)} requests, answers {sorted(map(str, quiet_status))}, "
        f"p50 {ms(quiet, 50):.1f} ms, "
        f"p99 {ms(quiet, 99):.1f} ms, max {max(quiet) * 1000:.1f} ms"
    )
    print(
        f"  genuine under attack: {len(loud)} requests, answers {sorted(map(str, loud_status))}, "
        f"p50 {ms(loud, 50):.1f} ms, "
        f"p99 {ms(loud, 99):.1f} ms, max {max(loud) * 1000:.1f} ms"
    )
    print(
        f"  attack: {args.attackers} connections, {sent[0]} crafted 128 KiB requests "
        f"({sent[0] / elapsed:.0f}/s while measured), answers {sorted(map(str, refused))}"
    )
    ok = max(loud) < 8.0 and loud_status == {200}
    print(f"  every genuine request answered well within Alexa's 8 s: {common.verdict(ok)}")
    print(common.line("="))
    print(
        json.dumps(
            {
                "bench": "refusal-http",
                "quiet_p50_ms": round(ms(quiet, 50), 1),
                "attack_p50_ms": round(ms(loud, 50), 1),
                "attack_p99_ms": round(ms(loud, 99), 1),
                "attack_max_ms": round(max(loud) * 1000, 1),
                "attack_requests": sent[0],
                "met": ok,
            }
        )
    )
    return 0 if ok else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--passes", type=int, default=20)
    ap.add_argument("--max-seconds", type=float, default=120)
    ap.add_argument("--http", action="store_true", help="gunicorn on loopback, genuine requests under attack")
    ap.add_argument("--attackers", type=int, default=24)
    ap.add_argument("--http-seconds", type=float, default=8.0, help="seconds of genuine requests per phase")
    args = ap.parse_args(argv)
    if args.http:
        return http_main(args)
    logging.getLogger("gesprekscoach").setLevel(logging.CRITICAL)

    from skill.dev import envelopes
    from skill.config import SkillConfig
    from skill.web import WebSettings, create_app
    from tests.web_fixtures import CERT_URL, Clock, FakeFetcher, StubSkill, body_of, pki, sign, stamp

    p = pki()
    fetcher = FakeFetcher({CERT_URL: p.chains["good"]})
    # the throwaway PKI is valid around the suite's fixed "now" (tests.web_fixtures.NOW); so is the clock
    app = create_app(
        SkillConfig(), WebSettings(trust_roots=[p.root], fetcher=fetcher, clock=Clock()), skill=StubSkill().skill
    )
    client = app.test_client()
    now = stamp()

    def launch():
        return envelopes.launch(timestamp=now)

    genuine = body_of(launch())
    resp = client.post(
        "/alexa", data=genuine, headers={"SignatureCertChainUrl": CERT_URL, "Signature-256": sign(genuine)}
    )
    if resp.status_code != 200:
        raise SystemExit(f"a genuine request was refused: {resp.status_code} {resp.data[:200]!r}")
    import base64
    import random

    # Two kinds of signature that do not match: "forged" (256 random bytes: the key never made it) and
    # "replayed" (a genuine signature by the key over another body: what someone who gets Amazon-signed
    # requests for a skill of their own could send). Each crafted body is compared with the plain
    # request carrying the same kind of signature.
    signatures = {
        "forged": base64.b64encode(random.Random(13).randbytes(256)).decode(),
        "replayed": sign(b"another body"),
    }
    cases, baseline = {}, {}
    for kind, signature in signatures.items():
        headers = {"SignatureCertChainUrl": CERT_URL, "Signature-256": signature, "Content-Type": "application/json"}
        cases[f"plain, {kind}"] = (genuine, headers)
        for name, body in crafted_bodies(launch).items():
            cases[f"{name}, {kind}"] = (body, headers)
            baseline[f"{name}, {kind}"] = f"plain, {kind}"
    ts_body = cases["timestamp 1.1.1..., forged"][0]
    cases["timestamp 1.1.1..., no signature"] = (ts_body, {"SignatureCertChainUrl": CERT_URL})
    cases["timestamp 1.1.1..., bad cert URL"] = (
        ts_body,
        {"SignatureCertChainUrl": CERT_URL + "%3f", "Signature-256": signatures["forged"]},
    )
    baseline["timestamp 1.1.1..., no signature"] = baseline["timestamp 1.1.1..., bad cert URL"] = "plain, forged"
    outcomes = {}
    for name, (body, headers) in cases.items():
        assert len(body) <= CAP, (name, len(body))
        r = client.post("/alexa", data=body, headers=headers)
        outcomes[name] = (r.status_code, (r.get_json(silent=True) or {}).get("error"), len(body))
        if not 400 <= r.status_code < 500:
            print(f"NOT A 4xx: {name}: {r.status_code} {r.data[:200]!r}")

    def sampler(body, headers):
        def sample():
            t0 = time.perf_counter()
            for _ in range(args.passes):
                client.post("/alexa", data=body, headers=headers)
            return (time.perf_counter() - t0) / args.passes

        return sample

    res = common.alternate(
        {n: sampler(*c) for n, c in cases.items()}, rounds=args.rounds, warmup=1, max_seconds=args.max_seconds
    )
    ratios = {n: common.paired_ratio(res[n], res[base]) for n, base in baseline.items()}
    worst = max(ratios, key=ratios.get)
    ok = ratios[worst] <= TARGET and all(400 <= status < 500 for status, _, _ in outcomes.values())
    print(common.line("="))
    print("Refusal cost: unauthenticated requests through the Flask app (test client, signature check on)")
    print(
        f"  {len(res['plain, forged'])} alternating rounds x {args.passes} requests per kind; {common.machine_note()}"
    )
    print(common.line())
    print(f"  {'request, signature':<36} {'bytes':>7} {'answer':<24} {'us/request':>10} {'x plain':>7}")
    for name in cases:
        status, error, size = outcomes[name]
        ratio = f"{ratios[name]:.2f}" if name in ratios else ""
        print(f"  {name:<36} {size:>7} {f'{status} {error}':<24} {common.median(res[name]) * 1e6:>10.1f} {ratio:>7}")
    print(f"  worst: {worst}, {ratios[worst]:.2f} x a plain refusal (target <= {TARGET})   {common.verdict(ok)}")
    print(common.line("="))
    print(
        json.dumps(
            {
                "bench": "refusal",
                "plain_us": round(common.median(res["plain, forged"]) * 1e6, 1),
                "ratios": {n: round(r, 3) for n, r in ratios.items()},
                "worst": worst,
                "worst_ratio": round(ratios[worst], 3),
                "met": ok,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
