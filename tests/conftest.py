"""Shared fixtures. Every response that goes through `talk` or `run` is checked for Alexa validity."""

from __future__ import annotations

import os
import random
import tempfile

import pytest

# The webservice keeps each person's profile in SQLite under the user's data directory by default
# (issue 9): tests and the servers they start put it in a throw-away folder instead.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="gesprekscoach-test-data-")

from skill.builder import build_skill
from skill.config import SkillConfig
from skill.conversation import Conversation
from skill.response_check import problems
from skill.runtime import dispatch


class FirstVariant(random.Random):
    """Prompts start at their first variant; choices are still seeded random."""

    def random(self):  # used (only) for the first prompt variant
        return 0.0


def checked(skill):
    def send(envelope):
        response = dispatch(skill, envelope)
        found = problems(response)
        assert not found, f"invalid response for {envelope['request']}: {found}"
        return response

    return send


@pytest.fixture
def skill():
    return build_skill(SkillConfig(rng=FirstVariant(7)))


@pytest.fixture
def run(skill):
    """run(envelope) -> response dict, checked for validity."""
    return checked(skill)


@pytest.fixture
def talk(skill):
    """A Conversation through the skill; every response checked for validity."""
    return Conversation(checked(skill))
