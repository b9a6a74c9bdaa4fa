"""``gesprekscoach check-model [DIR]``: check a skill package before uploading it (see skill.model_check)."""

from __future__ import annotations

import argparse
import sys

HELP = "Check the interaction model and manifest (default interaction_model/); non-zero exit on problems."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", nargs="?", default=None, metavar="DIR",
                        help="skill package folder with skill.json and interactionModels/custom/ "
                             "(default: the project's interaction_model/)")
    parser.add_argument("--locale", default="nl-NL", help="model locale to check (default nl-NL)")
    parser.add_argument("--strict", action="store_true", help="warnings count as problems too")
    parser.add_argument("--no-handlers", action="store_true",
                        help="skip the intent/handler cross-check (for a package of another skill)")


def run(args: argparse.Namespace) -> int:
    from skill import model_check, nlu

    package = args.dir or nlu.DEFAULT_PACKAGE
    problems = model_check.check(package, locale=args.locale, check_handlers=not args.no_handlers)
    errors = model_check.errors(problems)
    failing = problems if args.strict else errors
    for problem in problems:
        print(problem, file=sys.stdout)
    if failing:
        print(f"check-model: {len(failing)} problem(s) in {package}", file=sys.stderr)
        return 1
    try:
        what = model_check.summary(package, args.locale)
    except Exception:  # pragma: no cover - the check above already read it
        what = str(package)
    warned = f", {len(problems)} warning(s)" if problems else ""
    print(f"check-model: OK {what}{warned}")
    return 0
