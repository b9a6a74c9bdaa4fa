"""Memory across sessions (issue 9): load a person's profile once per session, save it when the
session ends (if it changed), both from interceptors (skill/interceptors.py), never from handlers.

- First turn of a session: the record is read from the store through the attributes manager
  (persistent_attributes), validated (skill.profile) and counted as a visit. A new tip is one not
  heard in this session nor in the current cycle of earlier ones (heard_tips, used by skill.answers).
- During the session the profile travels in the session attributes under SESSION_KEY as one short
  string, "REV|OPS|RECORD": the revision read, the changes not saved yet (operations, see
  encode_ops) and the record as read (JSON). One string keeps every turn's cost small (ask-sdk
  deserialises, deep-copies and serialises the session attributes on every request). No store call
  happens in the middle of a session unless something worth saving at once happened (FLUSH_NOW: a quiz
  round finished, the pace changed) or MAX_PENDING changes piled up.
- Handlers note what happened through the Memory of the turn (note_answer, set_pace, forget); the
  response interceptor adds what it can see itself (new tips heard, where the person is).
- Saving: when the session ends (our answer ends it, or Alexa's SessionEndedRequest) the operations
  are written with a compare-and-swap on the revision; when another device saved first
  (StoreConflict), the newer record is read, the same operations are applied to it and the write is
  tried again (at most CAS_TRIES times). So two devices of one person lose no quiz answer.
- The store is slow or down: the call fails within the configured timeout (PersistenceException), the
  turn goes on without memory (a warning in the log) and nothing is written; a failed save keeps the
  changes pending in the session for the next try. A record that could not be read is never
  overwritten.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import List, Optional, Tuple

from ask_sdk_core.exceptions import PersistenceException

from skill.logsafe import get_logger
from skill.profile import PACES, Profile
from skill.store import REV, StoreConflict

log = get_logger("gesprekscoach.memory")

MEMORY_KEY = "memory"  # request attributes: this turn's Memory
SESSION_KEY = "mem"  # session attributes: "REV|OPS|RECORD"
CAS_TRIES = 3
MAX_PENDING = 12  # changes kept in the session before they are written anyway
MAX_COPY = 4096  # characters of the session copy (a longer one reads as damaged)
FLUSH_NOW = frozenset({"pace", "round"})


class Memory:
    """The profile of the person in this turn, and what changed since it was read."""

    def __init__(
        self,
        handler_input,
        adapter,
        base,
        rev: Optional[int],
        profile: Profile,
        *,
        returning: bool,
        principle_ids,
        tip_count: int,
        ops: Optional[List[Tuple]] = None,
    ):
        self.handler_input = handler_input
        self.adapter = adapter
        self._base = base  # the record as read: JSON text, or the record (dumped when needed)
        self.rev = rev
        self.profile = profile  # the record with ops applied (shared with the cache until changed)
        self._shared = False
        self.incoming: Optional[str] = None  # the session copy this turn came with
        self.returning = returning  # the person was here before this session
        self.ops: List[Tuple] = list(ops or [])
        self.urgent = False
        self.forgotten = False
        self.seen_before: List[int] = []
        self._ids = principle_ids
        self._tip_count = tip_count

    # what handlers call ---------------------------------------------------------------------------
    def change(self, *op) -> None:
        if self._shared:  # copy on write: the parsed copy in _PARSED stays as it was
            self.profile, self._shared = self.profile.copy(), False
        self.ops.append(op)
        self.profile.apply(op)

    def note_answer(self, principle: str, right: bool, round_over: bool) -> None:
        self.change("answer", principle, bool(right), bool(round_over))
        self.urgent |= bool(round_over)

    def set_pace(self, pace: str) -> None:
        if pace in PACES:
            self.change("pace", pace)
            self.urgent = True

    def forget(self) -> bool:
        """Delete everything stored for this person; False when the store could not do it now."""
        try:
            self.handler_input.attributes_manager.delete_persistent_attributes()
        except PersistenceException as exc:
            log.warning("memory: could not delete a profile: %s", exc)
            return False
        self.forgotten = True
        self.ops = []
        return True

    # the response interceptor -------------------------------------------------------------------
    def observe(self, turn) -> None:
        """Operations the turn implies without any handler saying so: tips heard, where we are."""
        before, after = self.seen_before, turn.state.seen
        if after[: len(before)] == before:
            new = after[len(before) :]
        else:
            self.change("tips_reset")
            new = after
        for index in new:
            if len(self.profile.tips) >= self._tip_count:  # all had come by: a new cycle
                self.change("tips_reset")
            self.change("tip", index)
        last = _where(turn)
        if last is not None and last != self.profile.last:
            self.change("last", last)

    def wants_save(self, session_ends: bool) -> bool:
        return bool(self.ops) and not self.forgotten and (session_ends or self.urgent or len(self.ops) >= MAX_PENDING)

    def save(self) -> bool:
        """Write the pending operations (compare and swap, merging on conflict)."""
        if self.forgotten or not self.ops:
            return True
        manager = self.handler_input.attributes_manager
        for _ in range(CAS_TRIES):
            record = self.profile.to_record()
            if self.rev is not None:
                record[REV] = self.rev
            try:
                manager.persistent_attributes = record
                manager.save_persistent_attributes()
            except StoreConflict:
                try:
                    fresh = self.adapter.get_attributes(self.handler_input.request_envelope)
                except PersistenceException as exc:
                    log.warning("memory: re-read after a conflict failed, changes not saved: %s", exc)
                    return False
                self.rev, self.profile = _split(fresh, self._ids, self._tip_count)
                self._shared, self.incoming = False, None
                for op in self.ops:
                    self.profile.apply(op)
                continue
            except PersistenceException as exc:
                log.warning("memory: store unavailable, changes not saved: %s", exc)
                return False
            self.rev = record.pop(REV, None)
            self._base = record
            self.ops = []
            self.incoming = None  # the session copy changes (new revision and record)
            self.urgent = False
            return True
        log.warning("memory: the record kept changing, changes not saved")
        return False

    @property
    def base(self) -> str:
        if not isinstance(self._base, str):
            self._base = _dumps(self._base)
        return self._base

    def session_copy(self) -> str:
        """The copy for the session attributes (the turn is over: this Memory changes no more)."""
        if self._shared and self.incoming is not None:  # nothing changed this turn
            return self.incoming
        text = f"{'' if self.rev is None else self.rev}|{encode_ops(self.ops)}|{self.base}"
        key = (text, self._ids, self._tip_count)
        if key not in _PARSED:
            _remember(key, _Parsed(self.rev, list(self.ops), self.base, self.profile))
        return text


def _dumps(record) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _split(attributes, principle_ids, tip_count) -> Tuple[Optional[int], Profile]:
    attributes = dict(attributes or {})
    rev = attributes.pop(REV, None)
    profile = Profile.from_record(attributes, principle_ids=principle_ids, tip_count=tip_count)
    if profile.repaired:
        log.warning("memory: a stored profile was damaged or of an unknown version; parts were reset")
    return (rev if type(rev) is int else None), profile


def _where(turn):
    quiz = turn.state.sections.get("quiz")
    if isinstance(quiz, dict) and "q" in quiz:
        return {"k": "quiz"}
    principle = (turn.state.ctx or {}).get("p")
    if principle and turn.content.get(principle) is not None:
        return {"k": "topic", "p": principle}
    return None


# operations in the session copy ------------------------------------------------------------------
# v (visit)  x (tips reset)  t<index> (tip heard)  p<pace>  lq (last: quiz)  l<principle> (last: topic)
# a<0|1><0|1><principle> (answer: right, round over)


def encode_ops(ops) -> str:
    out = []
    for op in ops:
        kind = op[0]
        if kind == "visit":
            out.append("v")
        elif kind == "tips_reset":
            out.append("x")
        elif kind == "tip":
            out.append(f"t{op[1]}")
        elif kind == "pace":
            out.append(f"p{op[1]}")
        elif kind == "last":
            out.append("lq" if op[1].get("k") == "quiz" else f"l{op[1]['p']}")
        elif kind == "answer":
            out.append(f"a{int(op[2])}{int(op[3])}{op[1]}")
    return ",".join(out)


def decode_ops(text: str, principle_ids, tip_count: int) -> Optional[List[Tuple]]:
    """The operations of a session copy, or None when anything in it is not a valid operation."""
    ops: List[Tuple] = []
    for item in text.split(",") if text else ():
        code, rest = item[:1], item[1:]
        if item == "v":
            ops.append(("visit",))
        elif item == "x":
            ops.append(("tips_reset",))
        elif code == "t" and rest.isdigit() and len(rest) < 4 and int(rest) < tip_count:
            ops.append(("tip", int(rest)))
        elif code == "p" and rest in PACES:
            ops.append(("pace", rest))
        elif item == "lq":
            ops.append(("last", {"k": "quiz"}))
        elif code == "l" and rest in principle_ids:
            ops.append(("last", {"k": "topic", "p": rest}))
        elif code == "a" and rest[:1] in "01" and rest[1:2] in "01" and len(rest) > 2 and rest[2:] in principle_ids:
            ops.append(("answer", rest[2:], rest[0] == "1", rest[1] == "1"))
        else:
            return None
    return ops


class _Parsed:
    """A session copy, read and validated once per process (see _PARSED)."""

    __slots__ = ("rev", "ops", "base", "profile")

    def __init__(self, rev, ops, base, profile):
        self.rev, self.ops, self.base, self.profile = rev, ops, base, profile


# Session copies this process read or wrote, by their text: the next turn of a session usually comes
# back to the same process with the copy it wrote, so it is not parsed and validated again. The key is
# the whole text, so a changed (or tampered) copy is always read afresh.
_PARSED: "OrderedDict[Tuple[str, Tuple[str, ...], int], _Parsed]" = OrderedDict()
_PARSED_MAX = 512


def _remember(key, parsed: _Parsed) -> None:
    _PARSED[key] = parsed
    if len(_PARSED) > _PARSED_MAX:
        _PARSED.popitem(last=False)


def _parse(copy, ids, tip_count) -> Optional[_Parsed]:
    if not isinstance(copy, str) or len(copy) > MAX_COPY or copy.count("|") < 2:
        return None
    rev_text, ops_text, base = copy.split("|", 2)
    if rev_text and not (rev_text.isdigit() and len(rev_text) < 10):
        return None
    ops = decode_ops(ops_text, ids, tip_count)
    if ops is None:
        return None
    try:
        record = json.loads(base)
    except ValueError:
        return None
    profile = Profile.from_record(record, principle_ids=ids, tip_count=tip_count)
    if profile.repaired:
        return None
    for op in ops:
        profile.apply(op)
    return _Parsed(int(rev_text) if rev_text else None, ops, base, profile)


def _from_session(handler_input, adapter, turn, copy) -> Optional[Memory]:
    ids, tip_count = turn.content.ids, len(turn.content.tips)
    key = (copy, ids, tip_count) if isinstance(copy, str) else None
    parsed = _PARSED.get(key) if key is not None else None
    if parsed is None:
        parsed = _parse(copy, ids, tip_count)
        if parsed is None:
            return None
        _remember(key, parsed)
    memory = Memory(
        handler_input,
        adapter,
        parsed.base,
        parsed.rev,
        parsed.profile,
        returning=False,
        principle_ids=ids,
        tip_count=tip_count,
        ops=parsed.ops,
    )
    memory._shared = True
    memory.incoming = copy
    memory.seen_before = list(turn.state.seen)
    return memory


def load(handler_input, adapter, turn) -> Optional[Memory]:
    """This turn's Memory: from the session copy, else from the store (a new visit); None when the
    store cannot be read now."""
    session = handler_input.request_envelope.session
    if session is not None and not session.new and session.attributes and SESSION_KEY in session.attributes:
        memory = _from_session(handler_input, adapter, turn, session.attributes[SESSION_KEY])
        if memory is not None:
            return memory
        log.warning("memory: the session copy was damaged; reading the store again")
    if getattr(handler_input.request_envelope.request, "object_type", None) == "SessionEndedRequest":
        return None  # a session that had no memory ends: nothing to read, no visit to count
    try:
        stored = handler_input.attributes_manager.persistent_attributes
    except PersistenceException as exc:
        log.warning("memory: store unavailable, this turn goes without memory: %s", exc)
        return None
    ids, tip_count = turn.content.ids, len(turn.content.tips)
    rev, profile = _split(stored, ids, tip_count)
    memory = Memory(
        handler_input,
        adapter,
        profile.to_record(),
        rev,
        profile,
        returning=profile.visits > 0,
        principle_ids=ids,
        tip_count=tip_count,
    )
    memory.change("visit")
    memory.seen_before = list(turn.state.seen)
    return memory


def of(turn) -> Optional[Memory]:
    """The Memory of this turn, or None (no store configured, or the store is unavailable now)."""
    return turn.handler_input.attributes_manager.request_attributes.get(MEMORY_KEY)


# for handlers ----------------------------------------------------------------------------------------

OFF, DOWN, ON = "off", "down", "on"
STATUS_KEY = "memory_status"


def status(turn) -> str:
    """OFF (no store configured), DOWN (the store could not be read this turn) or ON."""
    return turn.handler_input.attributes_manager.request_attributes.get(STATUS_KEY, OFF)


def forget(turn) -> bool:
    """Delete everything stored for this person (also when the profile could not be read this turn)."""
    mem = of(turn)
    if mem is not None:
        return mem.forget()
    try:
        turn.handler_input.attributes_manager.delete_persistent_attributes()
    except PersistenceException as exc:
        log.warning("memory: could not delete a profile: %s", exc)
        return False
    return True


def note_answer(turn, principle: str, result_right: bool, round_over: bool) -> None:
    """Hook for the quiz: one answered question (no-op without memory)."""
    mem = of(turn)
    if mem is not None:
        mem.note_answer(principle, result_right, round_over)


def favoured(turn):
    """Hook for the quiz: the weak principles a new round asks about (see skill.profile)."""
    mem = of(turn)
    return mem.profile.weak(order=turn.content.ids) if mem is not None else []


def heard_tips(turn):
    """Hook for the tips: the tips heard in the current cycle of earlier sessions (empty without memory)."""
    mem = of(turn)
    return set(mem.profile.tips) if mem is not None else ()


def pace(handler_input) -> str:
    mem = handler_input.attributes_manager.request_attributes.get(MEMORY_KEY)
    return mem.profile.pace if mem is not None and not mem.forgotten else "normal"
