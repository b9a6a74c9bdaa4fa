"""Phrasing benchmark (issue 14): how many everyday Dutch phrasings the skill understands.

    .venv/bin/python bench/phrasings.py                 # the test half (the figures in the README)
    .venv/bin/python bench/phrasings.py --half dev      # the development half (the one to tune on)
    .venv/bin/python bench/phrasings.py --failures      # also list what went wrong

The corpus (tests/nl-NL/phrasings_*.yaml) was written before the grammar and split once at random
into a development and a test half; only the development half may be used to tune the grammar.
Each sentence is resolved the way `gesprekscoach chat` does (skill.dev.resolver.GrammarResolver: the
grammar exactly, the model's samples, a near match, unlisted topic names), one-shots through the
invocation ("vraag empathisch gesprek ..."). Reported:

- right, exact: intent and every slot id as expected, without the near-match step;
- right, exact or near: the same, the near-match step allowed;
- off-topic caught: of the sentences that should go to AMAZON.FallbackIntent, the share that a content
  intent (any intent that is not AMAZON.*) took.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from skill.dev import nlu  # noqa: E402
from skill.dev.resolver import GrammarResolver  # noqa: E402

CORPUS = ROOT / "tests" / "nl-NL"


def load(half: str) -> List[Dict]:
    data = yaml.safe_load((CORPUS / f"phrasings_{half}.yaml").read_text(encoding="utf-8"))
    return data["tests"]


def understand(resolver: GrammarResolver, case: Dict) -> nlu.Resolution:
    sentence = case["sentence"]
    invocation = resolver.parse_invocation(sentence)
    if invocation is not None and invocation[0] == "intent":
        return resolver.resolve_one_shot(invocation[1])
    return resolver.resolve(sentence)


def is_right(case: Dict, resolution: nlu.Resolution) -> bool:
    if resolution.intent != case["intent"]:
        return False
    got = {s.name: s.id for s in resolution.slots if s.id is not None or s.custom}
    return got == {k: str(v) for k, v in (case.get("slots") or {}).items()}


def score(cases: List[Dict], *, near: bool = True, resolver: Optional[GrammarResolver] = None):
    resolver = resolver or GrammarResolver()
    exact = GrammarResolver(resolver.grammar, resolver.model, near=False)
    rows = []
    for case in cases:
        with_near = understand(resolver, case)
        without = understand(exact, case)
        rows.append((case, with_near, is_right(case, without), is_right(case, with_near)))
    return rows


def report(rows, half: str, failures: bool, out=sys.stdout) -> Dict[str, float]:
    total = len(rows)
    exact = sum(1 for _, _, e, _ in rows if e)
    near = sum(1 for _, _, _, n in rows if n)
    off = [(c, r) for c, r, _, _ in rows if c["intent"] == nlu.FALLBACK]
    caught = sum(1 for _, r in off if not r.intent.startswith("AMAZON."))
    figures = {
        "sentences": total,
        "exact": exact / total,
        "exact_or_near": near / total,
        "off_topic": len(off),
        "off_topic_caught": caught / len(off) if off else 0.0,
    }
    print(f"phrasing benchmark, {half} half: {total} sentences ({len(off)} off-topic)", file=out)
    print(f"  right, exact:          {exact:4d} / {total}  {100 * figures['exact']:5.1f}%   (goal >= 75%)", file=out)
    print(
        f"  right, exact or near:  {near:4d} / {total}  {100 * figures['exact_or_near']:5.1f}%   (goal >= 90%)",
        file=out,
    )
    print(
        f"  off-topic caught by a content intent: {caught} / {len(off)}  "
        f"{100 * figures['off_topic_caught']:.1f}%   (goal <= 5%)",
        file=out,
    )
    if failures:
        print("\nwrong (expected -> understood):", file=out)
        for case, resolution, _, right in rows:
            if not right:
                slots = case.get("slots") or {}
                print(
                    f"  [{case['context']}] {case['sentence']!r}: {case['intent']} {slots} -> {resolution.describe()}",
                    file=out,
                )
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=("test", "dev"), default="test")
    parser.add_argument("--failures", action="store_true", help="list the sentences understood wrongly")
    args = parser.parse_args(argv)
    report(score(load(args.half)), args.half, args.failures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
