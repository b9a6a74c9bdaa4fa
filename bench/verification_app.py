"""Our webservice with and without the signature check, as gunicorn apps for bench/verification_http.py:

- ``on()``: signature verification on, trusting the throwaway root in BENCH_TRUST_ROOT (a PEM file)
  and serving the chain in BENCH_CHAIN (a PEM file) from memory for any certificate URL, as
  bench/verification.py does in process (downloaded once, then the validated chain is cached);
- ``off()``: dev mode, the signature check off (timestamp and skill id checks stay on).

Both with the same skill and no memory store, like bench/verification.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _chain_server(chain: bytes):
    def fetch(url: str, timeout: float) -> bytes:
        return chain

    return fetch


def on():
    from skill.config import SkillConfig
    from skill.web import WebSettings, create_app
    from skill.web.verifier import load_pem_bundle

    root = load_pem_bundle(Path(os.environ["BENCH_TRUST_ROOT"]).read_bytes())
    chain = Path(os.environ["BENCH_CHAIN"]).read_bytes()
    return create_app(SkillConfig(), WebSettings(trust_roots=root, fetcher=_chain_server(chain)))


def off():
    from skill.config import SkillConfig
    from skill.web import WebSettings, create_app

    return create_app(SkillConfig(), WebSettings(dev=True))
