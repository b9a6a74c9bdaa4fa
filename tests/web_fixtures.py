"""Throwaway PKI and signing helpers for the webservice tests (generated offline with cryptography).

A root CA, an intermediate CA and a leaf with SAN echo-api.amazon.com, plus variants (expired leaf,
leaf without the SAN, a leaf from an untrusted root). ``sign_request`` signs a body the way Alexa does
(RSA PKCS#1 v1.5 over SHA-256 of the raw body, base64 in the Signature-256 header).

Not a conftest: import what you need (``from tests.web_fixtures import ...``) or use ``pki()``.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ECHO_SAN = "echo-api.amazon.com"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-13.pem"
# A fixed "now" for the whole suite: certificates are valid around it, envelopes are stamped with it.
NOW = dt.datetime(2030, 6, 15, 12, 0, 0, tzinfo=dt.timezone.utc)


@functools.lru_cache(maxsize=None)
def _key(label: str) -> rsa.RSAPrivateKey:
    # one key per role, generated once per test session (RSA generation is the slow part)
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Gesprekscoach test PKI"),
        ]
    )


def _ca(
    cn: str,
    key,
    issuer_cert: Optional[x509.Certificate],
    issuer_key,
    *,
    path_length: Optional[int],
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> x509.Certificate:
    issuer_name = issuer_cert.subject if issuer_cert is not None else _name(cn)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _leaf(
    key, issuer_cert: x509.Certificate, issuer_key, *, sans: List[str], not_before: dt.datetime, not_after: dt.datetime
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(sans[0] if sans else "no-san.example"))
        .issuer_name(issuer_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


@dataclass
class Pki:
    root: x509.Certificate
    intermediate: x509.Certificate
    leaf: x509.Certificate
    leaf_key: rsa.RSAPrivateKey
    chains: Dict[str, bytes] = field(default_factory=dict)  # name -> PEM chain (leaf first)
    keys: Dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)  # name -> key of that leaf


@functools.lru_cache(maxsize=None)
def pki() -> Pki:
    """The suite's PKI, built once. chains: good, expired, nosan, untrusted, expired_intermediate."""
    long_ago, far_ahead = NOW - dt.timedelta(days=365), NOW + dt.timedelta(days=365)
    root_key, int_key, leaf_key = _key("root"), _key("intermediate"), _key("leaf")
    root = _ca(
        "Test Root CA",
        root_key,
        None,
        root_key,
        path_length=1,
        not_before=long_ago,
        not_after=far_ahead + dt.timedelta(days=365),
    )
    inter = _ca(
        "Test Intermediate CA", int_key, root, root_key, path_length=0, not_before=long_ago, not_after=far_ahead
    )
    leaf = _leaf(leaf_key, inter, int_key, sans=[ECHO_SAN], not_before=long_ago, not_after=far_ahead)
    expired = _leaf(
        leaf_key, inter, int_key, sans=[ECHO_SAN], not_before=long_ago, not_after=NOW - dt.timedelta(days=1)
    )
    nosan = _leaf(
        leaf_key, inter, int_key, sans=["somebody-else.example.com"], not_before=long_ago, not_after=far_ahead
    )
    # same shape, but chaining up to a root nobody trusts
    evil_root_key, evil_int_key = _key("evil-root"), _key("evil-intermediate")
    evil_root = _ca(
        "Test Root CA", evil_root_key, None, evil_root_key, path_length=1, not_before=long_ago, not_after=far_ahead
    )
    evil_int = _ca(
        "Test Intermediate CA",
        evil_int_key,
        evil_root,
        evil_root_key,
        path_length=0,
        not_before=long_ago,
        not_after=far_ahead,
    )
    evil_leaf = _leaf(leaf_key, evil_int, evil_int_key, sans=[ECHO_SAN], not_before=long_ago, not_after=far_ahead)
    p = Pki(root=root, intermediate=inter, leaf=leaf, leaf_key=leaf_key)
    p.chains = {
        "good": pem(leaf, inter),
        "expired": pem(expired, inter),
        "nosan": pem(nosan, inter),
        "untrusted": pem(evil_leaf, evil_int),
        "garbage": b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
    }
    p.keys = {name: leaf_key for name in p.chains}
    return p


def sign(body: bytes, key: Optional[rsa.RSAPrivateKey] = None) -> str:
    key = key or pki().leaf_key
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


def signed_headers(body: bytes, *, cert_url: str = CERT_URL, key=None) -> Dict[str, str]:
    return {
        "SignatureCertChainUrl": cert_url,
        "Signature-256": sign(body, key),
        "Content-Type": "application/json; charset=utf-8",
    }


def body_of(envelope) -> bytes:
    return json.dumps(envelope).encode("utf-8")


class FakeFetcher:
    """Serves PEM chains by URL and counts fetches; unknown URLs raise like a failed download."""

    def __init__(self, chains: Optional[Dict[str, bytes]] = None, default: Optional[bytes] = None):
        self.chains = dict(chains or {})
        self.default = default
        self.calls: List[str] = []

    def __call__(self, url: str, timeout: float) -> bytes:
        self.calls.append(url)
        if url in self.chains:
            return self.chains[url]
        if self.default is not None:
            return self.default
        raise OSError(f"no such certificate chain: {url}")


class Clock:
    """A settable clock (aware UTC datetimes)."""

    def __init__(self, now: dt.datetime = NOW):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now = self.now + dt.timedelta(**kwargs)


