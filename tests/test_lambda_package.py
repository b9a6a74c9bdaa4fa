"""``gesprekscoach package-lambda``: the zip holds only what the Lambda runs, with bytecode for the
Lambda's Python, and it works on its own (unpacked, isolated interpreter, nothing else on the path)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from skill.dev.cli import main
from skill.dev.commands import package_lambda

REPO = Path(__file__).resolve().parents[1]
TAG = sys.implementation.cache_tag


def _configured_runtime() -> str:
    found = set(package_lambda.configured_runtimes(REPO).values())
    assert len(found) == 1, found
    return found.pop()


def _build(tmp_path, *extra):
    """package-lambda on the checkout, the runtime pinned (so it never rewrites the checkout's configs)."""
    build, out = tmp_path / "build" / "lambda", tmp_path / "dist" / "fn.zip"
    pin = [] if "--python-version" in extra else ["--python-version", _configured_runtime()]
    code = main(["package-lambda", "--build-dir", str(build), "--output", str(out), *pin, *extra])
    assert code == 0
    return build, out


def _checkout_copy(tmp_path, runtime: str) -> Path:
    """A copy of the checkout's Lambda sources and deploy configs, with the runtime set to runtime."""
    root = tmp_path / "checkout"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("lambda", "skill"):
        shutil.copytree(REPO / name, root / name, ignore=ignore)
    for name in package_lambda.CONFIG_FILES:
        shutil.copy2(REPO / name, root / name)
    package_lambda.set_runtime(root, runtime)
    return root


@pytest.fixture(scope="session")
def full_zip(tmp_path_factory):
    """The real zip, built once for the session the way `ask deploy` builds it: hooks/build.sh
    <OUT_FILE> <DO_DEBUG>, run from an empty directory, on a copy of the checkout (with this checkout's
    venv), since the hook may have to rewrite the runtime in the configs. ask-sdk-core comes for the Lambda
    platform from the package index (as `make` does). Returns (zip path, what the hook printed, runtime)."""
    tmp = tmp_path_factory.mktemp("hook")
    root = _checkout_copy(tmp, _configured_runtime())
    shutil.copytree(REPO / "hooks", root / "hooks")
    if (REPO / ".venv").is_dir():
        (root / ".venv").symlink_to(REPO / ".venv")
    out, workdir = tmp / "upload.zip", tmp / "code-root-copy"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GESPREKSCOACH_")}

    def hook():
        return subprocess.run(
            [str(root / "hooks" / "build.sh"), str(out), "false"],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    proc = hook()
    if proc.returncode == 3:  # no Python of the runtime here: the configs followed this one; deploy again
        assert "run the deploy again" in proc.stderr
        proc = hook()
    assert proc.returncode == 0, proc.stderr[-2000:]
    runtimes = set(package_lambda.configured_runtimes(root).values())
    assert len(runtimes) == 1
    return out, proc.stdout, runtimes.pop()


@pytest.fixture(scope="session")
def runtime_python(full_zip) -> str:
    """The Lambda runtime's interpreter when this machine has one, else this Python."""
    return package_lambda.find_python(full_zip[2]) or sys.executable


def test_zip_without_deps_holds_only_the_request_path(tmp_path, capsys):
    build, out = _build(tmp_path, "--no-deps", "--no-compile")
    printed = capsys.readouterr().out
    assert f"{out.stat().st_size} bytes" in printed and str(out) in printed
    names = set(zipfile.ZipFile(out).namelist())
    assert {
        "lambda_function.py",
        "requirements.txt",
        "skill/__init__.py",
        "skill/builder.py",
        "skill/handlers/__init__.py",
        "skill/datafiles.py",
    } <= names
    for pattern in package_lambda.DATA_PATTERNS:
        data = [p.relative_to(REPO).as_posix() for p in (REPO / "skill").glob(pattern)]
        assert data and set(data) <= names
    shipped = {
        n[:-3].replace("/", ".").removesuffix(".__init__")
        for n in names
        if n.startswith("skill/") and n.endswith(".py")
    }
    assert shipped == set(package_lambda.request_path(REPO))
    for module in package_lambda.TOOLING_MODULES + ("skill.web",):
        path = module.replace(".", "/")
        assert f"{path}.py" not in names and not [n for n in names if n.startswith(path + "/")], module
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert (build / "lambda_function.py").is_file() and not (build / "skill" / "web").exists()


def test_the_zip_answers_on_its_own_with_an_isolated_interpreter(full_zip, runtime_python, tmp_path):
    """CI's proof of the zip: unpacked into an empty directory and run with `python -I -S` (no
    site-packages at all), it answers a LaunchRequest and an intent, and every module it loaded came from
    the zip or the standard library."""
    out, printed, runtime = full_zip
    assert "Zip proven" in printed
    root = tmp_path / "unzipped"
    root.mkdir()
    zipfile.ZipFile(out).extractall(root)
    # this interpreter, so isolated, cannot see the build's site-packages at all
    probe = subprocess.run(
        [runtime_python, "-I", "-S", "-c", "import ask_sdk_core"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode != 0 and "No module named 'ask_sdk_core'" in probe.stderr
    result = package_lambda.smoke(runtime_python, root, isolated=True)
    launch, tip = result["answers"]
    assert launch["ssml"].startswith("<speak>") and launch["end"] is False and launch["reprompt"]
    assert tip["ssml"].startswith("<speak>") and tip["end"] is True  # a one-shot tip ends the session
    assert result["foreign"] == [] and result["skill_elsewhere"] == []
    assert "ask_sdk_core" in result["loaded"] and "skill.builder" in result["loaded"]
    assert package_lambda.problems_of(result, isolated=True) == []
    assert package_lambda.tooling_on_path(result["loaded"]) == []
    if result["python"] == runtime:  # the runtime's own Python: every module of the zip from its bytecode
        assert result["from_bytecode"] == result["modules_in_zip"] > 100


def test_the_check_fails_on_a_module_from_outside_the_zip(tmp_path, runtime_python):
    """The isolated run notices code that reaches outside the zip."""
    root = tmp_path / "code"
    root.mkdir()
    (root / "lambda_function.py").write_text(
        "import json\n"
        "def lambda_handler(event, context):\n"
        "    return {'response': {'outputSpeech': {'ssml': '<speak>hoi</speak>'}, 'shouldEndSession': True}}\n"
    )
    ok = package_lambda.smoke(runtime_python, root, isolated=True, events=[{}])
    assert package_lambda.problems_of(ok, isolated=True) == []
    (root / "lambda_function.py").write_text("import ask_sdk_core\n" + (root / "lambda_function.py").read_text())
    with pytest.raises(package_lambda.PackagingError, match="No module named 'ask_sdk_core'"):
        package_lambda.smoke(runtime_python, root, isolated=True, events=[{}])
    # the same code with site-packages available: it works, but the import from outside is reported
    result = package_lambda.smoke(sys.executable, root, isolated=False, events=[{}])
    assert "ask_sdk_core" in result["foreign"]
    assert package_lambda.problems_of(result, isolated=True)


def test_bytecode_is_made_by_the_runtimes_interpreter(tmp_path, capsys):
    here = package_lambda.here()
    build, out = _build(tmp_path, "--no-deps", "--python-version", here)
    assert f"Bytecode: compiled by {sys.executable} (Python {here})" in capsys.readouterr().out
    assert (build / "skill" / "__pycache__" / f"builder.{TAG}.pyc").is_file()
    names = zipfile.ZipFile(out).namelist()
    assert f"skill/__pycache__/content.{TAG}.pyc" in names and f"__pycache__/lambda_function.{TAG}.pyc" in names
    # the file names inside the bytecode are where Lambda unpacks the zip, not this build directory
    code = (build / "skill" / "__pycache__" / f"builder.{TAG}.pyc").read_bytes()
    assert b"/var/task/skill/builder.py" in code and str(build).encode() not in code


def test_no_interpreter_for_a_pinned_runtime_leaves_the_bytecode_out_and_says_so(tmp_path, capsys):
    _, out = _build(tmp_path, "--no-deps", "--python-version", "3.99")
    printed = capsys.readouterr().out
    assert "Bytecode: left out: no Python 3.99 found" in printed
    assert not [n for n in zipfile.ZipFile(out).namelist() if n.endswith(".pyc")]


def test_without_the_runtimes_interpreter_the_runtime_follows_this_python(tmp_path, capsys):
    """Configured for a runtime this machine has no Python for: the zip gets this Python's bytecode and
    ask-resources.json and template.yaml both get this Python's runtime."""
    root = _checkout_copy(tmp_path, "3.98")
    here = package_lambda.here()
    build, out = tmp_path / "b", tmp_path / "fn.zip"
    assert (
        main(["package-lambda", "--source", str(root), "--build-dir", str(build), "--output", str(out), "--no-deps"])
        == 0
    )
    printed = capsys.readouterr().out
    assert (
        "no Python 3.98 was found" in printed and f"python{here} now in ask-resources.json and template.yaml" in printed
    )
    assert package_lambda.configured_runtimes(root) == {"ask-resources.json": here, "template.yaml": here}
    assert f'"runtime": "python{here}"' in (root / "ask-resources.json").read_text()
    assert f"skill/__pycache__/builder.{TAG}.pyc" in zipfile.ZipFile(out).namelist()
    # the ASK CLI hook's mode: it says the deploy must run again, with status 3
    package_lambda.set_runtime(root, "3.98")
    assert (
        main(
            [
                "package-lambda",
                "--source",
                str(root),
                "--build-dir",
                str(build),
                "--output",
                str(out),
                "--no-deps",
                "--fail-on-runtime-change",
            ]
        )
        == 3
    )
    assert "run the deploy again" in capsys.readouterr().err


def test_finding_an_interpreter_runs_it():
    here = package_lambda.here()
    assert package_lambda.python_version_of(sys.executable) == here
    assert package_lambda.python_version_of("/nonexistent/python3") is None
    assert package_lambda.find_python(here) == sys.executable
    assert package_lambda.find_python(here, "/nonexistent/python3") is None
    assert package_lambda.find_python("3.98") is None


def test_configs_that_disagree_stop_the_build(tmp_path, capsys):
    root = _checkout_copy(tmp_path, "3.12")
    (root / "template.yaml").write_text((root / "template.yaml").read_text().replace("python3.12", "python3.13"))
    assert main(["package-lambda", "--source", str(root), "--build-dir", str(tmp_path / "b"), "--stage-only"]) == 1
    assert "disagree on the runtime" in capsys.readouterr().err


def test_outside_a_checkout_it_says_what_it_needs(tmp_path, capsys):
    assert main(["package-lambda", "--source", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "needs the project's source checkout" in err and "--source DIR" in err


def test_stage_only_writes_no_zip(tmp_path):
    build, out = _build(tmp_path, "--stage-only")
    assert (build / "skill" / "builder.py").is_file() and not out.exists()


def test_deps_are_fetched_for_the_lambda_platform(tmp_path, monkeypatch):
    calls = []

    def fake_run(cmd, **kwargs):
        calls.append(cmd)
        target = Path(cmd[cmd.index("--target") + 1])
        (target / "ask_sdk_core").mkdir(parents=True)
        (target / "ask_sdk_core" / "__init__.py").write_text("")
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(subprocess, "run", fake_run)
    target = tmp_path / "deps"
    package_lambda.install_deps(REPO / "lambda" / "requirements.txt", target, "3.12", "manylinux2014_x86_64")
    cmd = calls[0]
    assert cmd[1:4] == ["-m", "pip", "install"]
    for flag, value in [
        ("--python-version", "3.12"),
        ("--platform", "manylinux2014_x86_64"),
        ("--implementation", "cp"),
        ("--requirement", str(REPO / "lambda" / "requirements.txt")),
    ]:
        assert cmd[cmd.index(flag) + 1] == value
    assert "--only-binary=:all:" in cmd
    assert (target / "ask_sdk_core" / "__init__.py").is_file()


def test_the_ask_cli_hook_builds_the_full_zip(full_zip):
    out, printed, runtime = full_zip
    assert os.access(REPO / "hooks" / "build.sh", os.X_OK)
    names = set(zipfile.ZipFile(out).namelist())
    assert {"lambda_function.py", "skill/builder.py", "ask_sdk_core/__init__.py", "ask_sdk_model/__init__.py"} <= names
    assert not [n for n in names if n.startswith(("skill/web/", "flask/", "werkzeug/", "cryptography/", "gunicorn/"))]
    assert "ask_sdk_dynamodb/adapter.py" in names and "skill/store/dynamodb.py" in names  # the DynamoDB store
    assert not [n for n in names if n.startswith(("boto3/", "botocore/", "s3transfer/"))]  # in the runtime
    assert out.stat().st_size < 10 * 1024 * 1024
    assert f"runtime python{runtime}" in printed and "Bytecode: compiled by" in printed
    tag = "cpython-" + runtime.replace(".", "")
    assert f"ask_sdk_core/__pycache__/__init__.{tag}.pyc" in names and f"skill/__pycache__/builder.{tag}.pyc" in names


@pytest.mark.parametrize(
    "broken, error",
    [
        (("locale", "nl-NL", "practice", "scenarios.json"), "ScenarioError"),
        (("locale", "nl-NL", "distress", "markers.json"), "MarkerError"),
        (("data", "helplines.json"), "HelplineError"),
        (("data", "quiz.json"), "QuizDataError"),
        (("data", "checklist.json"), "ChecklistError"),
    ],
)
def test_the_check_validates_the_files_the_lambda_loads_on_first_use(tmp_path, broken, error):
    """The Lambda entry loads these on the first request that needs them (skill.builder, preload=False):
    the check before a zip is built still validates each, so a broken one stops the build."""
    build, _ = _build(tmp_path, "--stage-only", "--no-check")
    package_lambda.check(build)  # the staged code as it is: fine
    (build / "skill").joinpath(*broken).write_text("{}", encoding="utf-8")
    with pytest.raises(package_lambda.PackagingError, match=error):
        package_lambda.check(build)
