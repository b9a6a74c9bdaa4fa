"""A small Python HTTP load generator (the fallback when wrk is missing, and the fuzzer's client).

    .venv/bin/python -m bench.loadgen --port P --seconds N --connections C --bodies FILE

One thread per connection, each with a keep-alive http.client connection (reconnecting when the
server closes it), POSTing the bodies of FILE (one JSON per line; ``__TS__`` is replaced by the
current timestamp) to /alexa until the time is up or --max-requests is reached. Prints one JSON
line: requests, statuses, errors, latency percentiles. Bounded in time and count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def run(port: int, bodies, seconds: float, connections: int, max_requests: int = 10_000_000, path: str = "/alexa"):
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    latencies, statuses, errors = [], {}, {"connect": 0, "read": 0}
    budget = [max_requests]

    def worker(offset: int) -> None:
        conn = None
        i = offset
        local_lat, local_status = [], {}
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            body = bodies[i % len(bodies)].replace("__TS__", _stamp()).encode("utf-8")
            i += 1
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                t0 = time.perf_counter()
                conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                local_lat.append(time.perf_counter() - t0)
                local_status[resp.status] = local_status.get(resp.status, 0) + 1
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (ConnectionError, OSError, http.client.HTTPException) as exc:
                with lock:
                    errors["connect" if isinstance(exc, ConnectionRefusedError) else "read"] += 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()
        with lock:
            latencies.extend(local_lat)
            for k, v in local_status.items():
                statuses[k] = statuses.get(k, 0) + v

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)
    elapsed = time.perf_counter() - t0
    n = len(latencies)
    return {
        "client": "python",
        "requests": n,
        "seconds": elapsed,
        "rps": n / elapsed if elapsed else 0.0,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "non2xx": sum(v for k, v in statuses.items() if not 200 <= k < 300),
        "socket_errors": errors["connect"] + errors["read"],
        "p50_ms": common.percentile(latencies, 50) * 1e3,
        "p99_ms": common.percentile(latencies, 99) * 1e3,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--bodies", required=True)
    ap.add_argument("--max-requests", type=int, default=10_000_000)
    args = ap.parse_args(argv)
    bodies = [line for line in Path(args.bodies).read_text("utf-8").splitlines() if line.strip()]
    print(json.dumps(run(args.port, bodies, args.seconds, args.connections, args.max_requests)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
