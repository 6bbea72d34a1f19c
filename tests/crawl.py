"""Walk the product as each demo role sees it, with Django's test client: start from the home page
and its navigation, follow the links of the pages reached, and report every link that answers 4xx.

Links of the same kind (one URL pattern and the same query keys: /people/7/ and /people/8/) are
sampled: up to ``check_per_kind`` of them are opened, up to ``expand_per_kind`` read for further links.
"""
from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlsplit

from django.urls import Resolver404, resolve


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def kind_of(url: str) -> str | None:
    """The URL's pattern and query keys; None for what is not ours to open (other sites, static files)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/static/"):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return f"404:{parts.path}"
    keys = ",".join(sorted({key for key, _ in parse_qsl(parts.query)}))
    return f"{match.route}?{keys}"


@dataclass
class CrawlResult:
    opened: int = 0
    broken: list[tuple[str, str, int]] = field(default_factory=list)  # (found on, link, status)


def crawl(client, *, check_per_kind: int = 4, expand_per_kind: int = 2, max_depth: int = 4) -> CrawlResult:
    result = CrawlResult()
    checked: set[str] = set()
    per_kind_checked: dict[str, int] = defaultdict(int)
    per_kind_expanded: dict[str, int] = defaultdict(int)
    # the home page carries the navigation: every page the role reaches from it is found from there
    queue: deque[tuple[str, str, int]] = deque([("(start)", "/", 0)])
    while queue:
        source, url, depth = queue.popleft()
        url = urldefrag(url)[0]
        if not url or url in checked:
            continue
        kind = kind_of(url)
        if kind is None or per_kind_checked[kind] >= check_per_kind:
            continue
        checked.add(url)
        per_kind_checked[kind] += 1
        response = client.get(url, follow=True)
        result.opened += 1
        if 400 <= response.status_code < 500:
            result.broken.append((source, url, response.status_code))
            continue
        final = response.request["PATH_INFO"]
        html = response.headers.get("Content-Type", "").startswith("text/html")
        if not html or depth >= max_depth or per_kind_expanded[kind] >= expand_per_kind:
            continue
        per_kind_expanded[kind] += 1
        for href in links_of(response.content.decode()):
            if href.startswith("?"):
                href = final + href
            elif not href.startswith("/") and "://" not in href and not href.startswith(("#", "mailto:", "tel:")):
                href = final.rsplit("/", 1)[0] + "/" + href
            queue.append((url, href, depth + 1))
    return result
