"""Care phrasing benchmark: does a person who says distress in their own words get the careful answer?

    .venv/bin/python bench/care_phrasings.py                 # the test half (the figures in the README)
    .venv/bin/python bench/care_phrasings.py --half dev      # the development half (the one to tune on)
    .venv/bin/python bench/care_phrasings.py --half dev --failures   # what went wrong (dev half only)
    .venv/bin/python bench/care_phrasings.py --half test2    # a second held-out set (208, a third writer)
    .venv/bin/python bench/care_phrasings.py --half batch6   # a new unseen batch, measured before it joins dev

The corpus (tests/nl-NL/care_phrasings_*.yaml, 272 sentences) was written by a helper who had not seen
the grammar, the model or the markers, and split once at random into a development and a test half;
only the development half may be used to tune. Each sentence is resolved the way the chat and the
browser page do (skill.dev.resolver.GrammarResolver, in an open session). Reported:

- care caught: of the sentences labelled with a care intent, the share that reached a care intent
  (Crisis, Abuse, Danger, LowMood): what matters most, any careful answer beats a content answer;
- right intent: the share that reached the labelled care intent;
- right intent and who: also about the right person (no persoon slot = the speaker; a slot = someone
  else);
- false care: of the sentences labelled `none` (idioms, skill talk, general questions), the share that
  got a care answer.
--failures lists the misses; it refuses to do so for the test half. --grammar-only switches the signs of
distress off: what the sentence grammar alone hears, the grammar the Alexa model's samples come from.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "tests" / "nl-NL"
from skill.distress import INTENTS  # noqa: E402

CARE = frozenset(INTENTS.values())


def halves() -> List[str]:
    """The halves on disk: dev, test, test2, and a new unseen batch (care_phrasings_batchN.yaml) until it joins dev."""
    return sorted(p.stem[len("care_phrasings_") :] for p in CORPUS.glob("care_phrasings_*.yaml"))


def load(half: str) -> List[Dict]:
    return yaml.safe_load((CORPUS / f"care_phrasings_{half}.yaml").read_text(encoding="utf-8"))["tests"]


def outcome(resolver, item: Dict) -> Dict:
    found = resolver.resolve(item["sentence"])
    who = "other" if any(s.name == "persoon" for s in found.slots) else "self"
    return {"intent": found.intent, "who": who, "how": found.how, "care": found.intent in CARE}


def measure(half: str, resolver=None, *, grammar_only: bool = False) -> Dict:
    from skill.dev.resolver import GrammarResolver

    resolver = resolver or GrammarResolver(distress=not grammar_only)
    care = caught = right = right_who = 0
    none = false_care = 0
    misses = []
    for item in load(half):
        got = outcome(resolver, item)
        if item["intent"] == "none":
            none += 1
            if got["care"]:
                false_care += 1
                misses.append((item, got))
            continue
        care += 1
        caught += got["care"]
        right += got["intent"] == item["intent"]
        ok = got["intent"] == item["intent"] and got["who"] == item["who"]
        right_who += ok
        if not ok:
            misses.append((item, got))
    return {
        "half": half,
        "care": care,
        "caught": caught / care,
        "right": right / care,
        "right_who": right_who / care,
        "none": none,
        "false_care": false_care / none,
        "misses": misses,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--half", choices=halves(), default="test")
    ap.add_argument("--failures", action="store_true", help="list the misses (development half only)")
    ap.add_argument("--grammar-only", action="store_true", help="without the signs of distress: the grammar alone")
    args = ap.parse_args(argv)
    if args.failures and args.half != "dev":
        print("--failures lists the development half only: the test halves are for measuring", file=sys.stderr)
        return 2
    r = measure(args.half, grammar_only=args.grammar_only)
    print(
        f"care phrasings, {r['half']} half{' (grammar only)' if args.grammar_only else ''}: "
        f"{r['care']} care sentences, {r['none']} others\n"
        f"  care caught (any care intent)   {r['caught']:.1%}\n"
        f"  right care intent               {r['right']:.1%}\n"
        f"  right intent and person         {r['right_who']:.1%}\n"
        f"  false care on the others        {r['false_care']:.1%}"
    )
    if args.failures:
        for item, got in r["misses"]:
            want = f"{item['intent']}/{item.get('who', '-')}"
            print(f"  {want:<22} -> {got['intent']}/{got['who']} [{got['how']}]  {item['sentence']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
