"""Alexa request verification for the webservice, through ask-sdk-webservice-support's interface.

Why our own verifiers instead of the SDK's ``RequestVerifier`` / ``TimestampVerifier``: the SDK's
signature verifier cannot be given trust roots or a fetcher (so it cannot be tested offline), downloads
and re-validates the certificate chain on every request, and depends on certvalidator -> oscrypto,
which fails at import on OpenSSL >= 3.0.10 (oscrypto issue 78). Its timestamp verifier reads the wall
clock directly. Ours implement the same ``AbstractVerifier.verify(headers, serialized_request_env,
deserialized_request_env)`` interface and are handed to the SDK's ``WebserviceSkillHandler``; chain
validation is done by ``cryptography.x509.verification`` (path building, dates, SAN), nothing hand-rolled.

Every failure raises ``VerificationException`` (the SDK's), with a short machine-readable ``reason``.
Order (skill.web.app runs them): the signature over the raw bytes first, before the body is parsed;
then, on the parsed JSON and before the SDK sees it, the timestamp (Amazon's form only) and skill id.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import http.client
import logging
import os
import posixpath
import re
import socket
import ssl
import threading
import time
import warnings
from collections import OrderedDict
from functools import lru_cache
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import quote, unquote, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import DNSName, PolicyBuilder, Store, VerificationError

from skill.web.sdk_compat import AbstractVerifier, VerificationException

log = logging.getLogger("gesprekscoach.web")

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
LEGACY_SIGNATURE_HEADER = "Signature"  # SHA-1; Amazon deprecated it, we never accept it
CERT_HOST = "s3.amazonaws.com"
CERT_PATH_PREFIX = "/echo.api/"
ECHO_API_SAN = "echo-api.amazon.com"
TIMESTAMP_TOLERANCE = timedelta(seconds=150)
SKILL_EVENT_TOLERANCE = timedelta(hours=1)  # Amazon may redeliver skill events for up to an hour
SKILL_EVENTS = frozenset(
    {
        "AlexaSkillEvent.SkillEnabled",
        "AlexaSkillEvent.SkillDisabled",
        "AlexaSkillEvent.SkillPermissionChanged",
        "AlexaSkillEvent.SkillPermissionAccepted",
        "AlexaSkillEvent.SkillAccountLinked",
    }
)
MAX_CHAIN_BYTES = 256 * 1024
NEGATIVE_CACHE_SECONDS = 60  # a URL whose chain is not valid is refused this long without a new download
FETCH_FAILURE_SECONDS = 10  # a URL whose download failed (maybe a network blip): a shorter while
NEGATIVE_CACHE_SIZE = 256
# Amazon's form of request.timestamp (ISO 8601 in UTC with Z); nothing else reaches the SDK's parser
TIMESTAMP_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z", re.ASCII)
# characters a decoded certificate URL path must not hold: they would change the URL when it is
# rebuilt (%, ?, #), are read as separators by some servers (\\), or cannot be in an S3 key we expect
_UNSAFE_PATH = re.compile(r"[%?#\\\s\x00-\x1f\x7f]|[^\x00-\x7f]")

_PKCS1V15 = padding.PKCS1v15()  # stateless parameter objects, made once
_SHA256 = hashes.SHA256()
# an empty SHA-256 state: a copy of it hashes a body without looking the algorithm up again
_SHA256_EMPTY = hashlib.sha256()

Clock = Callable[[], datetime]
Fetcher = Callable[[str, float], bytes]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class RequestRejected(VerificationException):
    """A verification failure with a short reason code (logged, and returned in the JSON error).

    ``message`` is what the client gets; ``detail`` (cryptography's or the network's own words, which
    may name certificate subjects or hosts) goes only into the request's log line.
    """

    def __init__(self, reason: str, message: str = "", detail: Optional[str] = None):
        super().__init__(message or reason)
        self.reason = reason
        self.message = message or reason
        self.detail = detail

    def again(self) -> "RequestRejected":
        """A fresh copy (for every request that hits the same cached failure)."""
        return RequestRejected(self.reason, self.message, self.detail)


_ENVIRON_KEYS = {
    name: "HTTP_" + name.upper().replace("-", "_")
    for name in (CERT_URL_HEADER, SIGNATURE_HEADER, LEGACY_SIGNATURE_HEADER)
}


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    """Case-insensitive header lookup (Flask's headers are, a plain dict from a test may not be).
    Flask's headers read the WSGI environ (HTTP_SIGNATURE_256 ...): looked up there directly."""
    environ = getattr(headers, "environ", None)
    if type(environ) is dict:
        return environ.get(_ENVIRON_KEYS.get(name) or "HTTP_" + name.upper().replace("-", "_"))
    value = headers.get(name) if hasattr(headers, "get") else None
    if value is None:
        lower = name.lower()
        for key, val in dict(headers).items():
            if key.lower() == lower:
                return val
    return value


# --------------------------------------------------------------------------------------- cert URL


def normalise_cert_url(url: Optional[str]) -> str:
    """Check SignatureCertChainUrl as Amazon prescribes and return the one canonical URL to download.

    https only, host s3.amazonaws.com (any case), port 443 if given, no user info, no query, no
    fragment, nothing but printable ASCII; the path, percent-decoded and with dot segments removed,
    must start with /echo.api/ (case-sensitive) and, decoded, must not hold %, ?, #, \\, whitespace,
    control or non-ASCII characters (so re-encoding cannot change what it names). The canonical URL is
    rebuilt from that checked path and re-quoted: what was checked is exactly what is downloaded and
    cached. Raises RequestRejected before anything is downloaded.
    """
    if not url:
        raise RequestRejected("cert_url_missing", "SignatureCertChainUrl header missing")
    url = url.strip()
    if any(not 0x21 <= ord(ch) <= 0x7E for ch in url):
        raise RequestRejected("cert_url_invalid", "SignatureCertChainUrl is not a valid URL")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise RequestRejected("cert_url_invalid", "SignatureCertChainUrl is not a valid URL")
    if parts.scheme.lower() != "https":
        raise RequestRejected("cert_url_scheme", "SignatureCertChainUrl must use https")
    if (parts.hostname or "").lower() != CERT_HOST:
        raise RequestRejected("cert_url_host", "SignatureCertChainUrl host must be s3.amazonaws.com")
    if port is not None and port != 443:
        raise RequestRejected("cert_url_port", "SignatureCertChainUrl port must be 443")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise RequestRejected("cert_url_userinfo", "SignatureCertChainUrl must not contain user info")
    if parts.query or "?" in url:
        raise RequestRejected("cert_url_query", "SignatureCertChainUrl must not have a query")
    if parts.fragment or "#" in url:
        raise RequestRejected("cert_url_fragment", "SignatureCertChainUrl must not have a fragment")
    raw_path = unquote(parts.path, errors="replace")  # undecodable bytes become U+FFFD: refused below
    if _UNSAFE_PATH.search(raw_path):
        raise RequestRejected("cert_url_path", "SignatureCertChainUrl path is invalid")
    path = posixpath.normpath(raw_path) if raw_path else ""
    if raw_path.endswith("/") and not path.endswith("/"):
        path += "/"
    if not path.startswith(CERT_PATH_PREFIX) or path.startswith("//"):
        raise RequestRejected("cert_url_path", "SignatureCertChainUrl path must start with /echo.api/")
    return f"https://{CERT_HOST}{quote(path, safe='/')}"


# Every request of a server names the same few chain URLs: the checked, canonical form of each header
# value is kept (the function is pure; failures are not kept, and a few dozen distinct values at most).
_canonical_cert_url = lru_cache(maxsize=64)(normalise_cert_url)


# ------------------------------------------------------------------------------ fetch and trust


class FetchError(Exception):
    """A certificate chain download that failed (status, redirect, size, deadline)."""


class HttpsFetcher:
    """Downloads a certificate chain: one GET over verified HTTPS, no redirects (any 3xx is refused),
    one overall deadline for the whole download (connect, TLS, headers and body), and a size cap.

    context: the TLS context (default: the system's CAs). connect_to: (host, port) to connect to
    instead of the URL's host, which stays the name TLS verifies (for tests with a local server, the
    way curl's --resolve works). Called as fetcher(url, deadline_seconds) -> bytes.
    """

    def __init__(
        self,
        context: Optional[ssl.SSLContext] = None,
        connect_to: Optional[Tuple[str, int]] = None,
        max_bytes: int = MAX_CHAIN_BYTES,
    ):
        self.context = context
        self.connect_to = connect_to
        self.max_bytes = max_bytes

    def __call__(self, url: str, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise FetchError("only https URLs are downloaded")
        context = self.context or ssl.create_default_context()
        address = self.connect_to or (parts.hostname, parts.port or 443)
        conn = _PinnedHTTPSConnection(parts.hostname, parts.port or 443, context, address, timeout)
        # The watchdog closes the socket at the deadline, whatever it is blocked in (a peer that
        # drips one byte at a time never lets a per-read timeout fire).
        timer = threading.Timer(timeout, conn.abort)
        timer.daemon = True
        timer.start()
        try:
            conn.request(
                "GET",
                parts.path or "/",
                headers={"User-Agent": "gesprekscoach-verifier", "Accept": "*/*", "Connection": "close"},
            )
            response = conn.getresponse()
            if 300 <= response.status < 400:
                raise FetchError(f"HTTP {response.status}: redirects are refused")
            if response.status != 200:
                raise FetchError(f"HTTP {response.status}")
            chunks, size = [], 0
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise FetchError("deadline passed during the download")
                conn.settimeout(remaining)
                chunk = response.read1(16384)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError("certificate chain too large")
                chunks.append(chunk)
            if time.monotonic() > deadline:
                raise FetchError("deadline passed during the download")
            return b"".join(chunks)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if time.monotonic() >= deadline or conn.aborted:
                raise FetchError(f"deadline of {timeout:g} s passed ({type(exc).__name__})") from exc
            raise
        finally:
            timer.cancel()
            conn.close()


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to ``address`` that verifies TLS for ``host``; abort() from any thread."""

    def __init__(self, host: str, port: int, context: ssl.SSLContext, address: Tuple[str, int], timeout: float):
        super().__init__(host, port, timeout=timeout, context=context)
        self._tls = context
        self._address = address
        self._lock = threading.Lock()
        self.aborted = False

    def connect(self) -> None:
        sock = socket.create_connection(self._address, self.timeout)
        with self._lock:
            if self.aborted:
                sock.close()
                raise FetchError("deadline passed before the connection was made")
            self.sock = sock
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)

    def settimeout(self, seconds: float) -> None:
        if self.sock is not None:
            self.sock.settimeout(max(seconds, 0.001))

    def abort(self) -> None:
        with self._lock:
            self.aborted = True
            sock = self.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


default_fetcher = HttpsFetcher()


def load_pem_bundle(data: bytes) -> List[x509.Certificate]:
    """Parse a PEM bundle, skipping blocks that are not certificates cryptography can read."""
    certs = []
    marker = b"-----END CERTIFICATE-----"
    for block in data.split(marker):
        if b"-----BEGIN CERTIFICATE-----" not in block:
            continue
        try:
            with warnings.catch_warnings():  # some system roots have odd serials; they are still roots
                warnings.simplefilter("ignore")
                certs.append(x509.load_pem_x509_certificate(block + marker + b"\n"))
        except ValueError:
            continue
    return certs


def default_trust_roots(path: Optional[str] = None) -> List[x509.Certificate]:
    """The trust roots: GESPREKSCOACH_TRUST_ROOTS (a PEM bundle) if set, else the system's CA bundle,
    else certifi's (a dependency of requests, which ask-sdk-core already needs)."""
    candidates = [path or os.environ.get("GESPREKSCOACH_TRUST_ROOTS") or ""]
    paths = ssl.get_default_verify_paths()
    candidates += [paths.cafile or "", paths.openssl_cafile or ""]
    try:
        import certifi

        candidates.append(certifi.where())
    except ImportError:  # pragma: no cover
        pass
    for candidate in candidates:
        if candidate and os.path.isfile(candidate):
            with open(candidate, "rb") as fh:
                roots = load_pem_bundle(fh.read())
            if roots:
                return roots
    raise RuntimeError("no trust roots found: set GESPREKSCOACH_TRUST_ROOTS to a PEM bundle")


@dataclass
class _CachedChain:
    public_key: rsa.RSAPublicKey
    expires: datetime  # earliest notAfter in the validated chain

    def __post_init__(self) -> None:
        self.expires_at = self.expires.timestamp()  # the same instant as a POSIX timestamp


@dataclass
class _Failure:
    until: datetime
    error: RequestRejected


class _Flight:
    """One download in progress; the requests that want the same URL wait for it."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.entry: Optional[_CachedChain] = None
        self.error: Optional[RequestRejected] = None


class SignatureVerifier(AbstractVerifier):
    """Checks SignatureCertChainUrl, the certificate chain and the Signature-256 header, on the raw
    body (it runs before the body is parsed: ``needs_raw_body``).

    trust_roots: certificates to trust (default: the system bundle, loaded on first use).
    fetcher(url, timeout) -> PEM bytes (default: HttpsFetcher). clock() -> aware UTC datetime.

    Caches, all bounded and keyed by the one canonical URL (normalise_cert_url):
    * proven: chains that verified a genuine signature, at most cache_size, least recently used first
      out. Only a correctly signed request puts a chain here, so unsigned requests cannot evict it.
    * unproven: validated chains no signature has matched yet (at most cache_size; what an unsigned
      request can churn); a correctly signed request promotes its chain to proven.
    * failed: URLs whose chain was not valid, refused for NEGATIVE_CACHE_SECONDS without a new
      download (FETCH_FAILURE_SECONDS when the download itself failed); at most NEGATIVE_CACHE_SIZE.
    * one download per URL at a time: concurrent requests for a URL being fetched wait for it.
    Thread-safe.
    """

    needs_raw_body = True

    def __init__(
        self,
        trust_roots: Optional[Sequence[x509.Certificate]] = None,
        fetcher: Optional[Fetcher] = None,
        clock: Optional[Clock] = None,
        fetch_timeout: float = 5.0,
        cache_size: int = 16,
        negative_ttl: float = NEGATIVE_CACHE_SECONDS,
        negative_size: int = NEGATIVE_CACHE_SIZE,
    ):
        self._roots = list(trust_roots) if trust_roots is not None else None
        self._store: Optional[Store] = None
        self._fetch = fetcher or default_fetcher
        self._clock = clock or utc_now
        self._system_clock = clock is None
        self._timeout = fetch_timeout
        self._cache_size = max(1, int(cache_size))
        self._proven: "OrderedDict[str, _CachedChain]" = OrderedDict()
        self._unproven: "OrderedDict[str, _CachedChain]" = OrderedDict()
        self._failed: "OrderedDict[str, _Failure]" = OrderedDict()
        self._negative_ttl = timedelta(seconds=negative_ttl)
        self._negative_size = max(1, int(negative_size))
        self._flights: dict = {}
        self._waiting = 0
        self._lock = threading.Lock()
        self.fetches = 0  # for tests and benchmarks: how many chains were downloaded

    # -- AbstractVerifier
    def verify(self, headers, serialized_request_env, deserialized_request_env=None) -> None:
        url = _canonical_cert_url(_header(headers, CERT_URL_HEADER))
        signature_b64 = _header(headers, SIGNATURE_HEADER)
        if not signature_b64:
            if _header(headers, LEGACY_SIGNATURE_HEADER):
                raise RequestRejected(
                    "signature_sha1_only", "only the legacy SHA-1 Signature header was sent; Signature-256 is required"
                )
            raise RequestRejected("signature_missing", "Signature-256 header missing")
        try:  # strict: only the base64 alphabet, no padding before the end, nothing after it
            signature = binascii.a2b_base64(signature_b64.strip(), strict_mode=True)
        except (binascii.Error, ValueError):
            raise RequestRejected("signature_encoding", "Signature-256 is not valid base64")
        if not signature:
            raise RequestRejected("signature_encoding", "Signature-256 is empty")
        if len(signature) > 1024:  # RSA-8192 at most; anything longer is not a signature
            raise RequestRejected("signature_encoding", "Signature-256 is too long")
        body = serialized_request_env
        if isinstance(body, str):
            body = body.encode("utf-8")
        entry = self._proven_entry(url)  # the usual case: a chain that verified a signature before
        proven = entry is not None
        if not proven:
            entry = self._chain_for(url)
        # PKCS#1 v1.5 verification in two steps, the constant-cost one first: the RSA public operation
        # checks the padding and the SHA-256 DigestInfo and yields the digest that was signed (it fails
        # for a signature the key never made), then the body is hashed once and the digests compared.
        # So a forged signature costs the same whatever the body holds.
        try:
            signed_digest = entry.public_key.recover_data_from_signature(signature, _PKCS1V15, _SHA256)
            digest = _SHA256_EMPTY.copy()
            digest.update(body)
            if not hmac.compare_digest(signed_digest, digest.digest()):
                raise InvalidSignature()
        except (InvalidSignature, ValueError):
            raise RequestRejected("signature_invalid", "request signature does not match the body")
        if not proven:  # (a proven chain is proven already, and _proven_entry made it the most recent)
            self._promote(url, entry)

    # -- chain handling
    def _proven_entry(self, url: str) -> Optional[_CachedChain]:
        """The proven chain of url, unexpired, made the most recently used; None otherwise (then
        _chain_for decides: the unproven cache, the negative cache, a download)."""
        # (the default clock is the system's: a float is enough to compare, no datetime per request)
        now = time.time() if self._system_clock else self._clock().timestamp()
        with self._lock:
            cached = self._proven.get(url)
            if cached is not None and now < cached.expires_at:
                self._proven.move_to_end(url)
                return cached
        return None

    def _chain_for(self, url: str) -> _CachedChain:
        now = self._clock()
        with self._lock:
            for cache in (self._proven, self._unproven):
                cached = cache.get(url)
                if cached is not None:
                    if now < cached.expires:
                        cache.move_to_end(url)
                        return cached
                    del cache[url]
            failed = self._failed.get(url)
            if failed is not None:
                if now < failed.until:
                    raise failed.error.again()
                del self._failed[url]
            flight = self._flights.get(url)
            owner = flight is None
            if owner:
                flight = self._flights[url] = _Flight()
            else:
                self._waiting += 1
        if not owner:
            try:
                finished = flight.done.wait(self._timeout + 1.0)
            finally:
                with self._lock:
                    self._waiting -= 1
            if flight.entry is not None:
                return flight.entry
            if flight.error is not None:
                raise flight.error.again()
            raise RequestRejected(
                "cert_fetch_failed",
                "certificate chain could not be downloaded",
                "waited for another download of the same URL" + ("" if finished else ", which did not finish in time"),
            )
        try:
            entry = self._fetch_and_validate(url, now)
        except RequestRejected as exc:
            flight.error = exc
            with self._lock:
                ttl = self._negative_ttl
                if exc.reason == "cert_fetch_failed":
                    ttl = min(ttl, timedelta(seconds=FETCH_FAILURE_SECONDS))
                self._failed[url] = _Failure(until=now + ttl, error=exc)
                self._failed.move_to_end(url)
                while len(self._failed) > self._negative_size:
                    self._failed.popitem(last=False)
            raise
        except BaseException as exc:  # pragma: no cover - a bug of ours; waiters must not hang
            flight.error = RequestRejected(
                "cert_fetch_failed", "certificate chain could not be downloaded", type(exc).__name__
            )
            raise
        else:
            flight.entry = entry
            with self._lock:
                self._unproven[url] = entry
                self._unproven.move_to_end(url)
                while len(self._unproven) > self._cache_size:
                    self._unproven.popitem(last=False)
            return entry
        finally:
            with self._lock:
                self._flights.pop(url, None)
            flight.done.set()

    def _promote(self, url: str, entry: _CachedChain) -> None:
        with self._lock:
            self._unproven.pop(url, None)
            self._proven[url] = entry
            self._proven.move_to_end(url)
            while len(self._proven) > self._cache_size:
                self._proven.popitem(last=False)

    def _fetch_and_validate(self, url: str, now: datetime) -> _CachedChain:
        try:
            with self._lock:
                self.fetches += 1
            data = self._fetch(url, self._timeout)
        except Exception as exc:  # network errors, timeouts, HTTP errors: the request cannot be trusted
            raise RequestRejected(
                "cert_fetch_failed", "certificate chain could not be downloaded", f"{type(exc).__name__}: {exc}"
            )
        certs = load_pem_bundle(data or b"")
        if not certs:
            raise RequestRejected(
                "cert_chain_invalid", "certificate chain not valid", "the download holds no certificate"
            )
        leaf, intermediates = certs[0], certs[1:]
        verifier = PolicyBuilder().store(self._trust_store()).time(now).build_server_verifier(DNSName(ECHO_API_SAN))
        try:
            chain = verifier.verify(leaf, intermediates)
        except VerificationError as exc:
            raise RequestRejected("cert_chain_invalid", "certificate chain not valid", str(exc))
        public_key = leaf.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise RequestRejected(
                "cert_chain_invalid", "certificate chain not valid", "signing certificate has no RSA key"
            )
        expires = min(c.not_valid_after_utc for c in chain)
        return _CachedChain(public_key=public_key, expires=expires)

    def _trust_store(self) -> Store:
        with self._lock:
            if self._store is None:
                roots = self._roots if self._roots is not None else default_trust_roots()
                self._store = Store(list(roots))
            return self._store

    def cache_info(self) -> dict:
        with self._lock:
            return {
                "entries": len(self._proven),
                "unproven": len(self._unproven),
                "failed": len(self._failed),
                "in_flight": len(self._flights),
                "waiting": self._waiting,
                "max": self._cache_size,
                "failed_max": self._negative_size,
                "fetches": self.fetches,
            }


# ------------------------------------------------------------------------------ timestamp, skill id


def parse_timestamp(value: Any) -> datetime:
    """Amazon's request timestamp (``2030-06-15T12:00:00Z``, optionally with a fraction) as an aware
    UTC datetime; anything else, or a date that does not exist, raises RequestRejected."""
    if not isinstance(value, str) or len(value) > 40 or not TIMESTAMP_FORM.fullmatch(value):
        raise RequestRejected("timestamp_invalid", "request timestamp is not in Amazon's form (YYYY-MM-DDThh:mm:ssZ)")
    whole, _, fraction = value[:-1].partition(".")
    try:  # (the form is checked above: fromisoformat reads exactly these fields, strptime's result)
        stamp = datetime.fromisoformat(whole).replace(tzinfo=timezone.utc)
    except ValueError:
        raise RequestRejected("timestamp_invalid", "request timestamp is not a valid date and time")
    if fraction:
        stamp += timedelta(microseconds=int(fraction[:6].ljust(6, "0")))
    return stamp


def _request_part(envelope: Any) -> Tuple[Any, Optional[str]]:
    """(timestamp, request type) from a parsed JSON envelope (dict) or an SDK RequestEnvelope."""
    if isinstance(envelope, dict):
        request = envelope.get("request")
        if not isinstance(request, dict):
            return None, None
        kind = request.get("type")
        return request.get("timestamp"), kind if isinstance(kind, str) else None
    request = getattr(envelope, "request", None)
    return getattr(request, "timestamp", None), getattr(request, "object_type", None)


class TimestampVerifier(AbstractVerifier):
    """The request timestamp must be within 150 s of now (either way); 1 h for skill events.

    Runs on the parsed JSON (a dict), before the SDK turns it into objects: only Amazon's timestamp
    form is accepted (parse_timestamp), so no other string ever reaches the SDK's date parser, and a
    timestamp that cannot be compared is a 400. An SDK RequestEnvelope is accepted too.
    """

    def __init__(self, clock: Optional[Clock] = None, tolerance: timedelta = TIMESTAMP_TOLERANCE):
        self._clock = clock or utc_now
        self._tolerance = tolerance

    def verify(self, headers, serialized_request_env, deserialized_request_env) -> None:
        value, kind = _request_part(deserialized_request_env)
        if value is None:
            raise RequestRejected("timestamp_missing", "request timestamp missing")
        if isinstance(value, datetime):
            stamp = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        else:
            stamp = parse_timestamp(value)
        tolerance = self._tolerance
        if kind in SKILL_EVENTS:
            tolerance = max(tolerance, SKILL_EVENT_TOLERANCE)
        try:
            skew = self._clock() - stamp
        except (OverflowError, TypeError, ValueError):
            raise RequestRejected("timestamp_invalid", "request timestamp cannot be compared")
        if skew > tolerance:
            raise RequestRejected("timestamp_stale", "request timestamp is too old")
        if -skew > tolerance:
            raise RequestRejected("timestamp_future", "request timestamp is in the future")


def _application_ids(envelope: Any) -> set:
    ids = set()
    if isinstance(envelope, dict):
        context = envelope.get("context")
        system = context.get("System") if isinstance(context, dict) else None
        app = system.get("application") if isinstance(system, dict) else None
        ids.add(app.get("applicationId") if isinstance(app, dict) else None)
        session = envelope.get("session")
        if session is not None:
            app = session.get("application") if isinstance(session, dict) else None
            ids.add(app.get("applicationId") if isinstance(app, dict) else None)
        return ids
    context = getattr(envelope, "context", None)
    system = getattr(context, "system", None)
    ids.add(getattr(getattr(system, "application", None), "application_id", None))
    session = getattr(envelope, "session", None)
    if session is not None:
        ids.add(getattr(getattr(session, "application", None), "application_id", None))
    return ids


class SkillIdVerifier(AbstractVerifier):
    """The envelope's application id must be the configured skill id (no check when none is set).

    ask-sdk-core checks this too, inside invoke; doing it here first makes it a clean 400 refusal
    before any handler runs. Takes the parsed JSON (a dict) or an SDK RequestEnvelope.
    """

    def __init__(self, skill_id: Optional[str]):
        self.skill_id = skill_id

    def verify(self, headers, serialized_request_env, deserialized_request_env) -> None:
        if not self.skill_id:
            return
        if _application_ids(deserialized_request_env) != {self.skill_id}:
            raise RequestRejected("skill_id_mismatch", "request is for another skill")


def build_verifiers(
    *,
    skill_id: Optional[str],
    verify_signature: bool = True,
    trust_roots: Optional[Iterable[x509.Certificate]] = None,
    fetcher: Optional[Fetcher] = None,
    clock: Optional[Clock] = None,
    fetch_timeout: float = 5.0,
    cache_size: int = 16,
) -> List[AbstractVerifier]:
    """The verifiers in the order they run: signature over the raw body (unless dev), then, on the
    parsed JSON, timestamp and skill id."""
    verifiers: List[AbstractVerifier] = []
    if verify_signature:
        verifiers.append(
            SignatureVerifier(
                trust_roots=list(trust_roots) if trust_roots is not None else None,
                fetcher=fetcher,
                clock=clock,
                fetch_timeout=fetch_timeout,
                cache_size=cache_size,
            )
        )
    verifiers.append(TimestampVerifier(clock=clock))
    verifiers.append(SkillIdVerifier(skill_id))
    return verifiers
