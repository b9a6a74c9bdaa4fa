"""One turn of the conversation: the request's context (content, prompts, state) and the ways
to answer it. The request interceptor makes a Turn; handlers get it with Turn.of(handler_input).

Answering:
  turn.answer(speech, question=..., reprompt=..., offer=...)  one-shot: speak and end the session;
                                                               in a session: ask the question
  turn.ask(...)    always keep the session open (launch, help, fallback, unknown topic)
  turn.tell(...)   always end the session (stop, cancel)
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, List, Optional

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, Response
from ask_sdk_model.ui import SimpleCard

from skill import prompt_keys as K
from skill.content import Content
from skill.datafiles import Deferred
from skill.prompts import Prompts
from skill.ssml import Speech, plain_text
from skill.state import State

if TYPE_CHECKING:
    from skill.checklist import Checklist
    from skill.quiz.bank import Bank

TURN_KEY = "turn"


class Turn:
    def __init__(
        self,
        handler_input: HandlerInput,
        content: Content,
        prompts: Prompts,
        rng: random.Random,
        state: State,
        *,
        bank: Optional[Bank] = None,
        checklist: Optional[Checklist] = None,
    ):
        """bank, checklist: built once by the skill builder, or a skill.datafiles.Deferred that loads
        them on first use (None only for the exception handler's turn, which speaks an apology and
        nothing else)."""
        self.handler_input = handler_input
        self.content = content
        self.prompts = prompts
        self.rng = rng
        self.state = state
        self._bank = bank
        self._checklist = checklist
        # the prompt key of every sentence spoken this turn, in order, and of the reprompt's (as OpenVoiceOS
        # records dialog names): for tests (SkillConfig.on_turn), never part of the response
        self.prompt_keys: List[str] = []
        self.reprompt_keys: List[str] = []
        # (question, reprompt, offer) that replaces the closing question of this turn's answer: set
        # by a paused mode (skill.modes) so a tip mid-quiz ends with the offer to resume the quiz.
        self.follow_up: Optional[tuple] = None
        request = handler_input.request_envelope.request
        intent = getattr(request, "intent", None) if isinstance(request, IntentRequest) else None
        self.intent_name: Optional[str] = getattr(intent, "name", None)

    @classmethod
    def of(cls, handler_input: HandlerInput) -> "Turn":
        return handler_input.attributes_manager.request_attributes[TURN_KEY]

    @property
    def bank(self) -> Optional[Bank]:
        bank = self._bank
        return bank.get() if isinstance(bank, Deferred) else bank

    @property
    def checklist(self) -> Optional[Checklist]:
        checklist = self._checklist
        return checklist.get() if isinstance(checklist, Deferred) else checklist

    # request facts -----------------------------------------------------------------------------
    @property
    def request(self):
        return self.handler_input.request_envelope.request

    @property
    def one_shot(self) -> bool:
        """A new session that starts with an intent ("Alexa, vraag empathisch gesprek om een tip")."""
        session = self.handler_input.request_envelope.session
        return bool(session is None or session.new) and isinstance(self.request, IntentRequest)

    # words -------------------------------------------------------------------------------------
    def line(self, key: str, **fields: str) -> str:
        """The next variant of a prompt, as text (may hold [[pauze]] markers); key: a skill.prompt_keys
        constant. Recorded in prompt_keys."""
        self.prompt_keys.append(key)
        return self.prompts.pick(key, self.state.rot, self.rng, **fields)

    def speech(self, *keys: str, **fields: str) -> Speech:
        out = Speech()
        for key in keys:
            out.say(self.line(key, **fields))
        return out

    def title(self, key: str) -> str:
        """A card title: a prompt that is not spoken, so not recorded in prompt_keys."""
        return self.prompts.pick(key, self.state.rot, self.rng)

    # answers -----------------------------------------------------------------------------------
    def answer(
        self,
        speech: Speech,
        *,
        question: str,
        reprompt: str,
        offer: Optional[str] = None,
        card_title: Optional[str] = None,
    ) -> Response:
        if self.one_shot:
            return self.tell(speech, card_title=card_title)
        return self.ask(speech, question=question, reprompt=reprompt, offer=offer, card_title=card_title)

    def ask(
        self,
        speech: Speech,
        *,
        question: str,
        reprompt: str,
        offer: Optional[str] = None,
        card_title: Optional[str] = None,
        card_more: Optional[Speech] = None,
    ) -> Response:
        """Speak, end with a question (a prompt key), keep the session open with a reprompt.
        card_more: shown on the card after what was said (the helplines in writing)."""
        if self.follow_up:
            question, reprompt, offer = self.follow_up
        full = Speech().extend(speech).pause("short").say(self.line(question))
        self.reprompt_keys.append(reprompt)
        again = Speech().say(self.prompts.pick(reprompt, self.state.rot, self.rng))
        self.state.offer = offer
        builder = self.handler_input.response_builder
        builder.speak(full.ssml()).ask(again.ssml())
        card = full.text() + ("\n\n" + card_more.text() if card_more else "")
        builder.set_card(SimpleCard(title=card_title or self.title(K.CARD_TITLE), content=card))
        return builder.response

    def tell(self, speech: Speech, *, card_title: Optional[str] = None, card: bool = True) -> Response:
        builder = self.handler_input.response_builder
        builder.speak(speech.ssml())
        if card:
            builder.set_card(SimpleCard(title=card_title or self.title(K.CARD_TITLE), content=speech.text()))
        builder.set_should_end_session(True)
        self.state.offer = None
        return builder.response

    def replay(self, ssml: str, reprompt_ssml: Optional[str]) -> Response:
        """Say exactly what was said before (Repeat), keeping the same open question."""
        builder = self.handler_input.response_builder
        builder.speak(ssml)
        if reprompt_ssml:
            builder.ask(reprompt_ssml)
        else:
            builder.set_should_end_session(False)
        builder.set_card(SimpleCard(title=self.title(K.CARD_TITLE), content=plain_text(ssml)))
        return builder.response
