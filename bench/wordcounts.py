"""Word counts per kind of answer, as a person hears them (issue 15, "short enough to hear").

Runs every kind of answer with every content item (the same conversations as tests/test_budgets.py)
through the real skill, with prompts rotating as in a real session from several seeds, and prints
per kind the fewest and most words heard next to the budget (skill/data/budgets.json).

    .venv/bin/python bench/wordcounts.py [--seeds 10]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_budgets import Scripted, answers, practice  # noqa: E402  (the conversations the budget test renders)

from skill.budgets import load_budgets, words  # noqa: E402
from skill.builder import build_skill  # noqa: E402
from skill.config import SkillConfig  # noqa: E402
from skill.dev.conversation import Conversation  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args(argv)
    counts = defaultdict(list)
    for seed in range(args.seeds):
        rng = Scripted(seed)
        skill = build_skill(SkillConfig(rng=rng))
        talks = lambda skill=skill: Conversation(skill)  # noqa: E731
        for kind, reply in [*answers(talks), *practice(talks, rng)]:
            counts[kind].append(words(reply.speech))
    budgets = load_budgets()
    width = max(map(len, counts))
    print(f"{'kind of answer':<{width}}  words (fewest-most)  budget")
    for kind in sorted(counts):
        values = counts[kind]
        print(f"{kind:<{width}}  {min(values)}-{max(values):<18} {budgets.get(kind, '')}")


if __name__ == "__main__":
    main()
