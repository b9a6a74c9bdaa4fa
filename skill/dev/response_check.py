"""Checks that a response envelope is valid for Alexa: SSML that parses with supported tags only,
speech under 8,000 characters, the whole response under 24 kB, a card within its limits.
Used by the tests (every response), the chat simulator and the fuzzers."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from skill.ssml import MAX_RESPONSE_BYTES, MAX_SPEECH_CHARS, validate

MAX_CARD_CHARS = 8000


def problems(envelope: Dict[str, Any]) -> List[str]:
    out: List[str] = []
    size = len(json.dumps(envelope, ensure_ascii=False).encode("utf-8"))
    if size > MAX_RESPONSE_BYTES:
        out.append(f"response is {size} bytes, over Alexa's {MAX_RESPONSE_BYTES}")
    if envelope.get("version") != "1.0":
        out.append("version is not '1.0'")
    response = envelope.get("response")
    if not isinstance(response, dict):
        return out + ["no response object"]
    for where, speech in (
        ("outputSpeech", response.get("outputSpeech")),
        ("reprompt", (response.get("reprompt") or {}).get("outputSpeech")),
    ):
        if speech is None:
            continue
        if speech.get("type") == "SSML":
            out += [f"{where}: {p}" for p in validate(speech.get("ssml", ""))]
        elif speech.get("type") == "PlainText":
            if len(speech.get("text", "")) > MAX_SPEECH_CHARS:
                out.append(f"{where}: text over {MAX_SPEECH_CHARS} characters")
        else:
            out.append(f"{where}: unknown type {speech.get('type')!r}")
    card = response.get("card")
    if card is not None:
        if card.get("type") == "Simple":
            text = (card.get("title") or "") + (card.get("content") or "")
            if len(text) > MAX_CARD_CHARS:
                out.append("card: title and content over 8,000 characters")
            if "<" in (card.get("content") or "") and "</" in (card.get("content") or ""):
                out.append("card: content looks like markup")
    if response.get("reprompt") and response.get("shouldEndSession") is True:
        out.append("a reprompt on a response that ends the session")
    return out
