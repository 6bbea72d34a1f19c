"""Evidence uploads (SECURITY.md item 14): an allowlist checked by content and extension, 20 MB,
stored outside the web root under random names, downloaded as attachments by readers only."""
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import Workbook

from appraisal.errors import StateError, ValidationFailed
from appraisal.models import AuditEvent
from tracelog import evidence, services
from tracelog.deadlines import MONTHLY_RECORD, WEEKLY_PLAN
from tracelog.demo import _demo_pdf
from tracelog.models import Evidence, TraceEntry

from .conftest import at, file_entry

PDF = _demo_pdf("evidence")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def _zip(names) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


DOCX = _zip(["[Content_Types].xml", "word/document.xml"])
XLSX = _xlsx()


def test_private_files_live_outside_the_web_root():
    from appraisal.settings import base

    for public in (base.STATIC_ROOT, *base.STATICFILES_DIRS):
        assert not base.PRIVATE_MEDIA_ROOT.is_relative_to(public)
    assert not getattr(base, "MEDIA_URL", "")  # nothing is served from a media URL


@pytest.mark.parametrize("content, kind", [
    (PDF, "pdf"), (JPEG, "jpeg"), (PNG, "png"), (DOCX, "docx"), (XLSX, "xlsx"),
    ("本月完成登记审核 120 件。\n".encode(), "txt"),
    ("本月完成登记审核 120 件。\r\n".encode("gb18030"), "txt"),
    (HTML, None),
    (b"hello <script>alert(1)</script>", None),
    (b"<svg onload=alert(1)>", None),
    (b"text with a NUL \x00 byte", None),
    (b"MZ\x90\x00\x03\x00\x00\x00", None),  # a Windows executable
    (_zip(["[Content_Types].xml", "ppt/slides/slide1.xml"]), None),  # pptx is not allowed
    (_zip(["payload.exe"]), None),
    (b"PK\x03\x04 not really a zip", None),
    (b"", None),
])
def test_sniffing_by_content(content, kind):
    assert evidence.sniff(content) == kind


@pytest.mark.parametrize("name, content, ok", [
    ("台账.pdf", PDF, True),
    ("照片.JPG", JPEG, True),
    ("照片.jpeg", JPEG, True),
    ("截图.png", PNG, True),
    ("总结.docx", DOCX, True),
    ("统计.xlsx", XLSX, True),
    ("说明.txt", "说明文字".encode(), True),
    ("台账.pdf", HTML, False),  # an HTML page renamed .pdf
    ("说明.txt", HTML, False),
    ("截图.pdf", PNG, False),  # a real PNG with the wrong extension
    ("总结.xlsx", DOCX, False),  # a Word file named as a workbook
    ("页面.html", HTML, False),
    ("程序.exe", b"MZ\x90\x00", False),
    ("无扩展名", PDF, False),
])
def test_type_and_extension_must_agree(name, content, ok):
    if ok:
        assert evidence.check(name, content).file_type == evidence.EXTENSIONS[name[name.rindex("."):].lower()]
    else:
        with pytest.raises(ValidationFailed, match="不允许|不符"):
            evidence.check(name, content)


def test_size_limit_is_20_megabytes():
    assert evidence.check("a.pdf", PDF + b" " * (evidence.MAX_EVIDENCE_BYTES - len(PDF))).size == 20 * 1024 * 1024
    with pytest.raises(ValidationFailed, match="超过 20 MB"):
        evidence.check("a.pdf", PDF + b" " * (evidence.MAX_EVIDENCE_BYTES - len(PDF) + 1))


def test_a_path_in_the_uploaded_name_is_dropped():
    assert evidence.check("../../etc/passwd.txt", b"x").name == "passwd.txt"
    assert evidence.check("C:\\Users\\a\\台账.pdf", PDF).name == "台账.pdf"


def _stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def entry(world, year2026):
    return file_entry(world.users["staff"], MONTHLY_RECORD, "2026-11", "2026-11-20 10:00", submit=False)


