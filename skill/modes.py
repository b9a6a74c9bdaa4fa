"""Modes: activities that take over the conversation for a while (the quiz, the checklist step by
step; practice later). One object per mode answers its own intents and the built-ins while it is
active, says how one leaves it, and how one comes back.

A mode is ACTIVE while its question is open (the session's offer is the mode's OFFER); it keeps its
progress in its own session section. Leaving (LeaveIntent, "stop de quiz") or an interruption (a
tip, a principle, example phrases mid-quiz) PAUSES it: the section stays, so ResumeIntent ("ga
verder met de quiz", "waar waren we") picks up where the person was. After an interruption the
answer ends with the offer to resume ("Zullen we verdergaan met de quiz?"), open as "resume_<name>".

One handler (skill.handlers.modes.ModeHandler) routes to the active mode, so adding a mode adds one
object here, not a dozen handler classes. A mode subclass defines:

  NAME      its ACTIVITEIT slot id ("quiz", "checklist", "practice")
  OFFER     the offer while its question is open
  SECTION   its session section
  INTENTS   the intents it answers while active
  LEFT      prompt key said when the person leaves it
  RESUME_QUESTION  prompt key of the offer to resume after an interruption
  answer(turn)     answer an intent in INTENTS while active
  can_resume(turn) whether there is progress to go back to
  resume(turn)     go back to it (the current question or step again)
  offer_start(turn) nothing to resume: say so and offer to begin it
"""

from __future__ import annotations

from typing import List, Optional, Tuple

from skill import prompt_keys as K
from skill.turn import Turn

RESUME_PREFIX = "resume_"
MODE_ORDER = ("quiz", "checklist", "practice")
ACTIVITY_SLOT = "activiteit"


class Mode:
    NAME = ""
    OFFER = ""
    SECTION = ""
    INTENTS: Tuple[str, ...] = ()
    LEFT = ""
    RESUME_QUESTION = ""

    def active(self, turn: Turn) -> bool:
        return turn.state.offer == self.OFFER

    def answer(self, turn: Turn):  # pragma: no cover - every mode defines it
        raise NotImplementedError

    def can_resume(self, turn: Turn) -> bool:  # pragma: no cover
        raise NotImplementedError

    def resume(self, turn: Turn):  # pragma: no cover
        raise NotImplementedError

    def offer_start(self, turn: Turn):  # pragma: no cover
        raise NotImplementedError

    # shared behaviour ------------------------------------------------------------------------
    def leave(self, turn: Turn):
        """Pause: keep the progress, say how to come back, and ask what next (no offer open, so a
        plain "nee" then ends the session)."""
        return turn.ask(turn.speech(self.LEFT), question=K.ANYTHING_ELSE, reprompt=K.ANYTHING_ELSE_REPROMPT)

    def interrupt(self, turn: Turn, respond):
        """Answer something else (respond(turn)), keep the progress, and offer to come back."""
        turn.follow_up = (self.RESUME_QUESTION, K.RESUME_REPROMPT, RESUME_PREFIX + self.NAME)
        return respond(turn)

    def drop(self, turn: Turn) -> None:
        turn.state.sections.pop(self.SECTION, None)


_MODES: List[Mode] = []
_LOADED = []


def register(mode: Mode) -> Mode:
    if all(m.NAME != mode.NAME for m in _MODES):
        _MODES.append(mode)
    return mode


def modes() -> List[Mode]:
    """Every mode, in a fixed order (the first with progress is resumed when none is named)."""
    if not _LOADED:  # the modes register themselves when their modules are imported
        import skill.handlers.checklist  # noqa: F401
        import skill.handlers.quiz  # noqa: F401
        import skill.practice.mode  # noqa: F401

        _LOADED.append(True)
        _MODES.sort(key=lambda mode: MODE_ORDER.index(mode.NAME) if mode.NAME in MODE_ORDER else len(MODE_ORDER))
    return _MODES


def by_name(name: Optional[str]) -> Optional[Mode]:
    return next((mode for mode in modes() if mode.NAME == name), None)


def active_mode(turn: Turn) -> Optional[Mode]:
    return next((mode for mode in modes() if mode.active(turn)), None)


def offered_resume(turn: Turn) -> Optional[Mode]:
    """The mode whose resume offer is open ("Zullen we verdergaan met de quiz?")."""
    offer = turn.state.offer or ""
    return by_name(offer[len(RESUME_PREFIX) :]) if offer.startswith(RESUME_PREFIX) else None


def paused_mode(turn: Turn) -> Optional[Mode]:
    """The mode to resume when the person does not say which: the offered one, else the first with
    progress kept."""
    return offered_resume(turn) or next((mode for mode in modes() if mode.can_resume(turn)), None)
