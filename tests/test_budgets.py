"""Short enough to hear (issue 15): every kind of answer within its word budget
(skill/data/budgets.json), rendered with every prompt variant and every content item.

Prompts are picked two ways: each variant index in turn for every prompt at once, and the longest
variant of every prompt at once. Words add up, so the second is an upper bound for any mix of
variants a real session can produce; with every content item (every tip, principle, quiz question,
checklist step, care answer) that covers every answer the skill can give.
"""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from quiz_helpers import BANK, C, section_with
from skill.budgets import load_budgets, words
from skill.builder import build_skill
from skill.checklist import load_checklist
from skill.config import SkillConfig
from skill.dev.conversation import Conversation
from skill.prompts import Prompts, load_prompts

BUDGETS = load_budgets()
CARE_INTENTS = ("CrisisIntent", "AbuseIntent", "DangerIntent", "LowMoodIntent")


def answers(talk_for):
    """(kind, reply) for every kind of answer, with every content item."""
    talk = talk_for()
    yield "launch", talk.launch()
    yield "help", talk.intent("AMAZON.HelpIntent")
    yield "fallback", talk.intent("AMAZON.FallbackIntent")
    yield "list", talk.intent("ListPrinciplesIntent")
    for _ in C.tips:
        yield "tip", talk.intent("TipIntent")
    yield "tip", talk.intent("AMAZON.PreviousIntent")
    for item in C:
        yield "principle", talk.intent("PrincipleIntent", principe=item.id)
        yield "principle", talk.intent("AMAZON.MoreIntent")
        yield "examples", talk.intent("ExamplesIntent", principe=item.id)
        yield "principle_one_shot", talk_for().intent("PrincipleIntent", principe=item.id)
        yield "quiz_start", talk_for().intent("QuizIntent", principe=item.id)
    yield "tip", talk_for().intent("TipIntent")
    yield "checklist_whole", talk.intent("ChecklistIntent")
    yield "checklist_whole", talk_for().intent("ChecklistIntent")
    yield "checklist_step", talk.intent("AMAZON.NextIntent")
    for _ in range(len(load_checklist(C)) - 1):
        yield "checklist_step", talk.intent("AMAZON.NextIntent")
    yield "help", talk.intent("AMAZON.HelpIntent")
    yield "goodbye", talk.intent("AMAZON.StopIntent")
    talk.launch()
    yield "goodbye", talk.intent("LeaveIntent")
    for intent in CARE_INTENTS:
        for someone_else in (False, True):
            talk = talk_for()
            talk.launch()
            slots = {"persoon": ("mijn zoon", "son")} if someone_else else {}
            yield "care", talk.intent(intent, **slots)
            if someone_else:
                yield "care_talk", talk.intent("ExamplesIntent")
            yield "care_numbers", talk.intent("AMAZON.RepeatIntent")
            yield "care_numbers", talk.intent("AMAZON.NoIntent")
    talk = talk_for()
    talk.launch()
    yield "quiz_start", talk.intent("QuizIntent")
    for question in BANK.questions:
        talk.attributes = {**talk.attributes, "offer": "quiz", "quiz": section_with(question, index=1)}
        yield "quiz_turn", talk.intent("AMAZON.RepeatIntent")
        yield "help", talk.intent("AMAZON.HelpIntent")
        talk.attributes = {**talk.attributes, "offer": "quiz", "quiz": section_with(question, index=0)}
        yield "quiz_turn", talk.intent("DontKnowIntent")
        talk.attributes = {**talk.attributes, "offer": "quiz", "quiz": section_with(question, index=4)}
        yield "quiz_end", talk.intent("DontKnowIntent")
    yield "goodbye", talk.intent("AMAZON.NoIntent")


def returning(talk):
    """A person who was here before: the short welcome back, after each topic and after a quiz."""
    for item in C:
        talk.launch()
        talk.intent("PrincipleIntent", principe=item.id)
        talk.intent("AMAZON.StopIntent")
        yield "launch_returning", talk.launch()
    talk.intent("QuizIntent")
    talk.intent("AMAZON.StopIntent")
    yield "launch_returning", talk.launch()


def _pick_policy(monkeypatch, choose):
    def pick(self, key, rotation, rng, **fields):
        options = self.variants(key)
        text = options[choose(options)]
        return text.format(**fields) if fields else text

    monkeypatch.setattr(Prompts, "pick", pick)


def test_every_answer_within_its_budget(monkeypatch, tmp_path):
    prompts = load_prompts()
    most = max(len(prompts.variants(key)) for key in prompts.keys())
    policies = [lambda options, i=i: min(i, len(options) - 1) for i in range(most)]
    policies.append(lambda options: max(range(len(options)), key=lambda n: words(options[n])))
    over = []
    seen = defaultdict(int)
    for choose in policies:
        _pick_policy(monkeypatch, choose)
        skill = build_skill(SkillConfig(rng=random.Random(3)))
        remembering = build_skill(SkillConfig(rng=random.Random(3), store=f"sqlite:{tmp_path / str(len(seen))}.db"))
        replies = list(answers(lambda skill=skill: Conversation(skill))) + list(returning(Conversation(remembering)))
        for kind, reply in replies:
            count = words(reply.speech)
            seen[kind] = max(seen[kind], count)
            if count > BUDGETS[kind]:
                over.append(f"{kind}: {count} > {BUDGETS[kind]}: {reply.speech[:90]}")
    assert set(seen) == set(BUDGETS), "every budget is checked, and every kind of answer has one"
    assert over == [], "\n".join(over)


@pytest.mark.parametrize(
    "shorter, longer", [("help", "launch"), ("care_numbers", "care"), ("launch_returning", "launch")]
)
def test_the_budgets_keep_their_order(shorter, longer):
    assert BUDGETS[shorter] <= BUDGETS[longer] + 5
