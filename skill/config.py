"""Configuration of one skill instance (no global state: tests build as many as they like)."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from typing import Optional


@dataclass
class SkillConfig:
    """What the skill builder needs to know.

    skill_id: when set, requests for another skill are refused by ask-sdk-core.
    rng: source of randomness for tip order and the first prompt variant; tests inject a seeded one.
    content_path / prompts_path: override the packaged data files (tests use broken copies).
    """

    skill_id: Optional[str] = None
    rng: random.Random = field(default_factory=random.Random)
    content_path: Optional[str] = None
    prompts_path: Optional[str] = None

    @classmethod
    def from_env(cls, environ=None) -> "SkillConfig":
        env = os.environ if environ is None else environ
        return cls(skill_id=env.get("GESPREKSCOACH_SKILL_ID") or None)
