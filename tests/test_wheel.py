"""The wheel, installed in a fresh virtualenv, runs every console command from any directory.

The wheel is built with ``pip wheel --no-deps`` from a copy of the sources (so the checkout gets no
build/ or egg-info) and installed into a new venv in a temporary directory. The project's dependencies
come from this venv: the new venv sees this one's site-packages through a .pth line placed after its
own (no download; the editable install's finder is not loaded that way, so ``skill`` can only come from
the wheel, which the tests check). Every command runs with the temporary directory as its working
directory, outside the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MODEL_PACKAGE = REPO / "interaction_model"


class Venv:
    def __init__(self, root: Path, work: Path):
        self.root, self.work = root, work
        self.bin = root / "bin"

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GESPREKSCOACH_", "PYTHON", "VIRTUAL_ENV"))}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env["PYTHONUNBUFFERED"] = "1"
        env["XDG_DATA_HOME"] = str(self.work / "data")  # serve's profile store, not the user's
        return env

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.bin / "gesprekscoach"), *args],
            cwd=self.work,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory) -> Venv:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    shutil.copytree(REPO / "skill", src / "skill", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp / "dist"),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = (tmp / "dist").glob("gesprekscoach-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    purelib = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # "zz": after the wheel's own files; this venv's site-packages only as a plain path entry
    Path(purelib, "zz-project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp / "elsewhere"
    work.mkdir()
    return Venv(venv, work)


def test_the_wheel_is_what_runs(wheel_venv):
    """skill comes from the new venv's site-packages, with its data, and the declared dependencies are there."""
    code = r"""
import json, re, skill, importlib.metadata as md
def norm(name): return re.sub(r"[-_.]+", "-", name).lower()
have = {norm(d.metadata["Name"]) for d in md.distributions()}
needed = [r for r in md.requires("gesprekscoach") or [] if "extra ==" not in r]
missing = [r for r in needed if norm(re.split(r"[<>=!~;\[ ]", r)[0]) not in have]
print(json.dumps({"skill": skill.__file__, "missing": missing, "needed": needed}))
"""
    proc = subprocess.run(
        [str(wheel_venv.bin / "python"), "-c", code],
        cwd=wheel_venv.work,
        env=wheel_venv.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert Path(info["skill"]).is_relative_to(wheel_venv.root) and not Path(info["skill"]).is_relative_to(REPO)
    assert info["needed"] and info["missing"] == []
    data = Path(info["skill"]).parent
    assert (data / "data" / "principles.json").is_file() and (data / "locale" / "nl-NL" / "prompts.json").is_file()
    assert list((data / "locale" / "nl-NL" / "sentences").glob("*.yaml"))  # chat's grammar


def test_help_lists_every_command(wheel_venv):
    proc = wheel_venv.run("--help")
    assert proc.returncode == 0, proc.stderr
    for command in ("serve", "chat", "check-model", "build-model", "package-lambda", "subscribe-events"):
        assert command in proc.stdout


def test_serve_answers_health(wheel_venv):
    proc = subprocess.Popen(
        [str(wheel_venv.bin / "gesprekscoach"), "serve", "--host", "127.0.0.1", "--port", "0", "--dev"],
        cwd=wheel_venv.work,
        env=wheel_venv.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert "listening on http://" in line, proc.stderr.read() if proc.poll() is not None else line
        url = line.split("listening on ", 1)[1].split()[0]
        with urllib.request.urlopen(url + "/health", timeout=10) as response:
            assert response.status == 200
            assert json.loads(response.read())["status"] == "ok"
        for page, title in (("/privacy", "Privacyverklaring"), ("/terms", "Gebruiksvoorwaarden")):
            with urllib.request.urlopen(url + page, timeout=10) as response:  # package data in the wheel
                assert response.status == 200 and f"<h1>{title} van Gesprekscoach</h1>" in response.read().decode()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0


def test_check_model_takes_the_package_and_says_what_it_needs(wheel_venv):
    missing = wheel_venv.run("check-model")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "needs the skill package folder" in missing.stderr and "--package DIR" in missing.stderr
    ok = wheel_venv.run("check-model", "--package", str(MODEL_PACKAGE))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "check-model: OK 'empathisch gesprek'" in ok.stdout


def test_chat_runs_from_the_wheel(wheel_venv):
    """chat understands with the sentence grammar, shipped as package data: no checkout needed."""
    proc = wheel_venv.run("chat", "--say", "", "--say", "geef me een tip", "--say", "stop")
    assert proc.returncode == 0, proc.stderr
    assert "[TipIntent" in proc.stdout and "[AMAZON.StopIntent" in proc.stdout
    assert proc.stdout.count("alexa> ") == 3 and "(sessie beëindigd)" in proc.stdout


def test_chat_with_a_model_from_a_path(wheel_venv, tmp_path):
    proc = wheel_venv.run("chat", "--package", str(MODEL_PACKAGE), "--say", "geef me een tip")
    assert proc.returncode == 0, proc.stderr
    assert "[TipIntent]" in proc.stdout
    missing = wheel_venv.run("chat", "--package", str(tmp_path / "nothing"), "--say", "geef me een tip")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert "--package DIR" in missing.stderr and "GESPREKSCOACH_MODEL_PACKAGE" in missing.stderr


def test_build_model_takes_the_package_and_says_what_it_needs(wheel_venv, tmp_path):
    missing = wheel_venv.run("build-model")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "needs the skill package folder" in missing.stderr and "--package DIR" in missing.stderr
    assert not list(wheel_venv.root.rglob("interaction_model"))  # nothing written into the venv
    fresh = wheel_venv.run("build-model", "--check", "--package", str(MODEL_PACKAGE))
    assert fresh.returncode == 0, fresh.stderr
    assert "up to date with the grammar" in fresh.stdout
    package = tmp_path / "package"
    shutil.copytree(MODEL_PACKAGE, package)
    model = package / "interactionModels" / "custom" / "nl-NL.json"
    model.write_text("{}")
    built = wheel_venv.run("build-model", "--package", str(package))
    assert built.returncode == 0, built.stderr
    assert model.read_text() == (MODEL_PACKAGE / "interactionModels" / "custom" / "nl-NL.json").read_text()


def test_package_lambda_from_the_wheel(wheel_venv):
    missing = wheel_venv.run("package-lambda")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "needs the project's source checkout" in missing.stderr and "--source DIR" in missing.stderr
    runtime = json.loads((REPO / "ask-resources.json").read_text())["profiles"]["default"]["skillInfrastructure"][
        "userConfig"
    ]["runtime"].removeprefix("python")
    out = wheel_venv.work / "fn.zip"
    proc = wheel_venv.run(
        "package-lambda",
        "--source",
        str(REPO),
        "--no-deps",
        "--python-version",
        runtime,
        "--build-dir",
        str(wheel_venv.work / "build"),
        "--output",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    assert out.is_file() and f"Wrote {out}" in proc.stdout
