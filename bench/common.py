"""Shared helpers for the bench scripts: alternating timed runs, medians, ratios, verdicts.

Every script warms both sides up, then runs them alternately (A B B A ...) so drift (CPU frequency,
caches, other load on the machine) hits both sides alike, and prints medians and the ratio.
"""

from __future__ import annotations

import os
import socket
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Sequence

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VENV_BIN = ROOT / ".venv" / "bin"


def venv_tool(name: str) -> str:
    """A console script next to the running interpreter (the venv's), else the venv's, else PATH."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    if (VENV_BIN / name).exists():
        return str(VENV_BIN / name)
    return name


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(q / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def alternate(
    sides: Dict[str, Callable[[], float]], *, rounds: int, warmup: int = 2, max_seconds: float = 120.0
) -> Dict[str, List[float]]:
    """Run each side's sample function ``warmup`` times, then ``rounds`` times alternately.

    A sample function does a batch of work and returns one figure (e.g. seconds per request).
    The order flips every round (A B, B A, ...). Bounded by rounds and by max_seconds.
    """
    names = list(sides)
    for _ in range(warmup):
        for name in names:
            sides[name]()
    out: Dict[str, List[float]] = {name: [] for name in names}
    deadline = time.monotonic() + max_seconds
    for i in range(rounds):
        order = names if i % 2 == 0 else list(reversed(names))
        for name in order:
            out[name].append(sides[name]())
        if time.monotonic() > deadline:
            break
    return out


def per_item(call: Callable[[object], object], batch: Sequence[object], passes: int) -> Callable[[], float]:
    """A sample function for alternate(): ``passes`` times call(item) for each item; seconds per call."""

    def sample() -> float:
        t0 = time.perf_counter()
        for _ in range(passes):
            for item in batch:
                call(item)
        return (time.perf_counter() - t0) / (passes * len(batch))

    return sample


def paired_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    """Median of the per-round ratios a[i]/b[i]: each pair ran back to back (alternate()), so load
    from elsewhere on the machine hits both alike; steadier than a ratio of medians on a busy box."""
    ratios = [x / y for x, y in zip(a, b) if y]
    return median(ratios)


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def line(char: str = "-", width: int = 78) -> str:
    return char * width


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0, proc=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


def stage_lambda(staging_dir: Path) -> Path:
    """The Lambda code as it is deployed: staged by ``package-lambda --stage-only`` into
    staging_dir/build and precompiled for this interpreter (the Lambda's /var/task is read-only, so
    shipped bytecode is all the bytecode it gets). Falls back to lambda/ in the checkout, and says so."""
    import subprocess

    build = Path(staging_dir) / "build"
    proc = subprocess.run(
        [
            venv_tool("gesprekscoach"),
            "package-lambda",
            "--stage-only",
            "--no-check",
            "--python-version",
            "%d.%d" % sys.version_info[:2],
            "--build-dir",
            str(build),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=str(ROOT),
    )
    if proc.returncode != 0 or not (build / "lambda_function.py").exists():
        print(
            f"  (package-lambda --stage-only failed, importing lambda/ from the checkout: "
            f"{(proc.stderr or proc.stdout)[-200:]})"
        )
        return ROOT / "lambda"
    return build


def machine_note() -> str:
    import platform

    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )
