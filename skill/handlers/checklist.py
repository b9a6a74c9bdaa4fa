"""The closing checklist, spoken: the whole list at once (numbered, with pauses; also one-shot), or
step by step with "volgende", "vorige", "herhaal" and "opnieuw beginnen".

In step-by-step mode the offer is "chk_step", the step index lives in the session section "chk"
(skill.checklist), and ChecklistMode (a skill.modes.Mode) answers: next, previous, repeat, start
over, help, "de derde" (that step), no (done). "Ik ben klaar met de checklist" leaves it, "ga verder
met de checklist" resumes at the same step.
"""

from __future__ import annotations

from typing import Optional

from skill import prompt_keys as K
from skill import answers
from skill.handlers.base import IntentHandler
from skill.modes import Mode, register
from skill.slots import resolved_id
from skill.ssml import Speech
from skill.turn import Turn

# skill.checklist (its data classes and file) is imported on the first checklist turn, not at start-up;
# its session section's name is repeated here for ChecklistMode (tests/test_checklist.py checks it).
SECTION = "chk"
MODE_SLOT = "manier"
PICK_SLOT = "nummer"
LAST_ID = "last"
STEP_BY_STEP = "stap_voor_stap"
STEP_OFFER = "chk_step"  # a step was just said (ChecklistMode is active)
OFFER = "checklist"  # "Wil je de checklist stap voor stap horen?" (after the closing principle)
WHOLE_OFFER = "chk_steps"  # "Zal ik de stappen één voor één met je doorlopen?" (after the whole list)


def _step_index(turn, checklist) -> Optional[int]:
    """The step kept in this session's section, validated; None when there is none or it is bad."""
    from skill.checklist import read_step

    return read_step(turn.state.sections.get(SECTION), checklist)


def _card(turn) -> str:
    return turn.title(K.CHECKLIST_CARD_TITLE)


def _step(turn, step) -> Speech:
    speech = Speech().say(step.text)
    if step.example:
        speech.pause("short").say(turn.line(K.EXAMPLE_LEAD)).quote(step.example)
    return speech


def whole(turn):
    """Every step, numbered, one breath each (without its example phrase), a pause after each; then
    the offer to go through them one by one, with the example phrases."""
    checklist = turn.checklist
    speech = turn.speech(K.CHK_WHOLE_INTRO, count=str(len(checklist))).pause("medium")
    for n, step in enumerate(checklist.steps, start=1):  # one breath per step: the example phrases
        speech.say(turn.line(K.CHK_STEP_LABEL, n=str(n))).say(step.text).pause("long")  # come step by step
    turn.state.sections.pop(SECTION, None)
    return turn.answer(
        speech, question=K.CHK_WHOLE_QUESTION, reprompt=K.CHK_WHOLE_REPROMPT, offer=WHOLE_OFFER, card_title=_card(turn)
    )


def show_step(turn, index: int, intro: Optional[Speech] = None):
    """One step, saying which of how many; the session stays in step-by-step mode."""
    from skill.checklist import section

    checklist = turn.checklist
    speech = Speech().extend(intro or Speech())
    speech.say(turn.line(K.CHK_STEP_POSITION, n=str(index + 1), total=str(len(checklist))))
    speech.extend(_step(turn, checklist.steps[index]))
    turn.state.sections[SECTION] = section(index)
    last = index == len(checklist) - 1
    return turn.ask(
        speech,
        question=K.CHK_LAST_QUESTION if last else K.CHK_STEP_QUESTION,
        reprompt=K.CHK_LAST_REPROMPT if last else K.CHK_STEP_REPROMPT,
        offer=STEP_OFFER,
        card_title=_card(turn),
    )


class ChecklistHandler(IntentHandler):
    """ "afsluitchecklist", "hoe sluit ik een gesprek af", "de checklist stap voor stap"."""

    INTENTS = ("ChecklistIntent",)

    def respond(self, turn):
        mode, _ = resolved_id(turn.request, MODE_SLOT)
        if mode == STEP_BY_STEP and not turn.one_shot:
            return show_step(turn, 0)
        return whole(turn)


