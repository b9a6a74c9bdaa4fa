"""Alexa request verification for the webservice, through ask-sdk-webservice-support's interface.

Why our own verifiers instead of the SDK's ``RequestVerifier`` / ``TimestampVerifier``: the SDK's
signature verifier cannot be given trust roots or a fetcher (so it cannot be tested offline), downloads
and re-validates the certificate chain on every request, and depends on certvalidator -> oscrypto,
which fails at import on OpenSSL >= 3.0.10 (oscrypto issue 78). Its timestamp verifier reads the wall
clock directly. Ours implement the same ``AbstractVerifier.verify(headers, serialized_request_env,
deserialized_request_env)`` interface and are handed to the SDK's ``WebserviceSkillHandler``; chain
validation is done by ``cryptography.x509.verification`` (path building, dates, SAN), nothing hand-rolled.

Every failure raises ``VerificationException`` (the SDK's), with a short machine-readable ``reason``.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import posixpath
import ssl
import threading
import urllib.request
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable, List, Mapping, Optional, Sequence
from urllib.parse import unquote, urlsplit

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
SKILL_EVENTS = frozenset({
    "AlexaSkillEvent.SkillEnabled", "AlexaSkillEvent.SkillDisabled",
    "AlexaSkillEvent.SkillPermissionChanged", "AlexaSkillEvent.SkillPermissionAccepted",
    "AlexaSkillEvent.SkillAccountLinked",
})
MAX_CHAIN_BYTES = 256 * 1024

Clock = Callable[[], datetime]
Fetcher = Callable[[str, float], bytes]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class RequestRejected(VerificationException):
    """A verification failure with a short reason code (logged, and returned in the JSON error)."""

    def __init__(self, reason: str, message: str = ""):
        super().__init__(message or reason)
        self.reason = reason


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    """Case-insensitive header lookup (Flask's headers are, a plain dict from a test may not be)."""
    value = headers.get(name) if hasattr(headers, "get") else None
    if value is None:
        lower = name.lower()
        for key, val in dict(headers).items():
            if key.lower() == lower:
                return val
    return value


# --------------------------------------------------------------------------------------- cert URL

def normalise_cert_url(url: Optional[str]) -> str:
    """Check SignatureCertChainUrl as Amazon prescribes and return the canonical URL to download.

    https only, host s3.amazonaws.com (any case), port 443 if given, no user info, no query; the path,
    percent-decoded and with dot segments removed, must start with /echo.api/ (case-sensitive).
    Raises RequestRejected before anything is downloaded.
    """
    if not url:
        raise RequestRejected("cert_url_missing", "SignatureCertChainUrl header missing")
    try:
        parts = urlsplit(url.strip())
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
    if parts.query:
        raise RequestRejected("cert_url_query", "SignatureCertChainUrl must not have a query")
    raw_path = unquote(parts.path)
    if "\\" in raw_path or "\x00" in raw_path:
        raise RequestRejected("cert_url_path", "SignatureCertChainUrl path is invalid")
    path = posixpath.normpath(raw_path) if raw_path else ""
    if raw_path.endswith("/") and not path.endswith("/"):
        path += "/"
    if not path.startswith(CERT_PATH_PREFIX) or path.startswith("//"):
        raise RequestRejected("cert_url_path", "SignatureCertChainUrl path must start with /echo.api/")
    return f"https://{CERT_HOST}{path}"


# ------------------------------------------------------------------------------ fetch and trust

def default_fetcher(url: str, timeout: float) -> bytes:
    """Download a certificate chain over verified HTTPS, with a timeout and a size cap."""
    context = ssl.create_default_context()
    request = urllib.request.Request(url, headers={"User-Agent": "gesprekscoach-verifier"})
    with urllib.request.urlopen(request, timeout=timeout, context=context) as response:  # noqa: S310
        data = response.read(MAX_CHAIN_BYTES + 1)
    if len(data) > MAX_CHAIN_BYTES:
        raise ValueError("certificate chain too large")
    return data


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


class SignatureVerifier(AbstractVerifier):
    """Checks SignatureCertChainUrl, the certificate chain and the Signature-256 header.

    trust_roots: certificates to trust (default: the system bundle, loaded on first use).
    fetcher(url, timeout) -> PEM bytes (default: HTTPS download). clock() -> aware UTC datetime.
    A validated chain is cached per canonical URL until its first certificate expires; at most
    cache_size chains are kept (least recently used goes first). Thread-safe.
    """

    def __init__(self, trust_roots: Optional[Sequence[x509.Certificate]] = None,
                 fetcher: Optional[Fetcher] = None, clock: Optional[Clock] = None,
                 fetch_timeout: float = 5.0, cache_size: int = 16):
        self._roots = list(trust_roots) if trust_roots is not None else None
        self._store: Optional[Store] = None
        self._fetch = fetcher or default_fetcher
        self._clock = clock or utc_now
        self._timeout = fetch_timeout
        self._cache_size = max(1, int(cache_size))
        self._cache: "OrderedDict[str, _CachedChain]" = OrderedDict()
        self._lock = threading.Lock()
        self.fetches = 0  # for tests and the health page: how many chains were downloaded

    # -- AbstractVerifier
    def verify(self, headers, serialized_request_env, deserialized_request_env=None) -> None:
        url = normalise_cert_url(_header(headers, CERT_URL_HEADER))
        signature_b64 = _header(headers, SIGNATURE_HEADER)
        if not signature_b64:
            if _header(headers, LEGACY_SIGNATURE_HEADER):
                raise RequestRejected("signature_sha1_only",
                                      "only the legacy SHA-1 Signature header was sent; Signature-256 is required")
            raise RequestRejected("signature_missing", "Signature-256 header missing")
        try:
            signature = base64.b64decode(signature_b64.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise RequestRejected("signature_encoding", "Signature-256 is not valid base64")
        if not signature:
            raise RequestRejected("signature_encoding", "Signature-256 is empty")
        body = serialized_request_env
        if isinstance(body, str):
            body = body.encode("utf-8")
        public_key = self._public_key_for(url)
        try:
            public_key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise RequestRejected("signature_invalid", "request signature does not match the body")

    # -- chain handling
    def _public_key_for(self, url: str) -> rsa.RSAPublicKey:
        now = self._clock()
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None and now < cached.expires:
                self._cache.move_to_end(url)
                return cached.public_key
            if cached is not None:
                del self._cache[url]
        entry = self._fetch_and_validate(url, now)
        with self._lock:
            self._cache[url] = entry
            self._cache.move_to_end(url)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return entry.public_key

    def _fetch_and_validate(self, url: str, now: datetime) -> _CachedChain:
        try:
            self.fetches += 1
            data = self._fetch(url, self._timeout)
        except Exception as exc:  # network errors, timeouts, HTTP errors: the request cannot be trusted
            log.warning("certificate chain download failed: %s: %s", type(exc).__name__, exc)
            raise RequestRejected("cert_fetch_failed", "certificate chain could not be downloaded")
        certs = load_pem_bundle(data or b"")
        if not certs:
            raise RequestRejected("cert_chain_invalid", "certificate chain holds no certificate")
        leaf, intermediates = certs[0], certs[1:]
        verifier = (PolicyBuilder().store(self._trust_store()).time(now)
                    .build_server_verifier(DNSName(ECHO_API_SAN)))
        try:
            chain = verifier.verify(leaf, intermediates)
        except VerificationError as exc:
            raise RequestRejected("cert_chain_invalid", f"certificate chain not valid: {exc}")
        public_key = leaf.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise RequestRejected("cert_chain_invalid", "signing certificate has no RSA key")
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
            return {"entries": len(self._cache), "max": self._cache_size, "fetches": self.fetches}


# ------------------------------------------------------------------------------ timestamp, skill id

class TimestampVerifier(AbstractVerifier):
    """The request timestamp must be within 150 s of now (either way); 1 h for skill events."""

    def __init__(self, clock: Optional[Clock] = None, tolerance: timedelta = TIMESTAMP_TOLERANCE):
        self._clock = clock or utc_now
        self._tolerance = tolerance

    def verify(self, headers, serialized_request_env, deserialized_request_env) -> None:
        request = getattr(deserialized_request_env, "request", None)
        stamp = getattr(request, "timestamp", None)
        if not isinstance(stamp, datetime):
            raise RequestRejected("timestamp_missing", "request timestamp missing or invalid")
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=timezone.utc)
        tolerance = self._tolerance
        if getattr(request, "object_type", None) in SKILL_EVENTS:
            tolerance = max(tolerance, SKILL_EVENT_TOLERANCE)
        skew = self._clock() - stamp
        if skew > tolerance:
            raise RequestRejected("timestamp_stale", "request timestamp is too old")
        if -skew > tolerance:
            raise RequestRejected("timestamp_future", "request timestamp is in the future")


class SkillIdVerifier(AbstractVerifier):
    """The envelope's application id must be the configured skill id (no check when none is set).

    ask-sdk-core checks this too, inside invoke; doing it here first makes it a clean 400 refusal
    before any handler runs.
    """

    def __init__(self, skill_id: Optional[str]):
        self.skill_id = skill_id

    def verify(self, headers, serialized_request_env, deserialized_request_env) -> None:
        if not self.skill_id:
            return
        ids = set()
        context = getattr(deserialized_request_env, "context", None)
        system = getattr(context, "system", None)
        ids.add(getattr(getattr(system, "application", None), "application_id", None))
        session = getattr(deserialized_request_env, "session", None)
        if session is not None:
            ids.add(getattr(getattr(session, "application", None), "application_id", None))
        if ids != {self.skill_id}:
            raise RequestRejected("skill_id_mismatch", "request is for another skill")


def build_verifiers(*, skill_id: Optional[str], verify_signature: bool = True,
                    trust_roots: Optional[Iterable[x509.Certificate]] = None,
                    fetcher: Optional[Fetcher] = None, clock: Optional[Clock] = None,
                    fetch_timeout: float = 5.0, cache_size: int = 16) -> List[AbstractVerifier]:
    """The verifiers in the order they run: signature (unless dev), timestamp, skill id."""
    verifiers: List[AbstractVerifier] = []
    if verify_signature:
        verifiers.append(SignatureVerifier(trust_roots=list(trust_roots) if trust_roots is not None else None,
                                           fetcher=fetcher, clock=clock, fetch_timeout=fetch_timeout,
                                           cache_size=cache_size))
    verifiers.append(TimestampVerifier(clock=clock))
    verifiers.append(SkillIdVerifier(skill_id))
    return verifiers
