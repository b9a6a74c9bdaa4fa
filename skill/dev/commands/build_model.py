"""``gesprekscoach build-model``: build the interaction model from the sentence grammar (skill.dev.grammar)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "Build interaction_model/.../nl-NL.json from the sentence grammar in skill/locale/nl-NL/sentences/."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", default="nl-NL", help="grammar and model locale (default nl-NL)")
    parser.add_argument(
        "--package",
        default=None,
        metavar="DIR",
        help="the skill package folder to write into (interactionModels/custom/<locale>.json; "
        "default: interaction_model/ of the checkout this command runs from)",
    )
    parser.add_argument(
        "--output", default=None, metavar="FILE", help="where to write the model (default: the model file in --package)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when the model file differs from what the grammar builds",
    )


def run(args: argparse.Namespace) -> int:
    from skill.dev import grammar, nlu

    if args.output:
        output = Path(args.output)
    else:
        package = Path(args.package) if args.package else nlu.DEFAULT_PACKAGE
        if not package.is_dir():
            where = f"{package} is not a folder" if args.package else "there is none beside the installed package"
            print(
                "build-model needs the skill package folder to write the model into (the project's "
                f"interaction_model/ with skill.json); {where}: pass --package DIR or --output FILE",
                file=sys.stderr,
            )
            return 2
        output = nlu.model_file(package, args.locale)
    if args.check:
        problem = grammar.stale(output, args.locale)
        if problem:
            print(f"{output}: {problem}", file=sys.stderr)
            return 1
        print(f"{output}: up to date with the grammar")
        return 0
    try:
        model, report = grammar.build_model(grammar.load_grammar(args.locale))
    except (grammar.GrammarError, OSError, ValueError, KeyError) as exc:
        print(f"build-model: {exc}", file=sys.stderr)
        return 1
    for problem in report.problems:
        print(f"error: {problem}", file=sys.stderr)
    for sample, kept, dropped in report.dropped:
        print(f"dropped: {sample!r} from {dropped} (also produced by {kept}, which keeps it)")
    if report.problems:
        print(f"build-model: {len(report.problems)} problem(s) in the grammar; nothing written", file=sys.stderr)
        return 1
    text = grammar.model_text(model)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    total = sum(report.counts.values())
    print(f"{output}: {len(report.counts)} intents, {total} samples, {len(text.encode('utf-8')):,} bytes")
    for name, count in report.counts.items():
        print(f"  {name}: {count}")
    return 0
