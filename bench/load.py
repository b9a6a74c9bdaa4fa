"""Load and soak: our app under gunicorn (2 workers, 4 threads), C connections for N seconds; requests,
errors, p50/p99 latency, and the workers' memory (RSS) at the start and the end.

    .venv/bin/python bench/load.py --seconds 60 --connections 16 [--python-client]

The app runs with GESPREKSCOACH_DEV=1 (a load generator cannot sign; timestamps are checked, so every
request is stamped when sent). Requests: the dispatch mix (launch, tip, principle, examples, a
multi-turn turn, help, a one-shot tip), round robin. Memory is read from /proc after a warm-up run
(the first requests fill caches), then every few seconds during the run. Target (issue 6): no errors
over 60 s at 16 connections, memory growth under 5%. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common, serving  # noqa: E402

MAX_GROWTH = 0.05


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--warmup", type=float, default=10, help="seconds of load before memory is first read")
    ap.add_argument("--python-client", action="store_true", help="use bench/loadgen.py even if wrk exists")
    args = ap.parse_args(argv)
    if not 0 < args.seconds <= 24 * 3600 or not 0 < args.connections <= 1024:
        ap.error("--seconds must be in (0, 86400], --connections in (0, 1024]")
    use_wrk = serving.have_wrk() and not args.python_client

    with tempfile.TemporaryDirectory(prefix="gesprekscoach-load-") as tmp:
        bodies = serving.mix_bodies_file(tmp)
        with serving.Gunicorn("skill.web:create_app()", log_dir=tmp) as server:
            serving.check_answers(server.port, bodies)
            serving.drive(server.port, bodies, args.warmup, args.connections, use_wrk=use_wrk)
            rss_start = server.worker_rss_kb()
            timeline = [(0.0, sum(rss_start.values()))]
            result = {}

            def run():
                try:
                    result.update(serving.drive(server.port, bodies, args.seconds, args.connections, use_wrk=use_wrk))
                except Exception as exc:  # reported below
                    result["failure"] = repr(exc)

            t0 = time.monotonic()
            worker = threading.Thread(target=run, daemon=True)
            worker.start()
            step = max(1.0, min(10.0, args.seconds / 12))
            while worker.is_alive() and time.monotonic() - t0 < args.seconds + 90:
                worker.join(step)
                if worker.is_alive():
                    timeline.append((time.monotonic() - t0, sum(server.worker_rss_kb().values())))
            rss_end = server.worker_rss_kb()
            timeline.append((time.monotonic() - t0, sum(rss_end.values())))
            workers_alive = len(rss_end)

    if "failure" in result or "requests" not in result:
        print(f"load generator failed: {result.get('failure')}")
        return 1
    start_total, end_total = sum(rss_start.values()), sum(rss_end.values())
    growth = (end_total - start_total) / start_total if start_total else float("nan")
    errors = result["non2xx"] + result["socket_errors"]
    ok = errors == 0 and growth < MAX_GROWTH and workers_alive == len(rss_start)
    print(common.line("="))
    print(
        f"Load/soak: our app, gunicorn --workers 2 --threads 4, {args.connections} connections, "
        f"{args.seconds:g} s, {'wrk' if use_wrk else 'bench/loadgen.py (Python)'}; {common.machine_note()}"
    )
    print(common.line())
    print(
        f"  requests {result['requests']}  ({result['rps']:.0f}/s)   errors {errors} "
        f"(non-2xx {result['non2xx']}, socket {result['socket_errors']})"
    )
    print(f"  latency p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms")
    print(
        f"  worker RSS at start (after {args.warmup:g} s warm-up): "
        + ", ".join(f"{kb / 1024:.1f} MB" for kb in rss_start.values())
    )
    print(
        "  worker RSS at end:                          " + ", ".join(f"{kb / 1024:.1f} MB" for kb in rss_end.values())
    )
    print("  total RSS over time (s: MB): " + ", ".join(f"{t:.0f}: {kb / 1024:.1f}" for t, kb in timeline))
    if len(timeline) > 2 and timeline[1][1]:
        steady = (timeline[-1][1] - timeline[1][1]) / timeline[1][1]
        print(
            f"  growth from the first reading during the run ({timeline[1][0]:.0f} s) to the end: {steady:+.2%} "
            "(a worker that had not yet served every kind of request fills lazy caches first)"
        )
    print(f"  memory growth {growth:+.2%}; targets: no errors, growth < {MAX_GROWTH:.0%}: {common.verdict(ok)}")
    print(common.line("="))
    print(
        json.dumps(
            {
                "bench": "load",
                "seconds": args.seconds,
                "connections": args.connections,
                "requests": result["requests"],
                "rps": round(result["rps"]),
                "errors": errors,
                "p50_ms": round(result["p50_ms"], 1),
                "p99_ms": round(result["p99_ms"], 1),
                "rss_start_mb": round(start_total / 1024, 1),
                "rss_end_mb": round(end_total / 1024, 1),
                "growth": round(growth, 4),
                "met": ok,
            }
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
