"""Reading slots: always the id that Alexa's entity resolution matched, never the raw words."""

from __future__ import annotations

from typing import Optional, Tuple

from ask_sdk_model import IntentRequest

PRINCIPLE_SLOT = "principe"


def resolved_id(request, slot_name: str) -> Tuple[Optional[str], bool]:
    """(id, heard): the ER_SUCCESS_MATCH id of a slot (or None), and whether anything was said."""
    if not isinstance(request, IntentRequest) or request.intent is None or not request.intent.slots:
        return None, False
    slot = request.intent.slots.get(slot_name)
    if slot is None:
        return None, False
    heard = bool(slot.value and str(slot.value).strip())
    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        code = getattr(getattr(authority, "status", None), "code", None)
        if getattr(code, "value", code) != "ER_SUCCESS_MATCH":
            continue
        for value in authority.values or []:
            if value and value.value and isinstance(value.value.id, str):
                return value.value.id, True
    return None, heard


def principle_from(turn) -> Tuple[Optional[object], bool]:
    """The principle named in the request (or None), and whether the user named something."""
    principle_id, heard = resolved_id(turn.request, PRINCIPLE_SLOT)
    return turn.content.get(principle_id), heard
