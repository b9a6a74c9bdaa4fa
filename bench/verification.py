"""Verification benchmark: Alexa request signature verification on (warm cache) vs off, and vs
ask-sdk-webservice-support's own RequestVerifier, on the same signed requests.

    .venv/bin/python bench/verification.py [--rounds 30] [--passes 10]

All three go through our Flask app (test client, in process, the real skill), with the same signed
bodies (the dispatch mix, stamped now, signed with a throwaway PKI generated at start-up):

- off:  ``WebSettings(dev=True)``: timestamp and skill id checks only (what every side also does);
- ours: signature verification on, our ``SignatureVerifier`` trusting the throwaway root, its
  fetcher serving the chain from memory (fetched once, then the validated chain is cached);
- sdk:  the dev-mode app with the SDK's ``RequestVerifier`` added to the handler's verifiers.

How the SDK's verifier is made to work offline with a throwaway CA (nothing of ours is changed):
it reads the chain with ``urlopen(cert_url)`` (a module global in ask_sdk_webservice_support.verifier)
and validates it with ``CertificateValidator(end_cert, intermediates)`` (certvalidator, with the OS trust
list). The bench replaces both module globals for this process only: ``urlopen`` by a function serving
the PEM chain from memory, ``CertificateValidator`` by a wrapper that passes a certvalidator
``ValidationContext(trust_roots=[our root])``. It caches the chain bytes after the first request but
re-validates the chain on every request (which is why it is slower). This needs certvalidator to import,
i.e. oscrypto that loads on OpenSSL 3.0.10+ (``make install`` lays elements-oscrypto over oscrypto).

Targets (issue 6): ours costs at most 15% over unverified, and is faster than the SDK's verifier.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import logging
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402

TARGET_OVERHEAD = 1.15


def make_pki():
    """A root, an intermediate and a leaf (SAN echo-api.amazon.com) valid around the real now,
    built with the test suite's helpers (tests/web_fixtures.py)."""
    from tests import web_fixtures as wf

    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    before, after = now - dt.timedelta(days=30), now + dt.timedelta(days=30)
    root_key, int_key, leaf_key = wf._key("bench-root"), wf._key("bench-int"), wf._key("bench-leaf")
    root = wf._ca(
        "Bench Root CA",
        root_key,
        None,
        root_key,
        path_length=1,
        not_before=before,
        not_after=after + dt.timedelta(days=30),
    )
    inter = wf._ca("Bench Intermediate CA", int_key, root, root_key, path_length=0, not_before=before, not_after=after)
    leaf = wf._leaf(leaf_key, inter, int_key, sans=[wf.ECHO_SAN], not_before=before, not_after=after)
    return root, wf.pem(leaf, inter), leaf_key


