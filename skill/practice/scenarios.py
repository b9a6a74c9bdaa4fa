"""The practice scenarios, loaded from skill/locale/<locale>/practice/scenarios.json and validated
when they are loaded (at start-up, in the skill builder), like the content: a malformed file fails
loudly with a message that names the place (for example ``scenarios[2].reactions.advice``).

Every scenario: who the other person is, a one-sentence situation, opening lines, the story that goes
on after a good answer, their reactions to the other kinds of answer ("ja, maar ..." after advice),
the principles it exercises, an ending, and feedback sentences that override the general ones
(skill/locale/<locale>/practice.json) per label. The "labels" section ties each reply label to a
principle and one of its example phrases (for feedback, hints and the summary).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Dict, NamedTuple, Tuple

from skill import LOCALE, datafiles
from skill.practice.classify import ALL_LABELS, LABELS, load_classifier

GOOD_LABELS = ("open_question", "paraphrase", "validation")  # the other person tells more
REACTION_LABELS = tuple(label for label in ALL_LABELS if label not in GOOD_LABELS)
MIN_SCENARIOS = 8
MIN_STORY = 3
_ID = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_QUOTED = re.compile(r"‘([^’]+)’")
# Role play is never about these: a statement of real distress leaves the role play for the crisis answer.
_FORBIDDEN = (
    "zelfmoord",
    "suïcide",
    "suicide",
    "zelfdoding",
    "mishandel",
    "misbruik",
    "verkracht",
    "zelfbeschadig",
    "niet meer leven",
    "dood willen",
    "dood wil",
    "eind aan maken",
    "geslagen",
)


class ScenarioError(ValueError):
    """The scenarios file is malformed; the message names the place."""


class LabelInfo(NamedTuple):
    principle: str
    example: int
    good: bool


class Scenario(NamedTuple):
    id: str
    name: str
    other: str
    situation: str
    opening: Tuple[str, ...]
    principles: Tuple[str, ...]
    story: Tuple[str, ...]
    reactions: Dict[str, Tuple[str, ...]]
    ending_good: str
    ending_poor: str
    feedback: Dict[str, Tuple[str, ...]]

    def texts(self):
        yield self.name
        yield self.other
        yield self.situation
        yield from self.opening
        yield from self.story
        for lines in self.reactions.values():
            yield from lines
        yield self.ending_good
        yield self.ending_poor
        for lines in self.feedback.values():
            yield from lines


class Scenarios(NamedTuple):
    turns: int
    labels: Dict[str, LabelInfo]
    scenarios: Tuple[Scenario, ...]

    def get(self, scenario_id):
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    @property
    def ids(self) -> Tuple[str, ...]:
        return tuple(s.id for s in self.scenarios)


def _text(obj: Dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key) if isinstance(obj, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{where}.{key}: must be a non-empty string")
    if value != value.strip() or "  " in value or "{" in value or "}" in value:
        raise ScenarioError(f"{where}.{key}: stray white space or braces in {value!r}")
    if not any(char.isalpha() for char in value):
        raise ScenarioError(f"{where}.{key}: {value!r} has nothing to say")
    return value


def _texts(obj: Dict[str, Any], key: str, where: str, minimum: int = 1) -> Tuple[str, ...]:
    value = obj.get(key)
    if not isinstance(value, list) or len(value) < minimum:
        raise ScenarioError(f"{where}.{key}: must be a list of at least {minimum} strings")
    out = tuple(_text({"v": item}, "v", f"{where}.{key}[{i}]") for i, item in enumerate(value))
    if len(set(out)) != len(out):
        raise ScenarioError(f"{where}.{key}: has a duplicate entry")
    return out


def _labels(raw: Any, content, where: str) -> Dict[str, LabelInfo]:
    if not isinstance(raw, dict) or set(raw) != set(ALL_LABELS):
        raise ScenarioError(f"{where}: must have exactly the labels {', '.join(ALL_LABELS)}")
    out = {}
    for label in ALL_LABELS:
        entry, at = raw[label], f"{where}.{label}"
        if not isinstance(entry, dict):
            raise ScenarioError(f"{at}: must be an object")
        principle = content.get(entry.get("principle"))
        if principle is None:
            raise ScenarioError(f"{at}.principle: {entry.get('principle')!r} is not a principle of the content")
        example = entry.get("example")
        if type(example) is not int or not 0 <= example < len(principle.examples):
            raise ScenarioError(f"{at}.example: must be an index into {principle.id}'s example phrases")
        good = entry.get("good")
        if not isinstance(good, bool) or good != (label in GOOD_LABELS):
            raise ScenarioError(f"{at}.good: must be {label in GOOD_LABELS}")
        out[label] = LabelInfo(principle.id, example, good)
    return out


def _scenario(item: Any, content, phrases, where: str) -> Scenario:
    if not isinstance(item, dict):
        raise ScenarioError(f"{where}: must be an object")
    sid = _text(item, "id", where)
    if not _ID.match(sid):
        raise ScenarioError(f"{where}.id: {sid!r} may hold only a-z, 0-9 and _")
    principles = _texts(item, "principles", where)
    for pid in principles:
        if content.get(pid) is None:
            raise ScenarioError(f"{where}.principles: {pid!r} is not a principle of the content")
    reactions_raw = item.get("reactions")
    if not isinstance(reactions_raw, dict) or set(reactions_raw) != set(REACTION_LABELS):
        raise ScenarioError(f"{where}.reactions: must have exactly {', '.join(REACTION_LABELS)}")
    reactions = {label: _texts(reactions_raw, label, f"{where}.reactions") for label in REACTION_LABELS}
    ending = item.get("ending")
    if not isinstance(ending, dict):
        raise ScenarioError(f"{where}.ending: must be an object with good and poor")
    feedback_raw = item.get("feedback", {})
    if not isinstance(feedback_raw, dict) or not set(feedback_raw) <= set(ALL_LABELS):
        raise ScenarioError(f"{where}.feedback: must be an object keyed by labels")
    feedback = {label: _texts(feedback_raw, label, f"{where}.feedback") for label in feedback_raw}
    for label, lines in feedback.items():
        for line in lines:
            for quoted in _QUOTED.findall(line):
                if quoted not in phrases:
                    raise ScenarioError(f"{where}.feedback.{label}: ‘{quoted}’ is not an example phrase of the content")
    scenario = Scenario(
        id=sid,
        name=_text(item, "name", where),
        other=_text(item, "other", where),
        situation=_text(item, "situation", where),
        opening=_texts(item, "opening", where),
        principles=principles,
        story=_texts(item, "story", where, MIN_STORY),
        reactions=reactions,
        ending_good=_text(ending, "good", f"{where}.ending"),
        ending_poor=_text(ending, "poor", f"{where}.ending"),
        feedback=feedback,
    )
    for text in scenario.texts():
        lowered = text.lower()
        for word in _FORBIDDEN:
            if word in lowered:
                raise ScenarioError(f"{where}: mentions {word!r}; suicide and abuse are never role play")
    return scenario


def parse_scenarios(data: Any, content, origin: str = "scenarios") -> Scenarios:
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ScenarioError(f"{origin}: must be an object with version 1")
    turns = data.get("turns", 4)
    if type(turns) is not int or not 3 <= turns <= 5:
        raise ScenarioError(f"{origin}.turns: must be 3, 4 or 5")
    labels = _labels(data.get("labels"), content, f"{origin}.labels")
    raw = data.get("scenarios")
    if not isinstance(raw, list) or len(raw) < MIN_SCENARIOS:
        raise ScenarioError(f"{origin}.scenarios: must be a list of at least {MIN_SCENARIOS}")
    phrases = {phrase for principle in content for phrase in principle.examples}
    scenarios = tuple(_scenario(item, content, phrases, f"{origin}.scenarios[{n}]") for n, item in enumerate(raw))
    ids = [s.id for s in scenarios]
    if len(set(ids)) != len(ids):
        raise ScenarioError(f"{origin}.scenarios: duplicate id")
    for scenario in scenarios:
        if len(scenario.story) < turns - 1:
            raise ScenarioError(
                f"{origin}.scenarios[{ids.index(scenario.id)}].story: needs at least "
                f"{turns - 1} lines for {turns} turns"
            )
    assert set(LABELS) <= set(ALL_LABELS)
    return Scenarios(turns, labels, scenarios)


@lru_cache(maxsize=4)
def load_scenarios(content, locale: str = LOCALE) -> Scenarios:
    origin = f"locale/{locale}/practice/scenarios.json"
    try:
        data = json.loads(datafiles.read_text("locale", locale, "practice", "scenarios.json"))
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{origin}: not valid JSON: {exc}") from None
    return parse_scenarios(data, content, origin)


def load_practice(content, locale: str = LOCALE) -> Scenarios:
    """The scenarios and the reply classifier's markers, both validated (the markers' regular
    expressions are compiled on first use, not here)."""
    load_classifier(locale)
    return load_scenarios(content, locale)
