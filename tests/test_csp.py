"""Strict Content-Security-Policy: scripts only from our static files (SECURITY.md, issue 8 item 9).

The template scan keeps new templates honest (no <script> bodies, no on…= handlers, no
javascript: URLs); the header test checks what the browser receives. The browser journeys
(tests/browser/conftest.py) fail on any CSP violation Chromium reports.
"""
import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"] + [
    path for path in Path(settings.BASE_DIR).glob("*/templates") if ".venv" not in path.parts]

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I | re.S)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def templates():
    for directory in TEMPLATE_DIRS:
        yield from sorted(directory.rglob("*.html"))


@pytest.mark.parametrize("path", list(templates()), ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_template_has_no_inline_script(path):
    text = path.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to static/js/"
    assert not HANDLER.search(text), "inline event handler (on…=): use a data attribute and static/js/app.js"
    assert not JS_URL.search(text), "javascript: URL"


def test_the_scan_recognises_what_it_forbids():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/app.js"></script>')
    assert HANDLER.search('<select class="x" onchange="this.form.submit()">')
    assert not HANDLER.search('<select data-autosubmit class="x">')
    assert JS_URL.search('<a href="javascript:void(0)">')


@pytest.mark.django_db
def test_pages_send_a_strict_policy(client):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in policy
