"""Memory across sessions (issue 9): load a person's profile once per session, save it when the
session ends (if it changed), both from interceptors (skill/interceptors.py), never from handlers.

- First turn of a session: the record is read from the store (read_profile), validated (skill.profile;
  once per process and record text, see _RECORDS) and counted as a visit. A new tip is one not heard
  in this session nor in the current cycle of earlier ones (heard_tips, used by skill.answers).
- During the session the profile travels in the session attributes under SESSION_KEY as one short
  string, "REV|OPS|RECORD": the revision read, the changes not saved yet (operations, see
  encode_ops) and the record as read (JSON). One string keeps every turn's cost small (ask-sdk
  deserialises, deep-copies and serialises the session attributes on every request). A process keeps
  the copies it sent, parsed (_PARSED): the turn that comes back with one takes it out and changes it
  in place; on another process (or sent again) a copy is parsed and validated afresh. No store call
  happens in the middle of a session unless something worth saving at once happened (Memory.urgent: a
  quiz round finished, the pace changed) or MAX_PENDING changes piled up. A change that only sets a
  field (SETTERS: where the person is, the pace) replaces the one of its kind still pending.
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
# Operations that set a field (Profile.apply): applied in any order among the others, only the last
# of each kind matters, so a new one replaces the one pending (see Memory.change).
SETTERS = frozenset({"pace", "last"})


class Memory:
    """The profile of the person in this turn, and what changed since it was read."""

    __slots__ = (
        "handler_input",
        "adapter",
        "_base",
        "rev",
        "profile",
        "_shared",
        "incoming",
        "returning",
        "ops",
        "_ops_text",
        "urgent",
        "forgotten",
        "seen_before",
        "_ids",
        "_tip_count",
    )

    def __init__(
        self,
        handler_input,
        adapter,
        base,
        rev: Optional[int],
        profile: Profile,
        principle_ids,
        tip_count: int,
        ops: Tuple[Tuple, ...] = (),
        ops_text: str = "",
        *,
        returning: bool = False,
        incoming: Optional[str] = None,
        shared: bool = True,
    ):
        self.handler_input = handler_input
        self.adapter = adapter
        self._base = base  # the record as read: JSON text, or the record (dumped when needed)
        self.rev = rev
        # The record with ops applied. Shared: also in _RECORDS (never changed), so the first change
        # copies it (copy on write). A profile from _PARSED is this turn's own (see _from_session).
        self.profile = profile
        self._shared = shared
        self.incoming = incoming  # the session copy this turn came with, until something changes
        self.returning = returning  # the person was here before this session
        self.ops = ops  # a tuple: shared with the cache as it is, never changed in place
        self._ops_text = ops_text  # encode_ops(self.ops), kept up to date by change()
        self.urgent = False
        self.forgotten = False
        self.seen_before: List[int] = []
        self._ids = principle_ids
        self._tip_count = tip_count

    # what handlers call ---------------------------------------------------------------------------
    def change(self, *op) -> None:
        if self._shared:  # copy on write: the record in _RECORDS stays as it was
            self.profile, self._shared = self.profile.copy(), False
        self.incoming = None  # the session copy changes
        if op[0] in SETTERS and any(pending[0] == op[0] for pending in self.ops):
            # Only the last value of a setter counts, wherever it stands among the others: the pending
            # one is replaced, so a person who goes from topic to topic keeps one pending change
            # (a short session copy, no early write when MAX_PENDING is reached).
            self.ops = tuple(pending for pending in self.ops if pending[0] != op[0]) + (op,)
            self._ops_text = encode_ops(self.ops)
        else:
            self.ops += (op,)
            self._ops_text = f"{self._ops_text},{encode_op(op)}" if self._ops_text else encode_op(op)
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
        self.ops, self._ops_text = (), ""
        return True

    # the response interceptor -------------------------------------------------------------------
    def observe(self, turn) -> None:
        """Operations the turn implies without any handler saying so: tips heard, where we are."""
        before, after = self.seen_before, turn.state.seen
        if after != before:  # tips heard this turn (most turns hear none)
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

    @property
    def pace(self) -> str:
        """The person's speaking pace ("normal" once they asked to be forgotten)."""
        return "normal" if self.forgotten else self.profile.pace

    def wants_save(self, session_ends: bool) -> bool:
        return bool(self.ops) and not self.forgotten and (session_ends or self.urgent or len(self.ops) >= MAX_PENDING)

    def save(self) -> bool:
        """Write the pending operations (compare and swap, merging on conflict)."""
        if self.forgotten or not self.ops:
            return True
        envelope = self.handler_input.request_envelope
        for _ in range(CAS_TRIES):
            text = _dumps(self.profile.to_record())
            try:
                rev = write_record(self.adapter, envelope, text, self.rev)
            except StoreConflict:
                try:
                    self.rev, read, fresh = read_profile(self.adapter, envelope, self._ids, self._tip_count)
                except PersistenceException as exc:
                    log.warning("memory: re-read after a conflict failed, changes not saved: %s", exc)
                    return False
                # The newer record is the base from now on (also for the session copy, should this
                # save fail: a copy of the new revision over the old record would drop its changes).
                self._base = _base_of(read, fresh)
                self.profile, self._shared, self.incoming = fresh.copy(), False, None
                for op in self.ops:
                    self.profile.apply(op)
                continue
            except PersistenceException as exc:
                log.warning("memory: store unavailable, changes not saved: %s", exc)
                return False
            # What this process wrote is what it reads next time (the same text): valid, no need to
            # parse and check it again; the text it replaced is left out of _RECORDS (this person's
            # next session reads the new one). Shared from now on: a later change copies it first.
            if isinstance(self._base, str):
                _RECORDS.pop((self._base, self._ids, self._tip_count), None)
            _remember_record((text, self._ids, self._tip_count), self.profile)
            self.rev, self._base, self._shared = rev, text, True
            self.ops, self._ops_text = (), ""
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
        """The copy for the session attributes, its parsed form kept in _PARSED for the next turn (the
        turn is over: this Memory changes no more)."""
        text = self.incoming  # nothing changed this turn: the same copy
        if text is None:
            text = f"{'' if self.rev is None else self.rev}|{self._ops_text}|{self.base}"
        _remember(
            (text, self._ids, self._tip_count),
            (self.rev, self.ops, self._ops_text, self.base, self.profile, self._shared),
        )
        return text


