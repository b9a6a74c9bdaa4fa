"""``gesprekscoach package-lambda``: build a deployable AWS Lambda zip with only what the Lambda runs.

Stages ``build/lambda/``: lambda/lambda_function.py, lambda/requirements.txt, exactly the modules of the
``skill`` package that the Lambda entry imports (its import graph, read from the source: see
``request_path``) and the data files they read. Tooling (``TOOLING_MODULES``: the command line, the
simulator, the model checker, envelope builders) never goes in. It checks that the staged code answers
a LaunchRequest, installs ask-sdk-core for the Lambda platform, precompiles the bytecode with the
Lambda runtime's own Python, zips it all into ``dist/gesprekscoach-lambda.zip`` and proves the zip:
unpacked into an empty directory and run by an isolated interpreter (``python -I -S``), it must answer
a LaunchRequest and an intent without importing anything from outside the zip and the standard library.

The runtime is the one in ask-resources.json (ASK CLI) and template.yaml (SAM). When no Python of that
version is on this machine, the deployed runtime follows the Python that builds the zip (3.11, 3.12 or
3.13): both files are updated and the command says so. ``build/lambda/`` is also the code root that
``sam build`` points at (it installs lambda/requirements.txt itself, so ``--stage-only`` is enough before
it); ``ask deploy`` builds the zip through hooks/build.sh. See docs/deploy.md.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path
from dataclasses import dataclass
from enum import Enum
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from skill.errors import GesprekscoachError

HELP = "Build a deployable AWS Lambda zip (and build/lambda/ for sam build); bytecode for the Lambda's Python."

# Python runtimes AWS Lambda offers that this code runs on.
SUPPORTED_RUNTIMES = ("3.11", "3.12", "3.13")
DEFAULT_RUNTIME = "3.12"

# Modules that only the command line, the chat simulator, the model checker, the tests and the
# benchmarks use: never on a request path (Lambda or webservice), never in the Lambda zip. The one list;
# tests/test_layout.py checks that neither entry point imports any of them.
TOOLING_MODULES = ("skill.dev",)

# The browser page of the webservice (GET /, POST /api/turn) takes typed text, so it resolves it with the
# chat simulator (skill.dev.commands.chat, skill.dev.nlu, skill.dev.conversation, skill.dev.runtime): those
# are on the page's path, not on the path of Alexa's requests (POST /alexa, Lambda).
BROWSER_PAGE = "skill.web.page"

# Data files the request path reads (skill/datafiles.py), relative to the skill package.
DATA_PATTERNS = ("data/*.json", "locale/*/*.json", "locale/*/practice/*.json", "locale/*/distress/*.json")

ENTRY = "lambda_function"
LAMBDA_TASK_ROOT = "/var/task"  # where Lambda unpacks the zip
CONFIG_FILES = ("ask-resources.json", "template.yaml")
_ASK_RUNTIME = re.compile(r'("runtime"\s*:\s*")python(3\.\d+)(")')
_SAM_RUNTIME = re.compile(r"^(\s*Runtime:\s*)python(3\.\d+)(\s*)$", re.M)


class PackagingError(GesprekscoachError):
    """The zip cannot be built; the message says why and what to do."""


# the checkout ---------------------------------------------------------------------------------------


def _installed_root() -> Path:
    import skill

    return Path(skill.__file__).resolve().parent.parent


def source_root(given: Optional[str] = None) -> Optional[Path]:
    """The project checkout (lambda/lambda_function.py beside skill/), or None when there is none."""
    root = Path(given).resolve() if given else _installed_root()
    if (root / "lambda" / f"{ENTRY}.py").is_file() and (root / "skill" / "__init__.py").is_file():
        return root
    return None


# the request path: the import graph from the Lambda entry -----------------------------------------


def package_modules(root: Path, package: str = "skill") -> Dict[str, Path]:
    """Every module of the package under root: dotted name -> file."""
    out: Dict[str, Path] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _imports(path: Path, package: str) -> List[str]:
    """Dotted names a module imports anywhere in its body (functions included), relative ones resolved."""
    names: List[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.append(module)
            names += [f"{module}.{alias.name}" for alias in node.names]
    return names


def request_path(
    root: Path, entries: Sequence[str] = (f"lambda/{ENTRY}.py",), stop: Sequence[str] = ()
) -> Dict[str, Path]:
    """The modules of the skill package that the entry files import, directly or not (with every
    parent package, whose __init__ runs on import). Read from the source, so imports inside functions
    count too: a module some rare branch needs is still shipped. Modules in stop are neither included
    nor followed."""
    modules = package_modules(root)

    def known(names: Iterable[str]) -> List[str]:
        found = []
        for name in names:
            parts = name.split(".")
            found += [".".join(parts[:i]) for i in range(1, len(parts) + 1) if ".".join(parts[:i]) in modules]
        return found

    todo: List[str] = []
    for entry in entries:
        todo += known(_imports(root / entry, ""))
    seen: Dict[str, Path] = {}
    while todo:
        name = todo.pop()
        if name in seen or name in stop:
            continue
        path = seen[name] = modules[name]
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        todo += known(_imports(path, package))
    return dict(sorted(seen.items()))


def tooling_on_path(modules: Iterable[str]) -> List[str]:
    return sorted(m for m in modules if any(m == t or m.startswith(t + ".") for t in TOOLING_MODULES))


# runtime and interpreter ----------------------------------------------------------------------------


def configured_runtimes(root: Path) -> Dict[str, str]:
    """Runtime version per deploy config file that exists in root ("3.12"); a file without one is left out."""
    found = {}
    for name, pattern in zip(CONFIG_FILES, (_ASK_RUNTIME, _SAM_RUNTIME)):
        path = root / name
        if path.is_file():
            match = pattern.search(path.read_text(encoding="utf-8"))
            if match:
                found[name] = match.group(2)
    return found


def set_runtime(root: Path, version: str) -> List[str]:
    """Write pythonX.Y as the runtime into the deploy config files in root; returns the files changed."""
    changed = []
    for name, pattern in zip(CONFIG_FILES, (_ASK_RUNTIME, _SAM_RUNTIME)):
        path = root / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        new = pattern.sub(lambda m: f"{m.group(1)}python{version}{m.group(3)}", text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(name)
    return changed


def here() -> str:
    return "%d.%d" % sys.version_info[:2]


def python_version_of(executable: str) -> Optional[str]:
    """X.Y of an interpreter, or None when it does not run (a pyenv shim without that version, say)."""
    try:
        proc = subprocess.run(
            [executable, "-I", "-S", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def _candidates(version: str) -> List[str]:
    out = []
    if os.environ.get("GESPREKSCOACH_LAMBDA_PYTHON"):
        out.append(os.environ["GESPREKSCOACH_LAMBDA_PYTHON"])
    name = f"python{version}"
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if directory and os.access(os.path.join(directory, name), os.X_OK):
            out.append(os.path.join(directory, name))
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    if pyenv.is_dir():

        def patch(p: Path):
            tail = p.parent.parent.name[len(version) + 1 :]
            return int(tail) if tail.isdigit() else -1

        installed = [p for p in pyenv.glob(f"{version}.*/bin/{name}") if patch(p) >= 0]
        out += [str(p) for p in sorted(installed, key=patch, reverse=True)]
    out += [f"/usr/local/bin/{name}", f"/usr/bin/{name}"]
    return list(dict.fromkeys(out))


def find_python(version: str, given: Optional[str] = None) -> Optional[str]:
    """An interpreter of this X.Y: the given one (only), else this Python, GESPREKSCOACH_LAMBDA_PYTHON,
    pythonX.Y on PATH, pyenv's versions, /usr/local/bin, /usr/bin. Each candidate is run to check it."""
    if given:
        return given if python_version_of(given) == version else None
    if here() == version:
        return sys.executable
    for candidate in _candidates(version):
        if os.access(candidate, os.X_OK) and python_version_of(candidate) == version:
            return candidate
    return None


