"""``gesprekscoach serve``: run the webservice (POST /alexa, GET /health, GET /privacy, GET /terms) on
a bounded WSGI server (skill.web.server: a fixed worker pool, a wait queue, a deadline per connection).

For production run the same app under gunicorn behind an HTTPS reverse proxy
(``gunicorn 'skill.web:create_app()'``); see docs/deploy.md. Flask is imported only when this runs.
"""

from __future__ import annotations

import argparse
import os

HELP = (
    "Serve the skill as a webservice (POST /alexa, GET /health, the browser page on GET /); put HTTPS "
    "in front for production."
)


def _env_number(name: str, default, kind=int):
    try:
        return kind(os.environ.get(name) or default)
    except ValueError:
        return default


def _env_port() -> int:
    return _env_number("GESPREKSCOACH_PORT", 8080)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default=os.environ.get("GESPREKSCOACH_HOST") or "127.0.0.1",
        help="interface to listen on (default 127.0.0.1; env GESPREKSCOACH_HOST)",
    )
    parser.add_argument(
        "--port", type=int, default=_env_port(), help="port (default 8080; 0 picks a free one; env GESPREKSCOACH_PORT)"
    )
    parser.add_argument(
        "--dev",
        action="store_true",
        default=None,
        help="turn OFF the request signature check, for local clients that cannot sign; "
        "timestamp and skill id checks stay on (env GESPREKSCOACH_DEV=1)",
    )
    parser.add_argument(
        "--skill-id", default=None, help="refuse requests for any other skill id (env GESPREKSCOACH_SKILL_ID)"
    )
    parser.add_argument(
        "--log-level", default=None, help="DEBUG, INFO (default), WARNING, ERROR (env GESPREKSCOACH_LOG_LEVEL)"
    )
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=None,
        help="larger requests get 413 (default 131072; env GESPREKSCOACH_MAX_BODY_BYTES)",
    )
    parser.add_argument(
        "--no-web",
        action="store_true",
        help="do not serve the browser page (GET /, POST /api/turn); only /alexa and "
        "/health (env GESPREKSCOACH_NO_WEB=1)",
    )
    parser.add_argument(
        "--store",
        default=None,
        metavar="STORE",
        help="where each person's progress is kept: sqlite (default, in the user's data "
        "directory), sqlite:PATH, dynamodb:TABLE or none (env GESPREKSCOACH_STORE)",
    )
    parser.add_argument(
        "--trust-roots",
        default=None,
        metavar="PEM",
        help="CA bundle to validate Alexa's certificate chain against "
        "(default: the system's; env GESPREKSCOACH_TRUST_ROOTS)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=_env_number("GESPREKSCOACH_WORKERS", 8),
        help="requests handled at once (default 8; env GESPREKSCOACH_WORKERS)",
    )
    parser.add_argument(
        "--max-pending",
        type=int,
        default=_env_number("GESPREKSCOACH_MAX_PENDING", 32),
        help="connections that may wait for a worker; more get 503 (default 32; env GESPREKSCOACH_MAX_PENDING)",
    )
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=_env_number("GESPREKSCOACH_REQUEST_TIMEOUT", 30.0, float),
        help="seconds from accepting a connection to the end of its answer; then it is "
        "closed (default 30; env GESPREKSCOACH_REQUEST_TIMEOUT)",
    )


def run(args: argparse.Namespace) -> int:
    import logging
    import signal
    import sys
    import threading

    from skill.config import SkillConfig
    from skill.web.app import WebSettings, create_app
    from skill.web.server import BoundedWSGIServer

    settings = WebSettings.from_env()
    if args.dev:
        settings.dev = True
    if args.log_level:
        settings.log_level = args.log_level
    if args.max_body_bytes:
        settings.max_body_bytes = args.max_body_bytes
    if args.trust_roots:
        settings.trust_roots_path = args.trust_roots
    if args.no_web:
        settings.web_page = False
    config = SkillConfig.from_env(default_store="sqlite")
    if args.store:
        from skill.store import StoreConfigError, parse_store

        try:
            config.store = str(parse_store(args.store))
        except StoreConfigError as exc:
            print(f"gesprekscoach serve: --store: {exc}", file=sys.stderr)
            return 2
    if args.skill_id:
        config.skill_id = args.skill_id

    level = getattr(logging, (settings.log_level or "INFO").upper(), logging.INFO)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # our own line per request is enough

    app = create_app(config, settings)
    server = BoundedWSGIServer(
        args.host,
        args.port,
        app,
        workers=args.workers,
        max_pending=args.max_pending,
        request_timeout=args.request_timeout,
    )
    served = "POST /alexa, GET /health" + (", the page on GET /" if settings.web_page else "")
    print(
        f"Gesprekscoach listening on http://{args.host}:{server.port} ({served})"
        f"{'  [DEV: signature check OFF]' if settings.dev else ''}",
        flush=True,
    )
    print(
        f"  {server.workers} workers, {server.max_pending} waiting at most, {args.request_timeout:g} s per "
        "connection. In production: gunicorn behind an HTTPS proxy (docs/deploy.md).",
        flush=True,
    )

    def _stop(signum, frame):  # shutdown() waits for serve_forever, so call it from another thread
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("Gesprekscoach stopped.", flush=True)
    return 0
