"""The Flask webservice: ``POST /alexa`` (verified Alexa requests) and ``GET /health``.

Run it with ``gesprekscoach serve`` (development, or a small deployment) or under gunicorn:
``gunicorn 'skill.web:create_app()'`` behind an HTTPS reverse proxy (see docs/deploy.md).

The request path is ask-sdk-webservice-support's ``WebserviceSkillHandler`` with our verifiers
(skill.web.verifier; why ours: see there). Every request gets exactly one structured log line and a
JSON answer; anything the client got wrong is a 4xx, never a 500.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope
from ask_sdk_runtime.exceptions import DispatchException
from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from skill.config import SkillConfig
from skill.web.sdk_compat import VerificationException, WebserviceSkillHandler
from skill.web.verifier import (Clock, Fetcher, RequestRejected, build_verifiers, default_trust_roots,
                                load_pem_bundle)

log = logging.getLogger("gesprekscoach.web")

DEFAULT_MAX_BODY_BYTES = 128 * 1024
DEV_WARNING = ("DEV MODE: the Alexa request SIGNATURE CHECK IS OFF (--dev / GESPREKSCOACH_DEV=1). "
               "Timestamp and skill id checks stay on. Never expose this server to the internet.")
_TRUE = {"1", "true", "yes", "on"}


@dataclass
class WebSettings:
    """How the webservice runs. ``from_env`` reads the GESPREKSCOACH_* variables (see docs/deploy.md).

    dev: turn off only the signature check. trust_roots / fetcher / clock: injectable for tests
    (defaults: system CA bundle or GESPREKSCOACH_TRUST_ROOTS, HTTPS download, wall clock).
    """

    dev: bool = False
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    trust_roots: Optional[Sequence[Any]] = None
    trust_roots_path: Optional[str] = None
    fetcher: Optional[Fetcher] = None
    clock: Optional[Clock] = None
    fetch_timeout: float = 5.0
    cert_cache_size: int = 16
    log_level: Optional[str] = None

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "WebSettings":
        env = os.environ if environ is None else environ
        return cls(
            dev=(env.get("GESPREKSCOACH_DEV") or "").strip().lower() in _TRUE,
            max_body_bytes=int(env.get("GESPREKSCOACH_MAX_BODY_BYTES") or DEFAULT_MAX_BODY_BYTES),
            trust_roots_path=env.get("GESPREKSCOACH_TRUST_ROOTS") or None,
            fetch_timeout=float(env.get("GESPREKSCOACH_CERT_FETCH_TIMEOUT") or 5.0),
            cert_cache_size=int(env.get("GESPREKSCOACH_CERT_CACHE_SIZE") or 16),
            log_level=env.get("GESPREKSCOACH_LOG_LEVEL") or None,
        )


class _Rejected(Exception):
    def __init__(self, status: int, reason: str, message: str):
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


class SkillHandler(WebserviceSkillHandler):
    """The SDK's handler, given our verifiers instead of its own (verify_signature/verify_timestamp
    are off because ours replace them, not because nothing is checked).

    verify_request_and_dispatch does what the SDK's does, step for step (deserialize, run every
    verifier, invoke, serialize); it only labels which step failed, so that a bad envelope or a
    failed check is a 400 and a fault of our own is told apart from it.
    """

    def __init__(self, skill: CustomSkill, verifiers):
        super().__init__(skill, verify_signature=False, verify_timestamp=False, verifiers=verifiers)

    def verify_request_and_dispatch(self, http_request_headers, http_request_body):
        try:
            envelope = self._skill.serializer.deserialize(payload=http_request_body, obj_type=RequestEnvelope)
        except Exception:
            raise _Rejected(400, "not_an_envelope", "body is not an Alexa request envelope")
        if envelope is None or envelope.request is None:
            raise _Rejected(400, "not_an_envelope", "body is not an Alexa request envelope")
        for verifier in self._verifiers:
            try:
                verifier.verify(headers=http_request_headers, serialized_request_env=http_request_body,
                                deserialized_request_env=envelope)
            except RequestRejected as exc:
                raise _Rejected(400, exc.reason, str(exc))
            except VerificationException as exc:
                raise _Rejected(400, "verification_failed", str(exc) or "request verification failed")
        try:
            response_envelope = self._skill.invoke(request_envelope=envelope, context=None)
        except DispatchException as exc:
            if "Unable to find a suitable request handler" in str(exc):
                raise _Rejected(400, "unsupported_request", "this skill does not handle that request")
            raise
        return self._skill.serializer.serialize(response_envelope)


def _envelope_summary(data: Any) -> Tuple[Optional[Dict[str, Any]], Dict[str, Any]]:
    """Check the envelope's shape; return (problem or None, loggable fields: never ids or words)."""
    fields: Dict[str, Any] = {}
    if not isinstance(data, dict):
        return {"reason": "not_an_envelope", "message": "body is not a JSON object"}, fields
    req = data.get("request")
    if isinstance(req, dict):
        if isinstance(req.get("type"), str):
            fields["request_type"] = req["type"][:64]
        intent = req.get("intent")
        if isinstance(intent, dict) and isinstance(intent.get("name"), str):
            fields["intent"] = intent["name"][:64]
        if isinstance(req.get("requestId"), str):
            fields["request_id"] = ".." + req["requestId"][-6:]  # a short suffix, enough to correlate
    session = data.get("session")
    if isinstance(session, dict) and isinstance(session.get("new"), bool):
        fields["new_session"] = session["new"]
    system = (data.get("context") or {}).get("System") if isinstance(data.get("context"), dict) else None
    ok = (isinstance(data.get("version"), str) and isinstance(req, dict)
          and isinstance(req.get("type"), str) and req["type"]
          and isinstance(req.get("timestamp"), str)
          and isinstance(system, dict) and isinstance(system.get("application"), dict)
          and isinstance(system["application"].get("applicationId"), str)
          and (session is None or isinstance(session, dict)))
    if not ok:
        return {"reason": "not_an_envelope", "message": "body is not an Alexa request envelope"}, fields
    return None, fields


