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
as for /alexa). Session attributes travel with the browser, in an HttpOnly cookie that is signed
(HMAC-SHA256, bound to the browser's user id), size-capped and expires after a while without a turn;
so any worker process can take the next turn and the server keeps no state per visitor.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from flask import Blueprint, Flask, Response, g, request

from skill.web.app import json_response
from skill.logsafe import loggable_intent
from skill.ssml import speech_pieces

log = logging.getLogger("gesprekscoach.web")

STATIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
USER_COOKIE = "gc_gebruiker"  # the browser's anonymous user id (for persistence), a year
SESSION_COOKIE = "gc_sessie"  # the conversation: a browser-session cookie holding the signed state
STATE_PATH = "/api/turn"  # ... sent to the endpoint only
USER_PREFIX = "amzn1.ask.account.WEB-"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "media-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
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
    address. session_idle_seconds / max_state_bytes: the conversation state, which the browser holds
    in a signed cookie (so any worker process can take the next turn). secret: the signing key
    (GESPREKSCOACH_WEB_SECRET; else a random key kept in secret_file, shared by the workers on one
    machine). clock (monotonic) and wall_clock (epoch seconds): injectable for tests.
    """

    max_text_chars: int = 300
    max_body_bytes: int = 2048
    rate_burst: int = 30
    rate_per_minute: int = 60
    max_clients: int = 10000
    proxy_hops: int = 0  # behind N trusted proxies: the client is X-Forwarded-For's Nth from the end
    session_idle_seconds: int = 1800
    max_state_bytes: int = 3500  # the signed cookie; browsers keep cookies up to 4096 bytes
    secret: Optional[bytes] = None
    secret_file: Optional[str] = None
    clock: Callable[[], float] = field(default=time.monotonic)
    wall_clock: Callable[[], float] = field(default=time.time)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "PageSettings":
        env = os.environ if environ is None else environ
        secret = (env.get("GESPREKSCOACH_WEB_SECRET") or "").encode("utf-8") or None
        return cls(
            max_text_chars=_int_env(env, "GESPREKSCOACH_WEB_MAX_TEXT", 300),
            rate_burst=_int_env(env, "GESPREKSCOACH_WEB_RATE_BURST", 30),
            rate_per_minute=_int_env(env, "GESPREKSCOACH_WEB_RATE_PER_MINUTE", 60),
            session_idle_seconds=_int_env(env, "GESPREKSCOACH_WEB_SESSION_IDLE", 1800),
            proxy_hops=_int_env(env, "GESPREKSCOACH_WEB_PROXY_HOPS", 0),
            secret=secret,
            secret_file=default_secret_file(env),
        )


def default_secret_file(environ: Mapping[str, str]) -> str:
    """$XDG_DATA_HOME/gesprekscoach/web-secret (XDG_DATA_HOME defaults to ~/.local/share)."""
    base = environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "gesprekscoach", "web-secret")


def load_secret(settings: PageSettings) -> bytes:
    """The signing key: the configured one, else the one in secret_file (made on first use, mode 0600,
    so every worker process on this machine signs alike), else a key for this process only."""
    if settings.secret:
        return settings.secret
    path = settings.secret_file
    if path:
        try:
            with open(path, "rb") as fh:
                key = fh.read()
            if len(key) >= 32:
                return key
        except OSError:
            pass
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
            try:
                os.link(tmp, path)  # the first worker's key wins; the others read it
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
            with open(path, "rb") as fh:
                key = fh.read()
            if len(key) >= 32:
                return key
        except OSError as exc:
            log.warning(
                "page: no signing key file (%s); conversations only continue in this process: "
                "set GESPREKSCOACH_WEB_SECRET when running more than one",
                type(exc).__name__,
            )
    return secrets.token_bytes(32)


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
    session_id: Optional[str]  # the Alexa session id; None when no session is open
    attributes: Dict[str, Any]
    seen: float  # when the last turn was (epoch seconds)


class StateSigner:
    """The conversation state as a value the browser keeps (an HttpOnly cookie) and sends back: the
    Alexa session id and attributes, compressed, with the time of the turn, signed with HMAC-SHA256
    over the browser's user id too (a state is worth nothing in another browser or after changes).
    Any worker process with the same key takes the next turn; nothing is kept on the server."""

    VERSION = "1"
    MAX_JSON = 64 * 1024  # a decompressed state is never larger (no zip bombs)

    def __init__(self, key: bytes, idle_seconds: int, max_bytes: int, clock: Callable[[], float]):
        self.key, self.idle, self.max_bytes, self.clock = key, idle_seconds, max_bytes, clock

    def _mac(self, user: str, body: str) -> str:
        digest = hmac.new(self.key, f"{self.VERSION}.{user}.{body}".encode("ascii"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")

    def dump(self, user: str, session_id: Optional[str], attributes: Dict[str, Any]) -> Optional[str]:
        """The signed state; None for a closed session or a state over max_bytes (not kept)."""
        if session_id is None:
            return None
        raw = json.dumps(
            {"s": session_id, "a": attributes, "t": int(self.clock())}, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")
        body = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")
        value = f"{self.VERSION}.{body}.{self._mac(user, body)}"
        return value if len(value) <= self.max_bytes else None

    def load(self, user: str, value: Optional[str]) -> Optional[Session]:
        """The state, if it is ours, for this browser, unchanged and recent; else None."""
        if not value or len(value) > self.max_bytes or value.count(".") != 2:
            return None
        version, body, mac = value.split(".")
        if version != self.VERSION or not hmac.compare_digest(mac, self._mac(user, body)):
            return None
        try:
            packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            inflater = zlib.decompressobj()
            raw = inflater.decompress(packed, self.MAX_JSON)
            if inflater.unconsumed_tail:
                return None
            data = json.loads(raw.decode("utf-8"))
        except (ValueError, zlib.error, UnicodeDecodeError):
            return None
        if not (
            isinstance(data, dict)
            and isinstance(data.get("s"), str)
            and isinstance(data.get("a"), dict)
            and isinstance(data.get("t"), int)
        ):
            return None
        age = self.clock() - data["t"]
        if age > self.idle or age < -60:
            return None
        return Session(data["s"], data["a"], data["t"])


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
        self.warming: Optional[threading.Thread] = None

    def _base_chat(self):
        if self._chat is None:
            from skill.dev.commands.chat import Chat

            chat = Chat(self.skill, skill_id=self.skill_id)
            chat.resolver.resolve("geef me een tip")  # load the grammar now, not in a visitor's turn
            self._chat = chat
        return self._chat

    def warm_up(self) -> None:
        """Load the resolver in the background when the page is first opened (about a second with
        the sentence grammar), so the first question does not wait for it; /alexa never loads it."""
        if self._chat is not None or self.warming is not None:
            return

        def load() -> None:
            with self._lock:
                try:
                    self._base_chat()
                except Exception:  # the first turn will try again, and report
                    log.warning("page: loading the resolver failed", exc_info=True)

        self.warming = threading.Thread(target=load, name="gesprekscoach-page-warm-up", daemon=True)
        self.warming.start()

    def turn(self, text: str, session: Optional[Session], user_id: str):
        """(reply, understood, session id to keep or None, attributes)."""
        from skill.dev.runtime import dispatch

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

    from skill.dev.conversation import Conversation

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
    from skill.dev.nlu import normalize

    card = reply.card
    if not card:
        return None
    content = str(card.get("content") or card.get("text") or "")
    return {
        "title": str(card.get("title") or ""),
        "content": content,
        "same_as_speech": normalize(content) == normalize(reply.speech),
    }


def answer_payload(reply, understood: str) -> Dict[str, Any]:
    """What the page shows and speaks of one answer."""
    from skill.dev.commands.chat import readable

    return {
        "understood": str(understood),
        "text": readable(reply.ssml) if reply.ssml else "",
        "speech": speech_pieces(reply.ssml) if reply.ssml else [],
        "card": _card(reply),
        "ended": reply.ended,
    }


# the blueprint -----------------------------------------------------------------------------------


def _json(payload: Dict[str, Any], status: int = 200) -> Response:
    return json_response(payload, status, {"Cache-Control": "no-store"})


def _error(status: int, reason: str, message: str) -> Response:
    if hasattr(g, "log_fields"):
        g.log_fields.update(outcome="rejected", reason=reason)
    return _json({"error": reason, "message": message}, status)


def _secure() -> bool:
    return request.is_secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def _token(name: str) -> Optional[str]:
    value = request.cookies.get(name) or ""
    return value if _TOKEN.match(value) else None


def _set_cookie(resp: Response, name: str, value: str, max_age: Optional[int], path: str = "/") -> None:
    resp.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite="Strict", secure=_secure())


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
    states = StateSigner(
        load_secret(settings), settings.session_idle_seconds, settings.max_state_bytes, settings.wall_clock
    )
    bp = Blueprint("page", __name__, static_folder=STATIC, static_url_path="/assets")
    bp.coach, bp.states, bp.limiter, bp.settings = coach, states, limiter, settings  # for tests

    @bp.after_request
    def _headers(resp: Response) -> Response:
        for key, value in SECURITY_HEADERS.items():
            resp.headers[key] = value
        return resp

    @bp.get("/")
    def index() -> Response:
        coach.warm_up()
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
        sent_state = request.cookies.get(SESSION_COOKIE)
        session = None if new_user else states.load(user, sent_state)  # forged, old or foreign: a new one
        reply, understood, session_id, attributes = coach.turn(text, session, USER_PREFIX + user)
        state = states.dump(user, session_id, attributes)
        if hasattr(g, "log_fields"):
            request_body = reply.request.get("request") or {}
            g.log_fields.update(request_type=str(request_body.get("type", ""))[:64], outcome="ok")
            if isinstance(request_body.get("intent"), dict):
                g.log_fields["intent"] = loggable_intent(str(request_body["intent"].get("name", "")))
        resp = _json(answer_payload(reply, understood))
        if new_user:
            _set_cookie(resp, USER_COOKIE, user, 365 * 24 * 3600)
        if state is not None:
            _set_cookie(resp, SESSION_COOKIE, state, None, path=STATE_PATH)
        elif sent_state is not None:
            resp.delete_cookie(SESSION_COOKIE, path=STATE_PATH, httponly=True, samesite="Strict", secure=_secure())
        return resp

    return bp


def register(app: Flask, skill, skill_id: Optional[str], settings: Optional[PageSettings] = None) -> None:
    """Serve the page on app (called by skill.web.app.create_app unless the page is turned off)."""
    app.register_blueprint(create_blueprint(skill, skill_id, settings))
