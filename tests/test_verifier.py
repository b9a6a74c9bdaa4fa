"""Alexa request verification end to end, offline: a throwaway CA, intermediate and leaf, a fake
certificate fetcher and a fixed clock, through the Flask app's POST /alexa."""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging

import pytest

try:
    from tests.web_fixtures import CERT_URL, NOW, body_of, make_app, pki, sign, signed_headers, stamp, _key
except ImportError:  # tests/ on sys.path instead of the repo root
    from web_fixtures import (
        CERT_URL,
        NOW,
        body_of,
        make_app,
        pki,
        sign,
        signed_headers,  # type: ignore
        stamp,
        _key,
    )

from skill.dev import envelopes
from skill.web.verifier import RequestRejected, normalise_cert_url

SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"


def _launch(**kw):
    kw.setdefault("timestamp", stamp())
    return envelopes.launch(**kw)


def _post(client, body: bytes, headers):
    return client.post("/alexa", data=body, headers=headers)


def _assert_refused(resp, stub, reason=None):
    assert resp.status_code == 400, resp.get_data(as_text=True)
    data = resp.get_json()
    assert set(data) == {"error", "message"}
    if reason:
        assert data["error"] == reason
    assert stub.runs == 0, "a refused request must not reach any handler"


def test_valid_signed_request_is_accepted():
    app, fetcher, _, stub = make_app()
    body = body_of(_launch())
    resp = _post(app.test_client(), body, signed_headers(body))
    assert resp.status_code == 200
    assert resp.get_json()["response"]["outputSpeech"]["ssml"] == "<speak>Hallo</speak>"
    assert stub.runs == 1
    assert fetcher.calls == [CERT_URL]


def test_second_request_uses_the_cached_chain():
    app, fetcher, clock, stub = make_app()
    client = app.test_client()
    for _ in range(3):
        body = body_of(_launch())
        assert _post(client, body, signed_headers(body)).status_code == 200
        clock.advance(seconds=30)
    assert fetcher.calls == [CERT_URL]  # fetched (and validated) once
    assert stub.runs == 3


def test_equivalent_url_spellings_share_one_cache_entry():
    app, fetcher, _, _ = make_app(chains={})
    fetcher.default = pki().chains["good"]
    client = app.test_client()
    for url in [
        CERT_URL,
        CERT_URL.replace("https://s3", "HTTPS://S3"),
        CERT_URL.replace(".com/", ".com:443/"),
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert-13.pem",
    ]:
        body = body_of(_launch())
        assert _post(client, body, signed_headers(body, cert_url=url)).status_code == 200, url
    assert fetcher.calls == [CERT_URL]


def test_cached_chain_is_dropped_when_it_expires():
    app, fetcher, clock, stub = make_app()
    client = app.test_client()
    body = body_of(_launch())
    assert _post(client, body, signed_headers(body)).status_code == 200
    clock.advance(days=400)  # past the leaf's notAfter: the cache entry is gone, the chain refetched
    body = body_of(_launch(timestamp=stamp(clock.now)))
    resp = _post(client, body, signed_headers(body))
    assert resp.status_code == 400 and resp.get_json()["error"] == "cert_chain_invalid"
    assert len(fetcher.calls) == 2


def test_chain_cache_is_bounded():
    good = pki().chains["good"]
    urls = [f"https://s3.amazonaws.com/echo.api/cert-{i}.pem" for i in range(3)]
    app, fetcher, _, _ = make_app(chains={u: good for u in urls}, cert_cache_size=2)
    client = app.test_client()
    for url in urls + urls[-1:]:
        body = body_of(_launch())
        assert _post(client, body, signed_headers(body, cert_url=url)).status_code == 200
    assert fetcher.calls == urls  # the last one was a hit
    verifier = app.extensions["gesprekscoach"]["verifiers"][0]
    assert verifier.cache_info()["entries"] == 2
    body = body_of(_launch())
    _post(client, body, signed_headers(body, cert_url=urls[0]))  # evicted first: fetched again
    assert fetcher.calls == urls + urls[:1]


