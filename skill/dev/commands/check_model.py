"""``gesprekscoach check-model [--package DIR]``: check a skill package before uploading it
(see skill.dev.model_check)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional

HELP = "Check the interaction model and manifest (default interaction_model/); non-zero exit on problems."

NEEDS = (
    "check-model needs the skill package folder: skill.json and interactionModels/custom/<locale>.json, "
    "the project's interaction_model/ folder (it is not in the installed package)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--package",
        default=None,
        metavar="DIR",
        help="skill package folder with skill.json and interactionModels/custom/ "
        "(default: interaction_model/ of the checkout this command runs from)",
    )
    parser.add_argument("dir", nargs="?", default=None, metavar="DIR", help="the same as --package DIR")
    parser.add_argument("--locale", default="nl-NL", help="model locale to check (default nl-NL)")
    parser.add_argument("--strict", action="store_true", help="warnings count as problems too")
    parser.add_argument(
        "--no-handlers",
        action="store_true",
        help="skip the intent/handler cross-check (for a package of another skill)",
    )


def find_package(given: Optional[str]) -> Optional[Path]:
    """The skill package folder (or model file) to check: the given one, else the checkout's; None if absent."""
    from skill.dev import nlu

    package = Path(given) if given else nlu.DEFAULT_PACKAGE
    return package if package.exists() else None


def run(args: argparse.Namespace) -> int:
    from skill.dev import model_check

    given = args.package or args.dir
    package = find_package(given)
    if package is None:
        where = f"{given} does not exist" if given else "there is none beside the installed package"
        print(f"{NEEDS}; {where}: pass --package DIR", file=sys.stderr)
        return 2
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
