"""What the skill says about the content: tips, principles, example phrases, the list.

Each function composes a Speech from the content and the prompts and updates the session context,
so handlers (Tip, Principle, Next, Yes, ...) stay thin and say the same thing the same way.
"""

from __future__ import annotations

from typing import Optional

from skill import memory
from skill.checklist import load_checklist
from skill.content import Principle
from skill.ssml import Speech
from skill.turn import Turn


def tip(turn: Turn, index: Optional[int] = None, intro: Optional[Speech] = None):
    """A tip the user has not heard yet, in this session or (with memory) before (or the one at
    index, for Previous)."""
    tips = turn.content.tips
    speech = Speech().extend(intro or Speech())
    if index is None:
        heard = memory.heard_tips(turn)  # in earlier sessions (issue 9)
        unheard = [t.index for t in tips if t.index not in turn.state.seen and t.index not in heard]
        if not unheard:
            speech.say(turn.line("tips_all_heard"))
            turn.state.seen = []
            unheard = [t.index for t in tips]
        index = turn.rng.choice(unheard)
        turn.state.seen.append(index)
    chosen = tips[index]
    principle = chosen.principle
    speech.say(turn.line("tip_intro")).pause("short")
    speech.say(principle.title + ".").say(chosen.advice.text)
    speech.pause(chosen.advice.pause).say(turn.line("example_lead")).quote(chosen.example)
    turn.state.set_context("tip", principle.id, index)
    return turn.answer(speech, question="tip_question", reprompt="tip_reprompt", offer="tip",
                       card_title=principle.title)


def principle(turn: Turn, item: Principle, intro: Optional[Speech] = None):
    """Title, short explanation and all advice; then the offer of example phrases.

    One-shot, the example phrases come straight away, since there is no next turn to offer them in.
    """
    speech = Speech().extend(intro or Speech())
    speech.say(item.title + ".").pause("short").say(item.summary).pause("short")
    speech.say(turn.line("principle_advice_lead"))
    for advice in item.advice:
        speech.say(advice.text).pause(advice.pause)
    turn.state.set_context("principle", item.id, turn.content.position(item.id))
    if turn.one_shot:
        speech.extend(_example_phrases(turn, item))
    if item.id == load_checklist(turn.content).principle:  # the closing principle offers the checklist
        return turn.answer(speech, question="checklist_offer_question", reprompt="checklist_offer_reprompt",
                           offer="checklist", card_title=item.title)
    return turn.answer(speech, question="principle_question", reprompt="principle_reprompt",
                       offer="examples", card_title=item.title)


def examples(turn: Turn, item: Principle, intro: Optional[Speech] = None):
    """Every example phrase of a principle, read aloud with a pause around each."""
    speech = Speech().extend(intro or Speech()).extend(_example_phrases(turn, item))
    turn.state.set_context("examples", item.id, turn.content.position(item.id))
    return turn.answer(speech, question="examples_question", reprompt="examples_reprompt",
                       offer="next", card_title=item.title)


def _example_phrases(turn: Turn, item: Principle) -> Speech:
    speech = Speech().say(turn.line("examples_intro", name=item.name))
    for phrase in item.examples:
        speech.quote(phrase)
    return speech


def listing(turn: Turn):
    """The ten topics, then an invitation to pick one."""
    names = [p.name for p in turn.content]
    speech = Speech().say(turn.line("list_intro"))
    for name in names[:-2]:
        speech.say(name + ",").pause("short")
    speech.say(f"{names[-2]} en {names[-1]}.") if len(names) > 1 else speech.say(names[-1] + ".")
    turn.state.set_context("list")
    return turn.ask(speech, question="list_question", reprompt="list_reprompt")


def unknown_topic(turn: Turn, *, heard: bool):
    """No (known) topic in the request: say which topics exist, briefly, and ask again."""
    speech = turn.speech("unknown_topic" if heard else "missing_topic", "topic_suggestions")
    return turn.ask(speech, question="topic_question", reprompt="topic_reprompt")


def anything_else(turn: Turn, lead: str):
    """A short acknowledgement and the open question of what to do next (no dead end)."""
    return turn.ask(turn.speech(lead), question="anything_else", reprompt="anything_else_reprompt")
