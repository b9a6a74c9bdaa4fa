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
from skill.dev.conversation import PROMPT_KEYS_FIELD, Conversation
from skill.dev.response_check import problems
from skill.dev.runtime import dispatch


class FirstVariant(random.Random):
    """Prompts start at their first variant; choices are still seeded random."""

    def random(self):  # used (only) for the first prompt variant
        return 0.0


class TurnRecorder:
    """SkillConfig.on_turn for tests: keeps the last answered Turn."""

    def __init__(self):
        self.turn = None

    def __call__(self, turn):
        self.turn = turn


def checked(skill, turns: TurnRecorder = None):
    """send(envelope) -> response dict, checked for validity; with a TurnRecorder (the skill built with it
    as on_turn) the turn's prompt keys are added afterwards under PROMPT_KEYS_FIELD, for Reply.prompt_keys."""

    def send(envelope):
        response = dispatch(skill, envelope)
        found = problems(response)
        assert not found, f"invalid response for {envelope['request']}: {found}"
        if turns is not None and turns.turn is not None:
            response[PROMPT_KEYS_FIELD] = {
                "speech": list(turns.turn.prompt_keys),
                "reprompt": list(turns.turn.reprompt_keys),
            }
            turns.turn = None
        return response

    return send


@pytest.fixture
def turns():
    return TurnRecorder()


@pytest.fixture
def skill(turns):
    return build_skill(SkillConfig(rng=FirstVariant(7), on_turn=turns))


@pytest.fixture
def run(skill, turns):
    """run(envelope) -> response dict, checked for validity."""
    return checked(skill, turns)


@pytest.fixture
def talk(skill, turns):
    """A Conversation through the skill; every response checked for validity; Reply.prompt_keys says
    which prompts the skill spoke."""
    return Conversation(checked(skill, turns))
