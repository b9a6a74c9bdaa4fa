"""The closing checklist, spoken: the whole list at once (numbered, with pauses; also one-shot), or
step by step with "volgende", "vorige", "herhaal" and "opnieuw beginnen".

In step-by-step mode the offer is "chk_step" and the step index lives in the session section "chk"
(skill.checklist). The step handlers (OFFER = "chk_step") come before the general navigation
handlers in skill.handlers.HANDLERS.
"""

from __future__ import annotations

from typing import Optional

from skill import answers
from skill.checklist import SECTION, load_checklist, read_step, section
from skill.handlers.base import IntentHandler
from skill.slots import resolved_id
from skill.ssml import Speech

MODE_SLOT = "manier"
STEP_BY_STEP = "stap_voor_stap"
STEP_OFFER = "chk_step"


def _card(turn) -> str:
    return turn.line("checklist_card_title")


def _step(turn, step) -> Speech:
    speech = Speech().say(step.text)
    if step.example:
        speech.pause("short").say(turn.line("example_lead")).quote(step.example)
    return speech


def whole(turn):
    """Every step, numbered, with a pause after each; then the offer to go through them one by one."""
    checklist = load_checklist(turn.content)
    speech = turn.speech("chk_whole_intro", count=str(len(checklist))).pause("medium")
    for n, step in enumerate(checklist.steps, start=1):
        speech.say(turn.line("chk_step_label", n=str(n))).extend(_step(turn, step)).pause("long")
    turn.state.sections.pop(SECTION, None)
    return turn.answer(speech, question="chk_whole_question", reprompt="chk_whole_reprompt",
                       offer="checklist", card_title=_card(turn))


def show_step(turn, index: int, intro: Optional[Speech] = None):
    """One step, saying which of how many; the session stays in step-by-step mode."""
    checklist = load_checklist(turn.content)
    speech = Speech().extend(intro or Speech())
    speech.say(turn.line("chk_step_position", n=str(index + 1), total=str(len(checklist))))
    speech.extend(_step(turn, checklist.steps[index]))
    turn.state.sections[SECTION] = section(index)
    last = index == len(checklist) - 1
    return turn.ask(speech, question="chk_last_question" if last else "chk_step_question",
                    reprompt="chk_last_reprompt" if last else "chk_step_reprompt",
                    offer=STEP_OFFER, card_title=_card(turn))


class ChecklistHandler(IntentHandler):
    """"afsluitchecklist", "hoe sluit ik een gesprek af", "de checklist stap voor stap"."""

    INTENTS = ("ChecklistIntent",)

    def respond(self, turn):
        mode, _ = resolved_id(turn.request, MODE_SLOT)
        if mode == STEP_BY_STEP and not turn.one_shot:
            return show_step(turn, 0)
        return whole(turn)


class YesChecklistHandler(IntentHandler):
    """Yes to "Wil je de checklist stap voor stap horen?" (after the closing principle, or the list)."""

    INTENTS = ("AMAZON.YesIntent",)
    OFFER = "checklist"

    def respond(self, turn):
        return show_step(turn, 0)


class StepModeHandler(IntentHandler):
    """Base: only in step-by-step mode; reads and validates the step first."""

    OFFER = STEP_OFFER

    def respond(self, turn):
        checklist = load_checklist(turn.content)
        index = read_step(turn.state.sections.get(SECTION), checklist)
        if index is None:
            return show_step(turn, 0, intro=turn.speech("chk_lost"))
        return self.play(turn, checklist, index)

    def play(self, turn, checklist, index):  # pragma: no cover - every subclass defines it
        raise NotImplementedError


class StepNextHandler(StepModeHandler):
    """Next (or yes): the next step; yes after the last step starts again."""

    INTENTS = ("AMAZON.NextIntent", "AMAZON.YesIntent")

    def play(self, turn, checklist, index):
        last = index == len(checklist) - 1
        if last and turn.request.intent.name == "AMAZON.YesIntent":
            return show_step(turn, 0, intro=turn.speech("start_over"))
        if last:
            turn.state.sections.pop(SECTION, None)
            return answers.anything_else(turn, "chk_past_last")
        return show_step(turn, index + 1)


class StepPreviousHandler(StepModeHandler):
    INTENTS = ("AMAZON.PreviousIntent",)

    def play(self, turn, checklist, index):
        if index == 0:
            return show_step(turn, 0, intro=turn.speech("chk_before_first"))
        return show_step(turn, index - 1)


class StepRepeatHandler(StepModeHandler):
    INTENTS = ("AMAZON.RepeatIntent",)

    def play(self, turn, checklist, index):
        return show_step(turn, index)


class StepStartOverHandler(StepModeHandler):
    INTENTS = ("AMAZON.StartOverIntent",)

    def play(self, turn, checklist, index):
        return show_step(turn, 0, intro=turn.speech("start_over"))


class StepHelpHandler(StepModeHandler):
    INTENTS = ("AMAZON.HelpIntent",)

    def play(self, turn, checklist, index):
        return show_step(turn, index, intro=turn.speech("chk_help"))


class StepDoneHandler(StepModeHandler):
    """No: leave the checklist, and ask what next."""

    INTENTS = ("AMAZON.NoIntent",)

    def respond(self, turn):
        turn.state.sections.pop(SECTION, None)
        return answers.anything_else(turn, "chk_done")
