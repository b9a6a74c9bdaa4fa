"""Helpers for the memory tests (issue 9): conversations of a given person with a skill that has a
real store, and the skill-disabled event as Alexa sends it."""

from __future__ import annotations

import copy
import sqlite3
import uuid

from skill.dev import envelopes
from skill.builder import build_skill
from skill.config import SkillConfig
from skill.dev.conversation import Conversation
from skill.dev.envelopes import DEFAULT_SKILL_ID
from skill.dev.response_check import problems
from skill.dev.runtime import dispatch
from tests.conftest import FirstVariant


def for_user(envelope, user_id):
    envelope = copy.deepcopy(envelope)
    envelope["context"]["System"]["user"]["userId"] = user_id
    if envelope.get("session"):
        envelope["session"]["user"]["userId"] = user_id
    return envelope


def person(skill, user_id="amzn1.ask.account.PERSON-A"):
    """A Conversation of one person (their Alexa user id) with the skill; every response checked."""

    def send(envelope):
        response = dispatch(skill, for_user(envelope, user_id))
        found = problems(response)
        assert not found, f"invalid response for {envelope['request']}: {found}"
        return response

    return Conversation(send)


def store_skill(store, seed=7, **kw):
    return build_skill(SkillConfig(rng=FirstVariant(seed), store=store, **kw))


def skill_disabled(user_id):
    """AlexaSkillEvent.SkillDisabled: no session, the user id in the context."""
    application = {"applicationId": DEFAULT_SKILL_ID}
    return {
        "version": "1.0",
        "context": {
            "System": {
                "application": application,
                "user": {"userId": user_id},
                "apiEndpoint": "https://api.eu.amazonalexa.com",
            }
        },
        "request": {
            "type": "AlexaSkillEvent.SkillDisabled",
            "requestId": f"amzn1.echo-event.{uuid.uuid4()}",
            "timestamp": envelopes._now(),
            "locale": "nl-NL",
            "body": {"userInformationPersistenceStatus": "NOT_PERSISTED"},
            "eventCreationTime": envelopes._now(),
            "eventPublishingTime": envelopes._now(),
        },
    }


def rows(path):
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT key, rev, data FROM profiles").fetchall()
