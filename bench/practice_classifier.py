"""Practice reply classifier: per-label precision, recall and F1, and the macro F1, on a labelled half.

    .venv/bin/python bench/practice_classifier.py              # the test half (the figures we report)
    .venv/bin/python bench/practice_classifier.py --set dev --errors   # the development half, with misses

The classifier (skill/practice/classify.py with skill/locale/nl-NL/practice/markers.json) is tuned on
the development half only (tests/nl-NL/practice_dev.yaml); tests/nl-NL/practice_test.yaml is held out
and only measured here. Misses are printed for the development half only, so the test half never
guides a rule. Goal (issue 11): macro F1 >= 0.85; advice and minimising recall >= 0.9.
The macro F1 is over the eight labels, "other" included (a reply with no other label).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from skill.practice.classify import ALL_LABELS, load_classifier  # noqa: E402

SETS = {"dev": ROOT / "tests/nl-NL/practice_dev.yaml", "test": ROOT / "tests/nl-NL/practice_test.yaml"}


def load(name: str):
    return yaml.safe_load(SETS[name].read_text(encoding="utf-8"))["replies"]


def scores(rows, classifier):
    counts = {label: [0, 0, 0] for label in ALL_LABELS}  # tp, fp, fn
    misses = []
    for row in rows:
        gold = set(row["labels"])
        got = set(classifier.classify(row["text"]).labels)
        for label in ALL_LABELS:
            if label in got and label in gold:
                counts[label][0] += 1
            elif label in got:
                counts[label][1] += 1
            elif label in gold:
                counts[label][2] += 1
        if got != gold:
            misses.append((row["text"], sorted(gold), sorted(got)))
    table = {}
    for label, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        table[label] = (p, r, f, tp + fn)
    macro = sum(v[2] for v in table.values()) / len(table)
    return table, macro, misses


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="test")
    parser.add_argument("--errors", action="store_true", help="print the misses (development half only)")
    args = parser.parse_args(argv)
    classifier = load_classifier()
    rows = load(args.set)
    start = time.perf_counter()
    classifier.classify("wat is er")  # the first call compiles the markers' regular expressions
    first = (time.perf_counter() - start) * 1e3
    start = time.perf_counter()
    table, macro, misses = scores(rows, classifier)
    elapsed = (time.perf_counter() - start) / len(rows) * 1e6
    print(
        f"{args.set} half: {len(rows)} replies, {len(rows) - len(misses)} with exactly the gold labels, "
        f"{elapsed:.0f} µs per reply (the first call, compiling the markers: {first:.0f} ms)"
    )
    print(f"{'label':<16}{'precision':>10}{'recall':>8}{'F1':>7}{'n':>5}")
    for label, (p, r, f, n) in table.items():
        print(f"{label:<16}{p:>10.2f}{r:>8.2f}{f:>7.2f}{n:>5}")
    print(
        f"macro F1 {macro:.3f}  (goal >= 0.85); advice recall {table['advice'][1]:.2f}, "
        f"minimising recall {table['minimising'][1]:.2f} (goal >= 0.9)"
    )
    if args.errors:
        if args.set != "dev":
            print("(misses are shown for the development half only)")
        else:
            for text, gold, got in misses:
                print(f"  {text!r}: gold {gold}, got {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
