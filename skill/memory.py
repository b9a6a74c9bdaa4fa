"""Memory across sessions (issue 9): load a person's profile once per session, save it when it
changed, both from interceptors (skill/interceptors.py), never from the handlers themselves.

- First turn of a session: the record is read from the store through the attributes manager
  (persistent_attributes), validated (skill.profile), counted as a visit, and carried for the rest of
  the session in the session attributes under SESSION_KEY, with its revision (no store read per turn).
  The tips heard in earlier sessions seed this session's tip rotation.
- Handlers note what happened through the Memory of the turn (note_answer, set_pace, forget); the
  response interceptor adds what it can see itself (new tips heard, where the person is) and saves the
  operations: a compare-and-swap write; when another device saved first (StoreConflict), it reads the
  newer record, applies the same operations again and retries (at most CAS_TRIES times).
- The store is slow or down: the call fails within the configured timeout (PersistenceException), the
  turn goes on without memory (a warning in the log) and nothing is written; the next turn tries again.
  A record that could not be read is never overwritten.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Tuple

from ask_sdk_core.exceptions import PersistenceException

from skill.profile import PACES, Profile
from skill.store import REV, StoreConflict

log = logging.getLogger("gesprekscoach.memory")

MEMORY_KEY = "memory"   # request attributes: this turn's Memory
SESSION_KEY = "mem"     # session attributes: {"p": record, "r": revision or None, "ret": returning}
CAS_TRIES = 3


class Memory:
    """The profile of the person in this turn, and what changed."""

    def __init__(self, handler_input, adapter, profile: Profile, rev: Optional[int], *, returning: bool,
                 principle_ids, tip_count: int):
        self.handler_input = handler_input
        self.adapter = adapter
        self.profile = profile
        self.rev = rev
        self.returning = returning       # the person was here before this session
        self.ops: List[Tuple] = []
        self.forgotten = False
        self.seen_before: List[int] = []
        self._ids = principle_ids
        self._tip_count = tip_count

    # what handlers call ---------------------------------------------------------------------------
    def change(self, *op) -> None:
        self.ops.append(op)
        self.profile.apply(op)

    def note_answer(self, principle: str, right: bool, round_over: bool) -> None:
        self.change("answer", principle, bool(right), bool(round_over))

    def set_pace(self, pace: str) -> None:
        if pace in PACES:
            self.change("pace", pace)

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
        before, after = self.seen_before, list(turn.state.seen)
        if after[:len(before)] == before:
            new = after[len(before):]
        else:
            self.change("tips_reset")
            new = after
        for index in new:
            self.change("tip", index)
        last = _where(turn)
        if last is not None and last != self.profile.last:
            self.change("last", last)

    def save(self) -> bool:
        """Write the operations of this turn (compare and swap, merging on conflict)."""
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
                self.rev = record.get(REV)
                return True
            except StoreConflict:
                try:
                    fresh = self.adapter.get_attributes(self.handler_input.request_envelope)
                except PersistenceException as exc:
                    log.warning("memory: re-read after a conflict failed, this turn is not saved: %s", exc)
                    return False
                self.rev, self.profile = _split(fresh, self._ids, self._tip_count)
                for op in self.ops:
                    self.profile.apply(op)
            except PersistenceException as exc:
                log.warning("memory: store unavailable, this turn is not saved: %s", exc)
                return False
        log.warning("memory: the record kept changing, this turn is not saved")
        return False

    def session_copy(self) -> Dict[str, Any]:
        return {"p": self.profile.to_record(), "r": self.rev, "ret": self.returning}


def _split(attributes, principle_ids, tip_count) -> Tuple[Optional[int], Profile]:
    attributes = dict(attributes or {})
    rev = attributes.pop(REV, None)
    profile = Profile.from_record(attributes, principle_ids=principle_ids, tip_count=tip_count)
    if profile.repaired:
        log.warning("memory: a stored profile was damaged or of an unknown version; parts were reset")
    return (rev if type(rev) is int else None), profile


def _where(turn) -> Optional[Dict[str, str]]:
    quiz = turn.state.sections.get("quiz")
    if isinstance(quiz, dict) and "q" in quiz:
        return {"k": "quiz"}
    principle = (turn.state.ctx or {}).get("p")
    if principle and turn.content.get(principle) is not None:
        return {"k": "topic", "p": principle}
    return None


def load(handler_input, adapter, turn) -> Optional[Memory]:
    """This turn's Memory: from the session copy, else from the store (a new visit); None when the
    store cannot be read now."""
    ids = turn.content.ids
    tip_count = len(turn.content.tips)
    session = handler_input.request_envelope.session
    copy = (session.attributes or {}).get(SESSION_KEY) if session is not None and not session.new else None
    if isinstance(copy, dict) and isinstance(copy.get("p"), dict) and \
            (copy.get("r") is None or type(copy.get("r")) is int):
        profile = Profile.from_record(copy["p"], principle_ids=ids, tip_count=tip_count)
        if not profile.repaired:
            memory = Memory(handler_input, adapter, profile, copy.get("r"), returning=copy.get("ret") is True,
                            principle_ids=ids, tip_count=tip_count)
            memory.seen_before = list(turn.state.seen)
            return memory
        log.info("memory: the session copy was damaged; reading the store again")
    try:
        stored = handler_input.attributes_manager.persistent_attributes
    except PersistenceException as exc:
        log.warning("memory: store unavailable, this turn goes without memory: %s", exc)
        return None
    rev, profile = _split(stored, ids, tip_count)
    memory = Memory(handler_input, adapter, profile, rev, returning=profile.visits > 0,
                    principle_ids=ids, tip_count=tip_count)
    memory.change("visit")
    if not turn.state.seen and profile.tips:
        turn.state.seen = [i for i in profile.tips]
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


def pace(handler_input) -> str:
    mem = handler_input.attributes_manager.request_attributes.get(MEMORY_KEY)
    return mem.profile.pace if mem is not None and not mem.forgotten else "normal"
