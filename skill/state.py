"""Session state: what the skill remembers between turns of one session, kept in Alexa's session
attributes. It is small (ids and indexes), versioned, and validated on every turn: anything
malformed, tampered or stale is dropped field by field, so it can never crash a handler.

Core fields (short keys keep the response small):
  v      state version (STATE_VERSION)
  ctx    what was just said: {"k": kind, "p": principle id, "i": index}, for Next/Previous/StartOver
  offer  the yes/no question that is open ("tip", "examples", "next", "crisis", ...)
  seen   indexes of the tips heard this session, in order
  rot    next variant per prompt key, one short string (see skill.prompts.Rotation)
  last   the last answer, for Repeat: {"s": ssml, "r": reprompt ssml}
Feature sections ("quiz", "chk": FEATURE_SECTIONS) are kept only if they are small objects that
encode as UTF-8 (nothing else is echoed back to Alexa); the feature that owns one validates its
content when it reads it.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional

from skill.prompts import Rotation
from skill.records import Record

STATE_VERSION = 1
CONTEXT_KINDS = {"tip", "principle", "examples", "list"}
MAX_TEXT = 8000
FEATURE_SECTIONS = frozenset({"quiz", "chk", "prac"})  # owned by skill/quiz, skill/checklist.py, skill/practice
MAX_SECTION_BYTES = 2048
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
CORE_KEYS = {"v", "ctx", "offer", "seen", "rot", "last"}


class State(Record):  # not a @dataclass: see skill.records
    __slots__ = FIELDS = ("ctx", "offer", "seen", "rot", "last", "sections", "repaired")

    def __init__(
        self,
        ctx: Optional[Dict[str, Any]] = None,
        offer: Optional[str] = None,
        seen: Optional[List[int]] = None,
        rot: Optional[Rotation] = None,  # set by from_attributes (or the exception handler) before use
        last: Optional[Dict[str, str]] = None,
        sections: Optional[Dict[str, Dict[str, Any]]] = None,
        repaired: bool = False,  # something in the incoming attributes was dropped
    ):
        self.ctx = ctx
        self.offer = offer
        self.seen: List[int] = [] if seen is None else seen
        self.rot = rot
        self.last = last
        self.sections: Dict[str, Dict[str, Any]] = {} if sections is None else sections
        self.repaired = repaired

    @classmethod
    def from_attributes(cls, raw: Any, *, principle_ids, tip_count: int, prompts) -> "State":
        state = cls()
        if not raw or not isinstance(raw, dict) or raw.get("v") != STATE_VERSION:
            state.rot = prompts.rotation()
            state.repaired = raw not in (None, {})
            return state
        state.ctx = _context(raw.get("ctx"), principle_ids, tip_count)
        offer = raw.get("offer")
        state.offer = offer if isinstance(offer, str) and _NAME.match(offer) else None
        state.seen = _seen(raw.get("seen"), tip_count)
        state.rot = prompts.rotation(raw.get("rot"))
        state.last = _last(raw.get("last"))
        for key in FEATURE_SECTIONS:
            if _small_object(raw.get(key)):
                state.sections[key] = raw[key]
        clean = state.to_attributes()
        state.repaired = any(raw[key] != clean.get(key) for key in CORE_KEYS if key in raw)
        return state

    def to_attributes(self) -> Dict[str, Any]:
        attrs: Dict[str, Any] = {"v": STATE_VERSION}
        if self.ctx:
            attrs["ctx"] = self.ctx
        if self.offer:
            attrs["offer"] = self.offer
        if self.seen:
            attrs["seen"] = list(self.seen)
        if self.rot:
            attrs["rot"] = self.rot.encode()
        if self.last:
            attrs["last"] = dict(self.last)
        for key, value in self.sections.items():
            if value is not None:
                attrs[key] = value
        return attrs

    def set_context(self, kind: str, principle: Optional[str] = None, index: int = 0) -> None:
        self.ctx = {"k": kind, "p": principle, "i": index} if principle else {"k": kind, "i": index}


def _context(value: Any, principle_ids, tip_count: int) -> Optional[Dict[str, Any]]:
    if not isinstance(value, dict) or value.get("k") not in CONTEXT_KINDS:
        return None
    index = value.get("i", 0)
    if type(index) is not int or not 0 <= index < max(tip_count, len(principle_ids)):
        return None
    principle = value.get("p")
    if principle is not None and principle not in principle_ids:
        return None
    ctx = {"k": value["k"], "i": index}
    if principle is not None:
        ctx["p"] = principle
    return ctx


def _encodes(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


_dumps = json.JSONEncoder(ensure_ascii=False).encode  # made once (json.dumps with options makes one a call)


def _small_object(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    try:
        return len(_dumps(value).encode("utf-8")) <= MAX_SECTION_BYTES
    except (TypeError, ValueError):  # not JSON, or a lone surrogate
        return False


def _seen(value: Any, tip_count: int) -> List[int]:
    if not isinstance(value, list):
        return []
    out: List[int] = []
    for item in value[:tip_count]:
        if type(item) is int and 0 <= item < tip_count and item not in out:
            out.append(item)
    return out


def _last(value: Any) -> Optional[Dict[str, str]]:
    if not isinstance(value, dict):
        return None
    out = {}
    for key in ("s", "r"):
        item = value.get(key)
        if item is None:
            continue
        if not isinstance(item, str) or len(item) > MAX_TEXT or not _encodes(item):
            return None
        out[key] = item
    return out if "s" in out else None


def save_state(handler_input, attributes: Dict[str, Any]) -> None:
    """Set the session attributes of the response (not possible for a request without a session)."""
    if handler_input.request_envelope.session is not None:
        handler_input.attributes_manager.session_attributes = attributes
