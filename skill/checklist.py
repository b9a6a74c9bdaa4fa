"""The closing checklist: pure logic, no handler code and no spoken sentences.

The steps come from the closing principle in the content (skill/data/principles.json); the small
data file skill/data/checklist.json says which piece of advice each step is built on, and may give
a step its own wording or example phrase (the content's first piece of advice holds two steps:
summarising, and saying you appreciate what the other shared).

Step-by-step mode keeps one session section, "chk": {"v": 1, "s": step index}, validated on every
read; anything else reads as None (the handler starts the list again, kindly).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

from skill import datafiles
from skill.content import Content, load_content
from skill.errors import DataError

SECTION = "chk"
SECTION_VERSION = 1


class ChecklistError(DataError):
    """skill/data/checklist.json is malformed or does not fit the content."""


@dataclass(frozen=True)
class Step:
    text: str
    example: Optional[str]


@dataclass(frozen=True)
class Checklist:
    principle: str
    steps: Tuple[Step, ...]

    def __len__(self) -> int:
        return len(self.steps)


def _data() -> Dict[str, Any]:
    text = datafiles.read_text("data", "checklist.json")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ChecklistError(f"checklist.json: not valid JSON: {exc}") from None


def build_checklist(content: Content, data: Any, origin: str = "checklist.json") -> Checklist:
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ChecklistError(f"{origin}.version: must be 1")
    principle = content.get(data.get("principle"))
    if principle is None:
        raise ChecklistError(f"{origin}.principle: must be a principle id")
    raw = data.get("steps")
    if not isinstance(raw, list) or not raw:
        raise ChecklistError(f"{origin}.steps: must be a non-empty list")
    steps = []
    for i, item in enumerate(raw):
        where = f"{origin}.steps[{i}]"
        advice = item.get("advice") if isinstance(item, dict) else None
        if type(advice) is not int or not 0 <= advice < len(principle.advice):
            raise ChecklistError(f"{where}.advice: must index the advice of {principle.id}")
        text = item.get("text", principle.advice[advice].text)
        example = item.get("example", (principle.advice[advice].examples or (None,))[0])
        for name, value in (("text", text), ("example", example)):
            if value is not None and (not isinstance(value, str) or not value.strip() or value.strip() != value):
                raise ChecklistError(f"{where}.{name}: must be a non-empty string")
        steps.append(Step(text, example))
    return Checklist(principle.id, tuple(steps))


def load_checklist(content: Optional[Content] = None) -> Checklist:
    """The checklist for this content, built anew: the skill builder builds it once and handlers get it
    through the Turn (turn.checklist)."""
    return build_checklist(content or load_content(), _data())


def read_step(raw: Any, checklist: Checklist) -> Optional[int]:
    """The step index kept in the section, or None when there is none or it is not valid."""
    if not isinstance(raw, dict) or set(raw) != {"v", "s"} or raw.get("v") != SECTION_VERSION:
        return None
    step = raw.get("s")
    if type(step) is not int or not 0 <= step < len(checklist):
        return None
    return step


def section(step: int) -> Dict[str, int]:
    return {"v": SECTION_VERSION, "s": step}