# One encoder for every record (json.dumps with arguments builds a new one per call: a few µs each).
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False, allow_nan=False).encode


# reading and writing the store --------------------------------------------------------------------
# The SQLite adapter hands over the record as the JSON text it keeps (read_record / write_record); any
# other adapter (DynamoDB) through the AbstractPersistenceAdapter calls, as a dict.


def write_record(adapter, envelope, text: str, rev: Optional[int]) -> int:
    """Write the record's JSON text if the stored revision is still rev; the new revision (else
    StoreConflict)."""
    write = getattr(adapter, "write_record", None)
    if write is not None:
        return write(envelope, text, rev)
    record = json.loads(text)
    if rev is not None:
        record[REV] = rev
    adapter.save_attributes(envelope, record)
    return record[REV]


def read_profile(adapter, envelope, principle_ids, tip_count) -> Tuple[Optional[int], Optional[str], Profile]:
    """(revision, JSON text, validated profile) from the store; the profile is shared (copy it before
    changing it). A damaged record or one of an unknown version reads as fresh (repaired), logged."""
    read = getattr(adapter, "read_record", None)
    if read is not None:
        rev, text = read(envelope)
        profile = _profile_of(text, principle_ids, tip_count)
    else:
        attributes = dict(adapter.get_attributes(envelope) or {})
        rev, text = attributes.pop(REV, None), None
        profile = Profile.from_record(attributes, principle_ids=principle_ids, tip_count=tip_count)
    if profile.repaired:
        log.warning("memory: a stored profile was damaged or of an unknown version; parts were reset")
    return (rev if type(rev) is int else None), text, profile


def _base_of(text: Optional[str], profile: Profile):
    """The record as read, for the session copy: its JSON text, or (no text, or a damaged one that
    was repaired) the validated record."""
    return text if text is not None and not profile.repaired else profile.to_record()


