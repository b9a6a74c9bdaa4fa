"""The development half of the phrasing corpus (tests/nl-NL/phrasings_dev.yaml) is understood: every
sentence gets the intent and slot ids it should, exactly or as a near match, the way `gesprekscoach
chat` resolves it. The test half is only measured (bench/phrasings.py), never tuned to."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.phrasings import is_right, load, understand  # noqa: E402
from skill.dev import nlu  # noqa: E402
from skill.dev.resolver import GrammarResolver  # noqa: E402

DEV = load("dev")


@pytest.fixture(scope="module")
def resolver():
    return GrammarResolver()


def test_the_halves_are_disjoint_and_cover_every_intent():
    test = load("test")
    assert {c["sentence"] for c in DEV}.isdisjoint({c["sentence"] for c in test})
    assert len(DEV) + len(test) >= 300
    assert sum(c["intent"] == nlu.FALLBACK for c in DEV + test) >= 40
    model = nlu.load_model()
    custom = {name for name in model.intents if not name.startswith("AMAZON.")}
    assert custom <= {c["intent"] for c in DEV + test}


@pytest.mark.parametrize("case", DEV, ids=[c["sentence"] for c in DEV])
def test_development_phrasing_is_understood(resolver, case):
    resolution = understand(resolver, case)
    assert is_right(case, resolution), f"{case['intent']} {case.get('slots') or {}} -> {resolution.describe()}"