def patch_sdk_verifier(root, chain_pem: bytes):
    """Make ask_sdk_webservice_support's RequestVerifier fetch from memory and trust our root."""
    from skill.web.sdk_compat import SDK_REQUEST_VERIFIER_AVAILABLE

    if not SDK_REQUEST_VERIFIER_AVAILABLE:
        raise SystemExit(
            "the SDK's RequestVerifier cannot work here: oscrypto fails to load OpenSSL "
            "(run `make install`, which lays elements-oscrypto over oscrypto 1.3.0)"
        )
    import ask_sdk_webservice_support.verifier as sdkv
    from certvalidator import CertificateValidator, ValidationContext
    from cryptography.hazmat.primitives import serialization

    root_der = root.public_bytes(serialization.Encoding.DER)
    context = ValidationContext(trust_roots=[root_der])
    fetches = []

    def urlopen(url, *args, **kwargs):
        fetches.append(url)
        return io.BytesIO(chain_pem)

    def validator(end_cert, intermediate_certs=None, **kwargs):
        return CertificateValidator(end_cert, intermediate_certs, validation_context=context)

    sdkv.urlopen = urlopen
    sdkv.CertificateValidator = validator
    return sdkv.RequestVerifier(), fetches


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--passes", type=int, default=10)
    args = ap.parse_args(argv)
    logging.getLogger("gesprekscoach").setLevel(logging.ERROR)
    import warnings

    warnings.filterwarnings("ignore", message="Properties that return a na")  # the SDK's not_valid_before

    from bench.dispatch import request_mix
    from skill.builder import build_skill
    from skill.config import SkillConfig
    from skill.dev.response_check import problems
    from skill.web import WebSettings, create_app
    from tests.web_fixtures import CERT_URL, FakeFetcher, sign

    root, chain, leaf_key = make_pki()
    skill = build_skill(SkillConfig(rng=random.Random(6)))
    fetcher = FakeFetcher({CERT_URL: chain})
    app_ours = create_app(SkillConfig(), WebSettings(trust_roots=[root], fetcher=fetcher), skill=skill)
    app_off = create_app(SkillConfig(), WebSettings(dev=True), skill=skill)
    app_sdk = create_app(SkillConfig(), WebSettings(dev=True), skill=skill)
    sdk_verifier, sdk_fetches = patch_sdk_verifier(root, chain)
    app_sdk.extensions["gesprekscoach"]["handler"]._verifiers.insert(0, sdk_verifier)

    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    bodies = []
    for _, env in request_mix():
        env["request"]["timestamp"] = now
        body = json.dumps(env).encode("utf-8")
        bodies.append(
            (
                body,
                {
                    "SignatureCertChainUrl": CERT_URL,
                    "Signature-256": sign(body, leaf_key),
                    "Content-Type": "application/json",
                },
            )
        )
    clients = {"off": app_off.test_client(), "ours": app_ours.test_client(), "sdk": app_sdk.test_client()}
    for name, client in clients.items():  # every side accepts every request (and the cache is warm)
        for body, headers in bodies:
            resp = client.post("/alexa", data=body, headers=headers)
            if resp.status_code != 200 or problems(resp.get_json()):
                raise SystemExit(f"{name}: {resp.status_code} {resp.data[:300]!r}")
    # A tampered body must be refused by both verifiers (so we compare verifiers that verify).
    bad_body, bad_headers = bodies[0][0].replace(b"LaunchRequest", b"IntentRequest"), bodies[0][1]
    for name in ("ours", "sdk"):
        if clients[name].post("/alexa", data=bad_body, headers=bad_headers).status_code != 400:
            raise SystemExit(f"{name} accepted a tampered body")

    def sampler(client):
        def sample():
            t0 = time.perf_counter()
            for _ in range(args.passes):
                for body, headers in bodies:
                    client.post("/alexa", data=body, headers=headers)
            return (time.perf_counter() - t0) / (args.passes * len(bodies))

        return sample

    res = common.alternate({n: sampler(c) for n, c in clients.items()}, rounds=args.rounds, warmup=2, max_seconds=100)
    med = {n: common.median(v) for n, v in res.items()}

    # The verifiers alone, same signed requests (no HTTP, no skill): where the difference comes from.
    from ask_sdk_model import RequestEnvelope

    ours_sig = [
        v for v in app_ours.extensions["gesprekscoach"]["verifiers"] if type(v).__name__ == "SignatureVerifier"
    ][0]
    parsed = [
        (b.decode(), h, skill.serializer.deserialize(payload=b.decode(), obj_type=RequestEnvelope)) for b, h in bodies
    ]

    def verify_only(verifier):
        def sample():
            t0 = time.perf_counter()
            for _ in range(args.passes):
                for text, headers, env in parsed:
                    verifier.verify(headers, text, env)
            return (time.perf_counter() - t0) / (args.passes * len(parsed))

        return sample

    alone = common.alternate(
        {"ours": verify_only(ours_sig), "sdk": verify_only(sdk_verifier)},
        rounds=max(5, args.rounds // 3),
        warmup=1,
        max_seconds=60,
    )

    overhead = common.paired_ratio(res["ours"], res["off"])
    vs_sdk = common.paired_ratio(res["ours"], res["sdk"])
    ok = overhead <= TARGET_OVERHEAD and vs_sdk < 1
    print(common.line("="))
    print("Verification: signed requests through the Flask app (test client, real skill), per request")
    print(
        f"  {args.rounds} alternating samples x {args.passes} passes x {len(bodies)} requests; {common.machine_note()}"
    )
    print(common.line())
    print(f"  {'side':<34} {'median us/request':>18}")
    labels = {
        "off": "verification off (dev)",
        "ours": "ours on (warm cache)",
        "sdk": "SDK RequestVerifier (chain cached)",
    }
    for name in ("off", "ours", "sdk"):
        print(f"  {labels[name]:<34} {med[name] * 1e6:>18.1f}")
    print("  ratios are medians of the per-round ratios (each round runs the sides back to back)")
    print(
        f"  ours on / off: {overhead:.3f} (target <= {TARGET_OVERHEAD})   "
        f"ours / SDK: {vs_sdk:.3f} (target < 1)   {common.verdict(ok)}"
    )
    print(
        f"  verifier alone, us/request: ours {common.median(alone['ours']) * 1e6:.1f}, "
        f"SDK {common.median(alone['sdk']) * 1e6:.1f}"
    )
    print(
        f"  chain downloads: ours {len(fetcher.calls)} (validated once, cached), SDK {len(sdk_fetches)} "
        "(bytes cached, re-validated on every request)"
    )
    print(common.line("="))
    print(
        json.dumps(
            {
                "bench": "verification",
                "off_us": round(med["off"] * 1e6, 1),
                "ours_us": round(med["ours"] * 1e6, 1),
                "sdk_us": round(med["sdk"] * 1e6, 1),
                "overhead": round(overhead, 3),
                "ours_vs_sdk": round(vs_sdk, 3),
                "verify_only_ours_us": round(common.median(alone["ours"]) * 1e6, 1),
                "verify_only_sdk_us": round(common.median(alone["sdk"]) * 1e6, 1),
                "met": ok,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
