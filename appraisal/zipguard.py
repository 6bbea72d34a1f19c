"""Zip bombs: an Office file (xlsx, docx) is a zip; refuse one whose members would expand past
sane limits before anything decompresses it (SECURITY.md items 13–14).

Only the central directory is read. Python's zipfile never yields more bytes than a member's
declared size, so a lying header cannot get past these limits when openpyxl reads it either.
"""
from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _

MAX_MEMBERS = 5_000
MAX_MEMBER_BYTES = 200 * 1024 * 1024  # one uncompressed member
MAX_TOTAL_BYTES = 400 * 1024 * 1024  # all members together
MAX_RATIO = 150  # uncompressed / compressed, for members above 1 MiB
_RATIO_FLOOR = 1024 * 1024


def zip_problem(content: bytes) -> str | None:
    """Why this zip must not be opened, in Chinese, or None when it is within the limits
    (or not a zip at all: the caller's own type check says so)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if len(members) > MAX_MEMBERS:
        return _("压缩包内文件过多（%(n)d 个），疑似恶意文件。") % {"n": len(members)}
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > MAX_MEMBER_BYTES:
            return _("压缩包成员“%(name)s”解压后超过 %(mb)d MB，疑似压缩炸弹。") % {
                "name": member.filename[:80], "mb": MAX_MEMBER_BYTES // (1024 * 1024)}
        if member.file_size > _RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            return _("压缩包成员“%(name)s”压缩比异常（超过 %(r)d 倍），疑似压缩炸弹。") % {
                "name": member.filename[:80], "r": MAX_RATIO}
    if total > MAX_TOTAL_BYTES:
        return _("压缩包解压后总大小超过 %(mb)d MB，疑似压缩炸弹。") % {"mb": MAX_TOTAL_BYTES // (1024 * 1024)}
    return None
