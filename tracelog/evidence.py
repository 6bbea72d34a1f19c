"""What an evidence upload is, judged by its content (SECURITY.md item 14).

The allowlist is pdf, jpg/jpeg, png, docx, xlsx and txt. A file is accepted only when its bytes
are of an allowed type *and* its extension names that same type: an HTML page renamed ``.pdf``,
a PNG renamed ``.txt`` or a docx renamed ``.xlsx`` are all refused. Pure: bytes in, verdict out.
"""
from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from appraisal.errors import ValidationFailed
from appraisal.zipguard import zip_problem

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_EVIDENCE_PER_ENTRY = 10

EXTENSIONS = {".pdf": "pdf", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".docx": "docx", ".xlsx": "xlsx",
              ".txt": "txt"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain; charset=utf-8",
}
ALLOWED_LABEL = "PDF、JPG、PNG、DOCX、XLSX、TXT"

# Text that a browser could take for markup or script, even when served as text/plain.
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|iframe|object|embed|svg|meta|link|style|form|img)\b"
                     rb"|<\?xml|javascript:", re.IGNORECASE)


@dataclass(frozen=True)
class CheckedFile:
    name: str  # the uploaded name, reduced to its last path component
    file_type: str
    content_type: str
    size: int


def sniff(content: bytes) -> str | None:
    """The allowlisted type the bytes are, or None."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"PK\x03\x04"):
        return _office_type(content)
    if _is_plain_text(content):
        return "txt"
    return None


def _office_type(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()  # the central directory only: nothing is decompressed
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    return None


def _is_plain_text(content: bytes) -> bool:
    if not content or b"\x00" in content:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text[:65536]):
            return False
        return not _MARKUP.search(content[:65536])
    return False


def clean_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')
    return base[-200:] or "evidence"


def check(name: str, content: bytes) -> CheckedFile:
    """Accept or refuse one upload; the refusal names the file in Chinese."""
    name = clean_name(name)
    if len(content) > MAX_EVIDENCE_BYTES:
        raise ValidationFailed(_("文件“%(name)s”超过 20 MB，未保存。") % {"name": name})
    if not content:
        raise ValidationFailed(_("文件“%(name)s”是空文件，未保存。") % {"name": name})
    expected = EXTENSIONS.get(os.path.splitext(name)[1].lower())
    if expected is None:
        raise ValidationFailed(_("文件“%(name)s”的类型不允许上传，仅支持 %(allowed)s。") % {
            "name": name, "allowed": ALLOWED_LABEL})
    if expected in ("docx", "xlsx"):
        problem = zip_problem(content)
        if problem:
            raise ValidationFailed(_("文件“%(name)s”未保存：%(problem)s") % {"name": name, "problem": problem})
    actual = sniff(content)
    if actual != expected:
        raise ValidationFailed(_("文件“%(name)s”的内容与扩展名不符或不是允许的类型（仅支持 %(allowed)s），未保存。") % {
            "name": name, "allowed": ALLOWED_LABEL})
    return CheckedFile(name=name, file_type=actual, content_type=CONTENT_TYPES[actual], size=len(content))


def read_upload(upload) -> bytes:
    """The bytes of an uploaded file, refusing one over the limit before reading it all."""
    if upload.size is not None and upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationFailed(_("文件“%(name)s”超过 20 MB，未保存。") % {"name": clean_name(upload.name)})
    upload.seek(0)
    content = upload.read(MAX_EVIDENCE_BYTES + 1)
    upload.seek(0)
    return content


def evidence_response(item):
    """Serve an evidence file as a download that no browser renders inline (SECURITY.md item 14).
    Callers have checked access."""
    from django.http import FileResponse, Http404

    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=item.original_name, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
