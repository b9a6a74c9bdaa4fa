"""What a person notices of the memory (issue 9): welcome back, progress, pace, forgetting.

The profile itself is loaded and saved by interceptors (skill.memory); these handlers only read it
and note changes through the turn's Memory. Every sentence is in skill/locale/nl-NL/memory.json.
"""

from __future__ import annotations

import logging

from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException

from skill import answers, memory
from skill.handlers.base import IntentHandler, RequestTypeHandler
from skill.slots import resolved_id

log = logging.getLogger("gesprekscoach.memory")

TEMPO_SLOT = "tempo"
RESUME_OFFER = "mem_resume"
FORGET_OFFER = "mem_forget"
QUIZ_START_OFFER = "quiz_start"  # answered by skill.handlers.quiz.YesQuizStartHandler
PACE_LINES = {"slower": "memory_pace_slower", "faster": "memory_pace_faster", "normal": "memory_pace_normal"}


def _next(turn, speech):
    """After a memory answer: one-shot it ends, in a session it asks what next."""
    return turn.answer(speech, question="memory_next_question", reprompt="memory_next_reprompt")


def _unavailable(turn):
    key = "memory_off" if memory.status(turn) == memory.OFF else "memory_unavailable"
    return _next(turn, turn.speech(key))


# welcome back --------------------------------------------------------------------------------------


def welcome_back(turn):
    """A short welcome for a person who was here before, picking up where they were; None for a
    first visit (or without memory): then the full introduction."""
    mem = memory.of(turn)
    if mem is None or not mem.returning:
        return None
    speech = turn.speech("memory_welcome_back")
    last = mem.profile.last or {}
    item = turn.content.get(last.get("p")) if last.get("k") == "topic" else None
    if item is not None:
        speech.say(turn.line("memory_last_topic", name=item.name))
        turn.state.set_context("principle", item.id, turn.content.position(item.id))
        return turn.ask(speech, question="memory_resume_topic_question", reprompt="memory_resume_reprompt",
                        offer=RESUME_OFFER)
    if last.get("k") == "quiz":
        speech.say(turn.line("memory_last_quiz"))
        return turn.ask(speech, question="memory_resume_quiz_question", reprompt="memory_resume_reprompt",
                        offer=QUIZ_START_OFFER)
    return turn.ask(speech, question="memory_welcome_back_question", reprompt="memory_resume_reprompt")


def resume_from_memory(turn):
    """"waar waren we" with nothing to resume in this session: where the person was last time (the
    principle again, or the offer of a new quiz round); None without memory of it."""
    mem = memory.of(turn)
    last = (mem.profile.last or {}) if mem is not None else {}
    item = turn.content.get(last.get("p")) if last.get("k") == "topic" else None
    if item is not None:
        return answers.principle(turn, item, intro=turn.speech("memory_last_topic", name=item.name))
    if last.get("k") == "quiz":
        return turn.ask(turn.speech("memory_last_quiz"), question="memory_resume_quiz_question",
                        reprompt="memory_resume_reprompt", offer=QUIZ_START_OFFER)
    return None


class YesResumeHandler(IntentHandler):
    """Yes to "Vorige keer ging het over ... Zal ik daar verder mee gaan?"."""

    INTENTS = ("AMAZON.YesIntent",)
    OFFER = RESUME_OFFER

    def respond(self, turn):
        item = turn.content.get((turn.state.ctx or {}).get("p"))
        if item is None:
            return answers.tip(turn)
        return answers.principle(turn, item)


# progress ----------------------------------------------------------------------------------------


class ProgressHandler(IntentHandler):
    """"hoe sta ik ervoor?", "wat is mijn score?": rounds, answers right, strongest and weakest."""

    INTENTS = ("ProgressIntent",)

    def respond(self, turn):
        mem = memory.of(turn)
        if mem is None:
            return _unavailable(turn)
        profile = mem.profile
        if not profile.answered:
            return turn.answer(turn.speech("memory_progress_none"), question="memory_progress_start_question",
                               reprompt="memory_progress_reprompt", offer=QUIZ_START_OFFER)
        fields = {"rounds": str(profile.rounds), "right": str(profile.right), "answered": str(profile.answered)}
        key = {0: "memory_progress_no_round", 1: "memory_progress_one_round"}.get(profile.rounds,
                                                                                  "memory_progress")
        speech = turn.speech(key, **fields)
        order = turn.content.ids
        strong = profile.strongest(order)
        weak = profile.weak(1, order)
        if strong is not None:
            speech.say(turn.line("memory_progress_strong", name=turn.content.get(strong).name))
        if weak:
            speech.say(turn.line("memory_progress_weak", name=turn.content.get(weak[0]).name))
        return turn.answer(speech, question="memory_progress_weak_question" if weak else
                           "memory_progress_start_question", reprompt="memory_progress_reprompt",
                           offer=QUIZ_START_OFFER)


# pace --------------------------------------------------------------------------------------------


class PaceHandler(IntentHandler):
    """"praat wat langzamer", "iets sneller", "normaal tempo": from this answer on, for this person."""

    INTENTS = ("PaceIntent",)

    def respond(self, turn):
        pace, _ = resolved_id(turn.request, TEMPO_SLOT)
        if pace not in PACE_LINES:
            return turn.ask(turn.speech("memory_pace_which"), question="memory_pace_which_question",
                            reprompt="memory_pace_which_question")
        mem = memory.of(turn)
        if mem is None:
            return _unavailable(turn)
        mem.set_pace(pace)
        return _next(turn, turn.speech(PACE_LINES[pace]))


# forgetting --------------------------------------------------------------------------------------


class ForgetMeHandler(IntentHandler):
    """"wis mijn gegevens", "vergeet mij": asks first (always, one-shot too)."""

    INTENTS = ("ForgetMeIntent",)

    def respond(self, turn):
        if memory.status(turn) == memory.OFF:
            return _next(turn, turn.speech("memory_forget_nothing"))
        return turn.ask(turn.speech("memory_forget_confirm"), question="memory_forget_question",
                        reprompt="memory_forget_reprompt", offer=FORGET_OFFER)


class YesForgetHandler(IntentHandler):
    INTENTS = ("AMAZON.YesIntent",)
    OFFER = FORGET_OFFER

    def respond(self, turn):
        if not memory.forget(turn):
            return _next(turn, turn.speech("memory_forget_failed"))
        return turn.tell(turn.speech("memory_forgotten"), card=False)


class NoForgetHandler(IntentHandler):
    INTENTS = ("AMAZON.NoIntent",)
    OFFER = FORGET_OFFER

    def respond(self, turn):
        return _next(turn, turn.speech("memory_forget_kept"))


class SkillDisabledHandler(RequestTypeHandler):
    """The person disabled the skill: delete what is stored for them (no speech is possible)."""

    REQUEST_TYPE = "AlexaSkillEvent.SkillDisabled"

    def respond(self, turn):
        manager = turn.handler_input.attributes_manager
        try:
            manager.delete_persistent_attributes()
            log.info("memory: profile deleted after the skill was disabled")
        except AttributesManagerException:
            pass  # no store configured: nothing was stored
        except PersistenceException as exc:
            log.error("memory: could not delete a profile after the skill was disabled: %s", exc)
        return turn.handler_input.response_builder.response
