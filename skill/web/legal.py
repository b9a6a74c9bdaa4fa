"""The privacy statement and terms of use: ``GET /privacy`` and ``GET /terms``, plain Dutch HTML.

One source per page, ``skill/locale/nl-NL/legal/<page>.md`` (package data, so a wheel install serves
them), in a small Markdown subset: ``#``/``##`` headings, paragraphs, ``-`` lists, `code` and
[links](/path). The HTML is rendered once, at start-up; no scripts, no external assets (a
Content-Security-Policy says so). ``docs/privacy.md`` and ``docs/terms.md`` are generated copies of the
same source: ``python -m skill.web.legal`` rewrites them, and a test fails when they drift.
"""

from __future__ import annotations

import html
import os
import re
import sys
from typing import Dict, List

from skill import datafiles

PAGES = ("privacy", "terms")
LOCALE = "nl-NL"
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:42em;margin:2em auto;padding:0 1em;"
    "line-height:1.55;color:#222}h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em}"
    "code{background:#f3f3f3;padding:0 .2em}"
)
_LINK = re.compile(r"\[([^\]]+)\]\((/[a-z]*)\)")  # only links to our own pages
_CODE = re.compile(r"`([^`]+)`")


def source(page: str) -> str:
    if page not in PAGES:
        raise KeyError(page)
    return datafiles.read_text("locale", LOCALE, "legal", f"{page}.md")


def _inline(text: str) -> str:
    out = html.escape(text, quote=True)
    out = _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", out)
    return _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', out)


def render(markdown: str) -> str:
    """The Markdown subset above as a complete HTML page (the first heading is the title)."""
    body: List[str] = []
    title = "Gesprekscoach"
    paragraph: List[str] = []
    items: List[str] = []

    def flush() -> None:
        if paragraph:
            body.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            body.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in markdown.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            body.append(f"<h2>{_inline(line[3:])}</h2>")
        elif line.startswith("# "):
            flush()
            title = line[2:]
            body.append(f"<h1>{_inline(title)}</h1>")
        elif line.startswith("- "):
            if paragraph:
                flush()
            items.append(line[2:])
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def pages() -> Dict[str, str]:
    return {page: render(source(page)) for page in PAGES}


def legal_blueprint():
    """The Flask blueprint with GET /privacy and GET /terms (rendered once, here)."""
    from flask import Blueprint, Response

    bp = Blueprint("legal", __name__)
    rendered = {page: text.encode("utf-8") for page, text in pages().items()}

    def view(page: str):
        def serve() -> Response:
            resp = Response(rendered[page], status=200, mimetype="text/html")
            resp.headers["Content-Type"] = "text/html; charset=utf-8"
            resp.headers["Content-Security-Policy"] = CSP
            resp.headers["X-Content-Type-Options"] = "nosniff"
            resp.headers["Cache-Control"] = "public, max-age=3600"
            return resp

        serve.__name__ = page
        return serve

    for page in PAGES:
        bp.add_url_rule(f"/{page}", endpoint=page, view_func=view(page), methods=["GET"])
    return bp


def docs_copy(page: str) -> str:
    """What docs/<page>.md holds: the source, under a line that says where it comes from."""
    return (
        f"<!-- Generated from skill/locale/{LOCALE}/legal/{page}.md by `python -m skill.web.legal`; "
        f"edit that file, not this one. Served as GET /{page}. -->\n\n" + source(page)
    )


def write_docs(docs_dir: str) -> List[str]:
    written = []
    for page in PAGES:
        target = os.path.join(docs_dir, f"{page}.md")
        with open(target, "w", encoding="utf-8") as fh:
            fh.write(docs_copy(page))
        written.append(target)
    return written


if __name__ == "__main__":  # python -m skill.web.legal [DOCS_DIR]
    docs = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(datafiles.PACKAGE_DIR), "docs")
    for name in write_docs(docs):
        print(f"wrote {name}")