class StartStepsHandler(IntentHandler):
    """Yes to "Wil je de checklist stap voor stap horen?" (after the closing principle), and Yes or
    Next to "Zal ik de stappen één voor één met je doorlopen?" (after the whole list): step 1."""

    INTENTS = ("AMAZON.YesIntent", "AMAZON.NextIntent")

    def can_handle(self, handler_input) -> bool:
        turn = Turn.of(handler_input)
        if turn.intent_name == "AMAZON.YesIntent":
            return turn.state.offer in (OFFER, WHOLE_OFFER)
        return turn.intent_name in self.INTENTS and turn.state.offer == WHOLE_OFFER

    def respond(self, turn):
        return show_step(turn, 0)


def _next(turn, checklist, index):
    """Next (or yes): the next step; yes after the last step starts again."""
    last = index == len(checklist) - 1
    if last and turn.intent_name == "AMAZON.YesIntent":
        return show_step(turn, 0, intro=turn.speech(K.START_OVER))
    if last:
        turn.state.sections.pop(SECTION, None)
        return answers.anything_else(turn, K.CHK_PAST_LAST)
    return show_step(turn, index + 1)


def _previous(turn, checklist, index):
    if index == 0:
        return show_step(turn, 0, intro=turn.speech(K.CHK_BEFORE_FIRST))
    return show_step(turn, index - 1)


def _pick(turn, checklist, index):
    """ "de derde": that step ("de laatste": the last one)."""
    value, _ = resolved_id(turn.request, PICK_SLOT)
    n = len(checklist) if value == LAST_ID else int(value) if value and value.isdigit() else 0
    if not 1 <= n <= len(checklist):
        return show_step(turn, index, intro=turn.speech(K.CHK_NO_SUCH_STEP, total=str(len(checklist))))
    return show_step(turn, n - 1)


_PLAY = {
    "AMAZON.NextIntent": _next,
    "AMAZON.YesIntent": _next,
    "AMAZON.PreviousIntent": _previous,
    "AMAZON.RepeatIntent": lambda turn, checklist, index: show_step(turn, index),
    "AMAZON.StartOverIntent": lambda turn, checklist, index: show_step(turn, 0, intro=turn.speech(K.START_OVER)),
    "AMAZON.HelpIntent": lambda turn, checklist, index: turn.ask(
        turn.speech(K.CHK_HELP),
        question=K.CHK_STEP_QUESTION,
        reprompt=K.CHK_STEP_REPROMPT,
        offer=STEP_OFFER,
        card_title=_card(turn),
    ),
    "PickIntent": _pick,
}


class ChecklistMode(Mode):
    """The checklist step by step: next, previous, repeat, start over, help, "de derde"; no = done."""

    NAME = "checklist"
    OFFER = STEP_OFFER
    SECTION = SECTION
    INTENTS = tuple(_PLAY) + ("AMAZON.NoIntent",)
    LEFT = K.CHK_LEFT
    RESUME_QUESTION = K.CHK_RESUME_QUESTION

    def answer(self, turn):
        if turn.intent_name == "AMAZON.NoIntent":  # "nee" to "Zeg volgende ... of nee als je klaar bent"
            self.drop(turn)
            return answers.anything_else(turn, K.CHK_DONE)
        checklist = turn.checklist
        index = _step_index(turn, checklist)
        if index is None:
            return show_step(turn, 0, intro=turn.speech(K.CHK_LOST))
        return _PLAY[turn.intent_name](turn, checklist, index)

    def can_resume(self, turn):
        return _step_index(turn, turn.checklist) is not None

    def resume(self, turn):
        checklist = turn.checklist
        index = _step_index(turn, checklist)
        if index is None:
            return self.offer_start(turn)
        return show_step(turn, index, intro=turn.speech(K.CHK_RESUME))

    def offer_start(self, turn):
        return show_step(turn, 0, intro=turn.speech(K.CHK_RESUME_NONE))


CHECKLIST = register(ChecklistMode())
