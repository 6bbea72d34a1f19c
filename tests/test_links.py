"""No dead links: every link a role is shown opens for that role (issue 14: colleague names on the
department page, admin change links). The crawler samples links of the same kind (tests/crawl.py)."""
import pytest
from django.contrib.auth import get_user_model

from appraisal.demo import ACCOUNTS, load_demo

from .crawl import crawl, kind_of, links_of

pytestmark = pytest.mark.django_db


def test_links_of_a_page_and_their_kinds():
    html = '<a href="/people/7/">甲</a><a href="#top">x</a><a href="https://example.org/">y</a><a>z</a>'
    assert links_of(html) == ["/people/7/", "#top", "https://example.org/"]
    assert kind_of("/people/7/") == kind_of("/people/8/") != kind_of("/people/7/?year=1")
    assert kind_of("https://example.org/") is None and kind_of("/static/css/app.css") is None


def test_no_role_is_shown_a_link_it_cannot_open(client):
    load_demo(year=2026)
    users = get_user_model().objects.in_bulk([a.username for a in ACCOUNTS], field_name="username")
    broken = {}
    for account in ACCOUNTS:
        client.force_login(users[account.username])
        result = crawl(client)
        assert result.opened > 3, account.username
        if result.broken:
            broken[account.username] = result.broken
        client.logout()
    assert not broken, "\n".join(f"{who}: {link} → {status}（见于 {source}）"
                                 for who, rows in broken.items() for source, link, status in rows)
