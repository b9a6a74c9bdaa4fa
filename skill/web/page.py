"""The coach in a browser page: ``GET /`` (one Dutch page, static files under skill/web/static/) and
``POST /api/turn`` (its JSON endpoint), a Flask blueprint registered by skill.web.app unless it is
turned off (``gesprekscoach serve --no-web`` or GESPREKSCOACH_NO_WEB=1).

A turn goes the way of ``gesprekscoach chat``: the typed (or recognised) text is resolved to an intent
and slots, turned into a real request envelope and sent through the same skill builder
(``understand_and_answer``, the one place that calls the resolver). The endpoint never passes through
``/alexa`` and so never touches its verification.

Safe on the open internet: JSON only, the text capped in length, a per-client rate limit (429 with a
JSON error), a strict Content-Security-Policy (no inline script or style, nothing from elsewhere),
cookies HttpOnly and SameSite=Strict, and nothing a visitor types is logged (only the intent name,
as for /alexa). Session attributes stay on the server, per browser session: bounded in number and
size, and forgotten after a while without a turn.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from flask import Blueprint, Flask, Response, g, request

from skill.ssml import speech_pieces

STATIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
USER_COOKIE = "gc_gebruiker"      # the browser's anonymous user id (for persistence), a year
SESSION_COOKIE = "gc_sessie"      # the conversation: a browser-session cookie, state on the server
USER_PREFIX = "amzn1.ask.account.WEB-"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "media-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "microphone=(self), camera=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _int_env(env: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(env.get(name) or default)
    except ValueError:
        return default


@dataclass
class PageSettings:
    """Limits of the page's endpoint (env GESPREKSCOACH_WEB_*; see docs/browser.md).

    max_text_chars: longer text gets 413. rate_burst / rate_per_minute: a token bucket per client
    address. max_sessions / session_idle_seconds / max_attributes_bytes: the server-side sessions.
    clock: monotonic seconds, injectable for tests.
    """

    max_text_chars: int = 300
    max_body_bytes: int = 2048
    rate_burst: int = 30
    rate_per_minute: int = 60
    max_clients: int = 10000
    proxy_hops: int = 0               # behind N trusted proxies: the client is X-Forwarded-For's Nth from the end
    max_sessions: int = 2000          # with max_attributes_bytes: at most about 32 MB of state
    session_idle_seconds: int = 1800
    max_attributes_bytes: int = 16 * 1024
    clock: Callable[[], float] = field(default=time.monotonic)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "PageSettings":
        env = os.environ if environ is None else environ
        return cls(max_text_chars=_int_env(env, "GESPREKSCOACH_WEB_MAX_TEXT", 300),
                   rate_burst=_int_env(env, "GESPREKSCOACH_WEB_RATE_BURST", 30),
                   rate_per_minute=_int_env(env, "GESPREKSCOACH_WEB_RATE_PER_MINUTE", 60),
                   max_sessions=_int_env(env, "GESPREKSCOACH_WEB_MAX_SESSIONS", 2000),
                   session_idle_seconds=_int_env(env, "GESPREKSCOACH_WEB_SESSION_IDLE", 1800),
                   proxy_hops=_int_env(env, "GESPREKSCOACH_WEB_PROXY_HOPS", 0))


# limits and sessions -----------------------------------------------------------------------------


class RateLimiter:
    """A token bucket per client key; at most max_clients buckets (the least recently seen go), and a
    client is forgotten once its bucket is full again (burst / rate: 30 s at the defaults)."""

    def __init__(self, burst: int, per_minute: int, max_clients: int, clock: Callable[[], float]):
        self.burst, self.per_second = max(1, burst), max(0.0, per_minute / 60.0)
        self.max_clients, self.clock = max(1, max_clients), clock
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()  # key -> (tokens, when)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def allow(self, key: str) -> Tuple[bool, int]:
        """(allowed, seconds until the next token when refused)."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.per_second)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            # forget clients whose bucket is full again (they are as new), and the oldest beyond the cap
            while self._buckets:
                old_key, (old_tokens, old_last) = next(iter(self._buckets.items()))
                full = old_tokens + (now - old_last) * self.per_second >= self.burst
                if len(self._buckets) > self.max_clients or (full and old_key != key):
                    del self._buckets[old_key]
                else:
                    break
        if allowed:
            return True, 0
        wait = (1.0 - tokens) / self.per_second if self.per_second else 3600
        return False, max(1, int(wait + 0.999))


@dataclass
class Session:
    session_id: Optional[str]           # the Alexa session id; None when no session is open
    attributes: Dict[str, Any]
    seen: float


