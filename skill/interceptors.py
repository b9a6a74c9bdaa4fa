"""Cross-cutting work, around every handler:

- TurnInterceptor (request): validates the session state and makes the Turn handlers work with.
- LogRequestInterceptor (request): one debug line with the request type and intent (no user data).
- SaveStateInterceptor (response): writes the state back into the session attributes and keeps
  the answer for Repeat.
- MemoryLoadInterceptor / MemorySaveInterceptor: the person's profile across sessions (skill.memory),
  only when a store is configured.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_model import IntentRequest

from skill.logsafe import DEBUG, get_logger, loggable_intent
from skill.state import MAX_TEXT, State, save_state
from skill.turn import TURN_KEY, Turn

log = get_logger("gesprekscoach.skill")


def request_name(handler_input) -> str:
    request = handler_input.request_envelope.request
    if isinstance(request, IntentRequest) and request.intent is not None:
        return f"IntentRequest:{loggable_intent(request.intent.name)}"
    return getattr(request, "object_type", None) or type(request).__name__


class TurnInterceptor(AbstractRequestInterceptor):
    def __init__(self, content, prompts, rng, *, bank, checklist):
        self.content = content
        self.prompts = prompts
        self.rng = rng
        self.bank = bank
        self.checklist = checklist
        self._tip_count = len(content.tips)
        self._ids = frozenset(content.ids)

    def process(self, handler_input):
        session = handler_input.request_envelope.session
        raw = session.attributes if session is not None else None
        state = State.from_attributes(raw, principle_ids=self._ids, tip_count=self._tip_count, prompts=self.prompts)
        if state.repaired:
            log.info("session state repaired: dropped malformed or stale attributes")
        handler_input.attributes_manager.request_attributes[TURN_KEY] = Turn(
            handler_input, self.content, self.prompts, self.rng, state, bank=self.bank, checklist=self.checklist
        )


class LogRequestInterceptor(AbstractRequestInterceptor):
    def process(self, handler_input):
        if log.isEnabledFor(DEBUG):
            log.debug("request %s", request_name(handler_input))


class SaveStateInterceptor(AbstractResponseInterceptor):
    def process(self, handler_input, response):
        turn = handler_input.attributes_manager.request_attributes.get(TURN_KEY)
        if turn is None or response is None:
            return
        if response.should_end_session is not False:
            # Session ends (or no speech): nothing to carry over.
            save_state(handler_input, {})
            return
        speech = response.output_speech
        ssml = getattr(speech, "ssml", None)
        if ssml and len(ssml) <= MAX_TEXT:
            last = {"s": ssml}
            reprompt = getattr(getattr(response.reprompt, "output_speech", None), "ssml", None)
            if reprompt:
                last["r"] = reprompt
            turn.state.last = last
        save_state(handler_input, turn.state.to_attributes())


class MemoryLoadInterceptor(AbstractRequestInterceptor):
    """After the Turn is made: this turn's Memory (profile read once per session)."""

    def __init__(self, adapter):
        from skill import memory  # only with a store: imported when the skill is built, not per turn

        self.adapter = adapter
        self.memory = memory

    def process(self, handler_input):
        if handler_input.request_envelope.session is None:  # skill events: no visit, no profile
            return
        memory = self.memory
        attributes = handler_input.attributes_manager.request_attributes
        mem = memory.load(handler_input, self.adapter, attributes[TURN_KEY])
        attributes[memory.STATUS_KEY] = memory.DOWN if mem is None else memory.ON
        if mem is not None:
            attributes[memory.MEMORY_KEY] = mem


class MemorySaveInterceptor(AbstractResponseInterceptor):
    """After SaveStateInterceptor: save what changed, carry the profile in the session, and speak
    at the person's pace."""

    def __init__(self):
        from skill import memory  # only with a store: imported when the skill is built, not per turn
        from skill.ssml import with_pace

        self.memory = memory
        self.with_pace = with_pace

    def process(self, handler_input, response):
        memory, with_pace = self.memory, self.with_pace
        attributes = handler_input.attributes_manager.request_attributes
        mem = attributes.get(memory.MEMORY_KEY)
        turn = attributes.get(TURN_KEY)
        if mem is None or turn is None:
            return
        session_ends = response is None or response.should_end_session is not False
        if not mem.forgotten:
            mem.observe(turn)
            if mem.wants_save(session_ends):
                mem.save()
        if response is None:
            return
        pace = mem.pace
        speech = response.output_speech
        if pace != "normal" and getattr(speech, "ssml", None):
            speech.ssml = with_pace(speech.ssml, pace)
            prompt = getattr(response.reprompt, "output_speech", None)
            if getattr(prompt, "ssml", None):
                prompt.ssml = with_pace(prompt.ssml, pace)
        if (
            response.should_end_session is False
            and not mem.forgotten
            and handler_input.request_envelope.session is not None
        ):
            handler_input.attributes_manager.session_attributes[memory.SESSION_KEY] = mem.session_copy()


def request_interceptors(content, prompts, config, adapter=None, *, bank, checklist):
    out = [LogRequestInterceptor(), TurnInterceptor(content, prompts, config.rng, bank=bank, checklist=checklist)]
    if adapter is not None:
        out.append(MemoryLoadInterceptor(adapter))
    return out


class TurnHookInterceptor(AbstractResponseInterceptor):
    """Last: hands the answered Turn to SkillConfig.on_turn (a test hook; not installed without one)."""

    def __init__(self, on_turn):
        self.on_turn = on_turn

    def process(self, handler_input, response):
        turn = handler_input.attributes_manager.request_attributes.get(TURN_KEY)
        if turn is not None:
            self.on_turn(turn)


def response_interceptors(adapter=None, on_turn=None):
    out = [SaveStateInterceptor()]
    if adapter is not None:
        out.append(MemorySaveInterceptor())
    if on_turn is not None:
        out.append(TurnHookInterceptor(on_turn))
    return out
