"""Finds the POST forms a user can reach, the way a user would: from the home page, following the
links of every page (at most a few pages per view), reading each ``<form method="post">`` with its
fields and their current values. New pages and forms are covered as soon as a link leads to them.
Used by tests/test_form_fuzz.py."""
from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve

# never followed: they end the session, or answer with a file rather than a page
SKIPPED_PATHS = ("/logout/", "/static/", "/i18n/")
SKIPPED_WORDS = ("export", "download", "template", "evidence")
PAGES_PER_VIEW = 2


@dataclass
class Form:
    page: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name → current values
    files: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        """Forms of one view with fields of the same shapes are one form (a grid of 200 people and one
        of 20, the ballot of one colleague and of another)."""
        return view_name(self.action), tuple(sorted(self.shapes())), tuple(sorted(self.files))

    def shapes(self) -> dict[str, str]:
        """One field of each shape: ``a101``, ``a102`` → ``a#``; ``v_10_11`` → ``v_#_#``."""
        out = {}
        for name in self.fields:
            out.setdefault(re.sub(r"\d+", "#", name), name)
        return out


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_values: list[str] = []
        self._select_chosen: list[str] = []
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(page="", action=a.get("action") or "") if (a.get("method") or "").lower() == "post" else None
        elif self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._option = a
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self._form.files.append(a["name"])
            elif kind in ("checkbox", "radio"):
                values = self._form.fields.setdefault(a["name"], [])
                if "checked" in a:
                    values.append(a.get("value") or "on")
            elif kind not in ("submit", "button", "image", "reset"):
                self._form.fields.setdefault(a["name"], []).append(a.get("value") or "")
        elif tag == "select":
            self._select, self._select_values, self._select_chosen = a["name"], [], []
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []
        elif tag == "button" and a.get("value") is not None:
            self._form.fields.setdefault(a["name"], []).append(a["value"])
        if tag == "option" and self._select is not None:
            self._option = a

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None and self._select is not None:
            value = self._option.get("value", "")
            self._select_values.append(value)
            if "selected" in self._option:
                self._select_chosen.append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            if self._form is not None:
                chosen = self._select_chosen or self._select_values[:1]
                self._form.fields.setdefault(self._select, []).extend(chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._form is not None:
                self._form.fields.setdefault(self._textarea, []).append("".join(self._text))
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def view_name(path: str) -> str:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return "?"


def crawl(client, start: str = "/", limit: int = 150, visited: list | None = None) -> list[Form]:
    """The POST forms on the pages reachable from ``start`` for the client's user."""
    seen_urls, per_view, forms = set(), Counter(), []
    queue = deque([start])
    while queue and len(seen_urls) < limit:
        url = queue.popleft()
        if url in seen_urls:
            continue
        seen_urls.add(url)
        response = client.get(url)
        if visited is not None:
            visited.append((url, response.status_code))
        if response.status_code in (301, 302) and response.get("Location", "").startswith("/"):
            queue.appendleft(response["Location"])  # a menu entry that leads to its first page
            continue
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = _Parser()
        parser.feed(response.content.decode(errors="replace"))
        for form in parser.forms:
            form.page = url
            form.action = urljoin(url, form.action) if form.action else url
            forms.append(form)
        for href in parser.links:
            target = urljoin(url, href.split("#", 1)[0])
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or target in seen_urls:
                continue
            if parts.path.startswith(SKIPPED_PATHS) or any(word in parts.path for word in SKIPPED_WORDS):
                continue
            name = view_name(target)
            if name == "?" or per_view[name] >= PAGES_PER_VIEW:
                continue
            per_view[name] += 1
            queue.append(target)
    return forms
