"""The webservice against an outsider (issue 13): what an unsigned or crafted request can make it do.

Every test here failed before the fix it names. A local HTTPS server with its own PKI stands in for
s3.amazonaws.com (tests/web_fixtures.CertHost); deadlines are 1 s so no test waits long.
"""

from __future__ import annotations

import json
import logging
import threading
import time

import pytest

try:
    from tests.web_fixtures import (
        CERT_URL,
        CertHost,
        Clock,
        FakeFetcher,
        StubSkill,
        body_of,
        make_app,
        pki,
        sign,
        signed_headers,
        stamp,
        tls_client_context,
    )
except ImportError:  # tests/ on sys.path instead of the repo root
    from web_fixtures import (
        CERT_URL,
        CertHost,
        Clock,
        FakeFetcher,
        StubSkill,
        body_of,  # type: ignore
        make_app,
        pki,
        sign,
        signed_headers,
        stamp,
        tls_client_context,
    )

from skill.dev import envelopes
from skill.config import SkillConfig
from skill.web import WebSettings, create_app
from skill.web.verifier import HttpsFetcher, RequestRejected, SignatureVerifier, normalise_cert_url

BAD_SIGNATURE = sign(b"some other body")


def _launch(**kw):
    kw.setdefault("timestamp", stamp())
    return envelopes.launch(**kw)


def _lines(caplog):
    return [
        json.loads(r.getMessage())
        for r in caplog.records
        if r.name == "gesprekscoach.web" and r.getMessage().startswith("{")
    ]


