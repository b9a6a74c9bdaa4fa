"""Privacy statement and terms (GET /privacy, GET /terms) and what the log may hold (issue 15)."""

from __future__ import annotations

import glob
import json
import logging
import os
import random
import re
import tomllib

import pytest

try:
    from tests.web_fixtures import body_of, make_app, signed_headers, stamp
except ImportError:  # tests/ on sys.path instead of the repo root
    from web_fixtures import body_of, make_app, signed_headers, stamp  # type: ignore

from skill.dev import envelopes
from skill.builder import build_skill
from skill.config import SkillConfig
from skill.logsafe import SENSITIVE_INTENTS
from skill.web import legal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize("page, title", [("privacy", "Privacyverklaring"), ("terms", "Gebruiksvoorwaarden")])
def test_privacy_and_terms_are_plain_dutch_html_without_external_assets(page, title):
    app, *_ = make_app()
    resp = app.test_client().get(f"/{page}")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
    text = resp.get_data(as_text=True)
    assert text.startswith("<!DOCTYPE html>") and '<html lang="nl">' in text
    assert f"<title>{title} van Gesprekscoach</title>" in text
    for tag in ("<script", "<link", "<img", "<iframe", "<object", "src=", "url(", "@import", "http://", "https://"):
        assert tag not in text.lower(), tag
    assert all(href.startswith("/") for href in re.findall(r'href="([^"]*)"', text))
    assert app.test_client().post(f"/{page}").status_code == 405


def test_the_privacy_statement_states_the_current_truth():
    text = legal.source("privacy")
    assert "`sensitive`" in text  # the word the log holds instead of a crisis intent name
    assert "Tussen gesprekken: de skill onthoudt je voortgang" in text  # issue 9: what is kept, and
    assert "wis mijn gegevens" in text and "een jaar" in text  # how to delete it, for how long
    from skill.profile import Profile

    # every field of the stored record is named on the page (a new field needs a sentence there)
    record = Profile(
        visits=1, pace="slower", tips=[1], last={"k": "quiz"}, rounds=1, quiz={"open_vragen": [1, 1, "1"]}
    ).to_record()
    assert set(record) == {"v", "visits", "pace", "tips", "last", "rounds", "quiz"}
    for words in (
        "hoe vaak je de skill hebt geopend",
        "spreektempo",
        "welke tips je al hebt gehoord",
        "waar je de vorige keer was",
        "hoeveel quizrondes",
    ):
        assert words in text
    for heading in ("## Wat er wordt gelogd", "## Wat de skill bewaart", "## Je gegevens wissen"):
        assert heading in text
    # what the stored profile holds (skill/profile.py) and how it goes away
    for fact in (
        "hoe vaak je de skill hebt geopend",
        "tempo",
        "tips",
        "waar je de vorige keer was",
        "quizrondes",
        "laatste vijf",
        "SHA-256",
        "365 dagen",
        "wis mijn gegevens",
        "vergeet mij",
    ):
        assert fact in text, fact


def test_the_pages_render_every_line_of_their_source():
    for page in legal.PAGES:
        html = legal.render(legal.source(page))
        for line in legal.source(page).splitlines():
            words = re.sub(r"^(#+|-) ", "", line.strip())
            words = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", words).replace("`", "")
            if words:
                assert words.split()[0].replace("&", "&amp;").replace('"', "&quot;") in html


def test_the_docs_copies_are_generated_from_the_same_source():
    for page in legal.PAGES:
        with open(os.path.join(ROOT, "docs", f"{page}.md"), encoding="utf-8") as fh:
            assert fh.read() == legal.docs_copy(page), "run: .venv/bin/python -m skill.web.legal"


def test_the_texts_ship_as_package_data():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as fh:
        patterns = tomllib.load(fh)["tool"]["setuptools"]["package-data"]["skill"]
    shipped = {
        os.path.relpath(p, os.path.join(ROOT, "skill"))
        for pattern in patterns
        for p in glob.glob(os.path.join(ROOT, "skill", pattern))
    }
    for page in legal.PAGES:
        assert os.path.join("locale", "nl-NL", "legal", f"{page}.md") in shipped


def test_the_renderer_escapes_html():
    html = legal.render("# Kop <b>\n\nTekst met <script>alert(1)</script> en [link](https://evil.example)")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="https://' not in html  # only links to our own pages become links


# ------------------------------------------------------------------------ what is logged

SECRET = "mijn zoon wil niet meer leven"


@pytest.mark.parametrize("real_skill", [False, True])
@pytest.mark.parametrize("name", sorted(SENSITIVE_INTENTS))
def test_no_crisis_intent_name_or_slot_value_is_logged_at_the_default_level(name, real_skill, caplog):
    kw = {"skill": build_skill(SkillConfig(rng=random.Random(1)))} if real_skill else {}
    app, *_ = make_app(**kw)
    env = envelopes.intent(
        name,
        timestamp=stamp(),
        slots=[envelopes.slot("persoon", SECRET, resolved_id="son", resolved_name="zoon", slot_type="PERSOON")],
    )
    body = body_of(env)
    with caplog.at_level(logging.INFO):
        resp = app.test_client().post("/alexa", data=body, headers=signed_headers(body))
    assert resp.status_code == 200
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (name, SECRET, "zoon"):
        assert secret not in text, secret
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.getMessage().startswith("{")]
    assert len(lines) == 1 and lines[0]["intent"] == "sensitive"


def test_other_intent_names_are_logged_but_never_their_slot_values(caplog):
    app, *_ = make_app()
    env = envelopes.intent("PrincipleIntent", timestamp=stamp(), slots=[envelopes.slot("principe", "luisteren")])
    body = body_of(env)
    with caplog.at_level(logging.INFO):
        assert app.test_client().post("/alexa", data=body, headers=signed_headers(body)).status_code == 200
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert '"intent": "PrincipleIntent"' in text and "luisteren" not in text


def test_the_browser_page_logs_no_crisis_intent_name_either(caplog):
    from skill.web.page import PageSettings

    app, *_ = make_app(skill=build_skill(SkillConfig(rng=random.Random(2))), page=PageSettings())
    with caplog.at_level(logging.INFO):
        resp = app.test_client().post("/api/turn", json={"text": "ik wil niet meer leven"})
    assert resp.status_code == 200
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.getMessage().startswith("{")]
    assert [line["intent"] for line in lines if line.get("path") == "/api/turn"] == ["sensitive"]
    assert "CrisisIntent" not in "\n".join(r.getMessage() for r in caplog.records)