@pytest.mark.django_db
@pytest.mark.parametrize("name, content", [
    ("台账.pdf", HTML),
    ("大文件.pdf", PDF + b"0" * (20 * 1024 * 1024)),
])
def test_a_refused_upload_shows_a_chinese_message_and_stores_nothing(client, world, entry, private_media, name,
                                                                     content):
    client.force_login(world.users["staff"])
    with freeze_time(at("2026-11-20 11:00")):
        response = client.post(reverse("tracelog:evidence_upload", args=[entry.pk]),
                               {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
                               follow=True)
    page = response.content.decode()
    assert "未保存" in page
    assert not Evidence.objects.exists()
    assert _stored_files(private_media) == []
    assert not AuditEvent.objects.filter(action="tracelog.evidence.attach").exists()


@pytest.mark.django_db
def test_a_refused_file_on_the_entry_form_saves_no_entry_either(client, world, year2026, private_media):
    client.force_login(world.users["staff"])
    with freeze_time(at("2026-11-20 11:00")):
        response = client.post(reverse("tracelog:entry_new"), {
            "kind": MONTHLY_RECORD, "period": "2026-11", "content": "本月工作", "action": "submit",
            "file": SimpleUploadedFile("台账.pdf", HTML, content_type="application/pdf")})
    assert response.status_code == 200
    assert "内容与扩展名不符" in response.content.decode()
    assert not TraceEntry.objects.exists()
    assert _stored_files(private_media) == []


@pytest.mark.django_db
def test_an_accepted_file_is_stored_privately_under_a_random_name(client, world, entry, private_media):
    client.force_login(world.users["staff"])
    with freeze_time(at("2026-11-20 11:00")):
        response = client.post(reverse("tracelog:evidence_upload", args=[entry.pk]),
                               {"file": SimpleUploadedFile("11月台账.pdf", PDF)}, follow=True)
    assert "证据材料已上传" in response.content.decode()
    item = Evidence.objects.get()
    assert (item.original_name, item.file_type, item.size) == ("11月台账.pdf", "pdf", len(PDF))
    [stored] = _stored_files(private_media)
    assert stored.read_bytes() == PDF
    assert "台账" not in stored.name and len(stored.stem) == 32
    assert stored.is_relative_to(private_media)
    with pytest.raises(ValueError):
        item.file.url  # no direct URL exists
    event = AuditEvent.objects.get(action="tracelog.evidence.attach")
    assert event.new_value["sha256"] == item.sha256


@pytest.mark.django_db
def test_download_is_an_attachment_for_readers_only(client, world, entry, colleague_user):
    with freeze_time(at("2026-11-20 11:00")):
        services.evidence_attach(user=world.users["staff"], entry=entry, upload=SimpleUploadedFile("台账.pdf", PDF))
        services.entry_submit(user=world.users["staff"], entry=entry)
    url = reverse("tracelog:evidence_download", args=[Evidence.objects.get().pk])
    for username in ("staff", "head", "office", "leader"):
        client.force_login(world.users[username])
        response = client.get(url)
        assert response.status_code == 200, username
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF
    client.force_login(colleague_user)
    assert client.get(url).status_code == 200
    for username in ("outsider", "sysadmin", "auditor"):
        client.force_login(world.users[username])
        assert client.get(url).status_code == 403, username
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_evidence_of_a_draft_is_not_downloadable_by_others(client, world, entry):
    with freeze_time(at("2026-11-20 11:00")):
        services.evidence_attach(user=world.users["staff"], entry=entry, upload=SimpleUploadedFile("台账.pdf", PDF))
    client.force_login(world.users["head"])
    assert client.get(reverse("tracelog:evidence_download", args=[Evidence.objects.get().pk])).status_code == 403


@pytest.mark.django_db
def test_evidence_is_deleted_only_while_the_entry_is_editable(world, entry, private_media,
                                                              django_capture_on_commit_callbacks):
    staff = world.users["staff"]
    with freeze_time(at("2026-11-20 11:00")):
        first = services.evidence_attach(user=staff, entry=entry, upload=SimpleUploadedFile("一.pdf", PDF))
        second = services.evidence_attach(user=staff, entry=entry, upload=SimpleUploadedFile("二.png", PNG))
        with django_capture_on_commit_callbacks(execute=True):
            services.evidence_delete(user=staff, evidence=first)
        assert [p.read_bytes() for p in _stored_files(private_media)] == [PNG]
        services.entry_submit(user=staff, entry=entry)
        with pytest.raises(StateError):
            services.evidence_delete(user=staff, evidence=second)
        # issue 14: more evidence may follow the submission (audited as such), none is taken back
        services.evidence_attach(user=staff, entry=entry, upload=SimpleUploadedFile("三.pdf", PDF))
        with pytest.raises(StateError):
            services.evidence_delete(user=staff, evidence=Evidence.objects.get(original_name="三.pdf"))
    assert list(Evidence.objects.order_by("pk").values_list("original_name", flat=True)) == ["二.png", "三.pdf"]
    assert AuditEvent.objects.filter(action="tracelog.evidence.delete").count() == 1
    late = AuditEvent.objects.filter(action="tracelog.evidence.attach").latest("id")
    assert late.new_value["after_submit"] is True and late.new_value["file"] == "三.pdf" and late.reason


@pytest.mark.django_db
def test_at_most_ten_files_per_entry(world, year2026):
    entry = file_entry(world.users["staff"], WEEKLY_PLAN, "2026-W47", "2026-11-16 10:00", submit=False)
    with freeze_time(at("2026-11-16 10:30")):
        for index in range(evidence.MAX_EVIDENCE_PER_ENTRY):
            services.evidence_attach(user=world.users["staff"], entry=entry,
                                     upload=SimpleUploadedFile(f"{index}.txt", b"note"))
        with pytest.raises(ValidationFailed, match="最多"):
            services.evidence_attach(user=world.users["staff"], entry=entry, upload=SimpleUploadedFile("x.txt", b"n"))


@pytest.mark.django_db
def test_several_files_at_once_and_more_after_submission_from_the_page(client, world, entry, private_media):
    """Issue 14: the upload takes several files; the author adds evidence to a submitted record."""
    staff = world.users["staff"]
    client.force_login(staff)
    url = reverse("tracelog:evidence_upload", args=[entry.pk])
    with freeze_time(at("2026-11-20 11:00")):
        response = client.post(url, {"file": [SimpleUploadedFile("一.pdf", PDF), SimpleUploadedFile("二.png", PNG)]},
                               follow=True)
        assert "证据材料已上传（2 个）" in response.content.decode()
        services.entry_submit(user=staff, entry=entry)
        page = client.get(reverse("tracelog:entry_detail", args=[entry.pk])).content.decode()
        assert "仍可补充证据材料" in page and 'multiple' in page
        client.post(url, {"file": [SimpleUploadedFile("三.pdf", PDF)]})
        # one bad file refuses the whole upload: nothing stored
        response = client.post(url, {"file": [SimpleUploadedFile("四.pdf", PDF), SimpleUploadedFile("x.exe", b"MZ")]},
                               follow=True)
    assert sorted(Evidence.objects.values_list("original_name", flat=True)) == ["一.pdf", "三.pdf", "二.png"]
    assert len(_stored_files(private_media)) == 3
    assert AuditEvent.objects.filter(action="tracelog.evidence.attach", new_value__after_submit=True).count() == 1
    client.force_login(world.users["head"])
    assert client.post(url, {"file": [SimpleUploadedFile("五.pdf", PDF)]}).status_code == 403
