"""What a person notices of the memory (issue 9): welcome back, progress, pace, forgetting.

The profile itself is loaded and saved by interceptors (skill.memory); these handlers only read it
and note changes through the turn's Memory. Every sentence is in skill/locale/nl-NL/memory.json.
"""

from __future__ import annotations

from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException

from skill import prompt_keys as K
from skill import answers, memory
from skill.handlers.base import IntentHandler, RequestTypeHandler
from skill.logsafe import get_logger
from skill.slots import resolved_id

log = get_logger("gesprekscoach.memory")

TEMPO_SLOT = "tempo"
RESUME_OFFER = "mem_resume"
FORGET_OFFER = "mem_forget"
QUIZ_START_OFFER = "quiz_start"  # answered by skill.handlers.quiz.YesQuizStartHandler
PACE_LINES = {"slower": K.MEMORY_PACE_SLOWER, "faster": K.MEMORY_PACE_FASTER, "normal": K.MEMORY_PACE_NORMAL}


def _next(turn, speech):
    """After a memory answer: one-shot it ends, in a session it asks what next."""
    return turn.answer(speech, question=K.MEMORY_NEXT_QUESTION, reprompt=K.MEMORY_NEXT_REPROMPT)


def _unavailable(turn):
    key = K.MEMORY_OFF if memory.status(turn) == memory.OFF else K.MEMORY_UNAVAILABLE
    return _next(turn, turn.speech(key))


# welcome back --------------------------------------------------------------------------------------


def welcome_back(turn):
    """A short welcome for a person who was here before, picking up where they were; None for a
    first visit (or without memory): then the full introduction."""
    mem = memory.of(turn)
    if mem is None or not mem.returning:
        return None
    speech = turn.speech(K.MEMORY_WELCOME_BACK)
    last = mem.profile.last or {}
    item = turn.content.get(last.get("p")) if last.get("k") == "topic" else None
    if item is not None:
        speech.say(turn.line(K.MEMORY_LAST_TOPIC, name=item.name))
        turn.state.set_context("principle", item.id, turn.content.position(item.id))
        return turn.ask(
            speech, question=K.MEMORY_RESUME_TOPIC_QUESTION, reprompt=K.MEMORY_RESUME_REPROMPT, offer=RESUME_OFFER
        )
    if last.get("k") == "quiz":
        speech.say(turn.line(K.MEMORY_LAST_QUIZ))
        return turn.ask(
            speech, question=K.MEMORY_RESUME_QUIZ_QUESTION, reprompt=K.MEMORY_RESUME_REPROMPT, offer=QUIZ_START_OFFER
        )
    return turn.ask(speech, question=K.MEMORY_WELCOME_BACK_QUESTION, reprompt=K.MEMORY_RESUME_REPROMPT)


def resume_from_memory(turn):
    """ "waar waren we" with nothing to resume in this session: where the person was last time (the
    principle again, or the offer of a new quiz round); None without memory of it."""
    mem = memory.of(turn)
    last = (mem.profile.last or {}) if mem is not None else {}
    item = turn.content.get(last.get("p")) if last.get("k") == "topic" else None
    if item is not None:
        return answers.principle(turn, item, intro=turn.speech(K.MEMORY_LAST_TOPIC, name=item.name))
    if last.get("k") == "quiz":
        return turn.ask(
            turn.speech(K.MEMORY_LAST_QUIZ),
            question=K.MEMORY_RESUME_QUIZ_QUESTION,
            reprompt=K.MEMORY_RESUME_REPROMPT,
            offer=QUIZ_START_OFFER,
        )
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
    """ "hoe sta ik ervoor?", "wat is mijn score?": rounds, answers right, strongest and weakest."""

    INTENTS = ("ProgressIntent",)

    def respond(self, turn):
        mem = memory.of(turn)
        if mem is None:
            return _unavailable(turn)
        profile = mem.profile
        if not profile.answered:
            return turn.answer(
                turn.speech(K.MEMORY_PROGRESS_NONE),
                question=K.MEMORY_PROGRESS_START_QUESTION,
                reprompt=K.MEMORY_PROGRESS_REPROMPT,
                offer=QUIZ_START_OFFER,
            )
        fields = {"rounds": str(profile.rounds), "right": str(profile.right), "answered": str(profile.answered)}
        key = {0: K.MEMORY_PROGRESS_NO_ROUND, 1: K.MEMORY_PROGRESS_ONE_ROUND}.get(profile.rounds, K.MEMORY_PROGRESS)
        speech = turn.speech(key, **fields)
        order = turn.content.ids
        strong = profile.strongest(order)
        weak = profile.weak(1, order)
        if strong is not None:
            speech.say(turn.line(K.MEMORY_PROGRESS_STRONG, name=turn.content.get(strong).name))
        if weak:
            speech.say(turn.line(K.MEMORY_PROGRESS_WEAK, name=turn.content.get(weak[0]).name))
        return turn.answer(
            speech,
            question=K.MEMORY_PROGRESS_WEAK_QUESTION if weak else K.MEMORY_PROGRESS_START_QUESTION,
            reprompt=K.MEMORY_PROGRESS_REPROMPT,
            offer=QUIZ_START_OFFER,
        )


# pace --------------------------------------------------------------------------------------------


class PaceHandler(IntentHandler):
    """ "praat wat langzamer", "iets sneller", "normaal tempo": from this answer on, for this person."""

    INTENTS = ("PaceIntent",)

    def respond(self, turn):
        pace, _ = resolved_id(turn.request, TEMPO_SLOT)
        if pace not in PACE_LINES:
            return turn.ask(
                turn.speech(K.MEMORY_PACE_WHICH),
                question=K.MEMORY_PACE_WHICH_QUESTION,
                reprompt=K.MEMORY_PACE_WHICH_QUESTION,
            )
        mem = memory.of(turn)
        if mem is None:
            return _unavailable(turn)
        mem.set_pace(pace)
        return _next(turn, turn.speech(PACE_LINES[pace]))


# forgetting --------------------------------------------------------------------------------------


class ForgetMeHandler(IntentHandler):
    """ "wis mijn gegevens", "vergeet mij": asks first (always, one-shot too)."""

    INTENTS = ("ForgetMeIntent",)

    def respond(self, turn):
        if memory.status(turn) == memory.OFF:
            return _next(turn, turn.speech(K.MEMORY_FORGET_NOTHING))
        return turn.ask(
            turn.speech(K.MEMORY_FORGET_CONFIRM),
            question=K.MEMORY_FORGET_QUESTION,
            reprompt=K.MEMORY_FORGET_REPROMPT,
            offer=FORGET_OFFER,
        )


class YesForgetHandler(IntentHandler):
    INTENTS = ("AMAZON.YesIntent",)
    OFFER = FORGET_OFFER

    def respond(self, turn):
        if not memory.forget(turn):
            return _next(turn, turn.speech(K.MEMORY_FORGET_FAILED))
        return turn.tell(turn.speech(K.MEMORY_FORGOTTEN), card=False)


class NoForgetHandler(IntentHandler):
    INTENTS = ("AMAZON.NoIntent",)
    OFFER = FORGET_OFFER

    def respond(self, turn):
        return _next(turn, turn.speech(K.MEMORY_FORGET_KEPT))


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
