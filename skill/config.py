"""Configuration of one skill instance (no global state: tests build as many as they like)."""

from __future__ import annotations

import os
import random
from typing import Callable, Optional

from skill.records import Record


class SkillConfig(Record):
    """What the skill builder needs to know.

    skill_id: when set, requests for another skill are refused by ask-sdk-core.
    rng: source of randomness for tip order and the first prompt variant; tests inject a seeded one.
    content_path / prompts_path: override the packaged data files (tests use broken copies).
    store: where a person's profile is kept between sessions: None or "none" (no memory),
      "sqlite[:PATH]", "dynamodb:TABLE" (see skill.store). Environment: GESPREKSCOACH_STORE.
    store_timeout: seconds one store call may take (GESPREKSCOACH_STORE_TIMEOUT, default 1).
    aws_region / dynamodb_endpoint: for the DynamoDB store (AWS_REGION or AWS_DEFAULT_REGION, else
      eu-west-1; GESPREKSCOACH_DYNAMODB_ENDPOINT for DynamoDB Local or a test server).
    on_turn: a test hook, called with each answered skill.turn.Turn (after the handler and the state is
      saved), e.g. to read turn.prompt_keys; never set in production, and nothing of it reaches Alexa.
    """

    # not a @dataclass (see skill.records); instances take any other attribute, as before
    FIELDS = (
        "skill_id",
        "rng",
        "content_path",
        "prompts_path",
        "store",
        "store_timeout",
        "aws_region",
        "dynamodb_endpoint",
        "on_turn",
    )

    def __init__(
        self,
        skill_id: Optional[str] = None,
        rng: Optional[random.Random] = None,
        content_path: Optional[str] = None,
        prompts_path: Optional[str] = None,
        store: Optional[str] = None,
        store_timeout: float = 1.0,
        aws_region: Optional[str] = None,
        dynamodb_endpoint: Optional[str] = None,
        on_turn: Optional[Callable] = None,
    ):
        self.skill_id = skill_id
        self.rng = random.Random() if rng is None else rng
        self.content_path = content_path
        self.prompts_path = prompts_path
        self.store = store
        self.store_timeout = store_timeout
        self.aws_region = aws_region
        self.dynamodb_endpoint = dynamodb_endpoint
        self.on_turn = on_turn

    @classmethod
    def from_env(cls, environ=None, *, default_store: Optional[str] = None) -> "SkillConfig":
        """default_store: the store when GESPREKSCOACH_STORE is not set (the webservice: "sqlite")."""
        from skill.store import parse_store

        env = os.environ if environ is None else environ
        store = env.get("GESPREKSCOACH_STORE") or default_store
        try:
            timeout = float(env.get("GESPREKSCOACH_STORE_TIMEOUT") or 1.0)
        except ValueError:
            timeout = 1.0
        return cls(
            skill_id=env.get("GESPREKSCOACH_SKILL_ID") or None,
            store=str(parse_store(store, env)) if store else None,
            store_timeout=timeout if 0 < timeout <= 5 else 1.0,
            aws_region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None,
            dynamodb_endpoint=env.get("GESPREKSCOACH_DYNAMODB_ENDPOINT") or None,
        )
