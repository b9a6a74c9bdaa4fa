"""What runs where: Alexa's requests (the Lambda entry and the webservice) never pass through tooling.

The tooling modules are listed once, in skill.commands.package_lambda.TOOLING_MODULES (the lead moves
them into a package of their own later); the Lambda zip ships exactly the request path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from skill.commands.package_lambda import TOOLING_MODULES, package_modules, request_path, tooling_on_path

REPO = Path(__file__).resolve().parents[1]
WEB_ENTRY = "skill/web/__init__.py"


def test_every_tooling_module_exists():
    modules = package_modules(REPO)
    for name in TOOLING_MODULES:
        assert name in modules, f"{name} is listed as tooling but is no module of the skill package"


def test_the_lambda_entry_imports_no_tooling_module():
    path = request_path(REPO)
    assert {"skill", "skill.builder", "skill.config", "skill.handlers", "skill.content"} <= set(path)
    assert tooling_on_path(path) == []
    assert not [m for m in path if m == "skill.web" or m.startswith("skill.web.")]


# The browser page (skill/web/page.py) understands typed text with the chat simulator's resolver, so
# these tooling modules are on the webservice's path, but only through the page, and only these.
PAGE_UNDERSTANDING = {"skill.commands", "skill.commands.chat", "skill.conversation", "skill.envelopes", "skill.nlu",
                      "skill.response_check", "skill.runtime"}


def test_the_webservice_imports_no_tooling_module_but_the_page_s_understanding():
    path = request_path(REPO, entries=(WEB_ENTRY,))
    assert {"skill.web.app", "skill.web.verifier", "skill.builder"} <= set(path)
    assert set(tooling_on_path(path)) <= PAGE_UNDERSTANDING
    page = request_path(REPO, entries=("skill/web/page.py",))
    assert set(tooling_on_path(path)) <= set(page)


def test_the_request_path_is_the_import_graph_not_more():
    """request_path follows imports anywhere in a module (inside functions too) and nothing else."""
    lam = set(request_path(REPO))
    web = set(request_path(REPO, entries=(WEB_ENTRY,)))
    assert lam <= web  # the webservice runs the same skill builder
    assert "skill.nlu" not in lam and "skill.envelopes" not in lam
    assert "skill.nlu" in web  # through the browser page only (see PAGE_UNDERSTANDING)


def _loaded_after(code: str) -> list:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GESPREKSCOACH_")}
    proc = subprocess.run([sys.executable, "-c", code + "\nimport json, sys; print(json.dumps(sorted(sys.modules)))"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_at_run_time_neither_entry_loads_tooling():
    lam = _loaded_after("import sys; sys.path.insert(0, 'lambda'); import lambda_function")
    assert "skill.builder" in lam and tooling_on_path(lam) == []
    web = _loaded_after("from skill.web import create_app; create_app()")
    assert "skill.web.app" in web and tooling_on_path(web) == []
