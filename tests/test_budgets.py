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

from practice_helpers import CODES, GOOD, REPLIES, at, say
from quiz_helpers import BANK, C, section_with
from skill.budgets import load_budgets, words
from skill.builder import build_skill
from skill.checklist import load_checklist
from skill.config import SkillConfig
from skill.dev.conversation import Conversation
from skill.practice.scenarios import load_scenarios
from skill.prompts import Prompts, load_prompts

BUDGETS = load_budgets()
SCENARIOS = load_scenarios(C)
TRY_CODES = "amscx"  # the kinds of answer the summary may name as the thing to try
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


class Scripted(random.Random):
    """random() gives the queued numbers first: the practice mode draws its scenario and its opening
    line with it, so every scenario and opening can be started."""

    def __init__(self, seed):
        super().__init__(seed)
        self.queue = []

    def random(self):
        return self.queue.pop(0) if self.queue else super().random()


def line_refs(scenario):
    """Every line of the other person, as the session section names it."""
    yield from (f"o{i}" for i in range(len(scenario.opening)))
    yield from (f"s{i}" for i in range(len(scenario.story)))
    for label, lines in scenario.reactions.items():
        yield from (f"r{CODES[label]}{i}" for i in range(len(lines)))


def practice(talk_for, rng):
    """(kind, reply) for every answer of the practice mode: the start of every scenario with every
    opening line, an answer of every kind at every turn (so every feedback sentence, the scenario's
    own ones included, and every line of the other person), the summary after every mix of what went
    well and what to try, a hint after every kind of answer, help, repeat and going back to every line,
    and every way out."""
    turns = SCENARIOS.turns
    for n, scenario in enumerate(SCENARIOS.scenarios):
        for opening in range(len(scenario.opening)):
            talk = talk_for()
            talk.launch()
            rng.queue = [(n + 0.5) / len(SCENARIOS.scenarios), (opening + 0.5) / len(scenario.opening)]
            reply = talk.intent("PracticeIntent")
            assert talk.attributes["prac"]["s"] == scenario.id and talk.attributes["prac"]["l"] == f"o{opening}"
            yield "practice_start", reply
        talk = talk_for()
        talk.launch()
        for t in range(turns - 1):  # an answer that the other person answers
            for label, reply_words in REPLIES.items():
                code = CODES[label]
                if label in GOOD:  # the story line after g good answers
                    histories = ["o" * g + "a" * (t - g) for g in range(t + 1)]
                else:  # the reaction after k earlier answers of the same kind
                    histories = [
                        code * k + "o" * (t - k) for k in range(min(t, len(scenario.reactions[label]) - 1) + 1)
                    ]
                for history in histories:
                    at(talk, scenario.id, history)
                    yield "practice_turn", say(talk, reply_words)
        for well in ("v", "p", "o", ""):  # the last answer, then the summary
            for to_try in TRY_CODES + "-":
                picked = well + to_try.strip("-")
                if not picked:
                    continue
                history = (picked + picked[0] * turns)[: turns - 1]
                for reply_words in REPLIES.values():
                    at(talk, scenario.id, history)
                    yield "practice_end", say(talk, reply_words)
        for ref in line_refs(scenario):
            for history in ("", "o" * (turns - 2) + "a"):
                at(talk, scenario.id, history, ref)
                yield "practice_turn", talk.intent("AMAZON.RepeatIntent")
                at(talk, scenario.id, history, ref)
                yield "practice_help", talk.intent("AMAZON.HelpIntent")
                at(talk, scenario.id, history, ref)
                yield "practice_turn", talk.intent("AMAZON.FallbackIntent")
                at(talk, scenario.id, history, ref)
                talk.intent("LeaveIntent", activiteit=("oefenen", "practice"))
                yield "practice_turn", talk.intent("ResumeIntent", activiteit=("oefenen", "practice"))
        for t in range(turns):
            for code in CODES.values():
                at(talk, scenario.id, ("o" * t + code)[-t:] if t else "")
                yield "practice_hint", talk.intent("HintIntent")
        at(talk, scenario.id, "o")
        yield "practice_turn", talk.intent("AMAZON.StartOverIntent")
        at(talk, scenario.id, "o")
        yield "practice_left", talk.intent("LeaveIntent", activiteit=("oefenen", "practice"))
        at(talk, scenario.id, "o")
        yield "practice_left", talk.intent("AMAZON.CancelIntent")
        at(talk, scenario.id, "o")
        yield "goodbye", talk.intent("AMAZON.StopIntent")
    talk = talk_for()
    talk.launch()
    yield "practice_hint", talk.intent("HintIntent")  # outside a role play: the offer to begin one
    yield "practice_left", talk.intent("ResumeIntent", activiteit=("oefenen", "practice"))  # nothing kept


def every_practice_line_heard(replies) -> None:
    """The practice conversations reach every line of every scenario and its own feedback sentences."""
    heard = " ".join(reply.speech for kind, reply in replies if kind.startswith("practice"))
    for scenario in SCENARIOS.scenarios:
        lines = [scenario.situation, *scenario.opening, *scenario.story, scenario.ending_good, scenario.ending_poor]
        lines += [line for lines in scenario.reactions.values() for line in lines]
        lines += [line for lines in scenario.feedback.values() for line in lines]
        assert [line for line in lines if line not in heard] == [], scenario.id


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
        rng = Scripted(3)
        skill = build_skill(SkillConfig(rng=rng))
        remembering = build_skill(SkillConfig(rng=random.Random(3), store=f"sqlite:{tmp_path / str(len(seen))}.db"))
        replies = list(answers(lambda skill=skill: Conversation(skill))) + list(returning(Conversation(remembering)))
        replies += list(practice(lambda skill=skill: Conversation(skill), rng))
        every_practice_line_heard(replies)
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
