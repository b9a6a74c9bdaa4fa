"""Word budgets per kind of answer (skill/data/budgets.json), validated when the skill is built.

Used by skill.answers (a principle is split at its budget, the rest on "meer") and enforced for
every answer by tests/test_budgets.py.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Dict

from skill import datafiles


class BudgetError(ValueError):
    """budgets.json is malformed."""


def parse_budgets(data, origin: str = "budgets.json") -> Dict[str, int]:
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("budgets"), dict):
        raise BudgetError(f"{origin}: must be an object with version 1 and a 'budgets' object")
    out = {}
    for kind, words in data["budgets"].items():
        if type(words) is not int or not 5 <= words <= 200:
            raise BudgetError(f"{origin}.budgets.{kind}: must be a number of words from 5 to 200")
        out[kind] = words
    return out


@lru_cache(maxsize=1)
def load_budgets() -> Dict[str, int]:
    try:
        data = json.loads(datafiles.read_text("data", "budgets.json"))
    except json.JSONDecodeError as exc:
        raise BudgetError(f"budgets.json: not valid JSON: {exc}") from None
    return parse_budgets(data)


def words(text: str) -> int:
    """Words as a person hears them (what the budgets count)."""
    return len(text.split())
