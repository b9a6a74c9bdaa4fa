"""Verification over HTTP: our webservice under gunicorn with the signature check on vs off, on the
same signed requests; throughput and the workers' CPU per request.

    .venv/bin/python bench/verification_http.py [--seconds 4] [--rounds 5] [--connections 16]

bench/verification.py measures the same in process (Flask's test client): there a request costs about
300-500 µs and the verifier's 45-75 µs is 14-15% of it. Here a request is what a deployment pays for it
(gunicorn's HTTP handling, the socket, Flask, the skill), so the same verifier is a smaller share.
Both sides run at once, loaded in turn (order flipped each round), by wrk with 16 connections:

- on:  ``bench.verification_app:on()``: verification on, trusting a throwaway root made at start-up (the
  test suite's PKI helpers), the chain served from memory (downloaded once, then cached);
- off: ``bench.verification_app:off()``: dev mode (timestamp and skill id checks only).

The requests are the dispatch mix (bench/dispatch.py, half of them full-size device envelopes),
stamped and signed again before every load run (Alexa's timestamps are good for 150 s), with Alexa's
two headers; both sides get the same bytes. Needs wrk. No memory store on either side.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common, serving  # noqa: E402
from bench.verification import TARGET_OVERHEAD, make_pki  # noqa: E402

SIDES = {"off": "bench.verification_app:off()", "on": "bench.verification_app:on()"}


def write_signed(path: str, mix, leaf_key, cert_url: str) -> None:
    """The mix stamped now and signed: "SIGNATURE<tab>CERT URL<tab>BODY" a line."""
    from tests.web_fixtures import sign

    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with open(path, "w", encoding="utf-8") as fh:
        for env in mix:
            env["request"]["timestamp"] = now
            body = json.dumps(env)  # (no tab: JSON escapes it inside strings)
            fh.write(f"{sign(body.encode('utf-8'), leaf_key)}\t{cert_url}\t{body}\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=4, help="per load run")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=16)
    args = ap.parse_args(argv)
    if not serving.have_wrk():
        print("  verification_http needs wrk (apt-get install wrk): skipped")
        return 0

    from cryptography.hazmat.primitives import serialization

    from bench.dispatch import request_mix
    from tests.web_fixtures import CERT_URL

    root, chain, leaf_key = make_pki()
    mix = [env for _, env in request_mix()]
    with tempfile.TemporaryDirectory(prefix="gesprekscoach-verification-http-") as tmp:
        root_path, chain_path = os.path.join(tmp, "root.pem"), os.path.join(tmp, "chain.pem")
        Path(root_path).write_bytes(root.public_bytes(serialization.Encoding.PEM))
        Path(chain_path).write_bytes(chain)
        bodies = os.path.join(tmp, "signed.tsv")
        write_signed(bodies, mix, leaf_key, CERT_URL)
        env = {"BENCH_TRUST_ROOT": root_path, "BENCH_CHAIN": chain_path}
        servers = {}
        try:
            for name, spec in SIDES.items():
                servers[name] = serving.Gunicorn(spec, log_dir=tmp, env=env)
                serving.check_answers(servers[name].port, bodies, signed=True)

            results = serving.load_rounds(
                servers,
                bodies,
                seconds=args.seconds,
                connections=args.connections,
                rounds=args.rounds,
                before_each=lambda: write_signed(bodies, mix, leaf_key, CERT_URL),  # fresh stamps: good for 150 s
                signed=True,
            )
        finally:
            for server in servers.values():
                server.stop()

    def med(name, key):
        return common.median([r[key] for r in results[name]])

    rps_cost = common.paired_ratio([r["rps"] for r in results["off"]], [r["rps"] for r in results["on"]])
    cpu_cost = common.paired_ratio([r["cpu_us"] for r in results["on"]], [r["cpu_us"] for r in results["off"]])
    errors = sum(r["non2xx"] + r["socket_errors"] for name in SIDES for r in results[name])
    print(common.line("="))
    print(
        f"Verification over HTTP: gunicorn --workers 2 --threads 4 on 127.0.0.1, {args.connections} "
        f"connections, wrk, {args.rounds} x {args.seconds:g} s per side"
    )
    print(f"  {common.machine_note()}; load generator and server share the 2 CPUs")
    print(common.line())
    print(f"  {'side':<30} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'cpu us/req':>11}")
    for name, label in (("off", "signature check off (dev)"), ("on", "signature check on")):
        print(
            f"  {label:<30} {med(name, 'rps'):>8.0f} {med(name, 'p50_ms'):>8.1f} "
            f"{med(name, 'p99_ms'):>8.1f} {med(name, 'cpu_us'):>11.0f}"
        )
    print(f"  errors (non-2xx or socket): {errors}")
    print(
        f"  on/off: throughput cost {rps_cost:.3f} (off rps / on rps), server CPU per request {cpu_cost:.3f}; "
        f"bench/verification.py's target in process: <= {TARGET_OVERHEAD}"
    )
    print(common.line("="))
    print(
        json.dumps(
            {
                "bench": "verification_http",
                "off_rps": round(med("off", "rps")),
                "on_rps": round(med("on", "rps")),
                "off_cpu_us": round(med("off", "cpu_us")),
                "on_cpu_us": round(med("on", "cpu_us")),
                "rps_cost": round(rps_cost, 3),
                "cpu_cost": round(cpu_cost, 3),
                "errors": errors,
            }
        )
    )
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
