"""The Flask webservice: ``POST /alexa`` (verified Alexa requests), ``GET /health``, and the privacy
statement and terms of use (``GET /privacy``, ``GET /terms``, skill.web.legal).

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
from flask import Blueprint, Flask, Response, g, request
from werkzeug.exceptions import HTTPException, RequestHeaderFieldsTooLarge

from skill.config import SkillConfig
from skill.errors import GesprekscoachError
from skill.serializer import read_request
from skill.logsafe import loggable_intent
from skill.web.sdk_compat import VerificationException, WebserviceSkillHandler
from skill.web.verifier import Clock, Fetcher, RequestRejected, build_verifiers, default_trust_roots, load_pem_bundle

log = logging.getLogger("gesprekscoach.web")

DEFAULT_MAX_BODY_BYTES = 128 * 1024
DEV_WARNING = (
    "DEV MODE: the Alexa request SIGNATURE CHECK IS OFF (--dev / GESPREKSCOACH_DEV=1). "
    "Timestamp and skill id checks stay on. Never expose this server to the internet."
)
_TRUE = {"1", "true", "yes", "on"}
QUIET_PATHS = frozenset({"/health"})  # logged at DEBUG when they answer 200
MAX_HEADER_BYTES = 64 * 1024  # all request headers together; more is a 431 JSON error


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
    web_page: bool = True  # GET / and POST /api/turn (skill.web.page); env GESPREKSCOACH_NO_WEB=1
    page: Optional[Any] = None  # skill.web.page.PageSettings; None: from the environment

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
            web_page=(env.get("GESPREKSCOACH_NO_WEB") or "").strip().lower() not in _TRUE,
        )


class _Rejected(GesprekscoachError):
    """A request the endpoint refuses on purpose: answered with status (4xx) and reason, never a 500."""

    def __init__(self, status: int, reason: str, message: str, detail: Optional[str] = None):
        super().__init__(message)
        self.status, self.reason, self.message, self.detail = status, reason, message, detail


class SkillHandler(WebserviceSkillHandler):
    """The SDK's handler, given our verifiers instead of its own (verify_signature/verify_timestamp
    are off because ours replace them, not because nothing is checked).

    verify_request_and_dispatch does what the SDK's does, in the order an unauthenticated request
    costs least: the signature over the raw bytes first (verifiers with ``needs_raw_body``), then
    parse the JSON and check its shape, then the timestamp (Amazon's form only) and skill id on the
    parsed JSON, and only then let the SDK deserialize and invoke. Each failed step is labelled, so
    that a bad envelope or a failed check is a 400 and a fault of our own is told apart from it.
    """

    def __init__(self, skill: CustomSkill, verifiers):
        super().__init__(skill, verify_signature=False, verify_timestamp=False, verifiers=verifiers)

    def verify_request_and_dispatch(
        self, http_request_headers, http_request_body, log_fields: Optional[Dict[str, Any]] = None
    ):
        raw = http_request_body.encode("utf-8") if isinstance(http_request_body, str) else http_request_body
        # (split per request: a verifier added to self._verifiers later, as bench/verification.py does, runs too)
        on_raw = [v for v in self._verifiers if getattr(v, "needs_raw_body", False)]
        self._run(on_raw, http_request_headers, raw, None)
        try:
            text = raw.decode("utf-8")
            data = json.loads(text)
        except (UnicodeDecodeError, ValueError):
            raise _Rejected(400, "invalid_json", "body is not valid UTF-8 JSON")
        except RecursionError:
            raise _Rejected(400, "invalid_json", "body is nested too deeply", "RecursionError in json.loads")
        problem, fields = _envelope_summary(data)
        if log_fields is not None:
            log_fields.update(fields)
        if problem:
            raise _Rejected(400, problem["reason"], problem["message"])
        self._run(
            [v for v in self._verifiers if not getattr(v, "needs_raw_body", False)], http_request_headers, text, data
        )
        try:
            envelope = read_request(self._skill.serializer, data, text, RequestEnvelope)  # parsed once
        except Exception as exc:
            raise _Rejected(400, "not_an_envelope", "body is not an Alexa request envelope", type(exc).__name__)
        if envelope is None or envelope.request is None:
            raise _Rejected(400, "not_an_envelope", "body is not an Alexa request envelope")
        try:
            response_envelope = self._skill.invoke(request_envelope=envelope, context=None)
        except DispatchException as exc:
            if "Unable to find a suitable request handler" in str(exc):
                raise _Rejected(400, "unsupported_request", "this skill does not handle that request")
            raise
        return self._skill.serializer.serialize(response_envelope)

    @staticmethod
    def _run(verifiers, headers, body, envelope) -> None:
        for verifier in verifiers:
            try:
                verifier.verify(headers=headers, serialized_request_env=body, deserialized_request_env=envelope)
            except RequestRejected as exc:
                raise _Rejected(400, exc.reason, exc.message, exc.detail)
            except VerificationException as exc:
                raise _Rejected(400, "verification_failed", "request verification failed", str(exc))


def _envelope_summary(data: Any) -> Tuple[Optional[Dict[str, Any]], Dict[str, Any]]:
    """Check the envelope's shape; return (problem or None, loggable fields: never ids or words,
    and no intent name that says what someone confided, see skill.logsafe)."""
    fields: Dict[str, Any] = {}
    if not isinstance(data, dict):
        return {"reason": "not_an_envelope", "message": "body is not a JSON object"}, fields
    req = data.get("request")
    if isinstance(req, dict):
        if isinstance(req.get("type"), str):
            fields["request_type"] = req["type"][:64]
        intent = req.get("intent")
        if isinstance(intent, dict) and isinstance(intent.get("name"), str):
            fields["intent"] = loggable_intent(intent["name"])
        if isinstance(req.get("requestId"), str):
            fields["request_id"] = ".." + req["requestId"][-6:]  # a short suffix, enough to correlate
    session = data.get("session")
    if isinstance(session, dict) and isinstance(session.get("new"), bool):
        fields["new_session"] = session["new"]
    system = (data.get("context") or {}).get("System") if isinstance(data.get("context"), dict) else None
    ok = (
        isinstance(data.get("version"), str)
        and isinstance(req, dict)
        and isinstance(req.get("type"), str)
        and req["type"]
        and isinstance(req.get("timestamp"), str)
        and isinstance(system, dict)
        and isinstance(system.get("application"), dict)
        and isinstance(system["application"].get("applicationId"), str)
        and (session is None or isinstance(session, dict))
    )
    if not ok:
        return {"reason": "not_an_envelope", "message": "body is not an Alexa request envelope"}, fields
    return None, fields


# encoders made once (json.dumps with options makes a new one on every call)
_body_json = json.JSONEncoder(ensure_ascii=False).encode
_log_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def json_response(payload: Dict[str, Any], status: int, headers: Optional[Dict[str, str]] = None) -> Response:
    resp = Response(_body_json(payload), status=status, mimetype="application/json")
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def _error(status: int, reason: str, message: str, detail: Optional[str] = None) -> Response:
    """A short JSON error; ``detail`` (the library's own words) goes only into the log line."""
    if not hasattr(g, "log_fields"):
        g.log_fields = {}
    g.log_fields.update(outcome="rejected" if status < 500 else "error", reason=reason)
    if detail:
        g.log_fields["detail"] = detail[:300]
    return json_response({"error": reason, "message": message}, status)


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


def _trust_roots(settings: WebSettings):
    trust_roots = settings.trust_roots
    if trust_roots is None and settings.trust_roots_path:
        with open(settings.trust_roots_path, "rb") as fh:
            trust_roots = load_pem_bundle(fh.read())
        if not trust_roots:
            raise RuntimeError(f"no certificates in trust roots file {settings.trust_roots_path}")
    if trust_roots is None and not settings.dev:
        trust_roots = default_trust_roots()  # load at start-up: a missing CA bundle fails fast
    return trust_roots


def create_app(
    config: Optional[SkillConfig] = None, settings: Optional[WebSettings] = None, *, skill: Optional[CustomSkill] = None
) -> Flask:
    """The Flask app. With no arguments everything comes from the environment (for gunicorn)."""
    config = config if config is not None else SkillConfig.from_env(default_store="sqlite")  # issue 9
    settings = settings if settings is not None else WebSettings.from_env()
    configure_logging(settings.log_level)
    if skill is None:
        from skill.builder import build_skill

        skill = build_skill(config)
    verifiers = build_verifiers(
        skill_id=config.skill_id,
        verify_signature=not settings.dev,
        trust_roots=_trust_roots(settings),
        fetcher=settings.fetcher,
        clock=settings.clock,
        fetch_timeout=settings.fetch_timeout,
        cache_size=settings.cert_cache_size,
    )
    handler = SkillHandler(skill, verifiers)

    if settings.dev:
        log.warning(DEV_WARNING)
    if not config.skill_id:
        log.warning(
            "no skill id configured (GESPREKSCOACH_SKILL_ID / --skill-id): requests for any skill id are accepted"
        )

    app = Flask("gesprekscoach")
    # one byte of slack: a streamed (chunked) body is cut at this length rather than refused, so a
    # body longer than max_body_bytes is recognised below and refused with 413 either way
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes + 1
    app.extensions["gesprekscoach"] = {
        "handler": handler,
        "settings": settings,
        "config": config,
        "verifiers": verifiers,
    }
    register_request_log(app)
    register_error_handlers(app, settings)
    app.register_blueprint(alexa_blueprint(handler, settings))
    from skill.web.legal import legal_blueprint  # (here, so ``python -m skill.web.legal`` runs cleanly)

    app.register_blueprint(legal_blueprint())
    if settings.web_page:
        from skill.web.page import register

        register(app, skill, config.skill_id, settings.page)
    return app


def register_request_log(app: Flask) -> None:
    """One JSON line per request on the gesprekscoach.web logger (never ids or the person's words)."""

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        g.log_fields = {}
        size = 0
        for key, value in request.headers.items():
            size += len(key) + len(value) + 4
        if size > MAX_HEADER_BYTES:
            raise RequestHeaderFieldsTooLarge(f"request headers larger than {MAX_HEADER_BYTES} bytes")

    @app.after_request
    def _log_line(resp: Response) -> Response:
        fields = getattr(g, "log_fields", {})
        started = getattr(g, "started", None)
        line = {"event": "http", "method": request.method, "path": request.path[:64], "status": resp.status_code}
        line.update(fields)
        line.setdefault("outcome", "ok" if resp.status_code < 400 else "rejected")
        if started is not None:
            line["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
        quiet = request.path in QUIET_PATHS and resp.status_code == 200
        log.log(logging.DEBUG if quiet else logging.INFO, _log_json(line))
        return resp


def alexa_blueprint(handler: SkillHandler, settings: WebSettings) -> Blueprint:
    """``POST /alexa`` (Alexa's requests) and ``GET /health``."""
    bp = Blueprint("alexa", __name__)

    @bp.get("/health")
    def health() -> Response:
        # Says only that the process answers: which checks are on is in the start-up log, never here
        # (a server that tells the world its signature check is off invites forged requests).
        return json_response({"status": "ok", "skill": "gesprekscoach"}, 200)

    @bp.post("/alexa")
    def alexa() -> Response:
        raw = request.get_data(cache=True)  # 413 from here when Content-Length is over the limit
        if len(raw) > settings.max_body_bytes:
            return _error(413, "too_large", f"request body larger than {settings.max_body_bytes} bytes")
        try:
            result = handler.verify_request_and_dispatch(request.headers, raw, log_fields=g.log_fields)
        except _Rejected as exc:
            return _error(exc.status, exc.reason, exc.message, exc.detail)
        except Exception as exc:  # a fault of ours: log it, answer without a traceback
            log.error(
                "skill failed on %s: %s", g.log_fields.get("request_type", "?"), type(exc).__name__, exc_info=True
            )
            return _error(500, "internal_error", "the skill could not handle this request")
        g.log_fields["outcome"] = "ok"
        return json_response(result, 200)

    return bp


def register_error_handlers(app: Flask, settings: WebSettings) -> None:
    """Every error is a short JSON answer; a fault of ours is logged with its traceback, never sent."""

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        reason = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 431: "headers_too_large"}.get(
            exc.code or 400, "bad_request"
        )
        resp = _error(
            exc.code or 400,
            reason,
            exc.description if exc.code != 413 else f"request body larger than {settings.max_body_bytes} bytes",
        )
        if exc.code == 405 and getattr(exc, "valid_methods", None):
            resp.headers["Allow"] = ", ".join(exc.valid_methods)
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.error("unexpected error: %s", type(exc).__name__, exc_info=True)
        return _error(500, "internal_error", "internal error")