# ---------------------------------------------------------------------------------- refusals


def _headers_without(body, name):
    headers = signed_headers(body)
    del headers[name]
    return headers


@pytest.mark.parametrize(
    "case",
    [
        "no_signature",
        "no_cert_url",
        "bad_base64",
        "empty_signature",
        "wrong_signature",
        "body_changed",
        "sha1_only",
    ],
)
def test_bad_signatures_are_refused(case):
    app, fetcher, _, stub = make_app()
    body = body_of(_launch())
    headers = signed_headers(body)
    expected = {
        "no_signature": "signature_missing",
        "no_cert_url": "cert_url_missing",
        "bad_base64": "signature_encoding",
        "empty_signature": "signature_missing",
        "wrong_signature": "signature_invalid",
        "body_changed": "signature_invalid",
        "sha1_only": "signature_sha1_only",
    }[case]
    if case == "no_signature":
        del headers["Signature-256"]
    elif case == "no_cert_url":
        del headers["SignatureCertChainUrl"]
    elif case == "bad_base64":
        headers["Signature-256"] = "not base64 at all!!"
    elif case == "empty_signature":
        headers["Signature-256"] = ""
    elif case == "wrong_signature":
        headers["Signature-256"] = sign(body, _key("someone-else"))
    elif case == "body_changed":
        changed = json.loads(body)
        changed["request"]["locale"] = "en-US"
        body = body_of(changed)
    elif case == "sha1_only":
        del headers["Signature-256"]
        headers["Signature"] = base64.b64encode(b"x" * 256).decode()
    _assert_refused(_post(app.test_client(), body, headers), stub, expected)
    if case in {"no_signature", "no_cert_url", "bad_base64", "empty_signature", "sha1_only"}:
        assert fetcher.calls == []  # refused before anything was downloaded


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "cert_url_scheme"),
        ("https://notamazon.com/echo.api/echo-api-cert.pem", "cert_url_host"),
        ("https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem", "cert_url_host"),
        ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "cert_url_port"),
        ("https://s3.amazonaws.com:8443/echo.api/echo-api-cert.pem", "cert_url_port"),
        ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api.evil/echo-api-cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/%2e%2e/invalid.path/cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/..%2finvalid.path/cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/a/../../evil/cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com//echo.api/cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api\\..\\evil/cert.pem", "cert_url_path"),
        ("https://evil@s3.amazonaws.com/echo.api/cert.pem", "cert_url_userinfo"),
        ("https://s3.amazonaws.com@evil.example/echo.api/cert.pem", "cert_url_host"),
        ("https://s3.amazonaws.com/echo.api/cert.pem?x=1", "cert_url_query"),
        ("https://s3.amazonaws.com:notaport/echo.api/cert.pem", "cert_url_invalid"),
        ("ftp://s3.amazonaws.com/echo.api/cert.pem", "cert_url_scheme"),
        ("s3.amazonaws.com/echo.api/cert.pem", "cert_url_scheme"),
    ],
)
def test_bad_cert_urls_are_refused_before_any_download(url, reason):
    app, fetcher, _, stub = make_app(chains={})
    fetcher.default = pki().chains["good"]  # would validate, if it were ever fetched
    body = body_of(_launch())
    _assert_refused(_post(app.test_client(), body, signed_headers(body, cert_url=url)), stub, reason)
    assert fetcher.calls == []


