"""Cold start of the Lambda zip itself, with and without its bytecode (issue 12).

    .venv/bin/python bench/coldstart_zip.py [--zip dist/gesprekscoach-lambda.zip] [--python PYTHON] [--rounds 15]

Builds the zip with ``gesprekscoach package-lambda`` into a temporary directory (or takes --zip), unpacks
it twice into empty directories, once as built and once with every ``__pycache__`` removed (a zip built
without bytecode for its runtime), and starts each alternately with an isolated interpreter of the
Lambda runtime's version (``python -I -S``, nothing from any site-packages; bytecode writing off, as on
Lambda's read-only /var/task): import ``lambda_function`` and answer one LaunchRequest. Prints the median
wall time from spawn to exit and the SyntaxWarnings the source compile prints.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402

CHILD = r"""
import json, sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import lambda_function
out = lambda_function.lambda_handler(json.loads(sys.argv[2]), None)
assert out["response"]["outputSpeech"]["ssml"]
"""


def spawn(python: str, root: Path, event: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GESPREKSCOACH_", "PYTHON"))}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [python, "-I", "-S", "-c", CHILD, str(root), event],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"cold start in {root} failed:\n{proc.stderr[-2000:]}")
    return wall, proc.stderr.count("SyntaxWarning")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zip", default=None, help="a built zip (default: build one now)")
    ap.add_argument(
        "--python",
        default=None,
        help="interpreter to run it (default: the runtime's, found as package-lambda finds it)",
    )
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args(argv)

    from skill.dev import envelopes
    from skill.dev.commands import package_lambda

    tmp = Path(tempfile.mkdtemp(prefix="gesprekscoach-coldzip-"))
    try:
        zip_path = Path(args.zip) if args.zip else tmp / "fn.zip"
        if not args.zip:
            proc = subprocess.run(
                [
                    common.venv_tool("gesprekscoach"),
                    "package-lambda",
                    "--build-dir",
                    str(tmp / "build"),
                    "--output",
                    str(zip_path),
                ],
                capture_output=True,
                text=True,
                timeout=600,
                cwd=str(common.ROOT),
            )
            print(proc.stdout.strip())
            if proc.returncode != 0:
                raise SystemExit(proc.stderr)
        runtimes = package_lambda.configured_runtimes(common.ROOT)
        runtime = next(iter(runtimes.values()), package_lambda.DEFAULT_RUNTIME)
        python = args.python or package_lambda.find_python(runtime) or sys.executable
        version = package_lambda.python_version_of(python)
        with_dir, without_dir = tmp / "with", tmp / "without"
        zipfile.ZipFile(zip_path).extractall(with_dir)
        shutil.copytree(with_dir, without_dir)
        for cache in list(without_dir.rglob("__pycache__")):
            shutil.rmtree(cache)
        pycs = sum(1 for _ in with_dir.rglob("*.pyc"))
        event = json.dumps(envelopes.launch())
        warnings = {}

        def sampler(name, root):
            def sample():
                wall, warned = spawn(python, root, event)
                warnings[name] = warned
                return wall

            return sample

        res = common.alternate(
            {
                "with bytecode": sampler("with bytecode", with_dir),
                "without bytecode": sampler("without bytecode", without_dir),
            },
            rounds=args.rounds,
            warmup=2,
            max_seconds=240,
        )
        size = zip_path.stat().st_size
        print(common.line("="))
        print(f"Lambda zip cold start: unpacked, {python} -I -S (Python {version}), import + one LaunchRequest")
        print(
            f"  zip {size} bytes, {pycs} .pyc files; {len(res['with bytecode'])} alternating rounds; "
            f"{common.machine_note()}"
        )
        for name, samples in res.items():
            print(
                f"  {name:<17} median {common.median(samples) * 1e3:7.1f} ms   "
                f"min {min(samples) * 1e3:7.1f}   max {max(samples) * 1e3:7.1f}   "
                f"SyntaxWarnings printed: {warnings[name]}"
            )
        ratio = common.paired_ratio(res["without bytecode"], res["with bytecode"])
        print(f"  without / with: {ratio:.2f}")
        print(common.line("="))
        print(
            json.dumps(
                {
                    "bench": "coldstart_zip",
                    "python": version,
                    "zip_bytes": size,
                    "pyc_files": pycs,
                    "with_ms": round(common.median(res["with bytecode"]) * 1e3, 1),
                    "without_ms": round(common.median(res["without bytecode"]) * 1e3, 1),
                    "ratio": round(ratio, 2),
                }
            )
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
