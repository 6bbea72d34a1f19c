"""Issue 14: downloads are named in the page's language — Chinese by default (RFC 5987 filename*),
English on an English page — with a plain ASCII fallback for old clients."""
from urllib.parse import quote, unquote

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from appraisal import downloads


@pytest.fixture(autouse=True)
def _language_back():
    yield
    translation.deactivate()


def _star_name(header: str) -> str:
    return unquote(header.split("filename*=UTF-8''", 1)[1])


def test_the_header_carries_the_chinese_name_and_an_ascii_fallback():
    with translation.override("zh-hans"):
        response = downloads.attach(HttpResponse(), "测试局/甲_2026年度考核成绩.xlsx", "T1-2026-results.xlsx")
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="T1-2026-results.xlsx"; ')
    assert _star_name(header) == "测试局_甲_2026年度考核成绩.xlsx"  # no path separators
    assert quote("测试局", safe="") in header
    header.encode("latin-1")  # a header Django can send


@pytest.mark.django_db
@pytest.mark.parametrize("url, chinese, english", [
    (reverse("roster_export", kwargs={"kind": "people"}), "测试局_人员名册_", "T1-people-"),
    (reverse("workbook_template"), "年度工作簿模板.xlsx", "year-workbook-template.xlsx"),
])
def test_exports_are_named_in_the_users_language(client, world, url, chinese, english):
    client.force_login(world.users["office"])
    header = client.get(url)["Content-Disposition"]
    assert _star_name(header).startswith(chinese)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    header = client.get(url)["Content-Disposition"]
    assert _star_name(header).startswith(english) and f'filename="{english}' in header
