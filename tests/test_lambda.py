"""The Lambda entry point: same skill, same responses as the webservice, and a light import."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

try:
    from tests.web_fixtures import body_of, make_app, signed_headers, stamp
except ImportError:  # tests/ on sys.path instead of the repo root
    from web_fixtures import body_of, make_app, signed_headers, stamp  # type: ignore

from skill.dev import envelopes
from skill.builder import build_skill
from skill.config import SkillConfig

REPO = Path(__file__).resolve().parents[1]
LAMBDA = REPO / "lambda" / "lambda_function.py"
SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
HEAVY = (
    "flask",
    "werkzeug",
    "cryptography",
    "ask_sdk_webservice_support",
    "certvalidator",
    "oscrypto",
    "gunicorn",
    "skill.web",
    "skill.dev.commands",
    "skill.dev.cli",
    "hassil",
    "rapidfuzz",
    "yaml",
    "skill.dev.grammar",
    "skill.dev.resolver",
)


def _load_lambda_module(monkeypatch, skill_id=None):
    if skill_id:
        monkeypatch.setenv("GESPREKSCOACH_SKILL_ID", skill_id)
    else:
        monkeypatch.delenv("GESPREKSCOACH_SKILL_ID", raising=False)
    spec = importlib.util.spec_from_file_location("lambda_function_under_test", LAMBDA)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lambda_import_stays_light():
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(LAMBDA.parent)!r})\n"
        "import lambda_function\n"
        f"heavy = {HEAVY!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules if any(m == h or m.startswith(h + '.') for h in heavy))))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("GESPREKSCOACH_")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO / "lambda",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []


def _conversation():
    """Envelopes in the order a user would send them, each with the session carried over."""
    return [
        lambda prev, req: envelopes.launch(skill_id=SKILL_ID, timestamp=stamp()),
        lambda prev, req: envelopes.follow_up(
            envelopes.intent("AMAZON.HelpIntent", skill_id=SKILL_ID, timestamp=stamp()), prev, req
        ),
        lambda prev, req: envelopes.follow_up(
            envelopes.intent("TipIntent", skill_id=SKILL_ID, timestamp=stamp()), prev, req
        ),
        lambda prev, req: envelopes.follow_up(
            envelopes.intent("AMAZON.NextIntent", skill_id=SKILL_ID, timestamp=stamp()), prev, req
        ),
        lambda prev, req: envelopes.follow_up(
            envelopes.intent("AMAZON.FallbackIntent", skill_id=SKILL_ID, timestamp=stamp()), prev, req
        ),
        lambda prev, req: envelopes.follow_up(
            envelopes.intent("AMAZON.StopIntent", skill_id=SKILL_ID, timestamp=stamp()), prev, req
        ),
        lambda prev, req: envelopes.session_ended(skill_id=SKILL_ID, timestamp=stamp()),
        lambda prev, req: envelopes.intent("TipIntent", new=True, skill_id=SKILL_ID, timestamp=stamp()),
    ]


def _strip(response):
    response = dict(response)
    response.pop("userAgent", None)  # the webservice handler adds "ask-webservice" to it
    return response


def test_lambda_and_webservice_give_the_same_responses(monkeypatch):
    module = _load_lambda_module(monkeypatch, SKILL_ID)
    handler = module.make_handler(SkillConfig(skill_id=SKILL_ID, rng=random.Random(11)))
    app, *_ = make_app(skill=build_skill(SkillConfig(skill_id=SKILL_ID, rng=random.Random(11))), skill_id=SKILL_ID)
    client = app.test_client()
    prev_l = prev_w = req = None
    for step in _conversation():
        env = step(prev_w, req) if prev_w is not None else step({}, None)
        from_lambda = handler(json.loads(json.dumps(env)), None)
        body = body_of(env)
        resp = client.post("/alexa", data=body, headers=signed_headers(body))
        assert resp.status_code == 200, resp.get_data(as_text=True)
        from_web = resp.get_json()
        assert _strip(from_lambda) == _strip(from_web), env["request"]
        prev_l, prev_w, req = from_lambda, from_web, env
    assert prev_l is not None


def test_module_level_handler_reads_the_skill_id_from_the_environment(monkeypatch):
    module = _load_lambda_module(monkeypatch, SKILL_ID)
    out = module.lambda_handler(envelopes.launch(skill_id=SKILL_ID), None)
    assert out["response"]["shouldEndSession"] is False
    with pytest.raises(Exception, match="Skill ID"):
        module.lambda_handler(envelopes.launch(skill_id="amzn1.ask.skill.someone-else"), None)


def test_without_a_skill_id_any_skill_id_is_served(monkeypatch):
    module = _load_lambda_module(monkeypatch, None)
    out = module.lambda_handler(envelopes.launch(), None)
    assert out["response"]["outputSpeech"]["ssml"].startswith("<speak>")


def test_requirements_list_only_the_core_sdk_and_the_dynamodb_adapter_pinned_as_in_pyproject():
    lines = [
        ln.strip()
        for ln in (REPO / "lambda" / "requirements.txt").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    assert sorted(ln.split("==")[0] for ln in lines) == [
        "ask-sdk-core",
        "ask-sdk-dynamodb-persistence-adapter",
        "ask-sdk-model",
    ]
    pyproject = (REPO / "pyproject.toml").read_text()
    for line in lines:  # exact pins, the same in both places (the serializer mirrors these versions)
        assert "==" in line and f'"{line}"' in pyproject


def test_the_skill_is_built_once_per_container_and_uses_the_fast_serializer(monkeypatch):
    from ask_sdk_core.skill import CustomSkill

    from skill.serializer import FastSerializer

    module = _load_lambda_module(monkeypatch, None)
    made = []
    original = CustomSkill.__init__
    monkeypatch.setattr(
        CustomSkill, "__init__", lambda self, *a, **kw: (made.append(self), original(self, *a, **kw))[1]
    )
    first = module.lambda_handler(envelopes.launch(), None)
    second = module.lambda_handler(envelopes.intent("TipIntent", new=True), None)
    assert made == []  # no CustomSkill per call (ask-sdk-core's lambda_handler() makes one each time)
    assert first["response"]["shouldEndSession"] is False and second["response"]["shouldEndSession"] is True
    assert isinstance(module.lambda_handler.skill.serializer, FastSerializer)


def test_the_webservice_uses_the_fast_serializer():
    from skill.serializer import FastSerializer
    from skill.web import WebSettings, create_app

    app = create_app(SkillConfig(), WebSettings(dev=True))
    assert isinstance(app.extensions["gesprekscoach"]["handler"]._skill.serializer, FastSerializer)


FEATURE_MODULES = (
    "skill.quiz.bank",
    "skill.quiz.game",
    "skill.checklist",
    "skill.practice.classify",
    "skill.practice.scenarios",
    "skill.helplines",
)


def test_the_lambda_entry_loads_each_feature_on_its_first_request():
    """The entry builds with preload=False: a launch loads none of the quiz bank and game, the checklist,
    the practice scenarios and classifier, the helplines; the first request of each loads it."""
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(LAMBDA.parent)!r})\n"
        "import lambda_function\n"
        "from skill.dev import envelopes\n"
        f"features = {FEATURE_MODULES!r}\n"
        "loaded = lambda: sorted(m for m in features if m in sys.modules)\n"
        "lambda_function.lambda_handler(envelopes.launch(), None)\n"
        "seen = [loaded()]\n"
        "for name in ('QuizIntent', 'ChecklistIntent', 'PracticeIntent', 'CrisisIntent'):\n"
        "    lambda_function.lambda_handler(envelopes.intent(name), None)\n"
        "    seen.append(loaded())\n"
        "print(json.dumps(seen))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("GESPREKSCOACH_")}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    launch, quiz, checklist, practice, crisis = json.loads(out.strip().splitlines()[-1])
    assert launch == []
    assert set(quiz) == {"skill.quiz.bank", "skill.quiz.game"}
    assert set(checklist) == set(quiz) | {"skill.checklist"}
    assert set(practice) == set(checklist) | {"skill.practice.classify", "skill.practice.scenarios"}
    assert set(crisis) == set(FEATURE_MODULES)


def _feature_conversation():
    """Every feature the entry loads on first use: the quiz, the checklist, practice, care."""
    slot = envelopes.slot
    return [
        (None, []),
        ("QuizIntent", []),
        ("QuizAnswerIntent", [slot("antwoord", "a", resolved_id="a", slot_type="ANTWOORD")]),
        ("LeaveIntent", []),
        ("ChecklistIntent", [slot("manier", "stap voor stap", resolved_id="stap_voor_stap", slot_type="MANIER")]),
        ("AMAZON.NextIntent", []),
        ("PracticeIntent", []),
        ("PracticeReplyIntent", [slot("antwoord_vrij", "hoe voel je je daar nu bij", slot_type="AMAZON.SearchQuery")]),
        ("CrisisIntent", []),
        ("AMAZON.YesIntent", []),
        ("ResumeIntent", []),
        ("AMAZON.StopIntent", []),
    ]


def test_the_lambda_entry_answers_every_feature_as_a_skill_that_preloads(monkeypatch):
    """Loading the data files on first use changes no answer: the Lambda entry (preload=False) and a
    skill that loaded and validated every file at start-up say the same, turn by turn."""
    module = _load_lambda_module(monkeypatch, None)
    lazy = module.make_handler(SkillConfig(rng=random.Random(5)))
    eager = module.make_handler(SkillConfig(rng=random.Random(5)), preload=True)
    prev = req = None
    for name, slots in _feature_conversation():
        env = envelopes.launch() if name is None else envelopes.intent(name, slots)
        if prev is not None:
            env = envelopes.follow_up(env, prev, req)
        from_lazy = lazy(json.loads(json.dumps(env)), None)
        from_eager = eager(json.loads(json.dumps(env)), None)
        assert from_lazy == from_eager, name
        assert from_lazy["response"].get("outputSpeech"), name
        prev, req = from_lazy, env
    assert prev["response"]["shouldEndSession"] is True
