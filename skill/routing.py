"""Choosing the handler: the same first-match over the one ordered handler list as ask-sdk's
GenericRequestMapper, but an IntentRequest only asks the handlers that could take its intent.

A handler that declares INTENTS (skill.handlers.base.IntentHandler) can only handle those intents,
so leaving it out for any other intent changes nothing; every other handler (request-type handlers,
the catch-all) is asked for every request, in its place in the list. The result is exactly the
handler the full scan would find, without calling can_handle on some 40 handlers per request.
"""

from __future__ import annotations

from typing import Dict, List

from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_runtime.dispatch_components.request_components import GenericRequestMapper

from skill.turn import Turn


class IndexedRequestMapper(GenericRequestMapper):
    def __init__(self, request_handler_chains):
        super().__init__(request_handler_chains=request_handler_chains)
        chains = self.request_handler_chains
        names = {n for c in chains for n in getattr(c.request_handler, "INTENTS", ())}
        self._general = [c for c in chains if not hasattr(c.request_handler, "INTENTS")]
        self._by_intent: Dict[str, List] = {
            name: [c for c in chains if not hasattr(c.request_handler, "INTENTS") or name in c.request_handler.INTENTS]
            for name in names
        }

    def get_request_handler_chain(self, handler_input):
        candidates = self._by_intent.get(Turn.of(handler_input).intent_name, self._general)
        for chain in candidates:
            if chain.request_handler.can_handle(handler_input=handler_input):
                return chain
        return None


class IndexedSkillBuilder(CustomSkillBuilder):
    """ask-sdk-core's CustomSkillBuilder (it takes the persistence adapter), with the indexed request
    mapper in place of the generic one (for create() and lambda_handler() alike)."""

    @property
    def skill_configuration(self):
        config = super().skill_configuration
        config.request_mappers = [
            IndexedRequestMapper(mapper.request_handler_chains) for mapper in config.request_mappers
        ]
        return config
