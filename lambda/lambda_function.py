"""AWS Lambda entry point: ``lambda_function.lambda_handler`` (what the ASK CLI and SAM configure).

The same skill builder as the webservice (skill.builder), through ask-sdk-core's own Lambda handler.
Lambda requests come from the Alexa trigger, which AWS already restricts to the skill id; we also
check it (GESPREKSCOACH_SKILL_ID, done by ask-sdk-core) when it is set. This module imports neither
Flask nor skill.web nor cryptography, so a cold start costs what a bare ask-sdk-core skill costs.
The ``skill`` package sits next to this file in the deployed zip (see docs/deploy.md).
"""

from skill.builder import build_skill_builder
from skill.config import SkillConfig


def make_handler(config=None):
    """A Lambda handler for the given config (default: from the environment). Tests use this."""
    return build_skill_builder(config or SkillConfig.from_env()).lambda_handler()


# Built once per container (at cold start), reused by every invocation.
lambda_handler = make_handler()
