"""A conversation with the skill, carried from turn to turn exactly as Alexa carries it (session id
and attributes from each response into the next request; a new session after one ends).

Used by the tests, the chat simulator and the end-to-end checks:

    talk = Conversation(build_skill())
    reply = talk.launch()
    reply = talk.intent("PrincipleIntent", principe="afsluiten")
    assert not reply.ended and "Sluit zorgvuldig af" in reply.speech
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple

from skill.dev import envelopes
from skill.ssml import plain_text

# Tests add the prompt keys of each answer (skill.turn.Turn.prompt_keys, through SkillConfig.on_turn) to the
# response dict under this field after it has been checked; it is never part of what the skill sends.
PROMPT_KEYS_FIELD = "_prompt_keys"


@dataclass
class Reply:
    request: Dict[str, Any]
    envelope: Dict[str, Any]

    @property
    def response(self) -> Dict[str, Any]:
        return self.envelope.get("response") or {}

    @property
    def ssml(self) -> str:
        return (self.response.get("outputSpeech") or {}).get("ssml", "")

    @property
    def speech(self) -> str:
        """What Alexa says, as plain text."""
        return plain_text(self.ssml) if self.ssml else ""

    @property
    def reprompt(self) -> str:
        ssml = ((self.response.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml", "")
        return plain_text(ssml) if ssml else ""

    @property
    def ended(self) -> bool:
        """True when the session ends (shouldEndSession true or absent, as Alexa reads it)."""
        return self.response.get("shouldEndSession") is not False

    @property
    def prompt_keys(self) -> Tuple[str, ...]:
        """The prompt keys of the sentences spoken, in order (when the sender records them, else ())."""
        return tuple((self.envelope.get(PROMPT_KEYS_FIELD) or {}).get("speech") or ())

    @property
    def reprompt_keys(self) -> Tuple[str, ...]:
        return tuple((self.envelope.get(PROMPT_KEYS_FIELD) or {}).get("reprompt") or ())

    @property
    def attributes(self) -> Dict[str, Any]:
        return self.envelope.get("sessionAttributes") or {}

    @property
    def card(self) -> Optional[Dict[str, Any]]:
        return self.response.get("card")

    @property
    def elicited(self) -> Optional[Tuple[str, str]]:
        """(intent, slot) when the answer elicits a slot (Dialog.ElicitSlot), else None."""
        for directive in self.response.get("directives") or []:
            if isinstance(directive, dict) and directive.get("type") == "Dialog.ElicitSlot":
                intent = (directive.get("updatedIntent") or {}).get("name")
                slot = directive.get("slotToElicit")
                if isinstance(intent, str) and isinstance(slot, str):
                    return intent, slot
        return None


class Conversation:
    """send: a function taking a request envelope dict and returning the response envelope dict."""

    def __init__(self, skill_or_send, *, skill_id: str = envelopes.DEFAULT_SKILL_ID):
        if callable(skill_or_send) and not hasattr(skill_or_send, "invoke"):
            self._send: Callable[[Dict[str, Any]], Dict[str, Any]] = skill_or_send
        else:
            from skill.dev.runtime import dispatch

            self._send = lambda envelope: dispatch(skill_or_send, envelope)
        self.skill_id = skill_id
        self.session_id: Optional[str] = None
        self.attributes: Dict[str, Any] = {}
        self.last: Optional[Reply] = None
        # (intent, slot) the skill elicits with Dialog.ElicitSlot, as Alexa tracks it for the next turn
        self.elicited: Optional[Tuple[str, str]] = None

    @property
    def in_session(self) -> bool:
        return self.session_id is not None

    def send(self, envelope: Dict[str, Any]) -> Reply:
        reply = Reply(envelope, self._send(envelope))
        self.last = reply
        if envelope["request"]["type"] == "SessionEndedRequest" or reply.ended:
            self.session_id, self.attributes, self.elicited = None, {}, None
        else:
            self.session_id = envelope["session"]["sessionId"]
            self.attributes = reply.attributes
            self.elicited = reply.elicited
        return reply

    def launch(self) -> Reply:
        self.session_id, self.attributes = None, {}
        return self.send(envelopes.launch(skill_id=self.skill_id))

    def intent(self, name: str, _slots=None, **slots: Any) -> Reply:
        """An intent; slots as principe="afsluiten" (resolved to that id) or a list of slot dicts.

        A keyword slot value given as a tuple (spoken, id) resolves the spoken words to id; given as
        (spoken, None) it is a value that entity resolution did not match.
        """
        slot_list = list(_slots or [])
        for slot_name, value in slots.items():
            spoken, resolved = value if isinstance(value, tuple) else (value, value)
            slot_list.append(
                envelopes.slot(
                    slot_name, spoken, resolved_id=resolved, skill_id=self.skill_id, no_match=resolved is None
                )
            )
        envelope = envelopes.intent(
            name,
            slot_list,
            new=not self.in_session,
            attributes=self.attributes,
            session_id=self.session_id,
            skill_id=self.skill_id,
        )
        return self.send(envelope)

    def end(self, reason: str = "USER_INITIATED") -> Reply:
        envelope = envelopes.session_ended(
            reason, attributes=self.attributes, session_id=self.session_id, skill_id=self.skill_id
        )
        return self.send(envelope)
