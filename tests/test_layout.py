"""What runs where: Alexa's requests (the Lambda entry and the webservice) never pass through tooling.

The tooling lives in its own package, skill/dev (skill.dev.commands.package_lambda.TOOLING_MODULES); the
Lambda zip ships exactly the request path, so never any of skill/dev.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from skill.dev.commands.package_lambda import (
    BROWSER_PAGE,
    TOOLING_MODULES,
    package_modules,
    request_path,
    tooling_on_path,
)

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


def test_the_webservices_alexa_endpoint_imports_no_tooling_module():
    path = request_path(REPO, entries=(WEB_ENTRY,), stop=(BROWSER_PAGE,))
    assert {"skill.web.app", "skill.web.verifier", "skill.builder"} <= set(path)
    assert tooling_on_path(path) == []


# The browser page (skill/web/page.py) understands typed text with the chat simulator's resolver, so
# these tooling modules are on the webservice's path, but only through the page, and only these.
PAGE_UNDERSTANDING = {
    "skill.dev",
    "skill.dev.commands",
    "skill.dev.commands.chat",
    "skill.dev.conversation",
    "skill.dev.envelopes",
    "skill.dev.nlu",
    "skill.dev.response_check",
    "skill.dev.runtime",
    "skill.dev.resolver",
    "skill.dev.grammar",
}


def test_the_browser_page_is_the_one_web_path_through_tooling():
    """The page takes typed text: it resolves it with the chat simulator, the one use of tooling modules
    on a web path (not on Alexa's), and exactly these."""
    page = set(request_path(REPO, entries=("skill/web/page.py",)))
    assert set(tooling_on_path(page)) == PAGE_UNDERSTANDING
    web = set(request_path(REPO, entries=(WEB_ENTRY,)))
    assert set(tooling_on_path(web)) == PAGE_UNDERSTANDING


def test_the_request_path_is_the_import_graph_not_more():
    """request_path follows imports anywhere in a module (inside functions too) and nothing else."""
    lam = set(request_path(REPO))
    web = set(request_path(REPO, entries=(WEB_ENTRY,), stop=(BROWSER_PAGE,)))
    assert lam <= web  # the webservice runs the same skill builder
    assert "skill.dev.nlu" not in lam | web and "skill.dev.envelopes" not in lam | web
    assert BROWSER_PAGE not in web and BROWSER_PAGE in request_path(REPO, entries=(WEB_ENTRY,))


def _loaded_after(code: str) -> list:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GESPREKSCOACH_")}
    proc = subprocess.run(
        [sys.executable, "-c", code + "\nimport json, sys; print(json.dumps(sorted(sys.modules)))"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_at_run_time_neither_entry_loads_tooling():
    from skill.dev import envelopes

    lam = _loaded_after("import sys; sys.path.insert(0, 'lambda'); import lambda_function")
    assert "skill.builder" in lam and tooling_on_path(lam) == []
    launch = json.dumps(envelopes.launch())
    web = _loaded_after(
        "from skill.config import SkillConfig\n"
        "from skill.web.app import WebSettings, create_app\n"
        "client = create_app(SkillConfig(), WebSettings(dev=True)).test_client()\n"
        f"response = client.post('/alexa', data={launch!r}, content_type='application/json')\n"
        "assert response.status_code == 200, response.get_data()\n"
        "assert response.get_json()['response']['outputSpeech']"
    )
    assert "skill.web.app" in web and tooling_on_path(web) == []