def _json(payload: Dict[str, Any], status: int, headers: Optional[Dict[str, str]] = None) -> Response:
    resp = Response(json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json")
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def _error(status: int, reason: str, message: str) -> Response:
    g.log_fields.update(outcome="rejected" if status < 500 else "error", reason=reason)
    return _json({"error": reason, "message": message}, status)


def configure_logging(level: Optional[str]) -> None:
    """Give our loggers a stderr handler when nobody configured logging (e.g. under gunicorn)."""
    logger = logging.getLogger("gesprekscoach")
    if level:
        logger.setLevel(getattr(logging, str(level).upper(), logging.INFO))
    elif logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)


def create_app(config: Optional[SkillConfig] = None, settings: Optional[WebSettings] = None, *,
               skill: Optional[CustomSkill] = None) -> Flask:
    """The Flask app. With no arguments everything comes from the environment (for gunicorn)."""
    config = config if config is not None else SkillConfig.from_env(default_store="sqlite")  # issue 9
    settings = settings if settings is not None else WebSettings.from_env()
    configure_logging(settings.log_level)
    if skill is None:
        from skill.builder import build_skill

        skill = build_skill(config)
    trust_roots = settings.trust_roots
    if trust_roots is None and settings.trust_roots_path:
        with open(settings.trust_roots_path, "rb") as fh:
            trust_roots = load_pem_bundle(fh.read())
        if not trust_roots:
            raise RuntimeError(f"no certificates in trust roots file {settings.trust_roots_path}")
    if trust_roots is None and not settings.dev:
        trust_roots = default_trust_roots()  # load at start-up: a missing CA bundle fails fast
    verifiers = build_verifiers(skill_id=config.skill_id, verify_signature=not settings.dev,
                                trust_roots=trust_roots, fetcher=settings.fetcher, clock=settings.clock,
                                fetch_timeout=settings.fetch_timeout, cache_size=settings.cert_cache_size)
    handler = SkillHandler(skill, verifiers)

    if settings.dev:
        log.warning(DEV_WARNING)
    if not config.skill_id:
        log.warning("no skill id configured (GESPREKSCOACH_SKILL_ID / --skill-id): requests for any "
                    "skill id are accepted")

    app = Flask("gesprekscoach")
    # one byte of slack: a streamed (chunked) body is cut at this length rather than refused, so a
    # body longer than max_body_bytes is recognised below and refused with 413 either way
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes + 1
    app.extensions["gesprekscoach"] = {"handler": handler, "settings": settings, "config": config,
                                       "verifiers": verifiers}

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        g.log_fields = {}

    @app.after_request
    def _log_line(resp: Response) -> Response:
        fields = getattr(g, "log_fields", {})
        started = getattr(g, "started", None)
        line = {"event": "http", "method": request.method, "path": request.path[:64],
                "status": resp.status_code}
        line.update(fields)
        line.setdefault("outcome", "ok" if resp.status_code < 400 else "rejected")
        if started is not None:
            line["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
        level = logging.DEBUG if request.path == "/health" and resp.status_code == 200 else logging.INFO
        log.log(level, json.dumps(line, ensure_ascii=False, sort_keys=True))
        return resp

    @app.get("/health")
    def health() -> Response:
        return _json({"status": "ok", "skill": "gesprekscoach", "signature_check": not settings.dev,
                      "skill_id_check": bool(config.skill_id)}, 200)

    @app.post("/alexa")
    def alexa() -> Response:
        raw = request.get_data(cache=True)  # 413 from here when Content-Length is over the limit
        if len(raw) > settings.max_body_bytes:
            return _error(413, "too_large", f"request body larger than {settings.max_body_bytes} bytes")
        try:
            text = raw.decode("utf-8")
            data = json.loads(text)
        except (UnicodeDecodeError, ValueError):
            return _error(400, "invalid_json", "body is not valid UTF-8 JSON")
        problem, fields = _envelope_summary(data)
        g.log_fields.update(fields)
        if problem:
            return _error(400, problem["reason"], problem["message"])
        try:
            result = handler.verify_request_and_dispatch(request.headers, text)
        except _Rejected as exc:
            return _error(exc.status, exc.reason, exc.message)
        except Exception as exc:  # a fault of ours: log it, answer without a traceback
            log.error("skill failed on %s: %s", fields.get("request_type", "?"), type(exc).__name__,
                      exc_info=True)
            return _error(500, "internal_error", "the skill could not handle this request")
        g.log_fields["outcome"] = "ok"
        return _json(result, 200)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        reason = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(exc.code or 400,
                                                                                    "bad_request")
        if not hasattr(g, "log_fields"):
            g.log_fields = {}
        resp = _error(exc.code or 400, reason, exc.description if exc.code != 413 else
                      f"request body larger than {settings.max_body_bytes} bytes")
        if exc.code == 405 and getattr(exc, "valid_methods", None):
            resp.headers["Allow"] = ", ".join(exc.valid_methods)
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.error("unexpected error: %s", type(exc).__name__, exc_info=True)
        if not hasattr(g, "log_fields"):
            g.log_fields = {}
        return _error(500, "internal_error", "internal error")

    return app