def _crafted_body(size=128 * 1024 - 64) -> bytes:
    """An unsigned envelope padded to the size cap, with a timestamp dateutil chews on for a second."""
    env = _launch()
    env["request"]["timestamp"] = ""
    base = len(body_of(env))
    env["request"]["timestamp"] = ("1." * ((size - base) // 2))[:-1]
    return body_of(env)


class _Counting:
    """Wraps a callable and counts its calls."""

    def __init__(self, fn):
        self.fn, self.calls = fn, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.fn(*args, **kwargs)


# --------------------------------------------------------------------- verify before parsing


def test_an_unsigned_crafted_body_is_refused_before_it_is_parsed(monkeypatch, caplog):
    app, fetcher, _, stub = make_app()
    from skill.web import app as web_app

    loads = _Counting(json.loads)
    monkeypatch.setattr(web_app.json, "loads", loads)
    deserialize = _Counting(stub.skill.serializer.deserialize)
    monkeypatch.setattr(stub.skill.serializer, "deserialize", deserialize)
    body = _crafted_body()
    headers = signed_headers(body)
    headers["Signature-256"] = BAD_SIGNATURE
    with caplog.at_level(logging.INFO, logger="gesprekscoach"):
        resp = app.test_client().post("/alexa", data=body, headers=headers)
    parsed = loads.calls  # (read before get_json below, which parses the answer)
    assert parsed == 0 and deserialize.calls == 0 and stub.runs == 0
    assert resp.status_code == 400 and resp.get_json()["error"] == "signature_invalid"
    assert "request_type" not in _lines(caplog)[0]


@pytest.mark.parametrize(
    "value",
    [
        "1.1.1.1.1.1.1.1",
        "2030-06-15T12:00:00+25:00",
        "2030-06-15T12:00:00+00:00",
        "2030-06-15T12:00:00",
        "2030-06-15 12:00:00Z",
        "2030-02-30T12:00:00Z",
        "2030-06-15T24:00:00Z",
        "0000-01-01T00:00:00Z",
        "yesterday",
        "",
        "2030-06-15T12:00:00.1234567890Z",
        "١٢٣٤-06-15T12:00:00Z",
    ],
)
def test_only_amazons_timestamp_form_reaches_the_sdk(value, monkeypatch):
    # signed, so every check before the timestamp passes; no other form may reach dateutil
    import dateutil.parser

    app, _, _, stub = make_app()
    parse = _Counting(dateutil.parser.parse)
    monkeypatch.setattr(dateutil.parser, "parse", parse)
    env = _launch()
    env["request"]["timestamp"] = value
    body = body_of(env)
    resp = app.test_client().post("/alexa", data=body, headers=signed_headers(body))
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert resp.get_json()["error"] == "timestamp_invalid"
    assert parse.calls == 0 and stub.runs == 0


@pytest.mark.parametrize("value", ["2030-06-15T12:00:00Z", "2030-06-15T12:00:00.5Z", "2030-06-15T11:59:00.123456Z"])
def test_amazons_timestamp_forms_are_accepted(value):
    app, _, _, stub = make_app()
    body = body_of(_launch(timestamp=value))
    assert app.test_client().post("/alexa", data=body, headers=signed_headers(body)).status_code == 200
    assert stub.runs == 1


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a":' * 20_000, None])
@pytest.mark.parametrize("dev", [True, False])
def test_deep_nesting_is_a_400_with_one_log_line(body, dev, caplog):
    app, _, _, stub = make_app(dev=dev)
    if body is None:  # a real envelope whose session attributes nest deeply
        env = _launch()
        env["session"]["attributes"] = {"x": "@"}
        body = body_of(env).replace(b'"@"', b"[" * 50_000 + b"]" * 50_000)
    with caplog.at_level(logging.INFO, logger="gesprekscoach"):
        resp = app.test_client().post("/alexa", data=body, headers=signed_headers(body))
    assert resp.status_code == 400 and resp.get_json()["error"] == "invalid_json"
    records = [
        r
        for r in caplog.records
        if r.name.startswith("gesprekscoach")
        and r.levelno >= logging.INFO
        and "no skill id" not in r.getMessage()
        and "SIGNATURE CHECK" not in r.getMessage()
    ]
    assert len(records) == 1 and records[0].exc_info is None
    assert stub.runs == 0


# ------------------------------------------------------------------------- certificate URLs


@pytest.mark.parametrize(
    "url, reason",
    [
        ("https://s3.amazonaws.com/echo.api/echo-api-cert.pem%3fx=1", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/%252e%252e/evil-bucket/cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/echo-api-cert.pem%231", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/echo-api-cert.pem#1", "cert_url_fragment"),
        ("https://s3.amazonaws.com/echo.api/echo-api-cert.pem%5c..%5cevil", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/echo%20api-cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/echo%0aapi-cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/echo%00api-cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/%c3%a9cho-cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/%ff-cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/écho-cert.pem", "cert_url_invalid"),
        ("https://s3.amazonaws.com/echo.api/echo api-cert.pem", "cert_url_invalid"),
        ("https://s3.amazonaws.com/echo.api/echo\tapi-cert.pem", "cert_url_invalid"),
    ],
)
def test_cert_urls_that_decode_to_something_else_are_refused_before_any_download(url, reason):
    app, fetcher, _, stub = make_app(chains={})
    fetcher.default = pki().chains["good"]
    body = body_of(_launch())
    resp = app.test_client().post("/alexa", data=body, headers=signed_headers(body, cert_url=url))
    assert resp.status_code == 400 and resp.get_json()["error"] == reason
    assert fetcher.calls == [] and stub.runs == 0


@pytest.mark.parametrize(
    "url, canonical",
    [
        (
            "https://s3.amazonaws.com/echo.api%2fecho-api-cert.pem",
            "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        ),
        (
            "https://s3.amazonaws.com/echo.api/%65cho-api-cert.pem",
            "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        ),
        ("https://s3.amazonaws.com/echo.api/a%2f..%2fcert.pem", "https://s3.amazonaws.com/echo.api/cert.pem"),
    ],
)
def test_what_is_checked_is_exactly_what_is_downloaded(url, canonical):
    assert normalise_cert_url(url) == canonical
    with pytest.raises(RequestRejected):
        normalise_cert_url("https://s3.amazonaws.com/echo.api%2f..%2fevil/cert.pem")


# --------------------------------------------------------------------------- the caches


def _verifier(fetcher, **kw):
    return SignatureVerifier(trust_roots=[pki().root], fetcher=fetcher, clock=Clock(), **kw)


def _headers(body, url=CERT_URL, signature=None):
    return {"SignatureCertChainUrl": url, "Signature-256": signature or sign(body)}


def test_unsigned_requests_cannot_evict_the_genuine_chain():
    fetcher = FakeFetcher(default=pki().chains["good"])  # every URL under echo.api serves a valid chain
    verifier = _verifier(fetcher, cache_size=2)
    body = b'{"genuine": true}'
    verifier.verify(_headers(body), body)
    for n in range(40):  # distinct URLs, each downloaded and validated, none signed
        url = f"https://s3.amazonaws.com/echo.api/cert-{n}.pem"
        with pytest.raises(RequestRejected) as err:
            verifier.verify(_headers(body, url, BAD_SIGNATURE), body)
        assert err.value.reason == "signature_invalid"
    verifier.verify(_headers(body), body)
    assert fetcher.calls.count(CERT_URL) == 1  # still cached
    info = verifier.cache_info()
    assert info["entries"] == 1 and info["unproven"] <= 2


def test_failed_urls_are_remembered_and_the_memory_stays_bounded():
    fetcher = FakeFetcher()  # every download fails
    verifier = _verifier(fetcher, negative_size=8, cache_size=2)
    body = b"{}"
    for _ in range(50):
        with pytest.raises(RequestRejected):
            verifier.verify(_headers(body), body)
    assert fetcher.calls == [CERT_URL]
    for n in range(500):
        with pytest.raises(RequestRejected):
            verifier.verify(_headers(body, f"https://s3.amazonaws.com/echo.api/missing-{n}.pem"), body)
    info = verifier.cache_info()
    assert info["failed"] == 8 and info["entries"] == 0 and info["unproven"] == 0 and info["in_flight"] == 0


def test_concurrent_requests_for_one_url_make_one_download():
    release = threading.Event()
    good = pki().chains["good"]

    def slow_fetcher(url, timeout):
        release.wait(10)
        return good

    fetcher = _Counting(slow_fetcher)
    verifier = _verifier(fetcher)
    body = b'{"genuine": true}'
    results = []

    def call():
        try:
            verifier.verify(_headers(body), body)
            results.append("ok")
        except RequestRejected as exc:
            results.append(exc.reason)

    threads = [threading.Thread(target=call) for _ in range(16)]
    for t in threads:
        t.start()
    for _ in range(1000):  # until fifteen wait for the one download (no timing is asserted)
        if verifier.cache_info()["waiting"] == 15:
            break
        time.sleep(0.01)
    assert verifier.cache_info()["waiting"] == 15 and verifier.cache_info()["in_flight"] == 1
    release.set()
    for t in threads:
        t.join(10)
    assert results == ["ok"] * 16 and fetcher.calls == 1


# ------------------------------------------------------- the real fetcher against a local HTTPS host


def _app_with(host, **kw):
    fetcher = HttpsFetcher(context=tls_client_context(), connect_to=host.connect_to)
    stub = StubSkill()
    app = create_app(
        SkillConfig(),
        WebSettings(trust_roots=[pki().root], fetcher=fetcher, clock=Clock(), fetch_timeout=1.0, **kw),
        skill=stub.skill,
    )
    return app, stub


def _signed_post(app, url, caplog):
    body = body_of(_launch())
    with caplog.at_level(logging.INFO, logger="gesprekscoach"):
        resp = app.test_client().post("/alexa", data=body, headers=signed_headers(body, cert_url=url))
    return resp, _lines(caplog)[-1]


def test_the_fetcher_downloads_over_verified_https(caplog):
    with CertHost({"/echo.api/cert.pem": ("chain", pki().chains["good"])}) as host:
        app, stub = _app_with(host)
        resp, _ = _signed_post(app, host.url("/echo.api/cert.pem"), caplog)
    assert resp.status_code == 200 and stub.runs == 1
    assert host.hits == [("https", "/echo.api/cert.pem")]


def test_redirects_are_refused(caplog):
    routes = {
        "/echo.api/cert.pem": ("redirect", "http://127.0.0.1:{plain}/echo.api/cert.pem"),
        "/echo.api/other.pem": ("redirect", "https://s3.amazonaws.com/echo.api/cert2.pem"),
        "/echo.api/cert2.pem": ("chain", pki().chains["good"]),
    }
    with CertHost(routes) as host:
        app, stub = _app_with(host)
        resp, line = _signed_post(app, host.url("/echo.api/cert.pem"), caplog)
        resp2, _ = _signed_post(app, host.url("/echo.api/other.pem"), caplog)
    for r in (resp, resp2):
        assert r.status_code == 400 and r.get_json()["error"] == "cert_fetch_failed"
    assert "redirect" in line["detail"] and "127.0.0.1" not in resp.get_data(as_text=True)
    assert host.hits == [("https", "/echo.api/cert.pem"), ("https", "/echo.api/other.pem")]  # never followed
    assert stub.runs == 0


def test_a_slow_drip_download_is_cut_at_one_overall_deadline(caplog):
    chain = pki().chains["good"]
    with CertHost({"/echo.api/cert.pem": ("drip", chain, 0.05)}) as host:
        app, stub = _app_with(host)  # deadline 1 s; each byte comes well within any per-read timeout
        resp, line = _signed_post(app, host.url("/echo.api/cert.pem"), caplog)
        sent = host.dripped
    assert resp.status_code == 400 and resp.get_json()["error"] == "cert_fetch_failed"
    assert "deadline" in line["detail"]
    assert 0 < sent < len(chain) // 4  # cut off early: the whole chain would take over a minute
    assert stub.runs == 0


def test_oversized_and_missing_chains_are_refused(caplog):
    routes = {"/echo.api/big.pem": ("chain", b"x" * (300 * 1024)), "/echo.api/gone.pem": ("status", 404)}
    with CertHost(routes) as host:
        app, _ = _app_with(host)
        big, big_line = _signed_post(app, host.url("/echo.api/big.pem"), caplog)
        gone, gone_line = _signed_post(app, host.url("/echo.api/gone.pem"), caplog)
    assert big.get_json()["error"] == gone.get_json()["error"] == "cert_fetch_failed"
    assert "too large" in big_line["detail"] and "404" in gone_line["detail"]


# ---------------------------------------------------------------------- small ones


def test_headers_over_64_kib_get_a_json_error():
    app, _, _, stub = make_app()
    body = body_of(_launch())
    headers = signed_headers(body)
    headers.update({f"X-Pad-{n}": "y" * 8000 for n in range(9)})
    resp = app.test_client().post("/alexa", data=body, headers=headers)
    assert resp.status_code == 431 and resp.get_json()["error"] == "headers_too_large"
    assert stub.runs == 0


def test_health_tells_nothing_about_the_checks():
    for dev in (True, False):
        app, *_ = make_app(dev=dev)
        assert app.test_client().get("/health").get_json() == {"status": "ok", "skill": "gesprekscoach"}


def test_only_a_sha256_pkcs1_signature_by_the_chain_key_over_this_body_is_accepted():
    import base64

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    key = pki().leaf_key
    body = b'{"genuine": true}'
    verifier = _verifier(FakeFetcher({CERT_URL: pki().chains["good"]}))
    verifier.verify(_headers(body), body)
    for other in (
        key.sign(body, padding.PKCS1v15(), hashes.SHA1()),
        key.sign(body, padding.PKCS1v15(), hashes.SHA512()),
        key.sign(body, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256()),
        key.sign(body + b" ", padding.PKCS1v15(), hashes.SHA256()),
    ):
        with pytest.raises(RequestRejected) as err:
            verifier.verify(_headers(body, signature=base64.b64encode(other).decode()), body)
        assert err.value.reason == "signature_invalid"
