"""Speech: the one place where SSML is made (and checked).

A Speech is a list of segments (text, pauses, quoted example phrases, digits). It renders to SSML
for Alexa and to plain text for the card, so both always say the same thing. Text is escaped here
and nowhere else; only tags Alexa supports are produced, and validate() checks any SSML against
Alexa's rules (used by the tests, the fuzzers and the Repeat handler).

Prompt strings (skill/locale/*/prompts.json) may hold two small markers:
  [[pauze]]          a short pause (for example before a question)
  [[cijfers:0800-0113]]  a number read digit by digit, shown as written on the card
  [[tel:nl_113]]     a helpline from skill/data/helplines.json, spoken the way Dutch speakers say
                     it (112 "één één twee", 0800-0113 "nul achthonderd, nul één één drie", 1813
                     "achttien dertien"), written on the card as the organisation writes it
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from typing import List, Tuple

RATE = "95%"  # the whole answer: calm, slightly slower than Alexa's default
QUOTE_RATE = "90%"  # example phrases: slower still, so they can be repeated


class Pause(StrEnum):
    """How long a pause is; the values are what content and handlers write ("short", ...)."""

    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"


PAUSES = {Pause.SHORT: 350, Pause.MEDIUM: 600, Pause.LONG: 1000}  # milliseconds
MAX_SPEECH_CHARS = 8000
MAX_RESPONSE_BYTES = 24 * 1024

_MARKER = re.compile(r"\[\[(pauze|cijfers:[0-9 \-]+|tel:[a-z0-9_]+)\]\]")
PHONE_GROUP_PAUSE_MS = 250  # between the groups of a phone number ("nul achthonderd" | "nul één één drie")

# Tags (and their attributes) that Alexa's SSML reference lists.
ALLOWED_TAGS = {
    "speak": set(),
    "p": set(),
    "s": set(),
    "break": {"time", "strength"},
    "prosody": {"rate", "pitch", "volume"},
    "emphasis": {"level"},
    "say-as": {"interpret-as", "format"},
    "sub": {"alias"},
    "lang": {"{http://www.w3.org/XML/1998/namespace}lang"},
    "phoneme": {"alphabet", "ph"},
    "w": {"role"},
    "audio": {"src"},
    "voice": {"name"},
    "{http://amazon.com/ssml}effect": {"name"},
    "{http://amazon.com/ssml}domain": {"name"},
    "{http://amazon.com/ssml}emotion": {"name", "intensity"},
}
_BREAK_TIME = re.compile(r"^(\d+)(ms|s)$")


class Speech:
    """Segments of one answer; add with say(), pause(), quote(), then render with ssml() / text()."""

    def __init__(self) -> None:
        self._parts: List[Tuple[str, str]] = []

    # building ------------------------------------------------------------------------------
    def say(self, text: str) -> "Speech":
        """Plain text, with [[pauze]] and [[cijfers:...]] markers honoured."""
        for kind, value in _segments(text):
            if kind == "pause":
                self.pause("short")
            else:
                self._parts.append((kind, value))
        return self

    def pause(self, length: Pause | str = Pause.MEDIUM) -> "Speech":
        ms = PAUSES[length]
        if self._parts and self._parts[-1][0] == "pause":  # two pauses in a row: keep the longer
            ms = max(ms, int(self._parts.pop()[1]))
        self._parts.append(("pause", str(ms)))
        return self

    def quote(self, phrase: str) -> "Speech":
        """An example phrase: a pause before and after, read a little slower."""
        self._parts.append(("quote", " ".join(phrase.split())))
        return self

    def extend(self, other: "Speech") -> "Speech":
        self._parts.extend(other._parts)
        return self

    def __bool__(self) -> bool:
        return bool(self._parts)

    # rendering -----------------------------------------------------------------------------
    def ssml(self) -> str:
        out: List[str] = []
        for kind, value in self._parts:
            if kind == "text":
                out.append(escape(value))
            elif kind == "pause":
                out.append(f'<break time="{value}ms"/>')
            elif kind == "digits":
                digits = "".join(ch for ch in value if ch.isdigit())
                out.append(f'<say-as interpret-as="digits">{digits}</say-as>')
            elif kind == "tel":
                out.append(phone_ssml(value))
            else:  # quote
                out.append(
                    f'<break time="{PAUSES["short"]}ms"/><prosody rate="{QUOTE_RATE}">'
                    f'{escape(value)}</prosody><break time="{PAUSES["medium"]}ms"/>'
                )
        body = _join(out)
        return f'<speak><prosody rate="{RATE}">{body}</prosody></speak>'

    def text(self) -> str:
        out: List[str] = []
        for kind, value in self._parts:
            if kind in ("text", "digits"):
                out.append(value)
            elif kind == "tel":
                out.append(_helpline(value).number)
            elif kind == "quote":
                out.append(f"‘{value}’")
        return _join(out)


def _join(chunks: List[str]) -> str:
    """Join with spaces, but none before punctuation that follows a number or quote."""
    out = ""
    for chunk in chunks:
        if out and chunk[:1] not in ".,;:!?":
            out += " "
        out += chunk
    return out


def speech(text: str = "") -> Speech:
    return Speech().say(text)


@lru_cache(maxsize=1024)
def _segments(text: str) -> Tuple[Tuple[str, str], ...]:
    """A text split at its markers, white space folded (cached: prompts and content repeat)."""
    out: List[Tuple[str, str]] = []

    def add(chunk: str) -> None:
        chunk = " ".join(chunk.split())
        if chunk:
            out.append(("text", chunk))

    pos = 0
    for match in _MARKER.finditer(text):
        add(text[pos : match.start()])
        marker = match.group(1)
        if marker == "pauze":
            out.append(("pause", ""))
        else:
            name, value = marker.split(":", 1)
            out.append(("tel" if name == "tel" else "digits", value))
        pos = match.end()
    add(text[pos:])
    return tuple(out)


def _helpline(ident: str):
    from skill.helplines import load_helplines  # validated at start-up (skill.builder)

    return load_helplines()[ident]


@lru_cache(maxsize=64)
def phone_ssml(ident: str) -> str:
    """A helpline number as Dutch speakers say it: each breath group in turn, a short pause between
    groups; a part written as a string is read digit by digit, a whole number as a number."""
    groups = []
    for group in _helpline(ident).spoken:
        parts = [
            f'<say-as interpret-as="digits">{part}</say-as>'
            if isinstance(part, str)
            else f'<say-as interpret-as="cardinal">{part}</say-as>'
            for part in group
        ]
        groups.append(" ".join(parts))
    return f'<break time="{PHONE_GROUP_PAUSE_MS}ms"/>'.join(groups)


def escape(text: str) -> str:
    """XML-escape text for SSML (xml.sax.saxutils would import urllib and http at cold start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_text(ssml: str) -> str:
    """The words of an SSML string, tags dropped (for the chat simulator and logs)."""
    import xml.etree.ElementTree as ET  # only here and in validate(): not on the cold-start path

    try:
        root = ET.fromstring(ssml)
    except ET.ParseError:
        return re.sub(r"<[^>]+>", " ", ssml)
    return re.sub(r"\s+([,.;:!?])", r"\1", " ".join(" ".join(root.itertext()).split()))


def validate(ssml: str) -> List[str]:
    """Problems Alexa would have with this SSML (an empty list means it is fine)."""
    import xml.etree.ElementTree as ET

    problems: List[str] = []
    if len(ssml) > MAX_SPEECH_CHARS:
        problems.append(f"speech is {len(ssml)} characters, over Alexa's {MAX_SPEECH_CHARS}")
    try:
        root = ET.fromstring(ssml)
    except ET.ParseError as exc:
        return problems + [f"not well-formed XML: {exc}"]
    if root.tag != "speak":
        problems.append(f"root element is <{root.tag}>, not <speak>")
    for element in root.iter():
        allowed = ALLOWED_TAGS.get(element.tag)
        if allowed is None:
            problems.append(f"tag <{element.tag}> is not supported by Alexa")
            continue
        for attribute in element.attrib:
            if attribute not in allowed:
                problems.append(f"attribute {attribute!r} is not allowed on <{element.tag}>")
        if element.tag == "break":
            match = _BREAK_TIME.match(element.attrib.get("time", "0ms"))
            if not match:
                problems.append(f"break time {element.attrib.get('time')!r} is not like 500ms or 1s")
            else:
                ms = int(match.group(1)) * (1000 if match.group(2) == "s" else 1)
                if ms > 10000:
                    problems.append("a break is longer than Alexa's 10 seconds")
        if element.tag == "prosody" and "rate" in element.attrib:
            rate = element.attrib["rate"]
            if rate.endswith("%") and (not rate[:-1].isdigit() or int(rate[:-1]) < 20):
                problems.append(f"prosody rate {rate!r} is not a percentage of at least 20%")
    return problems


# Named prosody rates and break strengths, as fractions of the default rate and milliseconds.
_NAMED_RATES = {"x-slow": 0.5, "slow": 0.75, "medium": 1.0, "fast": 1.25, "x-fast": 1.5}
_STRENGTH_MS = {"none": 0, "x-weak": 100, "weak": 250, "medium": 400, "strong": 750, "x-strong": 1200}
MAX_PIECE_PAUSE_MS = 10000


def _rate(value: str, current: float) -> float:
    value = (value or "").strip()
    if value in _NAMED_RATES:
        return _NAMED_RATES[value]
    if value.endswith("%") and value[:-1].isdigit():
        return max(0.2, min(4.0, int(value[:-1]) / 100))  # Alexa: a percentage of the default rate
    return current


def _break_ms(element) -> int:
    match = _BREAK_TIME.match(element.attrib.get("time", ""))
    if match:
        ms = int(match.group(1)) * (1000 if match.group(2) == "s" else 1)
    else:
        ms = _STRENGTH_MS.get(element.attrib.get("strength", "medium"), 400)
    return min(ms, MAX_PIECE_PAUSE_MS)


def speech_pieces(ssml: str) -> List[dict]:
    """SSML as pieces a speech synthesizer without SSML can speak one after the other (the browser
    page's speechSynthesis): ``{"text", "rate", "pause_ms"}``, where rate is a fraction of the default
    speaking rate (from <prosody rate>) and pause_ms the silence after the piece (from <break>).
    A pause before the first words is kept as a piece without text. Digits read out one by one
    (<say-as interpret-as="digits">) come spaced; other tags keep their words."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(ssml)
    except ET.ParseError:
        words = " ".join(re.sub(r"<[^>]+>", " ", ssml).split())
        return [{"text": words, "rate": 1.0, "pause_ms": 0}] if words else []
    pieces: List[dict] = []
    words: List[str] = []
    state = {"rate": 1.0}

    def flush(pause: int = 0) -> None:
        text = re.sub(r"\s+([,.;:!?])", r"\1", " ".join(" ".join(words).split()))
        words.clear()
        if text:
            pieces.append({"text": text, "rate": state["rate"], "pause_ms": pause})
        elif pause:
            if pieces:
                pieces[-1]["pause_ms"] = min(MAX_PIECE_PAUSE_MS, pieces[-1]["pause_ms"] + pause)
            else:
                pieces.append({"text": "", "rate": state["rate"], "pause_ms": pause})

    def walk(element) -> None:
        tag = element.tag
        if tag == "break":
            flush(_break_ms(element))
            return
        outer = state["rate"]
        if tag == "prosody" and "rate" in element.attrib:
            new = _rate(element.attrib["rate"], outer)
            if new != outer:
                flush()
                state["rate"] = new
        if tag == "say-as" and element.attrib.get("interpret-as") in ("digits", "telephone"):
            words.append(" ".join(ch for ch in "".join(element.itertext()) if ch.isdigit()))
        else:
            if element.text:
                words.append(element.text)
            for child in element:
                walk(child)
                if child.tail:
                    words.append(child.tail)
        if state["rate"] != outer:
            flush()
            state["rate"] = outer

    walk(root)
    flush()
    return pieces


# Speaking rate per person (issue 9): (whole answer, example phrases) for each pace. Alexa accepts
# prosody rates from 20%; these stay within what sounds natural.
PACE_RATES = {"slower": ("80%", "75%"), "normal": (RATE, QUOTE_RATE), "faster": ("110%", "105%")}
_OPEN = f'<speak><prosody rate="{RATE}">'
_QUOTE = f'<prosody rate="{QUOTE_RATE}">'


def with_pace(ssml: str, pace: str) -> str:
    """SSML made by Speech.ssml() (or an earlier answer replayed) at a person's pace."""
    if pace not in PACE_RATES or pace == "normal" or not ssml.startswith(_OPEN):
        return ssml
    rate, quote = PACE_RATES[pace]
    body = ssml[len(_OPEN) :].replace(_QUOTE, f'<prosody rate="{quote}">')
    return f'<speak><prosody rate="{rate}">' + body
