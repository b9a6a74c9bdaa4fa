"""Helplines as data (skill/data/helplines.json): each number with the organisation that runs it,
the countries it works in, the public page(s) that state it, and how Dutch speakers say it.

Validated when the skill is built (load_helplines(), called by skill.builder), together with every
[[tel:id]] marker in the prompts, so a typo in a number or an id fails at start-up, not in a crisis.
skill/ssml.py renders a [[tel:id]] marker from this data (the only place SSML is made).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Optional, Tuple, Union

from skill import datafiles

COUNTRIES = frozenset({"NL", "BE"})
PURPOSES = frozenset({"suicide", "abuse", "emergency"})
TEL_MARKER = re.compile(r"\[\[tel:([a-z0-9_]+)\]\]")
_NUMBER = re.compile(r"^[0-9]+(-[0-9]+)?$")

Part = Union[str, int]


class HelplineError(ValueError):
    """helplines.json is malformed, or a prompt names a helpline that does not exist."""


@dataclass(frozen=True)
class Helpline:
    id: str
    number: str  # as written: "0800-0113"
    spoken: Tuple[Tuple[Part, ...], ...]  # breath groups of parts: "0113" digit by digit, 800 as a number
    countries: Tuple[str, ...]
    purposes: Tuple[str, ...]
    organisation: str
    sources: Tuple[Tuple[str, str], ...]  # (organisation, public URL)

    @property
    def digits(self) -> str:
        return self.number.replace("-", "")


def parse_helplines(data, origin: str = "helplines.json") -> Dict[str, Helpline]:
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("helplines"), list):
        raise HelplineError(f"{origin}: must be an object with version 1 and a list 'helplines'")
    out: Dict[str, Helpline] = {}
    for i, raw in enumerate(data["helplines"]):
        where = f"{origin}.helplines[{i}]"
        if not isinstance(raw, dict):
            raise HelplineError(f"{where}: must be an object")
        ident = raw.get("id")
        if not isinstance(ident, str) or not re.fullmatch(r"[a-z0-9_]+", ident) or ident in out:
            raise HelplineError(f"{where}.id: must be a unique lower-case id")
        number = raw.get("number")
        if not isinstance(number, str) or not _NUMBER.match(number):
            raise HelplineError(f"{where}.number: must be digits, optionally with one dash")
        spoken = _spoken(raw.get("spoken"), f"{where}.spoken")
        said = "".join(str(part) for group in spoken for part in group)
        if said != number.replace("-", ""):
            raise HelplineError(f"{where}.spoken: says {said}, the number is {number}")
        countries = raw.get("countries")
        if not isinstance(countries, list) or not countries or not set(countries) <= COUNTRIES:
            raise HelplineError(f"{where}.countries: must list some of {sorted(COUNTRIES)}")
        purposes = raw.get("for")
        if not isinstance(purposes, list) or not purposes or not set(purposes) <= PURPOSES:
            raise HelplineError(f"{where}.for: must list some of {sorted(PURPOSES)}")
        organisation = raw.get("organisation")
        if not isinstance(organisation, str) or not organisation.strip():
            raise HelplineError(f"{where}.organisation: must be a name")
        sources = raw.get("sources")
        if not isinstance(sources, list) or not sources:
            raise HelplineError(f"{where}.sources: must list where the number is published")
        pairs = []
        for j, source in enumerate(sources):
            url = source.get("url") if isinstance(source, dict) else None
            org = source.get("organisation") if isinstance(source, dict) else None
            if not isinstance(url, str) or not url.startswith("https://") or not isinstance(org, str) or not org:
                raise HelplineError(f"{where}.sources[{j}]: needs an organisation and an https:// url")
            pairs.append((org, url))
        out[ident] = Helpline(ident, number, spoken, tuple(countries), tuple(purposes), organisation, tuple(pairs))
    if not out:
        raise HelplineError(f"{origin}.helplines: must not be empty")
    return out


def _spoken(value, where: str) -> Tuple[Tuple[Part, ...], ...]:
    if not isinstance(value, list) or not value:
        raise HelplineError(f"{where}: must be a list of groups")
    groups = []
    for group in value:
        if not isinstance(group, list) or not group:
            raise HelplineError(f"{where}: every group must be a non-empty list")
        parts = []
        for part in group:
            if isinstance(part, str) and part.isdigit() and part.isascii():
                parts.append(part)
            elif type(part) is int and 0 < part < 10000:
                parts.append(part)
            else:
                raise HelplineError(f"{where}: {part!r} is neither digits (a string) nor a number")
        groups.append(tuple(parts))
    return tuple(groups)


@lru_cache(maxsize=4)
def load_helplines(path: Optional[str] = None) -> Dict[str, Helpline]:
    if path is None:
        text, origin = datafiles.read_text("data", "helplines.json"), "helplines.json"
    else:
        with open(path, encoding="utf-8") as handle:
            text, origin = handle.read(), path
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HelplineError(f"{origin}: not valid JSON: {exc}") from None
    return parse_helplines(data, origin)


def check_prompts(prompts, helplines: Optional[Dict[str, Helpline]] = None) -> None:
    """Every [[tel:id]] in every prompt variant names a helpline (raises HelplineError)."""
    helplines = load_helplines() if helplines is None else helplines
    for key in prompts.keys():
        for text in prompts.variants(key):
            for ident in TEL_MARKER.findall(text):
                if ident not in helplines:
                    raise HelplineError(f"prompt {key}: [[tel:{ident}]] is not in helplines.json")
