"""Start gunicorn on loopback, drive load at it with wrk (if installed) or bench/loadgen.py, read the
workers' memory. Used by bench/http_bench.py and bench/load.py. Every process started here is stopped here
(by its own pid), every wait is bounded.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

from bench import common

WRK_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""

# The bodies file: one JSON body a line, __TS__ where the timestamp goes (stamped when sent).
WRK_LUA = (
    r"""
local bodies = {}
local f = assert(io.open(os.getenv("BENCH_BODIES"), "r"))
for line in f:lines() do if #line > 0 then table.insert(bodies, line) end end
f:close()
local i = 0
local stamp, stamped_at = nil, -1
request = function()
  i = i % #bodies + 1
  local now = os.time()
  if now ~= stamped_at then stamp = os.date("!%Y-%m-%dT%H:%M:%SZ", now); stamped_at = now end
  local body = bodies[i]:gsub("__TS__", stamp)
  return wrk.format("POST", "/alexa", {["Content-Type"] = "application/json"}, body)
end
"""
    + WRK_DONE
)

# Signed bodies (bench/verification_http.py): a line is "SIGNATURE<tab>CERT URL<tab>BODY", stamped and
# signed before the run; sent as they are, with Alexa's two signature headers.
WRK_SIGNED_LUA = (
    r"""
local requests_ = {}
local f = assert(io.open(os.getenv("BENCH_BODIES"), "r"))
for line in f:lines() do
  local sig, url, body = line:match("^([^\t]+)\t([^\t]+)\t(.+)$")
  if body then
    table.insert(requests_, wrk.format("POST", "/alexa", {["Content-Type"] = "application/json",
      ["Signature-256"] = sig, ["SignatureCertChainUrl"] = url}, body))
  end
end
f:close()
local i = 0
request = function()
  i = i % #requests_ + 1
  return requests_[i]
