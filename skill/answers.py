"""What the skill says about the content: tips, principles, example phrases, the list.

Each function composes a Speech from the content and the prompts and updates the session context,
so handlers (Tip, Principle, Next, Yes, ...) stay thin and say the same thing the same way.
"""

from __future__ import annotations

from typing import Optional

from skill import prompt_keys as K
from skill import memory
from skill.budgets import load_budgets, words
from skill.content import Principle
from skill.ssml import Speech
from skill.turn import Turn


def tip(turn: Turn, index: Optional[int] = None, intro: Optional[Speech] = None):
    """A tip the user has not heard yet, in this session or (with memory) before, never from the same
    principle as the tip just before it; or the tip at index (Previous / Next through the tips
    heard), without "Een tip voor je": that one is not new."""
    tips = turn.content.tips
    speech = Speech().extend(intro or Speech())
    new = index is None
    if new:
        heard = memory.heard_tips(turn)  # in earlier sessions (issue 9)
        unheard = [t.index for t in tips if t.index not in turn.state.seen and t.index not in heard]
        if not unheard:
            speech.say(turn.line(K.TIPS_ALL_HEARD))
            turn.state.seen = []
            unheard = [t.index for t in tips]
        ctx = turn.state.ctx or {}
        before = ctx.get("p") if ctx.get("k") == "tip" else None
        other = [i for i in unheard if tips[i].principle.id != before]
        index = turn.rng.choice(other or unheard)
        turn.state.seen.append(index)
    chosen = tips[index]
    principle = chosen.principle
    if new:
        speech.say(turn.line(K.TIP_INTRO)).pause("short")
    speech.say(principle.title + ".").say(chosen.advice.text)
    speech.pause(chosen.advice.pause).say(turn.line(K.EXAMPLE_LEAD)).quote(chosen.example)
    turn.state.set_context("tip", principle.id, index)
    return turn.answer(
        speech, question=K.TIP_QUESTION, reprompt=K.TIP_REPROMPT, offer="tip", card_title=principle.title
    )


def _longest(turn: Turn, *keys: str) -> int:
    return max(words(variant) for key in keys for variant in turn.prompts.variants(key))


def advice_that_fits(turn: Turn, item: Principle) -> int:
    """How many pieces of advice fit in the first answer about a principle, within its word budget
    (skill/data/budgets.json), counted with the longest variant of every prompt around them; at
    least one. The same split every time, so "meer" knows where to go on."""
    one_shot = turn.one_shot
    budget = load_budgets()["principle_one_shot" if one_shot else "principle"]
    used = words(item.title) + words(item.summary) + _longest(turn, K.PRINCIPLE_ADVICE_LEAD)
    if not one_shot:
        used += _longest(turn, K.PRINCIPLE_MORE_QUESTION, K.PRINCIPLE_QUESTION, K.CHECKLIST_OFFER_QUESTION)
    count = 0
    for advice in item.advice:
        if count and used + words(advice.text) > budget:
            break
        used += words(advice.text)
        count += 1
    return count


def principle(turn: Turn, item: Principle, intro: Optional[Speech] = None):
    """Title, short explanation and the advice that fits in one breath; the rest on "meer", then the
    offer of example phrases (or, for the closing principle, of the checklist).

    One-shot, an example phrase comes straight away when it fits, since there is no next turn."""
    speech = Speech().extend(intro or Speech())
    speech.say(item.title + ".").pause("short").say(item.summary).pause("short")
    speech.say(turn.line(K.PRINCIPLE_ADVICE_LEAD))
    count = advice_that_fits(turn, item)
    for advice in item.advice[:count]:
        speech.say(advice.text).pause(advice.pause)
    turn.state.set_context("principle", item.id, turn.content.position(item.id))
    if turn.one_shot:
        phrase = item.examples[0]
        budget = load_budgets()["principle_one_shot"]
        lead = turn.line(K.EXAMPLE_LEAD)
        if words(speech.text()) + words(lead) + words(phrase) <= budget:
            speech.say(lead).quote(phrase)
        return turn.tell(speech, card_title=item.title)
    if count < len(item.advice):
        return turn.ask(
            speech,
            question=K.PRINCIPLE_MORE_QUESTION,
            reprompt=K.PRINCIPLE_MORE_REPROMPT,
            offer="more",
            card_title=item.title,
        )
    return _principle_offer(turn, item, speech)


def more(turn: Turn, item: Principle):
    """The rest of a principle's advice (after "Wil je meer horen?"), then its usual offer."""
    speech = Speech()
    for advice in item.advice[advice_that_fits(turn, item) :]:
        speech.say(advice.text).pause(advice.pause)
    if not speech:
        return examples(turn, item)
    turn.state.set_context("principle", item.id, turn.content.position(item.id))
    return _principle_offer(turn, item, speech)


def _principle_offer(turn: Turn, item: Principle, speech: Speech):
    if item.id == turn.checklist.principle:  # the closing principle offers the checklist
        return turn.answer(
            speech,
            question=K.CHECKLIST_OFFER_QUESTION,
            reprompt=K.CHECKLIST_OFFER_REPROMPT,
            offer="checklist",
            card_title=item.title,
        )
    return turn.answer(
        speech, question=K.PRINCIPLE_QUESTION, reprompt=K.PRINCIPLE_REPROMPT, offer="examples", card_title=item.title
    )


def examples(turn: Turn, item: Principle, intro: Optional[Speech] = None):
    """Every example phrase of a principle, read aloud with a pause around each."""
    speech = Speech().extend(intro or Speech()).extend(_example_phrases(turn, item))
    turn.state.set_context("examples", item.id, turn.content.position(item.id))
    return turn.answer(
        speech, question=K.EXAMPLES_QUESTION, reprompt=K.EXAMPLES_REPROMPT, offer="next", card_title=item.title
    )


def _example_phrases(turn: Turn, item: Principle) -> Speech:
    speech = Speech().say(turn.line(K.EXAMPLES_INTRO, name=item.name))
    for phrase in item.examples:
        speech.quote(phrase)
    return speech


def listing(turn: Turn, intro: Optional[Speech] = None):
    """The ten topics, then an invitation to pick one (by name, or "de derde")."""
    names = [p.name for p in turn.content]
    speech = Speech().extend(intro or Speech()).say(turn.line(K.LIST_INTRO))
    for name in names[:-2]:
        speech.say(name + ",").pause("short")
    speech.say(f"{names[-2]} en {names[-1]}.") if len(names) > 1 else speech.say(names[-1] + ".")
    turn.state.set_context("list")
    return turn.ask(speech, question=K.LIST_QUESTION, reprompt=K.LIST_REPROMPT)


def unknown_topic(turn: Turn, *, heard: bool):
    """No (known) topic in the request: say which topics exist, briefly, and ask again."""
    speech = turn.speech(K.UNKNOWN_TOPIC if heard else K.MISSING_TOPIC, K.TOPIC_SUGGESTIONS)
    return turn.ask(speech, question=K.TOPIC_QUESTION, reprompt=K.TOPIC_REPROMPT)


def anything_else(turn: Turn, lead: str):
    """A short acknowledgement and the open question of what to do next (no dead end)."""
    return turn.ask(turn.speech(lead), question=K.ANYTHING_ELSE, reprompt=K.ANYTHING_ELSE_REPROMPT)