def stamp(when: dt.datetime = NOW) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------ a tiny stand-in skill and apps


class StubSkill:
    """A minimal ask-sdk-core skill that counts handler runs (to prove a refused request ran none)."""

    def __init__(self, skill_id: Optional[str] = None):
        from ask_sdk_core.dispatch_components import AbstractRequestHandler
        from ask_sdk_core.skill_builder import SkillBuilder
        from ask_sdk_core.utils import is_request_type

        self.runs = 0
        stub = self

        class Anything(AbstractRequestHandler):
            def can_handle(self, handler_input):
                return is_request_type("LaunchRequest")(handler_input) or is_request_type("IntentRequest")(
                    handler_input
                )

            def handle(self, handler_input):
                stub.runs += 1
                return handler_input.response_builder.speak("Hallo").set_should_end_session(False).response

        sb = SkillBuilder()
        sb.skill_id = skill_id
        sb.add_request_handler(Anything())
        self.skill = sb.create()


def make_app(
    *,
    chains: Optional[Dict[str, bytes]] = None,
    dev: bool = False,
    skill_id: Optional[str] = None,
    clock: Optional[Clock] = None,
    skill=None,
    max_body_bytes: Optional[int] = None,
    **settings,
):
    """(app, fetcher, clock, stub) with the suite's PKI trusted, a fake fetcher and a fixed clock."""
    from skill.config import SkillConfig
    from skill.web import WebSettings, create_app

    p = pki()
    fetcher = FakeFetcher({CERT_URL: p.chains["good"]} if chains is None else chains)
    clock = clock or Clock()
    stub = None
    if skill is None:
        stub = StubSkill(skill_id)
        skill = stub.skill
    ws = WebSettings(dev=dev, trust_roots=[p.root], fetcher=fetcher, clock=clock, **settings)
    if max_body_bytes is not None:
        ws.max_body_bytes = max_body_bytes
    app = create_app(SkillConfig(skill_id=skill_id), ws, skill=skill)
    return app, fetcher, clock, stub


# ------------------------------------------------ a local HTTPS server standing in for s3.amazonaws.com


@functools.lru_cache(maxsize=None)
def tls_pki():
    """(root certificate, server certificate, server key) for a local TLS server that answers as
    s3.amazonaws.com. Valid around the real clock (TLS checks dates against it), unlike pki()."""
    now = dt.datetime.now(dt.timezone.utc)
    root_key, key = _key("tls-root"), _key("tls-server")
    root = _ca(
        "Test TLS Root",
        root_key,
        None,
        root_key,
        path_length=0,
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=30),
    )
    server = _leaf(
        key,
        root,
        root_key,
        sans=["s3.amazonaws.com"],
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=30),
    )
    return root, server, key


def tls_client_context():
    """An ssl context for the fetcher that trusts only the local server's test root."""
    import ssl

    ctx = ssl.create_default_context(cadata=pem(tls_pki()[0]).decode("ascii"))
    return ctx


class CertHost:
    """A local HTTPS (and a plain HTTP) server for the certificate fetcher, in threads.

    ``routes`` maps a path to a behaviour: ("chain", pem bytes), ("redirect", location),
    ("status", code), ("drip", pem bytes, seconds between bytes). ``hits`` lists (scheme, path) for
    every request; ``dripped`` counts the bytes the drip managed to send before the client gave up.
    Use as a context manager; ``url(path)`` is the https://s3.amazonaws.com URL to ask for, and
    ``connect_to`` the address the fetcher must connect to instead.
    """

    def __init__(self, routes):
        import http.server
        import os
        import ssl
        import tempfile
        import threading
        import time

        self.routes = dict(routes)
        self.hits: List[tuple] = []
        self.dripped = 0
        host = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                scheme = "https" if isinstance(self.connection, ssl.SSLSocket) else "http"
                host.hits.append((scheme, self.path))
                kind, *rest = host.routes.get(self.path, ("status", 404))
                if kind == "redirect":
                    self.send_response(302)
                    self.send_header("Location", rest[0].replace("{plain}", str(host.plain_port)))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif kind == "status":
                    self.send_response(rest[0])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif kind == "chain":
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(rest[0])))
                    self.end_headers()
                    self.wfile.write(rest[0])
                elif kind == "drip":
                    data, pause = rest
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.flush()
                    try:
                        for i in range(len(data)):
                            self.wfile.write(data[i : i + 1])
                            self.wfile.flush()
                            host.dripped += 1
                            time.sleep(pause)
                    except OSError:
                        pass

        root, server_cert, key = tls_pki()
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        with tempfile.TemporaryDirectory() as tmp:
            cert_file, key_file = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
            with open(cert_file, "wb") as fh:
                fh.write(pem(server_cert))
            with open(key_file, "wb") as fh:
                fh.write(
                    key.private_bytes(
                        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                    )
                )
            ctx.load_cert_chain(cert_file, key_file)
        self.tls = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.tls.daemon_threads = True
        self.tls.socket = ctx.wrap_socket(self.tls.socket, server_side=True)
        self.plain = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.plain.daemon_threads = True
        self.port, self.plain_port = self.tls.server_address[1], self.plain.server_address[1]
        self.connect_to = ("127.0.0.1", self.port)
        self._threads = [
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            for s in (self.tls, self.plain)
        ]

    @staticmethod
    def url(path: str) -> str:
        return "https://s3.amazonaws.com" + path

    def __enter__(self):
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc):
        for s in (self.tls, self.plain):
            s.shutdown()
            s.server_close()