end
"""
    + WRK_DONE
)


def mix_bodies_file(directory: str, store: str = "none") -> str:
    """The dispatch mix as request bodies, one per line, timestamp as __TS__ (stamped when sent);
    store: where the skill that records the mix keeps its memory (see bench.dispatch.request_mix)."""
    from bench.dispatch import request_mix

    path = os.path.join(directory, "bodies.jsonl")
    with open(path, "w", encoding="utf-8") as fh:
        for _, env in request_mix(store=store):
            env["request"]["timestamp"] = "__TS__"
            fh.write(json.dumps(env) + "\n")
    return path


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class Gunicorn:
    """gunicorn --workers W --threads T on 127.0.0.1:port, app logs to a temp file."""

    def __init__(
        self,
        app_spec: str,
        *,
        workers: int = 2,
        threads: int = 4,
        env: Optional[Dict] = None,
        log_dir: Optional[str] = None,
    ):
        self.port = common.free_port()
        self.app_spec = app_spec
        self.log_path = os.path.join(log_dir or tempfile.gettempdir(), f"gunicorn-{self.port}.log")
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("GESPREKSCOACH_")}
        full_env.update({"GESPREKSCOACH_DEV": "1", "PYTHONPATH": str(common.ROOT)})
        full_env.update(env or {})
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [
                common.venv_tool("gunicorn"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--chdir",
                str(common.ROOT),
                "--log-level",
                "warning",
                app_spec,
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=full_env,
            cwd=str(common.ROOT),
        )
        try:
            common.wait_for_port(self.port, timeout=30, proc=self.proc)
            self._wait_workers(workers)
        except Exception:
            self.stop()
            raise

    def _wait_workers(self, n: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.worker_pids()) < n:
            time.sleep(0.05)

    def worker_pids(self) -> List[int]:
        out = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
                if int(fields[1]) == self.proc.pid:
                    out.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
        return sorted(out)

    def worker_rss_kb(self) -> Dict[int, int]:
        out = {}
        for pid in self.worker_pids():
            try:
                with open(f"/proc/{pid}/status") as fh:
                    for line in fh:
                        if line.startswith("VmRSS:"):
                            out[pid] = int(line.split()[1])
            except OSError:
                continue
        return out

    def worker_cpu_seconds(self) -> float:
        """CPU time (user + system) the workers have used so far (from /proc/<pid>/stat). Sampled
        around a load run it gives the server's CPU per request, without the load generator's share."""
        total = 0
        for pid in self.worker_pids():
            try:
                with open(f"/proc/{pid}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
            except (OSError, IndexError, ValueError):
                continue
        return total / _CLOCK_TICKS

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def load_rounds(
    servers: Dict[str, "Gunicorn"],
    bodies_file: str,
    *,
    seconds: float,
    connections: int,
    rounds: int,
    before_each: Optional[Callable[[], None]] = None,
    **drive_options,
) -> Dict[str, List[Dict]]:
    """Load runs on each server in turn (common.alternate: order flipped every round), after one
    warm-up run each (dropped). Each result is drive()'s, plus cpu_us: the workers' CPU time per
    request during that run. before_each runs before every load run (e.g. to sign the bodies anew)."""
    results: Dict[str, List[Dict]] = {name: [] for name in servers}

    def sampler(name):
        def sample():
            if before_each is not None:
                before_each()
            server = servers[name]
            cpu_before = server.worker_cpu_seconds()
            r = drive(server.port, bodies_file, seconds, connections, **drive_options)
            used = server.worker_cpu_seconds() - cpu_before
            r["cpu_us"] = used / r["requests"] * 1e6 if r["requests"] else float("nan")
            results[name].append(r)
            return r["rps"]

        return sample

    common.alternate(
        {name: sampler(name) for name in servers},
        rounds=rounds,
        warmup=1,
        max_seconds=rounds * len(servers) * (seconds + 5) + 30,
    )
    return {name: runs[1:] for name, runs in results.items()}


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def drive(
    port: int,
    bodies_file: str,
    seconds: float,
    connections: int,
    *,
    use_wrk: Optional[bool] = None,
    threads: int = 2,
    signed: bool = False,
) -> Dict:
    """Load from a separate process: wrk if installed (else bench/loadgen.py). One result dict:
    requests, rps, p50_ms, p99_ms, non2xx, socket_errors, client. signed: the bodies file holds signed
    requests (WRK_SIGNED_LUA; wrk only)."""
    use_wrk = have_wrk() if use_wrk is None else use_wrk
    if signed and not use_wrk:
        raise RuntimeError("signed requests need wrk (apt-get install wrk)")
    timeout = seconds + 60
    if use_wrk:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
            fh.write(WRK_SIGNED_LUA if signed else WRK_LUA)
            script = fh.name
        try:
            proc = subprocess.run(
                [
                    "wrk",
                    "-t",
                    str(min(threads, connections)),
                    "-c",
                    str(connections),
                    "-d",
                    f"{max(1, int(round(seconds)))}s",
                    "--timeout",
                    "10s",
                    "-s",
                    script,
                    f"http://127.0.0.1:{port}/alexa",
                ],
                capture_output=True,
                text=True,
                timeout=timeout,
                env={**os.environ, "BENCH_BODIES": bodies_file},
            )
        finally:
            os.unlink(script)
        line = [ln for ln in proc.stdout.splitlines() if ln.startswith("WRKJSON ")]
        if proc.returncode != 0 or not line:
            raise RuntimeError(f"wrk failed: {proc.stderr[-500:]} {proc.stdout[-500:]}")
        w = json.loads(line[-1][len("WRKJSON ") :])
        secs = w["duration_us"] / 1e6
        return {
            "client": "wrk",
            "requests": w["requests"],
            "seconds": secs,
            "rps": w["requests"] / secs,
            "p50_ms": w["p50_us"] / 1e3,
            "p99_ms": w["p99_us"] / 1e3,
            "non2xx": w["status"],
            "socket_errors": w["connect"] + w["read"] + w["write"] + w["timeout"],
        }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.loadgen",
            "--port",
            str(port),
            "--seconds",
            str(seconds),
            "--connections",
            str(connections),
            "--bodies",
            bodies_file,
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=str(common.ROOT),
    )
    if proc.returncode != 0:
        raise RuntimeError(f"loadgen failed: {proc.stderr[-1000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def check_answers(port: int, bodies_file: str, *, signed: bool = False) -> None:
    """Every body of the mix gets a 200 with a valid Alexa response (before any timing). signed: the
    file holds signed requests (WRK_SIGNED_LUA's lines), sent as they are with their two headers."""
    import http.client
    from datetime import datetime, timezone

    from skill.dev.response_check import problems

    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    for line in Path(bodies_file).read_text("utf-8").splitlines():
        headers = {"Content-Type": "application/json"}
        if signed:
            signature, cert_url, body = line.split("\t", 2)
            headers.update({"Signature-256": signature, "SignatureCertChainUrl": cert_url})
        else:
            body = line.replace("__TS__", stamp)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("POST", "/alexa", body=body.encode("utf-8"), headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        if resp.status != 200:
            raise RuntimeError(f"port {port}: {resp.status} {data[:300]!r}")
        found = problems(json.loads(data))
        if found:
            raise RuntimeError(f"port {port}: invalid response {found}")
