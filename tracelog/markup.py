"""Light markup for entry text: paragraphs and lists, nothing else.

The text is stored as typed. On display every line is HTML-escaped first, then blank lines
separate paragraphs, lines starting with "- " / "* " / "• " make a bulleted list and lines
starting with "1. " / "1、" / "1）" a numbered one. No HTML typed by a user ever reaches the page.
"""
from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BULLET = re.compile(r"^\s*[-*•·]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d{1,3}\s*(?:[.．、)）])\s*(.*)$")


def render(text: str) -> SafeString:
    blocks: list[str] = []
    paragraph: list[str] = []
    list_tag: str | None = None
    items: list[str] = []

    def close_paragraph():
        if paragraph:
            blocks.append("<p>" + "<br>".join(paragraph) + "</p>")
            paragraph.clear()

    def close_list():
        nonlocal list_tag
        if list_tag:
            blocks.append(f"<{list_tag}>" + "".join(f"<li>{item}</li>" for item in items) + f"</{list_tag}>")
            items.clear()
            list_tag = None

    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            close_paragraph()
            close_list()
            continue
        bullet, number = _BULLET.match(line), _NUMBER.match(line)
        match, tag = (bullet, "ul") if bullet else (number, "ol") if number else (None, None)
        if match:
            close_paragraph()
            if list_tag != tag:
                close_list()
                list_tag = tag
            items.append(escape(match.group(1).strip()))
        elif list_tag and raw[:1].isspace():
            items[-1] += "<br>" + escape(line.strip())  # an indented line continues the item
        else:
            close_list()
            paragraph.append(escape(line.strip()))
    close_paragraph()
    close_list()
    return mark_safe("\n".join(blocks))  # noqa: S308 — every piece of user text above went through escape()


def excerpt(text: str, length: int = 80) -> str:
    """The first words of the text on one line (plain text, escaped by the template)."""
    flat = " ".join(part.strip() for part in (text or "").split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"
