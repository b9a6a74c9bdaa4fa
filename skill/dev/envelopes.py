"""Build Alexa request envelopes (plain dicts, exactly as Alexa sends them as JSON).

Used by the tests, the chat simulator, the benchmarks and the fuzzers, so every one of them speaks
the same, real request format.
"""

from __future__ import annotations

import copy
import uuid
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, Mapping, Optional

DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
DEFAULT_USER_ID = "amzn1.ask.account.TESTUSER"
DEFAULT_DEVICE_ID = "amzn1.ask.device.TESTDEVICE"
LOCALE = "nl-NL"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _id(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4()}"


def slot(
    name: str,
    value: Optional[str] = None,
    *,
    resolved_id: Optional[str] = None,
    resolved_name: Optional[str] = None,
    slot_type: str = "PRINCIPE",
    skill_id: str = DEFAULT_SKILL_ID,
    no_match: bool = False,
) -> Dict[str, Any]:
    """One slot as Alexa sends it, with entity resolution when an id (or a no-match) is given."""
    data: Dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if value is not None:
        data["value"] = value
        data["source"] = "USER"
    authority = f"amzn1.er-authority.echo-sdk.{skill_id}.{slot_type}"
    if resolved_id is not None:
        data["resolutions"] = {
            "resolutionsPerAuthority": [
                {
                    "authority": authority,
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": resolved_name or value or resolved_id, "id": resolved_id}}],
                }
            ]
        }
    elif no_match:
        data["resolutions"] = {
            "resolutionsPerAuthority": [
                {
                    "authority": authority,
                    "status": {"code": "ER_SUCCESS_NO_MATCH"},
                }
            ]
        }
    return data


def _envelope(
    request: Dict[str, Any],
    *,
    new: bool,
    attributes: Optional[Mapping[str, Any]],
    skill_id: str,
    session_id: Optional[str],
    timestamp: Optional[str],
) -> Dict[str, Any]:
    application = {"applicationId": skill_id}
    user = {"userId": DEFAULT_USER_ID}
    request.setdefault("requestId", _id("amzn1.echo-api.request"))
    request.setdefault("timestamp", timestamp or _now())
    request.setdefault("locale", LOCALE)
    return {
        "version": "1.0",
        "session": {
            "new": new,
            "sessionId": session_id or _id("amzn1.echo-api.session"),
            "application": application,
            "attributes": copy.deepcopy(dict(attributes or {})),
            "user": user,
        },
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": DEFAULT_DEVICE_ID, "supportedInterfaces": {}},
                "apiEndpoint": "https://api.eu.amazonalexa.com",
            }
        },
        "request": request,
    }


def launch(*, attributes=None, skill_id=DEFAULT_SKILL_ID, session_id=None, timestamp=None):
    """A LaunchRequest ("Alexa, open empathisch gesprek"): always a new session."""
    return _envelope(
        {"type": "LaunchRequest"},
        new=True,
        attributes=attributes,
        skill_id=skill_id,
        session_id=session_id,
        timestamp=timestamp,
    )


def intent(
    name: str,
    slots: Optional[Iterable[Dict[str, Any]]] = None,
    *,
    new: bool = False,
    attributes=None,
    skill_id=DEFAULT_SKILL_ID,
    session_id=None,
    timestamp=None,
    dialog_state: Optional[str] = None,
):
    """An IntentRequest. new=True is a one-shot ("Alexa, vraag empathisch gesprek om een tip")."""
    request: Dict[str, Any] = {
        "type": "IntentRequest",
        "intent": {"name": name, "confirmationStatus": "NONE", "slots": {s["name"]: s for s in (slots or [])}},
    }
    if dialog_state:
        request["dialogState"] = dialog_state
    return _envelope(
        request, new=new, attributes=attributes, skill_id=skill_id, session_id=session_id, timestamp=timestamp
    )


