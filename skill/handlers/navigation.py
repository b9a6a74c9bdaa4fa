"""Yes/No answers to an open offer, and Next / Previous / Repeat / StartOver relative to what was
just said (the context in the session state)."""

from __future__ import annotations

from skill import prompt_keys as K
from skill import answers
from skill.handlers.base import IntentHandler
from skill.handlers.session import welcome
from skill.ssml import validate
from skill.turn import Turn


def _current(turn):
    """(kind, principle, index) of what was just said; kind is None when nothing was."""
    ctx = turn.state.ctx or {}
    return ctx.get("k"), turn.content.get(ctx.get("p")), ctx.get("i", 0)


def _principle_answer(kind):
    return answers.examples if kind == "examples" else answers.principle


def step(turn, delta: int):
    """Move one principle (or tip) forward or back from the current context."""
    kind, principle, index = _current(turn)
    principles = turn.content.principles
    if kind == "tip":
        seen = turn.state.seen
        pos = seen.index(index) if index in seen else len(seen) - 1
        if delta > 0:
            if 0 <= pos < len(seen) - 1:
                return answers.tip(turn, seen[pos + 1])
            return answers.tip(turn)
        if pos > 0:
            return answers.tip(turn, seen[pos - 1])
        return answers.tip(turn, index, intro=turn.speech(K.NOTHING_BEFORE))
    if kind in ("principle", "examples") and principle is not None:
        position = turn.content.position(principle.id)
        target = position + delta
        intro = None
        if target >= len(principles):
            target, intro = 0, turn.speech(K.LAST_PRINCIPLE)
        elif target < 0:
            target, intro = 0, turn.speech(K.FIRST_PRINCIPLE)
        return _principle_answer(kind)(turn, principles[target], intro=intro)
    if delta > 0:  # after the list, or at the start: the first principle
        return answers.principle(turn, principles[0])
    return answers.anything_else(turn, K.NOTHING_BEFORE)


class NextHandler(IntentHandler):
    INTENTS = ("AMAZON.NextIntent",)

    def respond(self, turn):
        return step(turn, +1)


class PreviousHandler(IntentHandler):
    INTENTS = ("AMAZON.PreviousIntent",)

    def respond(self, turn):
        return step(turn, -1)


class StartOverHandler(IntentHandler):
    INTENTS = ("AMAZON.StartOverIntent",)

    def respond(self, turn):
        kind, principle, _ = _current(turn)
        intro = turn.speech(K.START_OVER)
        if kind == "tip":
            turn.state.seen = []
            return answers.tip(turn, intro=intro)
        if kind in ("principle", "examples"):
            return _principle_answer(kind)(turn, turn.content.principles[0], intro=intro)
        turn.state.ctx = None
        return welcome(turn)


class RepeatHandler(IntentHandler):
    INTENTS = ("AMAZON.RepeatIntent",)

    def respond(self, turn):
        last = turn.state.last
        if last and not validate(last["s"]) and not (last.get("r") and validate(last["r"])):
            return turn.replay(last["s"], last.get("r"))
        return answers.anything_else(turn, K.NOTHING_TO_REPEAT)


# Yes to an open offer --------------------------------------------------------------------------


class YesTipHandler(IntentHandler):
    INTENTS = ("AMAZON.YesIntent",)
    OFFER = "tip"

    def respond(self, turn):
        return answers.tip(turn)


class YesExamplesHandler(IntentHandler):
    INTENTS = ("AMAZON.YesIntent",)
    OFFER = "examples"

    def respond(self, turn):
        _, principle, _ = _current(turn)
        if principle is None:
            return answers.anything_else(turn, K.NO_OFFER)
        return answers.examples(turn, principle)


class YesNextHandler(IntentHandler):
    INTENTS = ("AMAZON.YesIntent",)
    OFFER = "next"

    def respond(self, turn):
        return step(turn, +1)


class YesHandler(IntentHandler):
    """Yes with no offer open (or one this version does not know)."""

    INTENTS = ("AMAZON.YesIntent",)

    def respond(self, turn):
        return answers.anything_else(turn, K.NO_OFFER)


class NoHandler(IntentHandler):
    """ "nee", "nee dank je" outside a mode (a mode or a care answer takes its own No first): to "Wil
    je nog een tip?", to "Wat wil je nu doen?" or to nothing at all, the person is done: a short
    goodbye and the session ends (no endless "Wat wil je nu doen?")."""

    INTENTS = ("AMAZON.NoIntent",)

    def respond(self, turn):
        return turn.tell(turn.speech(K.GOODBYE_SHORT), card=False)


class MoreHandler(IntentHandler):
    """ "meer", or yes to "Wil je meer horen?": the rest of the principle just started; after a tip,
    another tip; after example phrases, those of the next principle."""

    INTENTS = ("AMAZON.MoreIntent", "AMAZON.YesIntent")

    def can_handle(self, handler_input) -> bool:
        turn = Turn.of(handler_input)
        if turn.intent_name == "AMAZON.YesIntent":
            return turn.state.offer == "more"
        return turn.intent_name in self.INTENTS

    def respond(self, turn):
        kind, principle, _ = _current(turn)
        if kind == "principle" and principle is not None:
            return answers.more(turn, principle)
        if kind in ("tip", "examples"):
            return step(turn, +1)
        return answers.anything_else(turn, K.NO_OFFER)
