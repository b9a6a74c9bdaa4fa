"""End-to-end: ``gesprekscoach serve --dev`` as a real process, driven over HTTP by virtual-alexa
(npm, pinned in tests/e2e/package-lock.json) with our own interaction model. The tests themselves
are in tests/e2e/e2e.test.js (node:test); this runs them, so ``make test`` and CI do too.

Node and the npm packages are required: without them this FAILS (it does not skip), because CI must
run it. ``make test`` installs the packages (npm ci --prefix tests/e2e)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.e2e_helpers import REPO, DevServer, virtual_alexa_model

E2E = REPO / "tests" / "e2e"
SKILL_ID = "amzn1.ask.skill.e2e00000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def server():
    with DevServer("--skill-id", SKILL_ID) as running:
        yield running


def test_virtual_alexa_end_to_end(server, tmp_path):
    node = shutil.which("node")
    assert node, "node is not installed: the end-to-end tests need node 18 or later (CI has node 20)"
    assert (E2E / "node_modules" / "virtual-alexa").is_dir(), (
        "virtual-alexa is not installed: run `npm ci --prefix tests/e2e` (make test does)"
    )
    model = virtual_alexa_model(tmp_path / "nl-NL.virtual-alexa.json")
    env = {
        "PATH": shutil.os.environ.get("PATH", ""),
        "E2E_SKILL_URL": server.url + "/alexa",
        "E2E_MODEL": str(model),
        "E2E_SKILL_ID": SKILL_ID,
        "NODE_NO_WARNINGS": "1",
    }
    result = subprocess.run(
        [node, "--test", "--test-reporter=spec", "e2e.test.js"],
        cwd=E2E,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "# fail 0" in report or "ℹ fail 0" in report, report
    print(report)
