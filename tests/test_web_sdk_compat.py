"""ask-sdk-webservice-support imports even when oscrypto is broken (OpenSSL >= 3.0.10, oscrypto 1.3.0),
and our verification still works end to end without it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

BROKEN = "raise LibraryNotFoundError('Error detecting the version of libcrypto')\n"
FAKE_OSCRYPTO = {
    "__init__.py": "",
    "errors.py": "class LibraryNotFoundError(Exception):\n    pass\n\nclass SignatureError(Exception):\n    pass\n",
    # as oscrypto 1.3.0 does on OpenSSL 3.0.10+: the backend fails while these modules load
    "asymmetric.py": "from .errors import LibraryNotFoundError\n" + BROKEN,
    "trust_list.py": "from .errors import LibraryNotFoundError\n" + BROKEN,
}

PROBE = r"""
import json, logging, sys
logging.basicConfig(level=logging.WARNING)
sys.path.insert(0, %(repo)r)
import skill.web.sdk_compat as compat
from ask_sdk_webservice_support.webservice_handler import WebserviceSkillHandler
from ask_sdk_webservice_support.verifier import RequestVerifier
result = {"available": compat.SDK_REQUEST_VERIFIER_AVAILABLE,
          "standin": bool(getattr(sys.modules["certvalidator"], "__gesprekscoach_standin__", False)),
          "same_handler": compat.WebserviceSkillHandler is WebserviceSkillHandler}
if %(full)r:
    try:
        from tests.web_fixtures import body_of, make_app, signed_headers, stamp
    except ImportError:
        sys.path.insert(0, %(tests)r)
        from web_fixtures import body_of, make_app, signed_headers, stamp
    from skill.dev import envelopes
    app, fetcher, clock, stub = make_app()
    body = body_of(envelopes.launch(timestamp=stamp()))
    ok = app.test_client().post("/alexa", data=body, headers=signed_headers(body))
    bad = app.test_client().post("/alexa", data=body + b" ", headers=signed_headers(body))
    result.update(ok=ok.status_code, bad=bad.status_code, runs=stub.runs)
print(json.dumps(result))
"""


def _probe(tmp_path, *, broken: bool, full: bool = False):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GESPREKSCOACH_")}
    if broken:
        pkg = tmp_path / "fake" / "oscrypto"
        pkg.mkdir(parents=True)
        for name, text in FAKE_OSCRYPTO.items():
            (pkg / name).write_text(text)
        env["PYTHONPATH"] = str(tmp_path / "fake")
    code = PROBE % {"repo": str(REPO), "tests": str(REPO / "tests"), "full": full}
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


def test_broken_oscrypto_gets_a_standin_and_a_warning(tmp_path):
    result, stderr = _probe(tmp_path, broken=True, full=True)
    assert result["standin"] is True and result["available"] is False and result["same_handler"] is True
    assert "RequestVerifier is unavailable" in stderr
    # our own verification does not need oscrypto: a signed request passes, a tampered one does not
    assert (result["ok"], result["bad"], result["runs"]) == (200, 400, 1)


def test_working_oscrypto_is_left_alone(tmp_path):
    probe = subprocess.run([sys.executable, "-c", "from oscrypto import asymmetric"], capture_output=True)
    result, stderr = _probe(tmp_path, broken=False)
    if probe.returncode == 0:  # e.g. with elements-oscrypto laid over it, as `make install` does
        assert result["standin"] is False and result["available"] is True
        assert "unavailable" not in stderr
    else:  # a plain install on a new OpenSSL: the stand-in is what makes the import work
        assert result["standin"] is True
