"""Issue 15: bad input never gives a 500. Every POST form each role can reach on the demo
(found by tests/form_crawler.py, so new forms are covered as soon as a page links to them) is sent
wrong types, NaN, Infinity, -Infinity, 1e400, a 100,000-character string, a NUL byte and bytes
that are not UTF-8: in every field at once, and one field at a time with the others as the page
filled them. Every answer is 200, 302, 400, 403 or 404; a 400 page is in Chinese. An exception
(what a 500 would be) is collected with the form, field and value that caused it.

Runs on the embedded default and, in CI's second pass, on PostgreSQL (which refuses NUL bytes and
numbers that do not fit its columns)."""
import re
import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from appraisal.demo import load_demo
from tests.form_crawler import crawl
from tests.services import forget_broker_messages

pytestmark = pytest.mark.django_db(transaction=True)  # each request commits, as on a server

HUGE = "数" * 100_000
VALUES = ["abc", "NaN", "Infinity", "-Infinity", "1e400", "-1", "99999999999999999999", "１２", HUGE, "a\x00b"]
ONE_FIELD_VALUES = ["NaN", "-Infinity", "1e400", HUGE]
ROLES = ["anonymous", "staff", "head", "assessor", "leader", "office", "sysadmin", "secadmin", "auditor"]
ALLOWED = {200, 302, 400, 403, 404}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
NOT_FUZZED = {"csrfmiddlewaretoken"}


def _client(role):
    client = Client()
    if role != "anonymous":
        client.force_login(get_user_model().objects.get(username=role))
    return client


def _garbage_file(name):
    return SimpleUploadedFile(f"{name}.xlsx", b"\xff\xfe\x00not a workbook" * 50,
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _requests(form):
    """(label, kind, payload) of every submission of one form."""
    names = [name for name in form.fields if name not in NOT_FUZZED]
    if not names:
        yield "no fields", "form", {}
        return
    for value in VALUES:
        data = {name: value for name in names}
        yield f"all={value[:12]!r}", "form", data
    raw = "&".join(f"{quote(name)}=%FF%FE%C3%28abc" for name in names)
    yield "all=non-UTF-8", "raw", raw
    one_by_one = [name for name in form.shapes().values() if name not in NOT_FUZZED]
    for index, name in enumerate(one_by_one):
        # a long form (the scheme's hundred parameters) gets one bad value per field, in turn
        values = ONE_FIELD_VALUES if len(one_by_one) <= 6 else [ONE_FIELD_VALUES[index % len(ONE_FIELD_VALUES)]]
        for value in values:
            data = {key: current for key, current in form.fields.items() if key not in NOT_FUZZED}
            data[name] = value
            yield f"{name}={value[:12]!r}", "form", data


def _post(client, form, kind, payload):
    if kind == "raw":
        return client.generic("POST", form.action, payload, content_type="application/x-www-form-urlencoded")
    data = dict(payload)
    for name in form.files:
        data[name] = _garbage_file(name)
    return client.post(form.action, data)


def test_no_form_field_gives_a_500():
    load_demo()
    forms, seen = [], set()
    for role in ROLES:
        client = _client(role)
        for form in crawl(client, "/login/" if role == "anonymous" else "/"):
            if form.key not in seen and "/logout/" not in form.action:
                seen.add(form.key)
                forms.append((role, form))
    # the demo shows the office, the staff, the heads and the administrators their forms
    assert len(forms) >= 25, [(role, form.action) for role, form in forms]
    failures, started = [], time.monotonic()
    timings = {}
    for role, form in forms:
        form_started = time.monotonic()
        client = _client(role)
        for label, kind, payload in _requests(form):
            try:
                response = _post(client, form, kind, payload)
            except Exception as error:  # noqa: BLE001 — what a server would answer with a 500
                failures.append(f"{role} POST {form.action} [{label}]: {type(error).__name__}: {str(error)[:200]}")
                continue
            if response.status_code not in ALLOWED:
                failures.append(f"{role} POST {form.action} [{label}]: {response.status_code}")
            elif response.status_code == 400 and not CHINESE.search(response.content.decode(errors="replace")):
                failures.append(f"{role} POST {form.action} [{label}]: 400 without a Chinese message")
        timings[form.action] = time.monotonic() - form_started
    print(f"{len(forms)} forms in {time.monotonic() - started:.0f} s; slowest:",
          sorted(timings.items(), key=lambda item: -item[1])[:8])
    if settings.REDIS_URL:  # jobs the forms queued (compute, publicity) for a worker that never comes
        forget_broker_messages()
    assert failures == [], "\n".join(failures)
