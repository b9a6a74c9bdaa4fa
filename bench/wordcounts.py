"""Word counts per kind of answer, as a person hears them (issue 15, "short enough to hear").

Runs conversations through the real skill with several seeds (prompt variants start at random
positions and rotate) and prints, per kind of answer, the fewest and most words heard. Used for the
before/after figures of the word budgets; the budgets themselves are enforced by
tests/test_budgets.py.

    .venv/bin/python bench/wordcounts.py [--seeds 30]
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict

from skill.builder import build_skill
from skill.config import SkillConfig
from skill.content import load_content
from skill.conversation import Conversation


def words(reply) -> int:
    return len(reply.speech.split())


def scenarios(talk_for, content):
    """(kind, reply) pairs."""
    talk = talk_for()
    yield "launch", talk.launch()
    yield "help", talk.intent("AMAZON.HelpIntent")
    yield "fallback", talk.intent("AMAZON.FallbackIntent")
    yield "list", talk.intent("ListPrinciplesIntent")
    for _ in content.tips:
        yield "tip", talk.intent("TipIntent")
    for item in content:
        yield "principle", talk.intent("PrincipleIntent", principe=item.id)
        yield "examples", talk.intent("ExamplesIntent", principe=item.id)
    yield "checklist (whole)", talk.intent("ChecklistIntent")
    yield "checklist step", talk.intent("AMAZON.YesIntent")
    for _ in range(3):
        yield "checklist step", talk.intent("AMAZON.NextIntent")
    yield "quiz start", talk.intent("QuizIntent")
    for _ in range(4):
        yield "quiz answer + next question", talk.intent("DontKnowIntent")
    yield "quiz help", talk.intent("AMAZON.HelpIntent")
    yield "quiz answer + score", talk.intent("DontKnowIntent")
    yield "goodbye", talk.intent("AMAZON.StopIntent")
    talk = talk_for()
    talk.launch()
    yield "crisis", talk.intent("CrisisIntent")
    for item in content:
        yield "principle (one-shot)", talk_for().intent("PrincipleIntent", principe=item.id)
    yield "tip (one-shot)", talk_for().intent("TipIntent")
    yield "checklist (one-shot)", talk_for().intent("ChecklistIntent")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=30)
    args = parser.parse_args(argv)
    content = load_content()
    counts = defaultdict(list)
    for seed in range(args.seeds):
        skill = build_skill(SkillConfig(rng=random.Random(seed)))
        for kind, reply in scenarios(lambda: Conversation(skill), content):
            counts[kind].append(words(reply))
    width = max(map(len, counts))
    print(f"{'kind of answer':<{width}}  words (fewest-most)")
    for kind, values in counts.items():
        print(f"{kind:<{width}}  {min(values)}-{max(values)}")


if __name__ == "__main__":
    main()
