"""The baseline skill (bench/baseline_skill.py) as web apps, for gunicorn (bench/http_bench.py):

- ``ours_path()``: the baseline skill behind our own Flask app (skill.web:create_app, same settings
  from the environment as ours), i.e. "served the same way";
- ``adapter()``: the baseline skill behind flask-ask-sdk's ``SkillAdapter`` (POST /alexa), signature
  check off, timestamp check on (what our dev mode does). Needs the bench extra:
  ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.baseline_skill import build_baseline_skill  # noqa: E402


def ours_path():
    from skill.config import SkillConfig
    from skill.web import WebSettings, create_app

    return create_app(SkillConfig.from_env(), WebSettings.from_env(), skill=build_baseline_skill())


def adapter():
    import skill.web.sdk_compat  # noqa: F401  (the same import fix for ask_sdk_webservice_support)
    from flask import Flask
    from flask_ask_sdk.skill_adapter import SkillAdapter

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = Flask("baseline")
    app.config["ASK_SDK_VERIFY_SIGNATURE"] = False
    app.config["ASK_SDK_VERIFY_TIMESTAMP"] = True
    SkillAdapter(skill=build_baseline_skill(), skill_id=None, app=app).register(app=app, route="/alexa")
    return app