class Bytecode(Enum):
    """What package-lambda did about the zip's bytecode."""

    BY_RUNTIME_PYTHON = "compiled by a Python of the configured runtime's version"
    RUNTIME_FOLLOWED = "no such Python: the runtime in the configs now follows the Python that builds"
    LEFT_OUT = "no Python of the runtime's version and the runtime may not follow: no bytecode"
    NOT_WANTED = "--no-compile"


@dataclass(frozen=True)
class Plan:
    """Which runtime the zip is for, which interpreter compiles its bytecode (None: no bytecode), and why."""

    runtime: str
    python: Optional[str]
    bytecode: Bytecode
    message: str
    changed: Tuple[str, ...] = ()


def plan_runtime(args: argparse.Namespace, config_root: Optional[Path]) -> Plan:
    configured = configured_runtimes(config_root) if config_root else {}
    if len(set(configured.values())) > 1:
        raise PackagingError(f"the deploy configs disagree on the runtime: {configured}; make them the same")
    runtime = args.python_version or next(iter(configured.values()), DEFAULT_RUNTIME)
    if args.no_compile:
        return Plan(runtime, None, Bytecode.NOT_WANTED, f"Bytecode: left out (--no-compile); runtime python{runtime}")
    python = find_python(runtime, args.runtime_python)
    if python:
        return Plan(
            runtime,
            python,
            Bytecode.BY_RUNTIME_PYTHON,
            f"Bytecode: compiled by {python} (Python {runtime}), the Lambda runtime python{runtime}",
        )
    pinned = args.python_version is not None or args.runtime_python is not None
    if pinned or not configured or here() not in SUPPORTED_RUNTIMES:
        why = (
            "--python-version/--runtime-python given"
            if pinned
            else ("no deploy config to follow" if not configured else f"Python {here()} is not a Lambda runtime")
        )
        return Plan(
            runtime,
            None,
            Bytecode.LEFT_OUT,
            f"Bytecode: left out: no Python {runtime} found for the runtime python{runtime}, and the "
            f"runtime cannot follow this Python ({why}); every cold start compiles from source. Install "
            f"Python {runtime} or name it with --runtime-python.",
        )
    changed = tuple(set_runtime(config_root, here()))
    return Plan(
        here(),
        sys.executable,
        Bytecode.RUNTIME_FOLLOWED,
        f"Bytecode: compiled by {sys.executable} (Python {here()}): no Python {runtime} was found for "
        f"the configured runtime python{runtime}, so the deployed runtime follows this Python: "
        f"python{here()} now in {' and '.join(changed)}",
        changed,
    )