def _profile_of(text: Optional[str], principle_ids, tip_count) -> Profile:
    if text is None:
        return Profile.from_record(None, principle_ids=principle_ids, tip_count=tip_count)
    key = (text, principle_ids, tip_count)
    profile = _RECORDS.get(key)
    if profile is None:
        try:
            raw = json.loads(text)
        except ValueError:
            raw = False  # damaged: reads as an unknown version
        profile = Profile.from_record(raw, principle_ids=principle_ids, tip_count=tip_count)
        _remember_record(key, profile)
    return profile


# Records this process read or wrote, validated, by their JSON text (like _PARSED below for the
# session copies): a person's next session finds the text this process wrote at the end of the last
# one. Keyed by the whole text, so another process's write (or a damaged row) is read afresh. The
# profiles here are never changed (Memory copies one before its first change).
_RECORDS: "OrderedDict[Tuple[str, Tuple[str, ...], int], Profile]" = OrderedDict()
_RECORDS_MAX = 512


def _keep(cache: "OrderedDict", limit: int, key, value) -> None:
    """Put value in a bounded cache (_RECORDS, _PARSED); the oldest entry goes when it is full."""
    cache[key] = value
    if len(cache) > limit:
        cache.popitem(last=False)


def _remember_record(key, profile: Profile) -> None:
    _keep(_RECORDS, _RECORDS_MAX, key, profile)


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


def encode_op(op) -> str:
    kind = op[0]
    if kind == "visit":
        return "v"
    if kind == "tips_reset":
        return "x"
    if kind == "tip":
        return f"t{op[1]}"
    if kind == "pace":
        return f"p{op[1]}"
    if kind == "last":
        return "lq" if op[1].get("k") == "quiz" else f"l{op[1]['p']}"
    if kind == "answer":
        return f"a{int(op[2])}{int(op[3])}{op[1]}"
    raise ValueError(f"unknown operation {kind!r}")


def encode_ops(ops) -> str:
    return ",".join(map(encode_op, ops))


def decode_ops(text: str, principle_ids, tip_count: int) -> Optional[Tuple[Tuple, ...]]:
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
    return tuple(ops)


# Session copies this process wrote, by their text, parsed: (revision, operations, their text, the
# record as read, the profile with the operations applied, whether that profile is shared with
# _RECORDS). The next turn of a session usually comes back to the same process with the copy it
# wrote, so it is not parsed and validated again. That turn takes the entry out (it owns the profile
# and may change it in place) and puts in the copy it sends; a session that ends leaves nothing. The
# key is the whole text, so a changed (or tampered) copy is always read afresh, and so is one sent
# again (Alexa's retry, a turn that failed): parsing is never wrong, only slower.
_Parsed = Tuple[Optional[int], Tuple[Tuple, ...], str, str, Profile, bool]
_PARSED: "OrderedDict[Tuple[str, Tuple[str, ...], int], _Parsed]" = OrderedDict()
_PARSED_MAX = 512


def _remember(key, parsed: _Parsed) -> None:
    _keep(_PARSED, _PARSED_MAX, key, parsed)


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
    return (int(rev_text) if rev_text else None, ops, encode_ops(ops), base, profile, False)


def _from_session(handler_input, adapter, turn, copy) -> Optional[Memory]:
    ids, tip_count = turn.content.ids, len(turn.content.tips)
    # Taken out of _PARSED: this turn's own (session_copy puts in what the next turn needs).
    parsed = _PARSED.pop((copy, ids, tip_count), None) if isinstance(copy, str) else None
    if parsed is None:
        parsed = _parse(copy, ids, tip_count)
        if parsed is None:
            return None
    rev, ops, ops_text, base, profile, shared = parsed
    memory = Memory(
        handler_input, adapter, base, rev, profile, ids, tip_count, ops, ops_text, incoming=copy, shared=shared
    )
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
    ids, tip_count = turn.content.ids, len(turn.content.tips)
    try:
        rev, text, profile = read_profile(adapter, handler_input.request_envelope, ids, tip_count)
    except PersistenceException as exc:
        log.warning("memory: store unavailable, this turn goes without memory: %s", exc)
        return None
    memory = Memory(
        handler_input,
        adapter,
        _base_of(text, profile),
        rev,
        profile,  # may be the one in _RECORDS: change() copies it first
        ids,
        tip_count,
        returning=profile.visits > 0,
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
