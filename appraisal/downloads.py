"""Download names in the page's language (issue 14): a Chinese office saves 南昌市…_2026年度考核成绩.xlsx,
an English page gets nc-2026-results.xlsx. The header carries both: ``filename`` (the English name,
plain ASCII, for old clients) and ``filename*`` (RFC 5987: UTF-8, percent-encoded) for the rest."""
from __future__ import annotations

import re
from urllib.parse import quote

from . import formats

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def _clean(name: str) -> str:
    return _UNSAFE.sub("_", name).strip() or "download"


def content_disposition(name: str, fallback: str) -> str:
    ascii_name = _clean(fallback).encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(_clean(name), safe='')}"


def attach(response, chinese: str, english: str):
    """Name ``response``'s download: ``chinese`` on a Chinese page, ``english`` on an English one
    (which is also the ASCII fallback)."""
    response["Content-Disposition"] = content_disposition(english if formats.is_english() else chinese, english)
    return response