@pytest.mark.parametrize(
    "url, canonical",
    [
        ("https://s3.amazonaws.com/echo.api/echo-api-cert.pem", "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"),
        (
            "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
            "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        ),
        ("HTTPS://s3.AmAzOnAwS.cOm/echo.api/echo-api-cert.pem", "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"),
        (
            "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
            "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        ),
        (
            "https://s3.amazonaws.com/echo.api/./x/../echo-api-cert.pem",
            "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        ),
    ],
)
def test_amazons_valid_cert_url_examples_are_normalised(url, canonical):
    assert normalise_cert_url(url) == canonical


def test_cert_url_normalisation_refuses_nothing_it_should_not():
    with pytest.raises(RequestRejected):
        normalise_cert_url(None)


@pytest.mark.parametrize(
    "chain, needle",
    [
        ("expired", "not valid at validation time"),
        ("nosan", "subjectAltName"),
        ("untrusted", ""),
        ("garbage", ""),
    ],
)
def test_bad_certificate_chains_are_refused(chain, needle, caplog):
    app, fetcher, _, stub = make_app(chains={CERT_URL: pki().chains[chain]})
    body = body_of(_launch())
    with caplog.at_level(logging.INFO, logger="gesprekscoach"):
        resp = _post(app.test_client(), body, signed_headers(body))
    _assert_refused(resp, stub, "cert_chain_invalid")
    # the client gets a fixed message; cryptography's words (certificate subjects) only go to the log
    assert resp.get_json()["message"] == "certificate chain not valid"
    assert b"echo-api.amazon.com" not in resp.data and b"Certificate(" not in resp.data
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.getMessage().startswith("{")]
    assert len(lines) == 1 and needle in lines[0]["detail"]


def test_refused_chain_is_remembered_for_a_while():
    app, fetcher, clock, stub = make_app(chains={CERT_URL: pki().chains["untrusted"]})
    client = app.test_client()
    for _ in range(50):
        body = body_of(_launch())
        resp = _post(client, body, signed_headers(body))
        assert resp.status_code == 400 and resp.get_json()["error"] == "cert_chain_invalid"
    assert len(fetcher.calls) == 1  # one download, then the negative cache answers
    clock.advance(seconds=61)
    body = body_of(_launch(timestamp=stamp(clock.now)))
    assert _post(client, body, signed_headers(body)).status_code == 400
    assert len(fetcher.calls) == 2  # tried again once the failure was forgotten
    assert stub.runs == 0


def test_chain_download_failure_is_a_400_and_remembered():
    app, fetcher, clock, stub = make_app(chains={})  # the fake fetcher raises OSError for every URL
    client = app.test_client()
    for _ in range(50):
        body = body_of(_launch())
        _assert_refused(_post(client, body, signed_headers(body)), stub, "cert_fetch_failed")
    assert fetcher.calls == [CERT_URL]  # 50 requests for a URL that fails: one download
    clock.advance(seconds=11)  # a failed download is forgotten sooner than an invalid chain
    body = body_of(_launch(timestamp=stamp(clock.now)))
    _assert_refused(_post(client, body, signed_headers(body)), stub, "cert_fetch_failed")
    assert fetcher.calls == [CERT_URL, CERT_URL]


def test_chain_without_the_intermediate_is_refused():
    p = pki()
    from cryptography.hazmat.primitives import serialization

    leaf_only = p.leaf.public_bytes(serialization.Encoding.PEM)
    app, _, _, stub = make_app(chains={CERT_URL: leaf_only})
    body = body_of(_launch())
    _assert_refused(_post(app.test_client(), body, signed_headers(body)), stub, "cert_chain_invalid")


@pytest.mark.parametrize(
    "offset, reason",
    [
        (dt.timedelta(seconds=-151), "timestamp_stale"),
        (dt.timedelta(hours=-2), "timestamp_stale"),
        (dt.timedelta(seconds=151), "timestamp_future"),
        (dt.timedelta(days=1), "timestamp_future"),
    ],
)
def test_timestamps_outside_150_seconds_are_refused(offset, reason):
    app, _, _, stub = make_app()
    body = body_of(_launch(timestamp=stamp(NOW + offset)))
    _assert_refused(_post(app.test_client(), body, signed_headers(body)), stub, reason)


@pytest.mark.parametrize("offset", [dt.timedelta(seconds=-150), dt.timedelta(seconds=149), dt.timedelta(0)])
def test_timestamps_within_150_seconds_are_accepted(offset):
    app, _, _, stub = make_app()
    body = body_of(_launch(timestamp=stamp(NOW + offset)))
    assert _post(app.test_client(), body, signed_headers(body)).status_code == 200
    assert stub.runs == 1


def test_wrong_skill_id_is_refused():
    app, _, _, stub = make_app(skill_id=SKILL_ID)
    body = body_of(_launch())  # envelopes use a different (default) skill id
    _assert_refused(_post(app.test_client(), body, signed_headers(body)), stub, "skill_id_mismatch")


def test_right_skill_id_is_accepted():
    app, _, _, stub = make_app(skill_id=SKILL_ID)
    body = body_of(_launch(skill_id=SKILL_ID))
    assert _post(app.test_client(), body, signed_headers(body)).status_code == 200
    assert stub.runs == 1


def test_skill_id_in_session_must_match_too():
    app, _, _, stub = make_app(skill_id=SKILL_ID)
    env = _launch(skill_id=SKILL_ID)
    env["session"]["application"] = {"applicationId": "amzn1.ask.skill.other"}
    body = body_of(env)
    _assert_refused(_post(app.test_client(), body, signed_headers(body)), stub, "skill_id_mismatch")


def test_each_refusal_logs_one_line_with_its_reason(caplog):
    app, _, _, stub = make_app()
    body = body_of(_launch())
    headers = signed_headers(body)
    headers["Signature-256"] = sign(b"something else")
    with caplog.at_level(logging.INFO, logger="gesprekscoach"):
        _post(app.test_client(), body, headers)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.getMessage().startswith("{")]
    assert len(lines) == 1
    assert lines[0]["status"] == 400 and lines[0]["reason"] == "signature_invalid"
    assert "request_type" not in lines[0]  # refused before the body was parsed


def test_dev_mode_skips_only_the_signature_check(caplog):
    with caplog.at_level(logging.WARNING, logger="gesprekscoach"):
        app, fetcher, _, stub = make_app(dev=True, skill_id=SKILL_ID)
    assert any("SIGNATURE CHECK IS OFF" in r.getMessage() for r in caplog.records)
    client = app.test_client()
    body = body_of(_launch(skill_id=SKILL_ID))
    assert _post(client, body, {"Content-Type": "application/json"}).status_code == 200
    stale = body_of(_launch(skill_id=SKILL_ID, timestamp=stamp(NOW - dt.timedelta(minutes=5))))
    assert _post(client, stale, {}).get_json()["error"] == "timestamp_stale"
    other = body_of(_launch())
    assert _post(client, other, {}).get_json()["error"] == "skill_id_mismatch"
    assert fetcher.calls == [] and stub.runs == 1
    assert client.get("/health").get_json() == {"status": "ok", "skill": "gesprekscoach"}


# --------------------------------------------------------------- the fast paths equal the plain ones


def _strptime_reference(value: str):
    """What parse_timestamp did before it used fromisoformat (the form check, then strptime)."""
    from skill.web.verifier import TIMESTAMP_FORM

    if not TIMESTAMP_FORM.fullmatch(value):
        return "refused"
    whole, _, fraction = value[:-1].partition(".")
    try:
        stamp_ = dt.datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return "refused"
    if fraction:
        stamp_ += dt.timedelta(microseconds=int(fraction[:6].ljust(6, "0")))
    return stamp_


def _timestamp_cases():
    import random

    fixed = [
        "2030-06-15T12:00:00Z",
        "2030-06-15T12:00:00.5Z",
        "2030-06-15T12:00:00.123456789Z",
        "2030-02-30T12:00:00Z",  # no such day
        "2028-02-29T00:00:00Z",  # leap day
        "2030-02-29T00:00:00Z",
        "2030-13-01T00:00:00Z",
        "2030-00-10T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "2030-06-15T24:00:00Z",
        "2030-06-15T23:60:00Z",
        "2030-06-15T23:59:60Z",
        "2030-06-15T23:59:61Z",
        "2030-06-15 12:00:00Z",
        "2030-06-15T12:00:00",
        "2030-06-15T12:00:00+00:00",
        "2030-6-15T12:00:00Z",
        "２０３０-06-15T12:00:00Z",  # full-width digits: the form is ASCII only
    ]
    rng = random.Random(11)
    digits = "0123456789"
    generated = []
    for _ in range(3000):
        parts = [
            "".join(rng.choice(digits) for _ in range(4)),
            f"{rng.randint(0, 19):02d}",
            f"{rng.randint(0, 39):02d}",
            f"{rng.randint(0, 29):02d}",
            f"{rng.randint(0, 69):02d}",
            f"{rng.randint(0, 69):02d}",
        ]
        fraction = rng.choice(["", "." + "".join(rng.choice(digits) for _ in range(rng.randint(1, 9)))])
        generated.append("{}-{}-{}T{}:{}:{}".format(*parts) + fraction + "Z")
    return fixed + generated


def test_parse_timestamp_accepts_and_refuses_exactly_what_strptime_did():
    from skill.web.verifier import parse_timestamp

    refused = accepted = 0
    for value in _timestamp_cases():
        expected = _strptime_reference(value)
        try:
            got = parse_timestamp(value)
        except RequestRejected as exc:
            assert exc.reason == "timestamp_invalid", value
            got = "refused"
        assert got == expected, value
        if got == "refused":
            refused += 1
        else:
            assert got.tzinfo == dt.timezone.utc
            accepted += 1
    assert refused > 100 and accepted > 100  # both kinds were really exercised


@pytest.mark.parametrize(
    "signature",
    [
        "QUJDRA=",
        "QUJDRA===",
        "=QUJDRA==",
        "QUJD RA==",
        "QUJD\tRA==",
        "QUJDRA==QUJD",
        "QUJD-_==",
        "QUJDRA==\x00",
        "QUJDR",
    ],
)
def test_signatures_that_are_not_strict_base64_are_refused_before_any_download(signature):
    app, fetcher, _, stub = make_app()
    body = body_of(_launch())
    headers = signed_headers(body)
    headers["Signature-256"] = signature
    _assert_refused(_post(app.test_client(), body, headers), stub, "signature_encoding")
    assert fetcher.calls == []


def test_signature_with_surrounding_spaces_is_still_read():
    app, _, _, stub = make_app()
    body = body_of(_launch())
    headers = signed_headers(body)
    headers["Signature-256"] = "  " + headers["Signature-256"] + " "
    assert _post(app.test_client(), body, headers).status_code == 200
    assert stub.runs == 1


def test_header_lookup_reads_flask_headers_and_plain_mappings_alike():
    from werkzeug.datastructures import EnvironHeaders

    from skill.web.verifier import _header

    environ = {"HTTP_SIGNATURE_256": "sig", "HTTP_SIGNATURECERTCHAINURL": "url", "HTTP_X_OTHER": "other"}
    flask_like = EnvironHeaders(environ)
    for headers in (flask_like, {"signature-256": "sig", "SIGNATURECERTCHAINURL": "url", "X-Other": "other"}):
        assert _header(headers, "Signature-256") == "sig"
        assert _header(headers, "SignatureCertChainUrl") == "url"
        assert _header(headers, "X-Other") == "other"  # a name outside the known three
        assert _header(headers, "Signature") is None


def test_proven_chain_expires_by_the_system_clock_too():
    """Without an injected clock the cache compares POSIX timestamps: an entry past its notAfter is
    not used (the chain is looked up again), one before it is."""
    from skill.web.verifier import SignatureVerifier, _CachedChain

    p = pki()
    key = _key("leaf").public_key()
    verifier = SignatureVerifier(trust_roots=[p.root])
    now = dt.datetime.now(dt.timezone.utc)
    verifier._proven["a"] = _CachedChain(public_key=key, expires=now - dt.timedelta(seconds=1))
    verifier._proven["b"] = _CachedChain(public_key=key, expires=now + dt.timedelta(minutes=5))
    assert verifier._proven_entry("a") is None
    assert verifier._proven_entry("b") is verifier._proven["b"]