def session_ended(
    reason: str = "USER_INITIATED",
    *,
    attributes=None,
    skill_id=DEFAULT_SKILL_ID,
    session_id=None,
    timestamp=None,
    error: Optional[Dict[str, str]] = None,
):
    """A SessionEndedRequest (the user said nothing, or an error occurred)."""
    request: Dict[str, Any] = {"type": "SessionEndedRequest", "reason": reason}
    if error:
        request["error"] = error
    return _envelope(
        request, new=False, attributes=attributes, skill_id=skill_id, session_id=session_id, timestamp=timestamp
    )


def follow_up(envelope: Dict[str, Any], response: Mapping[str, Any], request_envelope: Dict[str, Any]):
    """Carry session attributes and id from a response into the next request, as Alexa does."""
    envelope["session"]["sessionId"] = request_envelope["session"]["sessionId"]
    envelope["session"]["new"] = False
    envelope["session"]["attributes"] = copy.deepcopy(response.get("sessionAttributes") or {})
    return envelope


def on_device(envelope: Dict[str, Any], *, kind: str = "hub", with_person: bool = True) -> Dict[str, Any]:
    """The envelope as a real device sends it: a copy with the full context of an Echo Show
    (kind="hub": viewport, APL, display, video, extensions, audio player; about 3.5 KB in all) or of
    a smart speaker (kind="speaker": audio player only), a long api access token and the user's
    consent token. For the serializer's equivalence test and the benchmarks."""
    env = copy.deepcopy(envelope)
    token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ." + "Q" * 520 + ".sig" + "x" * 200
    system = env["context"]["System"]
    system["apiAccessToken"] = token
    system["user"] = dict(system["user"], permissions={"consentToken": token[:400]})
    system["unit"] = {"unitId": "amzn1.ask.unit.TESTUNIT", "persistentUnitId": "amzn1.alexa.unit.did.TESTUNIT"}
    if with_person:
        system["person"] = {"personId": "amzn1.ask.person.TESTPERSON", "accessToken": token[:300]}
    interfaces: Dict[str, Any] = {"AudioPlayer": {}}
    env["context"]["AudioPlayer"] = {"playerActivity": "IDLE"}
    if kind == "hub":
        interfaces.update(
            {
                "Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}},
                "Alexa.Presentation.APLT": {"runtime": {"maxVersion": "1.0"}},
                "Display": {"templateVersion": "1.0", "markupVersion": "1.0"},
                "VideoApp": {},
                "Geolocation": {},
                "Navigation": {},
            }
        )
        env["context"]["Viewport"] = {
            "experiences": [{"arcMinuteWidth": 246, "arcMinuteHeight": 144, "canRotate": False, "canResize": False}],
            "mode": "HUB",
            "shape": "RECTANGLE",
            "pixelWidth": 1280,
            "pixelHeight": 800,
            "dpi": 160,
            "currentPixelWidth": 1280,
            "currentPixelHeight": 800,
            "touch": ["SINGLE"],
            "keyboard": ["DIRECTION"],
            "video": {"codecs": ["H_264_42", "H_264_41"]},
        }
        env["context"]["Viewports"] = [
            {
                "type": "APL",
                "id": "main",
                "shape": "RECTANGLE",
                "dpi": 160,
                "presentationType": "STANDARD",
                "canRotate": False,
                "configuration": {
                    "current": {
                        "mode": "HUB",
                        "video": {"codecs": ["H_264_42", "H_264_41"]},
                        "size": {"type": "DISCRETE", "pixelWidth": 1280, "pixelHeight": 800},
                    }
                },
            }
        ]
        env["context"]["Extensions"] = {"available": {"aplext:backstack:10": {}}}
        env["context"]["Alexa.Presentation.APL"] = {
            "token": "gesprekscoach",
            "version": "AriaRuntimeLibrary-2023.3",
            "componentsVisibleOnScreen": [
                {
                    "uid": ":1000",
                    "position": "1280x800+0+0:0",
                    "type": "mixed",
                    "tags": {"viewport": {}},
                    "children": [],
                    "entities": [],
                }
            ],
        }
    system["device"] = {"deviceId": system["device"]["deviceId"], "supportedInterfaces": interfaces}
    return env
