"""``gesprekscoach package-lambda``: build a deployable AWS Lambda zip with only what the Lambda needs.

Stages ``build/lambda/`` (lambda/lambda_function.py, lambda/requirements.txt and the ``skill`` package
without skill/web, skill/commands and skill/cli.py), checks that the staged code imports and answers a
LaunchRequest without Flask or cryptography, installs ask-sdk-core and its dependencies for the Lambda
platform, and zips it all into ``dist/gesprekscoach-lambda.zip``, printing its size.

``build/lambda/`` is also the code root that ask-resources.json (``ask deploy``) and template.yaml
(``sam build``) point at: both install lambda/requirements.txt themselves, so ``--stage-only`` is
enough before those. See docs/deploy.md.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

HELP = "Build a deployable AWS Lambda zip (and build/lambda/ for ask deploy or sam build)."

# Parts of the skill package only the webservice and the command line need.
EXCLUDE_FROM_SKILL = {"web", "commands", "cli.py", "__pycache__"}


def _repo_root() -> Path:
    import skill

    return Path(skill.__file__).resolve().parent.parent


def add_arguments(parser: argparse.ArgumentParser) -> None:
    root = _repo_root()
    parser.add_argument("--build-dir", default=str(root / "build" / "lambda"),
                        help="where to stage the Lambda code (default build/lambda; the ASK CLI and SAM "
                             "code root)")
    parser.add_argument("--output", default=str(root / "dist" / "gesprekscoach-lambda.zip"),
                        help="zip to write (default dist/gesprekscoach-lambda.zip)")
    parser.add_argument("--stage-only", action="store_true",
                        help="only stage the build dir (enough for `ask deploy` and `sam build`)")
    parser.add_argument("--no-deps", action="store_true",
                        help="leave ask-sdk-core and its dependencies out of the zip (e.g. for a layer)")
    parser.add_argument("--python-version", default="3.12",
                        help="Lambda Python runtime to fetch wheels for (default 3.12, as in template.yaml)")
    parser.add_argument("--platform", default="manylinux2014_x86_64",
                        help="wheel platform (default manylinux2014_x86_64; manylinux2014_aarch64 for arm64)")
    parser.add_argument("--no-check", action="store_true",
                        help="skip the import-and-launch check of the staged code")
    parser.add_argument("--no-compile", action="store_true",
                        help="do not precompile bytecode (it is only made when this Python is the "
                             "--python-version the Lambda runs)")


def stage(build_dir: Path) -> Path:
    """Fresh copy of what the Lambda runs; returns build_dir."""
    import shutil

    root = _repo_root()
    lambda_src = root / "lambda"
    if not (lambda_src / "lambda_function.py").is_file():
        raise SystemExit(f"lambda/lambda_function.py not found next to {root / 'skill'}: "
                         "run package-lambda from a source checkout")
    skill_src = (root / "skill").resolve()

    def ignore(directory, names):
        ignored = {n for n in names if n == "__pycache__" or n.endswith((".pyc", ".pyo"))}
        if Path(directory).resolve() == skill_src:
            ignored |= {n for n in names if n in EXCLUDE_FROM_SKILL}
        return ignored

    if build_dir.exists():
        shutil.rmtree(build_dir)
    build_dir.mkdir(parents=True)
    for name in ("lambda_function.py", "requirements.txt"):
        shutil.copy2(lambda_src / name, build_dir / name)
    shutil.copytree(skill_src, build_dir / "skill", ignore=ignore)
    return build_dir


CHECK = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import lambda_function, skill
from skill import envelopes
out = lambda_function.lambda_handler(envelopes.launch(), None)
heavy = ("flask", "werkzeug", "cryptography", "ask_sdk_webservice_support", "skill.web", "skill.commands",
         "hassil", "rapidfuzz", "yaml", "skill.grammar", "skill.resolver")
print(json.dumps({"skill": skill.__file__, "speech": bool(out["response"].get("outputSpeech")),
                  "heavy": sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in heavy))}))
"""


def check(build_dir: Path) -> None:
    """Import the staged code in a fresh interpreter (deps from this environment) and run a launch."""
    import json
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("GESPREKSCOACH_")}
    proc = subprocess.run([sys.executable, "-c", CHECK, str(build_dir)], cwd=build_dir, env=env,
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise SystemExit(f"staged Lambda code does not work:\n{proc.stderr[-2000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if not Path(result["skill"]).resolve().is_relative_to(build_dir.resolve()):
        raise SystemExit(f"check imported skill from {result['skill']}, not from {build_dir}")
    if not result["speech"] or result["heavy"]:
        raise SystemExit(f"staged Lambda code check failed: {result}")


def install_deps(requirements: Path, target: Path, python_version: str, platform: str) -> None:
    import shutil
    import subprocess
    import sys

    if target.exists():
        shutil.rmtree(target)
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
           "--target", str(target), "--requirement", str(requirements), "--implementation", "cp",
           "--python-version", python_version, "--platform", platform, "--only-binary=:all:"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"pip could not install the Lambda dependencies:\n{proc.stderr[-2000:]}")
    shutil.rmtree(target / "bin", ignore_errors=True)


def write_zip(output: Path, *dirs: Path) -> int:
    """Zip the contents of dirs (in order; later ones do not overwrite), deterministically."""
    import zipfile

    output.parent.mkdir(parents=True, exist_ok=True)
    seen = set()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for base in dirs:
            for path in sorted(p for p in base.rglob("*") if p.is_file()):
                rel = path.relative_to(base).as_posix()
                if rel in seen or rel.endswith(".pyo"):
                    continue
                seen.add(rel)
                info = zipfile.ZipInfo(rel, date_time=(2020, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes())
    return len(seen)


def precompile(*dirs: Path) -> bool:
    """Write __pycache__ bytecode for every module, so the Lambda does not compile the skill and
    ask-sdk-model (hundreds of modules) from source at every cold start: /var/task is read-only, so
    Python there can never cache what it compiles. Unchecked-hash pycs: valid whatever the files' dates
    in the zip. Only useful for the interpreter version that makes them."""
    import compileall
    import py_compile

    ok = True
    for base in dirs:
        ok &= bool(compileall.compile_dir(str(base), quiet=1, workers=1,
                                          invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH))
    return ok


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / (1024 * 1024):.2f} MiB"


def run(args: argparse.Namespace) -> int:
    build_dir = Path(args.build_dir).resolve()
    stage(build_dir)
    if not args.no_check:
        check(build_dir)
    import sys

    compile_here = not args.no_compile and args.python_version == "%d.%d" % sys.version_info[:2]
    if not args.no_compile and not compile_here:
        print(f"Note: bytecode not precompiled: this is Python {sys.version_info[0]}.{sys.version_info[1]}, "
              f"the Lambda runs {args.python_version} (run package-lambda with that Python to precompile)")
    dirs = [build_dir]
    if not args.stage_only and not args.no_deps:
        deps = build_dir.parent / (build_dir.name + "-deps")
        install_deps(build_dir / "requirements.txt", deps, args.python_version, args.platform)
        dirs.append(deps)
    if compile_here and not precompile(*dirs):
        raise SystemExit("could not precompile the Lambda code")
    print(f"Staged Lambda code in {build_dir} (code root for `ask deploy` and `sam build`)"
          + (", bytecode precompiled" if compile_here else ""))
    if args.stage_only:
        return 0
    output = Path(args.output).resolve()
    count = write_zip(output, *dirs)
    size = output.stat().st_size
    print(f"Wrote {output}: {_size(size)} ({size} bytes, {count} files"
          f"{', without dependencies' if args.no_deps else ''})")
    return 0
