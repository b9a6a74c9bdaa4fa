"""The ``gesprekscoach`` command: one sub-command per module in ``skill/dev/commands``.

Each sub-command module has ``HELP`` (one line), ``add_arguments(parser)`` and ``run(args) -> int``.
Modules are imported only when their sub-command runs, so ``gesprekscoach chat`` never loads Flask.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import List, Optional

from skill.errors import GesprekscoachError

# sub-command name -> module in skill.dev.commands (ordered as shown in --help)
COMMANDS = {
    "serve": "serve",
    "chat": "chat",
    "check-model": "check_model",
    "build-model": "build_model",
    "package-lambda": "package_lambda",
    "subscribe-events": "subscribe_events",
}


def _load(name: str):
    return importlib.import_module(f"skill.dev.commands.{COMMANDS[name]}")


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(prog="gesprekscoach", description="Gesprekscoach, an nl-NL Alexa skill.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # Only the chosen sub-command's module is imported; the others are listed by name.
    chosen = argv[0] if argv and argv[0] in COMMANDS else None
    for name in COMMANDS:
        if chosen is None or name == chosen:
            module = _load(name)
            p = sub.add_parser(name, help=module.HELP, description=module.HELP)
            module.add_arguments(p)
            p.set_defaults(_module=module)
        else:
            sub.add_parser(name, add_help=False)  # listed, not loaded
    args = parser.parse_args(argv)
    if not getattr(args, "_module", None):
        parser.print_help()
        return 2
    try:
        return int(args._module.run(args) or 0)
    except GesprekscoachError as exc:  # ours, with a message that says what is wrong: no traceback
        print(f"gesprekscoach {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
