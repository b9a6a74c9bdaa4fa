"""The content intents: a tip, a principle, example phrases, the list of all principles."""

from __future__ import annotations

from skill import answers
from skill.handlers.base import IntentHandler
from skill.slots import principle_from


class TipHandler(IntentHandler):
    INTENTS = ("TipIntent",)

    def respond(self, turn):
        return answers.tip(turn)


def principle_answer(turn):
    """The principle named (PrincipleIntent), or the unknown-topic answer; also the quiz's interruption."""
    item, heard = principle_from(turn)
    if item is None:
        return answers.unknown_topic(turn, heard=heard)
    return answers.principle(turn, item)


class PrincipleHandler(IntentHandler):
    INTENTS = ("PrincipleIntent",)

    def respond(self, turn):
        return principle_answer(turn)


class ExamplesHandler(IntentHandler):
    """Example phrases of the principle named, else of the one just discussed, else a random one."""

    INTENTS = ("ExamplesIntent",)

    def respond(self, turn):
        item, heard = principle_from(turn)
        if item is None and heard:
            return answers.unknown_topic(turn, heard=True)
        if item is None:
            ctx = turn.state.ctx or {}
            item = turn.content.get(ctx.get("p")) or turn.rng.choice(turn.content.principles)
        return answers.examples(turn, item)


class ListHandler(IntentHandler):
    INTENTS = ("ListPrinciplesIntent",)

    def respond(self, turn):
        return answers.listing(turn)
