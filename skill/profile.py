"""A person's profile: what the skill remembers between sessions (issue 9), as one small record.

Like the session state (skill/state.py) it is versioned and validated on every read: an unknown version
or a damaged record reads as a fresh profile (marked `repaired`, the caller logs it), a damaged field
is dropped on its own, never a crash. It holds only ids, counts and choices the skill made; never what
a person said (no utterances, no slot values in their own words, nothing about a crisis).

Record (version 1; short keys):
  v       PROFILE_VERSION
  visits  sessions started so far (0 = never here: the full introduction)
  pace    "slower" or "faster" (absent: normal)
  tips    indexes of the tips heard in the current cycle, in order (none repeats until all came by)
  last    where the person was: {"k": "quiz"} or {"k": "topic", "p": principle id}
  rounds  quiz rounds finished
  quiz    per principle id: [answered, right, window], window = the last WINDOW results, oldest first,
          "1" right and "0" not (wrong, don't know, skipped)

Changes are operations (apply()): a save that meets a newer record (another device) reads that record
and applies the same operations again, so nothing is lost (see skill.memory).

The rule for weak principles (weak()): a principle is weak when at least one of its last five answers
was not right; weakest first by the number of misses among those five, then by the most recent miss.
A new quiz round without a chosen topic asks one question on each of the two weakest (skill.handlers.quiz).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from skill.state import _seen as _tips  # the same rule as the session's heard tips
from skill.records import Record

PROFILE_VERSION = 1
PACES = ("slower", "normal", "faster")
WINDOW = 5
MAX_COUNT = 1_000_000
FAVOURED = 2  # weak principles a new round asks about


class Profile(Record):  # not a @dataclass: see skill.records
    __slots__ = FIELDS = ("visits", "pace", "tips", "last", "rounds", "quiz", "repaired")

    def __init__(
        self,
        visits: int = 0,
        pace: str = "normal",
        tips: Optional[List[int]] = None,
        last: Optional[Dict[str, str]] = None,
        rounds: int = 0,
        quiz: Optional[Dict[str, List[Any]]] = None,
        repaired: bool = False,  # something in the stored record was dropped (not stored)
    ):
        self.visits = visits
        self.pace = pace
        self.tips: List[int] = [] if tips is None else tips
        self.last = last
        self.rounds = rounds
        self.quiz: Dict[str, List[Any]] = {} if quiz is None else quiz
        self.repaired = repaired

    # reading ---------------------------------------------------------------------------------
    @classmethod
    def from_record(cls, raw: Any, *, principle_ids: Sequence[str], tip_count: int) -> "Profile":
        profile = cls()
        if raw in (None, {}):
            return profile
        if not isinstance(raw, dict) or raw.get("v") != PROFILE_VERSION:
            profile.repaired = True
            return profile
        ids = set(principle_ids)
        profile.visits = _count(raw.get("visits"))
        profile.rounds = _count(raw.get("rounds"))
        pace = raw.get("pace", "normal")
        profile.pace = pace if pace in PACES else "normal"
        profile.tips = _tips(raw.get("tips"), tip_count)
        profile.last = _last(raw.get("last"), ids)
        profile.quiz = _quiz(raw.get("quiz"), ids)
        clean = profile.to_record()
        profile.repaired = any(raw.get(k) != clean.get(k) for k in set(raw) | set(clean) if k != "_rev")
        return profile

    def copy(self) -> "Profile":
        """An independent copy (cheap: no validation again). The quiz entries are shared: they are
        never changed in place (apply() puts a new list in their place)."""
        return Profile(
            self.visits,
            self.pace,
            list(self.tips),
            dict(self.last) if self.last else None,
            self.rounds,
            dict(self.quiz),
        )

    def to_record(self) -> Dict[str, Any]:
        record: Dict[str, Any] = {"v": PROFILE_VERSION, "visits": self.visits}
        if self.pace != "normal":
            record["pace"] = self.pace
        if self.tips:
            record["tips"] = list(self.tips)
        if self.last:
            record["last"] = dict(self.last)
        if self.rounds:
            record["rounds"] = self.rounds
        if self.quiz:
            record["quiz"] = {p: list(v) for p, v in sorted(self.quiz.items())}
        return record

    # changing --------------------------------------------------------------------------------
    def apply(self, op: Tuple) -> None:
        kind = op[0]
        if kind == "visit":
            self.visits = min(self.visits + 1, MAX_COUNT)
        elif kind == "tips_reset":
            self.tips = []
        elif kind == "tip":
            if op[1] not in self.tips:
                self.tips.append(op[1])
        elif kind == "pace":
            self.pace = op[1]
        elif kind == "last":
            self.last = dict(op[1]) if op[1] else None
        elif kind == "answer":
            _, principle, right, round_over = op
            answered, good, window = self.quiz.get(principle, [0, 0, ""])
            self.quiz[principle] = [
                min(answered + 1, MAX_COUNT),
                min(good + (1 if right else 0), MAX_COUNT),
                (window + ("1" if right else "0"))[-WINDOW:],
            ]
            if round_over:
                self.rounds = min(self.rounds + 1, MAX_COUNT)

    # questions about it -------------------------------------------------------------------------
    @property
    def answered(self) -> int:
        return sum(v[0] for v in self.quiz.values())

    @property
    def right(self) -> int:
        return sum(v[1] for v in self.quiz.values())

    def weak(self, limit: int = FAVOURED, order: Sequence[str] = ()) -> List[str]:
        """The weakest principles (see the module docstring), at most limit."""
        rank = {p: n for n, p in enumerate(order)}
        weak = []
        for principle, (_, _, window) in self.quiz.items():
            misses = window.count("0")
            if misses:
                weak.append((-misses, window[::-1].index("0"), rank.get(principle, len(rank)), principle))
        return [item[-1] for item in sorted(weak)[:limit]]

    def strongest(self, order: Sequence[str] = ()) -> Optional[str]:
        """The principle with the best share right in its last answers (at least two of them, more
        than half right); ties: more answers, then content order."""
        rank = {p: n for n, p in enumerate(order)}
        best = []
        for principle, (_, _, window) in self.quiz.items():
            if len(window) >= 2 and window.count("1") * 2 > len(window):
                best.append((-window.count("1") / len(window), -len(window), rank.get(principle, len(rank)), principle))
        return min(best)[-1] if best else None


def _count(value: Any) -> int:
    return value if type(value) is int and 0 <= value <= MAX_COUNT else 0


def _last(value: Any, ids) -> Optional[Dict[str, str]]:
    if not isinstance(value, dict):
        return None
    if value == {"k": "quiz"}:
        return {"k": "quiz"}
    if value.get("k") == "topic" and value.get("p") in ids and len(value) == 2:
        return {"k": "topic", "p": value["p"]}
    return None


def _quiz(value: Any, ids) -> Dict[str, List[Any]]:
    if not isinstance(value, dict):
        return {}
    out: Dict[str, List[Any]] = {}
    for principle, entry in value.items():
        if principle not in ids or not isinstance(entry, list) or len(entry) != 3:
            continue
        answered, right, window = entry
        if _count(answered) != answered or _count(right) != right or right > answered:
            continue
        if not isinstance(window, str) or len(window) > min(WINDOW, answered) or window.strip("01"):
            continue
        out[principle] = [answered, right, window]
    return out
