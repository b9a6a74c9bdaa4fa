"""The content: ten principles with their advice and example phrases, loaded from data.

The data file (skill/data/principles.json) is validated when it is loaded; a malformed file fails
loudly with a message that names the place (for example ``principles[3].advice[0].text``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Tuple

from skill import datafiles
from skill.errors import DataError
from skill.ssml import Pause

_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


class ContentError(DataError):
    """The content file is malformed; the message names the place."""


class Advice(NamedTuple):
    text: str
    examples: Tuple[str, ...]
    pause: Pause = Pause.SHORT  # the pause after it: long where the advice itself asks for room


class Principle(NamedTuple):
    id: str
    name: str
    title: str
    summary: str
    advice: Tuple[Advice, ...]
    extra_examples: Tuple[str, ...]
    synonyms: Tuple[str, ...]

    @property
    def examples(self) -> Tuple[str, ...]:
        """Every example phrase: those under the advice first, in order, then the extra ones."""
        phrases: List[str] = []
        for item in self.advice:
            phrases.extend(item.examples)
        phrases.extend(self.extra_examples)
        return tuple(phrases)

    def example_for(self, advice_index: int) -> str:
        """The example phrase that goes best with one piece of advice: its own first; else the
        principle's extra phrases, the k-th for the k-th piece of advice that has none of its own."""
        own = self.advice[advice_index].examples
        if own:
            return own[0]
        if self.extra_examples:
            k = sum(1 for item in self.advice[:advice_index] if not item.examples)
            return self.extra_examples[k % len(self.extra_examples)]
        phrases = self.examples
        return phrases[advice_index % len(phrases)]


class Tip(NamedTuple):
    """One tip: a principle and one of its pieces of advice (index into the flat tip list)."""

    index: int
    principle: Principle
    advice_index: int

    @property
    def advice(self) -> Advice:
        return self.principle.advice[self.advice_index]

    @property
    def example(self) -> str:
        return self.principle.example_for(self.advice_index)


class Content:
    """All principles, in the source's order, with lookups by id and the flat list of tips.
    (Plain classes and NamedTuples rather than dataclasses: cheaper at Lambda cold start.)"""

    __slots__ = ("source", "principles", "ids", "tips", "_by_id", "_position")

    def __init__(self, source: str, principles: Tuple[Principle, ...]):
        self.source = source
        self.principles = tuple(principles)
        self.ids: Tuple[str, ...] = tuple(p.id for p in self.principles)
        self._by_id = {p.id: p for p in self.principles}
        self._position = {p.id: n for n, p in enumerate(self.principles)}
        tips = []
        for principle in self.principles:
            for i in range(len(principle.advice)):
                tips.append(Tip(len(tips), principle, i))
        self.tips: Tuple[Tip, ...] = tuple(tips)

    def get(self, principle_id: Optional[str]) -> Optional[Principle]:
        return self._by_id.get(principle_id) if isinstance(principle_id, str) else None

    def position(self, principle_id: str) -> int:
        return self._position[principle_id]

    def __iter__(self) -> Iterator[Principle]:
        return iter(self.principles)


# --- validation -------------------------------------------------------------------------------


def _text(obj: Dict[str, Any], key: str, where: str) -> str:
    if key not in obj:
        raise ContentError(f"{where}.{key}: missing")
    value = obj[key]
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}.{key}: must be a non-empty string")
    if value != value.strip() or "  " in value:
        raise ContentError(f"{where}.{key}: stray white space in {value!r}")
    return value


def _texts(obj: Dict[str, Any], key: str, where: str, *, required: bool = True) -> Tuple[str, ...]:
    if key not in obj:
        if required:
            raise ContentError(f"{where}.{key}: missing")
        return ()
    value = obj[key]
    if not isinstance(value, list):
        raise ContentError(f"{where}.{key}: must be a list of strings")
    out = []
    for i, item in enumerate(value):
        out.append(_text({"v": item}, "v", f"{where}.{key}[{i}]").strip())
    if len(set(out)) != len(out):
        raise ContentError(f"{where}.{key}: has a duplicate entry")
    return tuple(out)


def parse_content(data: Any, origin: str = "content") -> Content:
    if not isinstance(data, dict):
        raise ContentError(f"{origin}: the top level must be an object")
    if data.get("version") != 1:
        raise ContentError(f"{origin}.version: must be 1")
    source = _text(data, "source", origin)
    raw = data.get("principles")
    if not isinstance(raw, list) or not raw:
        raise ContentError(f"{origin}.principles: must be a non-empty list")
    principles: List[Principle] = []
    seen_ids: Dict[str, str] = {}
    seen_synonyms: Dict[str, str] = {}
    for n, item in enumerate(raw):
        where = f"{origin}.principles[{n}]"
        if not isinstance(item, dict):
            raise ContentError(f"{where}: must be an object")
        pid = _text(item, "id", where)
        if not set(pid) <= _ID_CHARS:
            raise ContentError(f"{where}.id: {pid!r} may hold only a-z, 0-9 and _")
        if pid in seen_ids:
            raise ContentError(f"{where}.id: duplicate id {pid!r} (also {seen_ids[pid]})")
        seen_ids[pid] = where
        advice_raw = item.get("advice")
        if not isinstance(advice_raw, list) or not advice_raw:
            raise ContentError(f"{where}.advice: must be a non-empty list")
        advice = []
        for a, entry in enumerate(advice_raw):
            awhere = f"{where}.advice[{a}]"
            if not isinstance(entry, dict):
                raise ContentError(f"{awhere}: must be an object with text (and examples)")
            try:
                pause = Pause(entry.get("pause", Pause.SHORT))
            except ValueError:
                raise ContentError(f"{awhere}.pause: must be one of {', '.join(sorted(Pause))}") from None
            advice.append(
                Advice(_text(entry, "text", awhere), _texts(entry, "examples", awhere, required=False), pause)
            )
        synonyms = _texts(item, "synonyms", where)
        if not synonyms:
            raise ContentError(f"{where}.synonyms: must not be empty")
        for word in synonyms:
            key = word.lower()
            if key in seen_synonyms:
                raise ContentError(f"{where}.synonyms: {word!r} is already a synonym of {seen_synonyms[key]}")
            seen_synonyms[key] = pid
        principle = Principle(
            id=pid,
            name=_text(item, "name", where),
            title=_text(item, "title", where),
            summary=_text(item, "summary", where),
            advice=tuple(advice),
            extra_examples=_texts(item, "examples", where),
            synonyms=synonyms,
        )
        if not principle.examples:
            raise ContentError(f"{where}: has no example phrase (none under its advice, and examples is empty)")
        principles.append(principle)
    return Content(source=source, principles=tuple(principles))


def _read(path: Optional[str]) -> Tuple[Any, str]:
    if path is None:
        text = datafiles.read_text("data", "principles.json")
        origin = "principles.json"
    else:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        origin = path
    try:
        return json.loads(text), origin
    except json.JSONDecodeError as exc:
        raise ContentError(f"{origin}: not valid JSON: {exc}") from None


@lru_cache(maxsize=8)
def load_content(path: Optional[str] = None) -> Content:
    """Load and validate the content (cached: the packaged file is read once per process)."""
    data, origin = _read(path)
    return parse_content(data, origin)
