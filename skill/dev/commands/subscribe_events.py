"""``gesprekscoach subscribe-events ENDPOINT``: subscribe the skill to the events it handles.

Disabling the skill must delete what is stored for that person (issue 9): Alexa sends
``AlexaSkillEvent.SkillDisabled`` only to a skill whose manifest subscribes to SKILL_DISABLED, at an
endpoint written in the manifest itself. That endpoint is known only after the first deploy (the Lambda
function's ARN, or the webservice's https URL), so this command writes the ``events`` block into
interaction_model/skill.json; deploy the manifest again afterwards (docs/deploy.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HELP = "Write the SKILL_DISABLED event subscription (with its endpoint) into the skill manifest."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "endpoint",
        nargs="?",
        metavar="ENDPOINT",
        help="the Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME) or the webservice's https URL",
    )
    parser.add_argument(
        "--certificate",
        default="Trusted",
        choices=("Trusted", "Wildcard", "SelfSigned"),
        help="the https endpoint's certificate type (default Trusted; ignored for a Lambda ARN)",
    )
    parser.add_argument(
        "--package",
        default=None,
        metavar="DIR",
        help="skill package folder with skill.json (default: interaction_model/ of this checkout)",
    )
    parser.add_argument("--remove", action="store_true", help="remove the events block instead")


def events_block(endpoint: str, certificate: str = "Trusted") -> dict:
    from skill.dev import model_check

    block = {"uri": endpoint}
    if not endpoint.startswith("arn:"):
        block["sslCertificateType"] = certificate
    return {
        "endpoint": block,
        "subscriptions": [{"eventName": name} for name in model_check.REQUIRED_EVENTS],
    }


def run(args: argparse.Namespace) -> int:
    from skill.dev import model_check, nlu

    package = Path(args.package) if args.package else nlu.DEFAULT_PACKAGE
    path = package / "skill.json"
    if not path.is_file():
        print(f"subscribe-events: no skill.json in {package}: pass --package DIR", file=sys.stderr)
        return 2
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        manifest = document["manifest"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"subscribe-events: {path} is not a skill manifest: {exc}", file=sys.stderr)
        return 2
    if args.remove:
        manifest.pop("events", None)
    else:
        if not args.endpoint:
            print("subscribe-events: give the ENDPOINT (or --remove)", file=sys.stderr)
            return 2
        events = events_block(args.endpoint, args.certificate)
        problem = model_check.endpoint_problem(events["endpoint"])
        if problem:
            print(f"subscribe-events: {problem}", file=sys.stderr)
            return 2
        manifest["events"] = events
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    what = "removed the events block from" if args.remove else f"subscribed SKILL_DISABLED at {args.endpoint} in"
    print(f"subscribe-events: {what} {path}; deploy the manifest again (ask deploy)")
    return 0