class SessionStore:
    """Conversation state per browser session, on the server: at most max_sessions (the least
    recently used go first), forgotten after idle_seconds, attributes over max_bytes dropped."""

    def __init__(self, max_sessions: int, idle_seconds: int, max_bytes: int, clock: Callable[[], float]):
        self.max_sessions, self.idle, self.max_bytes, self.clock = max(1, max_sessions), idle_seconds, \
            max_bytes, clock
        self._items: "OrderedDict[str, Session]" = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: str) -> Optional[Session]:
        now = self.clock()
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if now - item.seen > self.idle:
                del self._items[key]
                return None
            return Session(item.session_id, item.attributes, item.seen)

    def put(self, key: str, session_id: Optional[str], attributes: Dict[str, Any]) -> bool:
        """Keep (or, for a closed session, forget) the state; False when it was too large to keep."""
        with self._lock:
            self._items.pop(key, None)
            if session_id is None:
                return True
            size = len(json.dumps(attributes, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            if size > self.max_bytes:
                return False
            now = self.clock()
            self._items[key] = Session(session_id, attributes, now)
            while self._items:
                oldest_key, oldest = next(iter(self._items.items()))
                if len(self._items) > self.max_sessions or now - oldest.seen > self.idle:
                    del self._items[oldest_key]
                else:
                    break
        return True


# the turn ----------------------------------------------------------------------------------------


# Beside a browser session's attributes: the slot the skill elicited (Dialog.ElicitSlot), so the next
# sentence fills it whole, as on Alexa (a practice reply). Not a key the skill uses; never sent to it.
ELICITED_KEY = "_elicited"


class Coach:
    """The skill behind the page: one resolver (loaded on first use) and the skill builder."""

    def __init__(self, skill, skill_id: Optional[str]):
        self.skill, self.skill_id = skill, skill_id
        self._chat = None
        self._lock = threading.Lock()  # one turn at a time: the resolver is not promised thread-safe

    def _base_chat(self):
        if self._chat is None:
            from skill.commands.chat import Chat

            self._chat = Chat(self.skill, skill_id=self.skill_id)
            self._chat.say("")  # warm up the resolver and the skill before the first visitor
        return self._chat

    def turn(self, text: str, session: Optional[Session], user_id: str):
        """(reply, understood, session id to keep or None, attributes)."""
        from skill.runtime import dispatch

        def send(envelope: Dict[str, Any]) -> Dict[str, Any]:
            for user in (envelope["session"]["user"], envelope["context"]["System"]["user"]):
                user["userId"] = user_id  # this browser's anonymous user
            return dispatch(self.skill, envelope)

        with self._lock:
            reply, understood, talk = understand_and_answer(self._base_chat(), send, text, session)
        attributes = talk.attributes
        if talk.elicited and talk.session_id:  # what Alexa would remember: the slot the skill asked for
            attributes = dict(attributes, **{ELICITED_KEY: list(talk.elicited)})
        return reply, understood, talk.session_id, attributes


def understand_and_answer(base_chat, send, text: str, session: Optional[Session]):
    """What the page's visitor said, answered as ``gesprekscoach chat`` answers it: resolved by the
    chat's own resolver (Chat.say: invocation phrases, wake word, intent and slots), sent as a real
    request envelope through send (the skill). The page is the opened skill: text outside a session
    first opens one (a LaunchRequest whose welcome is not shown), so an answer continues the
    conversation as on an Echo after "open empathisch gesprek" (an invocation phrase still starts
    afresh or is a one-shot, as in the chat). Returns (reply, understood, conversation)."""
    import copy

    from skill.conversation import Conversation

    chat = copy.copy(base_chat)  # shares the resolver; a conversation of its own
    chat.talk = Conversation(send, skill_id=base_chat.talk.skill_id)
    if session is not None:
        attributes = dict(session.attributes)
        elicited = attributes.pop(ELICITED_KEY, None)  # kept beside the skill's attributes, never sent
        chat.talk.session_id, chat.talk.attributes = session.session_id, attributes
        if isinstance(elicited, list) and len(elicited) == 2 and all(isinstance(x, str) for x in elicited):
            chat.talk.elicited = (elicited[0], elicited[1])
    if text and not chat.talk.in_session:
        chat.say("")
    reply, understood = chat.say(text)
    return reply, understood, chat.talk


def _card(reply) -> Optional[Dict[str, Any]]:
    """The card; same_as_speech when it only writes out what is said (the page then shows its title)."""
    from skill.nlu import normalize

    card = reply.card
    if not card:
        return None
    content = str(card.get("content") or card.get("text") or "")
    return {"title": str(card.get("title") or ""), "content": content,
            "same_as_speech": normalize(content) == normalize(reply.speech)}


def answer_payload(reply, understood: str) -> Dict[str, Any]:
    """What the page shows and speaks of one answer."""
    from skill.commands.chat import readable

    return {
        "understood": str(understood),
        "text": readable(reply.ssml) if reply.ssml else "",
        "speech": speech_pieces(reply.ssml) if reply.ssml else [],
        "card": _card(reply),
        "ended": reply.ended,
    }


# the blueprint -----------------------------------------------------------------------------------


def _json(payload: Dict[str, Any], status: int = 200) -> Response:
    resp = Response(json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json")
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _error(status: int, reason: str, message: str) -> Response:
    if hasattr(g, "log_fields"):
        g.log_fields.update(outcome="rejected", reason=reason)
    return _json({"error": reason, "message": message}, status)


def _secure() -> bool:
    return request.is_secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def _token(name: str) -> Optional[str]:
    value = request.cookies.get(name) or ""
    return value if _TOKEN.match(value) else None


def _set_cookie(resp: Response, name: str, value: str, max_age: Optional[int]) -> None:
    resp.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="Strict",
                    secure=_secure())


def _client_key(proxy_hops: int) -> str:
    """The client's address: the peer's, or behind proxy_hops trusted proxies the address the first
    of them saw (X-Forwarded-For is only read then: a client cannot pick its own rate-limit key)."""
    if proxy_hops > 0:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxy_hops:
            return forwarded[-proxy_hops][:64]
    return request.remote_addr or "?"


def create_blueprint(skill, skill_id: Optional[str], settings: Optional[PageSettings] = None) -> Blueprint:
    settings = settings or PageSettings.from_env()
    coach = Coach(skill, skill_id)
    limiter = RateLimiter(settings.rate_burst, settings.rate_per_minute, settings.max_clients, settings.clock)
    sessions = SessionStore(settings.max_sessions, settings.session_idle_seconds,
                            settings.max_attributes_bytes, settings.clock)
    bp = Blueprint("page", __name__, static_folder=STATIC, static_url_path="/assets")
    bp.coach, bp.sessions, bp.limiter, bp.settings = coach, sessions, limiter, settings  # for tests

    @bp.after_request
    def _headers(resp: Response) -> Response:
        for key, value in SECURITY_HEADERS.items():
            resp.headers[key] = value
        return resp

    @bp.get("/")
    def index() -> Response:
        resp = bp.send_static_file("index.html")
        resp.headers["Cache-Control"] = "no-cache"
        if _token(USER_COOKIE) is None:
            _set_cookie(resp, USER_COOKIE, secrets.token_urlsafe(24), 365 * 24 * 3600)
        return resp

    @bp.post("/api/turn")
    def turn() -> Response:
        allowed, wait = limiter.allow(_client_key(settings.proxy_hops))
        if not allowed:
            resp = _error(429, "rate_limited", "too many requests; try again shortly")
            resp.headers["Retry-After"] = str(wait)
            return resp
        if request.mimetype != "application/json":
            return _error(415, "unsupported_media_type", "send application/json")
        if (request.content_length or 0) > settings.max_body_bytes:
            return _error(413, "too_large", f"request body larger than {settings.max_body_bytes} bytes")
        raw = request.get_data(cache=False)
        if len(raw) > settings.max_body_bytes:
            return _error(413, "too_large", f"request body larger than {settings.max_body_bytes} bytes")
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return _error(400, "invalid_json", "body is not valid UTF-8 JSON")
        if not isinstance(data, dict) or not isinstance(data.get("text", ""), str):
            return _error(400, "bad_request", 'send {"text": "..."}')
        text = " ".join(data.get("text", "").split())
        if len(text) > settings.max_text_chars:
            return _error(413, "text_too_long", f"text longer than {settings.max_text_chars} characters")
        if any(ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF for ch in text):
            return _error(400, "bad_text", "text holds control characters")

        user = _token(USER_COOKIE)
        new_user = user is None
        user = user or secrets.token_urlsafe(24)
        key = _token(SESSION_COOKIE)
        session = sessions.get(key) if key else None
        new_key = session is None  # a key the server did not hand out (or has forgotten) is replaced
        if new_key:
            key = secrets.token_urlsafe(24)
        reply, understood, session_id, attributes = coach.turn(text, session, USER_PREFIX + user)
        sessions.put(key, session_id, attributes)
        if hasattr(g, "log_fields"):
            request_body = reply.request.get("request") or {}
            g.log_fields.update(request_type=str(request_body.get("type", ""))[:64], outcome="ok")
            if isinstance(request_body.get("intent"), dict):
                g.log_fields["intent"] = str(request_body["intent"].get("name", ""))[:64]
        resp = _json(answer_payload(reply, understood))
        if new_user:
            _set_cookie(resp, USER_COOKIE, user, 365 * 24 * 3600)
        if new_key:
            _set_cookie(resp, SESSION_COOKIE, key, None)
        return resp

    return bp


def register(app: Flask, skill, skill_id: Optional[str], settings: Optional[PageSettings] = None) -> None:
    """Serve the page on app (called by skill.web.app.create_app unless the page is turned off)."""
    app.register_blueprint(create_blueprint(skill, skill_id, settings))
