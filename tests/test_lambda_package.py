"""``gesprekscoach package-lambda``: the zip holds only what the Lambda needs, and it works."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from skill.cli import main

REPO = Path(__file__).resolve().parents[1]


def _build(tmp_path, *extra):
    build, out = tmp_path / "build" / "lambda", tmp_path / "dist" / "fn.zip"
    code = main(["package-lambda", "--build-dir", str(build), "--output", str(out), *extra])
    assert code == 0
    return build, out


def test_zip_without_deps_holds_only_the_lambda_code(tmp_path, capsys):
    build, out = _build(tmp_path, "--no-deps", "--no-compile")
    printed = capsys.readouterr().out
    assert f"{out.stat().st_size} bytes" in printed and str(out) in printed
    names = zipfile.ZipFile(out).namelist()
    assert "lambda_function.py" in names and "requirements.txt" in names
    assert "skill/__init__.py" in names and "skill/builder.py" in names and "skill/config.py" in names
    for data in (REPO / "skill").rglob("*.json"):
        assert data.relative_to(REPO).as_posix() in names
    assert not [n for n in names if n.startswith(("skill/web/", "skill/commands/")) or n == "skill/cli.py"]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith(("flask", "werkzeug", "cryptography"))]
    # the staged build dir (the ASK CLI / SAM code root) has the same code
    assert (build / "lambda_function.py").is_file() and not (build / "skill" / "web").exists()


def test_unzipped_lambda_answers_a_launch_without_heavy_imports(tmp_path):
    _, out = _build(tmp_path, "--no-deps", "--no-check")
    root = tmp_path / "unzipped"
    zipfile.ZipFile(out).extractall(root)
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(root)!r})\n"
        "import lambda_function, skill\n"
        "from skill import envelopes\n"
        "out = lambda_function.lambda_handler(envelopes.launch(), None)\n"
        "heavy = ('flask', 'werkzeug', 'cryptography', 'ask_sdk_webservice_support', 'skill.web', 'hassil',\n"
        "         'rapidfuzz', 'yaml', 'skill.grammar', 'skill.resolver')\n"
        "print(json.dumps({'skill': skill.__file__, 'end': out['response']['shouldEndSession'],\n"
        "  'heavy': [m for m in sys.modules if any(m == h or m.startswith(h + '.') for h in heavy)]}))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("GESPREKSCOACH_")}
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert Path(result["skill"]).resolve().is_relative_to(root.resolve())  # the zip's copy, not the repo's
    assert result["end"] is False and result["heavy"] == []


def test_bytecode_is_precompiled_for_the_lambdas_python(tmp_path, capsys):
    here = "%d.%d" % sys.version_info[:2]
    build, out = _build(tmp_path, "--no-deps", "--python-version", here)
    assert "bytecode precompiled" in capsys.readouterr().out
    tag = sys.implementation.cache_tag
    assert (build / "skill" / "__pycache__" / f"builder.{tag}.pyc").is_file()
    names = zipfile.ZipFile(out).namelist()
    assert f"skill/__pycache__/content.{tag}.pyc" in names and f"__pycache__/lambda_function.{tag}.pyc" in names
    # another runtime than this Python: no bytecode (it would be ignored there), and it says so
    build, out = _build(tmp_path / "other", "--no-deps", "--python-version", "3.99")
    assert "not precompiled" in capsys.readouterr().out
    assert not [n for n in zipfile.ZipFile(out).namelist() if n.endswith(".pyc")]


def test_stage_only_writes_no_zip(tmp_path):
    build, out = _build(tmp_path, "--stage-only")
    assert (build / "skill" / "builder.py").is_file() and not out.exists()


def test_deps_are_fetched_for_the_lambda_platform(tmp_path, monkeypatch):
    from skill.commands import package_lambda

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
    for flag, value in [("--python-version", "3.12"), ("--platform", "manylinux2014_x86_64"),
                        ("--implementation", "cp"), ("--requirement", str(REPO / "lambda" / "requirements.txt"))]:
        assert cmd[cmd.index(flag) + 1] == value
    assert "--only-binary=:all:" in cmd
    assert (target / "ask_sdk_core" / "__init__.py").is_file()


def test_full_zip_with_deps(tmp_path, capsys):
    """Fetches ask-sdk-core and its dependencies from the package index (as `make` does)."""
    _, out = _build(tmp_path, "--no-check")
    names = set(zipfile.ZipFile(out).namelist())
    assert "ask_sdk_core/__init__.py" in names and "ask_sdk_model/__init__.py" in names
    assert not [n for n in names if n.startswith(("flask/", "werkzeug/", "cryptography/", "gunicorn/"))]
    assert out.stat().st_size < 10 * 1024 * 1024
