"""Every spoken sentence that is not content: loaded from skill/locale/<locale>/prompts.json.

Each prompt has one or more variants. pick() rotates through them per session (the position is
kept in the session state), starting at a random variant, so the skill does not repeat itself
word for word within a session.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Dict, Optional, Tuple

from skill import LOCALE, datafiles
from skill.errors import DataError


class PromptError(DataError):
    """The prompts file is malformed; the message names the place."""


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
MAX_VARIANTS = len(_DIGITS)


class Rotation:
    """Where each prompt's rotation stands in this session, kept in the session attributes as one
    short string: a character per prompt key with more than one variant (in sorted key order), '-' for a
    prompt not used yet.
    One string instead of a dict of ints keeps every turn's (de)serialisation and ask-sdk's deep copy
    of the attributes cheap. Anything malformed (tampered, or from another prompt set) starts afresh."""

    __slots__ = ("_index", "_chars")

    def __init__(self, index: Dict[str, int], encoded: object = None):
        self._index = index
        if isinstance(encoded, str) and len(encoded) == len(index) and not encoded.strip(_DIGITS + "-"):
            self._chars = list(encoded)
        else:
            self._chars = ["-"] * len(index)

    def get(self, key: str):
        char = self._chars[self._index[key]]
        return None if char == "-" else _DIGITS.index(char)

    def __setitem__(self, key: str, position: int) -> None:
        self._chars[self._index[key]] = _DIGITS[position]

    def encode(self) -> str:
        return "".join(self._chars)

    def __bool__(self) -> bool:
        return self._chars.count("-") != len(self._chars)


class Prompts:
    def __init__(self, variants: Dict[str, Tuple[str, ...]]):
        self._variants = variants
        # a prompt with one variant never rotates: it takes no place in the session's rotation string
        self._index = {key: n for n, key in enumerate(sorted(k for k, v in variants.items() if len(v) > 1))}

    def rotation(self, encoded: object = None) -> Rotation:
        """The rotation state of a session, from its stored string (or fresh)."""
        return Rotation(self._index, encoded)

    def keys(self):
        return self._variants.keys()

    def variants(self, key: str) -> Tuple[str, ...]:
        return self._variants[key]

    def pick(self, key: str, rotation, rng, **fields: str) -> str:
        """The next variant of a prompt in this session, with {fields} filled in."""
        options = self._variants[key]
        if len(options) == 1:
            index = 0
        else:
            index = rotation.get(key)
            if not isinstance(index, int) or not 0 <= index < len(options):
                index = int(rng.random() * len(options))  # random() is C-fast; randrange is not
            rotation[key] = (index + 1) % len(options)
        return options[index].format(**fields) if fields else options[index]


_FIELD = re.compile(r"\{([^{}]*)\}")


def _fields(text: str):
    """Placeholder names ({name}); a lone brace is an error, as str.format would find at run time."""
    if "{" not in text and "}" not in text:  # most prompts: no placeholder, nothing to check
        return set()
    names = set(_FIELD.findall(text))
    if _FIELD.sub("", text).count("{") or _FIELD.sub("", text).count("}") or "" in names:
        raise ValueError("unmatched or empty brace")
    return names


def parse_prompts(data, origin: str = "prompts") -> Prompts:
    if not isinstance(data, dict) or not isinstance(data.get("prompts"), dict):
        raise PromptError(f"{origin}: must be an object with a 'prompts' object")
    variants: Dict[str, Tuple[str, ...]] = {}
    for key, options in data["prompts"].items():
        where = f"{origin}.prompts.{key}"
        if not isinstance(options, list) or not options:
            raise PromptError(f"{where}: must be a non-empty list of variants")
        first = None  # variant 0's placeholders
        for i, text in enumerate(options):
            if not isinstance(text, str) or not text.strip():
                raise PromptError(f"{where}[{i}]: must be a non-empty string")
            try:
                fields = _fields(text)
            except ValueError as exc:
                raise PromptError(f"{where}[{i}]: bad placeholder: {exc}") from None
            if first is None:
                first = fields
            elif fields != first:
                raise PromptError(f"{where}[{i}]: uses placeholders {sorted(fields)}, variant 0 uses {sorted(first)}")
        if len(set(options)) != len(options):
            raise PromptError(f"{where}: has a duplicate variant")
        if len(options) > MAX_VARIANTS:
            raise PromptError(f"{where}: more than {MAX_VARIANTS} variants")
        variants[key] = tuple(options)
    return Prompts(variants)


@lru_cache(maxsize=8)
def load_prompts(path: Optional[str] = None, locale: str = LOCALE) -> Prompts:
    """All prompts of a locale: every *.json file in skill/locale/<locale>/ (one per feature, e.g.
    prompts.json, quiz.json), merged; a key defined twice is an error. path: one file instead."""
    if path is not None:
        with open(path, encoding="utf-8") as handle:
            return parse_prompts(_json(handle.read(), path), path)
    merged: Dict[str, Tuple[str, ...]] = {}
    for name in datafiles.listdir("locale", locale):
        if not name.endswith(".json"):
            continue
        origin = f"locale/{locale}/{name}"
        part = parse_prompts(_json(datafiles.read_text("locale", locale, name), origin), origin)
        for key in part.keys():
            if key in merged:
                raise PromptError(f"{origin}.prompts.{key}: already defined in another file")
            merged[key] = part.variants(key)
    return Prompts(merged)


def _json(text: str, origin: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PromptError(f"{origin}: not valid JSON: {exc}") from None
