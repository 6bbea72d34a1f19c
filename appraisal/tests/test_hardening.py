"""Issue 8 item 11, each reproduced and refused: no-store on score pages, a failed audit write
keeps the old password, zip bombs refused, NUL bytes give 400, a capped workbook report."""
import io
import zipfile

import pytest
from django.db import IntegrityError
from django.urls import reverse

from appraisal import audit
from appraisal.models import AuditEvent
from appraisal.zipguard import zip_problem


@pytest.mark.django_db
@pytest.mark.parametrize("url_name, kwargs", [
    ("indicators:score_entry", "year"), ("indicators:tree", "year"), ("indicators:common_score_entry", "year"),
    ("results:overview", None), ("scoring:home", None), ("year_list", None),
])
def test_score_pages_are_not_stored(client, world, year, url_name, kwargs):
    client.force_login(world.users["office"])
    response = client.get(reverse(url_name, kwargs={"year_pk": year.pk} if kwargs else None), follow=True)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_failing_audit_write_keeps_the_old_password(client, world, monkeypatch):
    client.raise_request_exception = False
    user = world.users["staff"]
    user.set_password("Old#Pass2025")
    user.save()
    client.force_login(user)
    original = audit.record

    def broken(action, **kwargs):
        if action == "auth.password_change":
            raise IntegrityError("audit table unavailable")
        return original(action, **kwargs)

    monkeypatch.setattr(audit, "record", broken)
    response = client.post(reverse("password_change"), {
        "old_password": "Old#Pass2025", "new_password1": "New#Pass2026x", "new_password2": "New#Pass2026x"})
    assert response.status_code == 500
    user.refresh_from_db()
    assert user.check_password("Old#Pass2025") and not user.check_password("New#Pass2026x")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_bombs_are_recognised():
    ordinary = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>" * 100})
    assert zip_problem(ordinary) is None
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/sharedStrings.xml": b"\0" * (64 * 1024 * 1024)})
    assert "压缩" in zip_problem(bomb)
    many = _zip({f"xl/{i}.xml": b"" for i in range(5001)})
    assert "过多" in zip_problem(many)
    assert zip_problem(b"not a zip") is None


def test_an_xlsx_evidence_that_is_a_zip_bomb_is_refused():
    from appraisal.errors import ValidationFailed
    from tracelog.evidence import check

    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/sharedStrings.xml": b"\0" * (64 * 1024 * 1024)})
    with pytest.raises(ValidationFailed, match="压缩炸弹"):
        check("台账.xlsx", bomb)


@pytest.mark.django_db
def test_a_workbook_that_is_a_zip_bomb_is_refused_with_a_chinese_message(client, world):
    client.force_login(world.users["office"])
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/sharedStrings.xml": b"\0" * (64 * 1024 * 1024)})
    upload = io.BytesIO(bomb)
    upload.name = "year.xlsx"
    response = client.post(reverse("workbook_import"), {"file": upload})
    assert response.status_code == 200 and "压缩炸弹" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/appraisal/organisation/?q=%00", "/people/?q=a%00b", "/audit/?actor=%00",
                                 "/indicators/?x%00=1"])
def test_nul_bytes_in_query_strings_give_a_clean_400(client, world, url):
    for role in ("sysadmin", "office", "auditor"):
        client.force_login(world.users[role])
        response = client.get(url)
        assert response.status_code == 400, (role, url)
        assert "请求无效" in response.content.decode()


@pytest.mark.django_db
def test_nul_bytes_in_a_form_give_a_clean_400(client, world):
    client.force_login(world.users["office"])
    response = client.post(reverse("person_create"), {"staff_id": "1\x002", "name": "x"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_broken_workbook_lists_every_problem_200_a_page(client, world, monkeypatch, django_capture_on_commit_callbacks):
    from appraisal.exchange import jobs
    from appraisal.exchange.reader import ReadResult, WorkbookError
    from tests.job_helpers import request_and_run

    errors = [WorkbookError("人员", i, "工号", "不能为空") for i in range(2, 5002)]
    monkeypatch.setattr(jobs, "read_workbook", lambda path, progress=None: ReadResult(None, errors))
    client.force_login(world.users["office"])
    upload = io.BytesIO(_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}))
    upload.name = "year.xlsx"
    response = request_and_run(django_capture_on_commit_callbacks,
                               lambda: client.post(reverse("workbook_import"), {"file": upload}))
    page = client.get(response.url).content.decode()
    assert "发现 5000 处问题" in page and "以上是第 1–200 处问题" in page
    assert page.count("<li>人员 / 第") == 200 and "<li>人员 / 第2行 / 工号: 不能为空</li>" in page
    assert len(page) < 200_000
    last = client.get(response.url + "?page=25").content.decode()  # every problem is reachable
    assert last.count("<li>人员 / 第") == 200 and "<li>人员 / 第5001行 / 工号: 不能为空</li>" in last
