"""Routing to the active mode (skill.modes), leaving and resuming modes, and ordinal choices.

ModeHandler comes right after the safety handlers: while a mode's question is open it answers the
mode's own intents and the built-ins through the mode object, leaves it on LeaveIntent, and answers
a tip, a principle or example phrases with the mode paused (and the offer to resume).
"""

from __future__ import annotations

from skill import prompt_keys as K
from skill import answers
from skill.handlers.base import IntentHandler
from skill.handlers.content import ExamplesHandler, PrincipleHandler, TipHandler
from skill.modes import ACTIVITY_SLOT, active_mode, by_name, modes, offered_resume, paused_mode
from skill.slots import resolved_id
from skill.turn import Turn

# Answered by the general handler with the active mode paused (the answer then offers to resume).
INTERRUPTIONS = {
    "TipIntent": TipHandler,
    "PrincipleIntent": PrincipleHandler,
    "ExamplesIntent": ExamplesHandler,
}
PICK_SLOT = "nummer"
LAST_ID = "last"


def _mode_intents():
    names = {"LeaveIntent", *INTERRUPTIONS}
    for mode in modes():
        names.update(mode.INTENTS)
    return tuple(sorted(names))


class ModeHandler(IntentHandler):
    INTENTS = _mode_intents()

    def can_handle(self, handler_input) -> bool:
        turn = Turn.of(handler_input)
        if turn.intent_name not in self.INTENTS:
            return False
        mode = active_mode(turn)
        return mode is not None and (
            turn.intent_name in mode.INTENTS or turn.intent_name == "LeaveIntent" or turn.intent_name in INTERRUPTIONS
        )

    def respond(self, turn):
        mode = active_mode(turn)
        if turn.intent_name in mode.INTENTS:
            return mode.answer(turn)
        if turn.intent_name == "LeaveIntent":
            return mode.leave(turn)
        return mode.interrupt(turn, INTERRUPTIONS[turn.intent_name]().respond)


class ResumeHandler(IntentHandler):
    """ "ga verder met de quiz", "waar waren we": back to where the person was."""

    INTENTS = ("ResumeIntent",)

    def respond(self, turn):
        name, _ = resolved_id(turn.request, ACTIVITY_SLOT)
        mode = by_name(name) or active_mode(turn) or paused_mode(turn)
        if mode is None:
            from skill.handlers.memory import resume_from_memory  # last session's place (issue 9)

            return resume_from_memory(turn) or answers.anything_else(turn, K.NOTHING_TO_RESUME)
        if mode.can_resume(turn):
            return mode.resume(turn)
        return mode.offer_start(turn)


class YesResumeModeHandler(IntentHandler):
    """Yes to "Zullen we verdergaan met de quiz?" (after a tip or a principle mid-quiz)."""

    INTENTS = ("AMAZON.YesIntent",)

    def can_handle(self, handler_input) -> bool:
        turn = Turn.of(handler_input)
        return turn.intent_name in self.INTENTS and offered_resume(turn) is not None

    def respond(self, turn):
        return offered_resume(turn).resume(turn)


class LeaveHandler(IntentHandler):
    """ "ik wil stoppen", "genoeg zo" outside a mode: a goodbye, the session ends. The same words ("ik
    wil niet meer") can be said by someone who does not want to go on living, so this goodbye names,
    in one sentence, where one can talk (the helplines, as data)."""

    INTENTS = ("LeaveIntent",)

    def respond(self, turn):
        return turn.tell(turn.speech(K.LEAVE_GOODBYE), card=False)


class PickHandler(IntentHandler):
    """ "de derde", "nummer vijf", "de laatste": after the list of topics, that topic."""

    INTENTS = ("PickIntent",)

    def respond(self, turn):
        value, _ = resolved_id(turn.request, PICK_SLOT)
        principles = turn.content.principles
        ctx = turn.state.ctx or {}
        if ctx.get("k") != "list":
            return answers.listing(turn, intro=turn.speech(K.PICK_NO_LIST))
        n = len(principles) if value == LAST_ID else int(value) if value and value.isdigit() else 0
        if not 1 <= n <= len(principles):
            return answers.listing(turn, intro=turn.speech(K.PICK_OUT_OF_RANGE, total=str(len(principles))))
        return answers.principle(turn, principles[n - 1])