def compile_bytecode(python: str, *dirs: Path) -> None:
    """__pycache__ for every module, made by the runtime's interpreter: /var/task is read-only, so Python
    on Lambda can never cache what it compiles, and without these every cold start compiles the skill and
    ask-sdk-model (hundreds of modules) from source. Unchecked-hash pycs: valid whatever the files' dates."""
    for directory in dirs:  # file names in the bytecode (tracebacks) as Lambda has them: /var/task/...
        cmd = [
            python,
            "-I",
            "-W",
            "ignore",
            "-m",
            "compileall",
            "-q",
            "--invalidation-mode",
            "unchecked-hash",
            "-s",
            str(directory),
            "-p",
            LAMBDA_TASK_ROOT,
            str(directory),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise PackagingError(
                f"could not precompile the Lambda code with {python}:\n{(proc.stdout + proc.stderr)[-2000:]}"
            )


# staging, dependencies, zip --------------------------------------------------------------------------


def stage(build_dir: Path, root: Path) -> Path:
    """Fresh copy of what the Lambda runs (no bytecode yet); returns build_dir."""
    modules = request_path(root)
    tooling = tooling_on_path(modules)
    if tooling:
        raise PackagingError(f"the Lambda entry imports tooling modules {tooling}: keep them off the request path")
    if build_dir.exists():
        shutil.rmtree(build_dir)
    build_dir.mkdir(parents=True)
    for name in (f"{ENTRY}.py", "requirements.txt"):
        shutil.copy2(root / "lambda" / name, build_dir / name)
    skill_src = root / "skill"
    files = [path.relative_to(root) for path in modules.values()]
    for pattern in DATA_PATTERNS:
        files += [path.relative_to(root) for path in sorted(skill_src.glob(pattern)) if path.is_file()]
    for rel in files:
        (build_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, build_dir / rel)
    return build_dir


RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath")


def install_deps(requirements: Path, target: Path, python_version: str, platform: str) -> None:
    if target.exists():
        shutil.rmtree(target)
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--target",
        str(target),
        "--requirement",
        str(requirements),
        "--implementation",
        "cp",
        "--python-version",
        python_version,
        "--platform",
        platform,
        "--only-binary=:all:",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise PackagingError(f"pip could not install the Lambda dependencies:\n{proc.stderr[-2000:]}")
    shutil.rmtree(target / "bin", ignore_errors=True)
    # boto3 and its own dependencies (pulled in by the DynamoDB store's adapter) are part of every AWS
    # Lambda Python runtime: leaving them out keeps the zip small (botocore alone is ~13 MiB zipped).
    for name in RUNTIME_PROVIDED:
        shutil.rmtree(target / name, ignore_errors=True)
        for info in target.glob(f"{name}-*.dist-info"):
            shutil.rmtree(info, ignore_errors=True)


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


# proving it works ------------------------------------------------------------------------------------

# Run in a child: answers each event (JSON list on stdin) with the Lambda entry found in argv[1], then
# reports where every loaded module came from. Nothing may be written there (/var/task is read-only).
SMOKE = r"""
import json, os, sys, sysconfig
root = os.path.realpath(sys.argv[1])
sys.dont_write_bytecode = True
sys.path.insert(0, root)
missing = []
class Recorder:  # last on sys.meta_path: sees every import no one could satisfy
    @staticmethod
    def find_spec(name, path=None, target=None):
        missing.append(name)
sys.meta_path.append(Recorder)
events = json.load(sys.stdin)
import lambda_function
answers = []
for event in events:
    r = lambda_function.lambda_handler(event, None)["response"]
    answers.append({"ssml": (r.get("outputSpeech") or {}).get("ssml", ""), "end": r.get("shouldEndSession"),
                    "reprompt": bool(r.get("reprompt"))})
# every data file the entry loads on first use, validated (and every module it imports then, found)
if os.path.isdir(os.path.join(root, "skill")):
    import skill.builder
    skill.builder.check_data()
paths = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix})
stdlib = {os.path.realpath(paths[k]) for k in ("stdlib", "platstdlib")}
sites = ("site-packages", "dist-packages")
inside = outside = from_bytecode = 0
foreign, skill_elsewhere = [], []
for name, module in sorted(sys.modules.items()):
    f = getattr(module, "__file__", None)
    if not f:
        continue
    f = os.path.realpath(f)
    if f.startswith(root + os.sep):
        inside += 1
        cached = getattr(module, "__cached__", None)
        from_bytecode += bool(cached and os.path.exists(cached))
    elif not any(f.startswith(s + os.sep) for s in stdlib) or any(p in sites for p in f.split(os.sep)):
        foreign.append(name)
    if (name == "skill" or name.startswith("skill.")) and not f.startswith(root + os.sep):
        skill_elsewhere.append(name)
missing = sorted({m for m in missing if m not in sys.modules})  # not found, and no later finder found it
print(json.dumps({"answers": answers, "foreign": foreign, "missing": missing,
                  "skill_elsewhere": skill_elsewhere, "modules_in_zip": inside, "from_bytecode": from_bytecode,
                  "loaded": sorted(sys.modules), "python": "%d.%d" % sys.version_info[:2]}))
"""


def smoke_events() -> List[dict]:
    """A LaunchRequest and an intent in a new session, as Alexa sends them."""
    from skill.dev import envelopes

    return [envelopes.launch(), envelopes.intent("TipIntent", new=True)]


def smoke(python: str, root: Path, *, isolated: bool, events: Optional[List[dict]] = None) -> dict:
    """Run SMOKE with python on the code in root. isolated: ``-I -S``, nothing from any site-packages."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GESPREKSCOACH_", "PYTHON"))}
    flags = ["-I", "-S"] if isolated else ["-I"]
    proc = subprocess.run(
        [python, *flags, "-c", SMOKE, str(root)],
        input=json.dumps(events or smoke_events()),
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode != 0:
        raise PackagingError(
            f"the Lambda code in {root} failed under {python} {' '.join(flags)}:\n{proc.stderr[-3000:]}"
        )
    return json.loads(proc.stdout.strip().splitlines()[-1])


# Libraries of the webservice and of the tooling (the sentence grammar's hassil, rapidfuzz, PyYAML): never
# on the Lambda's path.
HEAVY = ("flask", "werkzeug", "cryptography", "ask_sdk_webservice_support", "skill.web", "hassil", "rapidfuzz", "yaml")


def problems_of(result: dict, *, isolated: bool) -> List[str]:
    """What is wrong with a SMOKE result (empty when the code works as the Lambda runs it)."""
    out = []
    if not all(a["ssml"] for a in result["answers"]):
        out.append("an event got no speech")
    if result["skill_elsewhere"]:
        out.append(f"skill modules loaded from outside the Lambda code: {result['skill_elsewhere']}")
    heavy = [m for m in result["loaded"] if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    tooling = tooling_on_path(result["loaded"])
    if heavy or tooling:
        out.append(f"webservice or tooling modules loaded: {heavy + tooling}")
    if isolated and result["foreign"]:
        out.append(f"modules loaded from outside the zip and the standard library: {result['foreign']}")
    return out


def check(build_dir: Path) -> None:
    """The staged code in a fresh interpreter (dependencies from this environment): launch and an intent."""
    result = smoke(sys.executable, build_dir, isolated=False)
    bad = problems_of(result, isolated=False)
    if bad:
        raise PackagingError(f"the staged Lambda code does not work: {'; '.join(bad)}")


def prove_zip(output: Path, python: str) -> dict:
    """Unpack the zip into an empty directory; an isolated interpreter must answer from it alone."""
    import tempfile
    import zipfile

    with tempfile.TemporaryDirectory(prefix="gesprekscoach-zip-") as tmp:
        zipfile.ZipFile(output).extractall(tmp)
        result = smoke(python, Path(tmp), isolated=True)
    bad = problems_of(result, isolated=True)
    if bad:
        raise PackagingError(f"the zip {output} does not work on its own: {'; '.join(bad)}")
    return result


# the command -----------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        default=None,
        metavar="DIR",
        help="the project checkout to package (lambda/ and skill/; default: the one this command is installed from)",
    )
    parser.add_argument(
        "--build-dir",
        default=None,
        help="where to stage the Lambda code (default build/lambda in the checkout; the SAM code root)",
    )
    parser.add_argument(
        "--output", default=None, help="zip to write (default dist/gesprekscoach-lambda.zip in the checkout)"
    )
    parser.add_argument("--stage-only", action="store_true", help="only stage the build dir (enough for `sam build`)")
    parser.add_argument(
        "--no-deps",
        action="store_true",
        help="leave ask-sdk-core and its dependencies out of the zip (e.g. for a layer)",
    )
    parser.add_argument(
        "--python-version",
        default=None,
        help="Lambda Python runtime X.Y (default: the runtime in ask-resources.json and "
        "template.yaml; then it never changes them)",
    )
    parser.add_argument(
        "--runtime-python",
        default=None,
        metavar="PYTHON",
        help="interpreter of the runtime's version to compile the bytecode with (default: "
        "found on PATH, in pyenv, /usr/bin; env GESPREKSCOACH_LAMBDA_PYTHON)",
    )
    parser.add_argument(
        "--platform",
        default="manylinux2014_x86_64",
        help="wheel platform (default manylinux2014_x86_64; manylinux2014_aarch64 for arm64)",
    )
    parser.add_argument("--no-check", action="store_true", help="skip running the staged code and the finished zip")
    parser.add_argument("--no-compile", action="store_true", help="do not precompile bytecode")
    parser.add_argument(
        "--fail-on-runtime-change",
        action="store_true",
        help="exit with status 3 when the runtime had to follow this Python (hooks/build.sh: "
        "`ask deploy` has read its config already, so it must run again)",
    )


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / (1024 * 1024):.2f} MiB"


def run(args: argparse.Namespace) -> int:
    root = source_root(args.source)
    if root is None:
        where = args.source or _installed_root()
        print(
            f"package-lambda: needs the project's source checkout (lambda/{ENTRY}.py beside skill/), "
            f"and {where} is not one: run it in a checkout or pass --source DIR",
            file=sys.stderr,
        )
        return 2
    build_dir = Path(args.build_dir).resolve() if args.build_dir else root / "build" / "lambda"
    output = Path(args.output).resolve() if args.output else root / "dist" / "gesprekscoach-lambda.zip"
    stage(build_dir, root)
    if not args.no_check:
        check(build_dir)
    plan = plan_runtime(args, root)
    print(plan.message)
    dirs = [build_dir]
    if not args.stage_only and not args.no_deps:
        deps = build_dir.parent / (build_dir.name + "-deps")
        install_deps(build_dir / "requirements.txt", deps, plan.runtime, args.platform)
        dirs.append(deps)
    if plan.python:
        compile_bytecode(plan.python, *dirs)
    print(f"Staged Lambda code in {build_dir} (code root for `sam build`; runtime python{plan.runtime})")
    if not args.stage_only:
        count = write_zip(output, *dirs)
        size = output.stat().st_size
        print(
            f"Wrote {output}: {_size(size)} ({size} bytes, {count} files"
            f"{', without dependencies' if args.no_deps else ''})"
        )
        machine = platform.machine()
        if not args.no_check and not args.no_deps and not args.platform.endswith(machine):
            print(f"Zip not run here: its dependencies are for {args.platform}, this machine is {machine}")
        elif not args.no_check and not args.no_deps:
            python = plan.python or find_python(plan.runtime) or sys.executable
            result = prove_zip(output, python)
            print(
                f"Zip proven: unpacked alone and run by {python} -I -S (Python {result['python']}), it "
                f"answered a LaunchRequest and an intent; {result['from_bytecode']} of "
                f"{result['modules_in_zip']} modules loaded from its bytecode"
            )
    if plan.changed and args.fail_on_runtime_change:
        print(
            f"package-lambda: the runtime changed to python{plan.runtime} in {' and '.join(plan.changed)}: "
            "run the deploy again so it uses that runtime",
            file=sys.stderr,
        )
        return 3
    return 0
