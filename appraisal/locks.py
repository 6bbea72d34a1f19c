"""One writer at a time per organisation-year, across processes (issue 15).

The workbook import and the publication of computed results both rewrite a year's rows. On
PostgreSQL they take the year's transaction-scoped advisory lock (keyed by the organisation's code,
so it works before the year's row exists); the lock is released when the transaction ends. On
SQLite every write transaction is already exclusive (``transaction_mode = IMMEDIATE`` with a busy
timeout, see settings), so there is nothing more to take.
"""
from __future__ import annotations

import time
import zlib

from django.db import connection
from django.utils.translation import gettext as _

from .errors import StateError


class YearBusy(StateError):
    """Another import or publication of the same organisation-year holds its lock."""


def _key(org_code: str) -> int:
    return zlib.crc32(f"year-writer:{org_code}".encode()) - 2**31  # a signed 32-bit int


def year_lock(org_code: str, year: int, *, wait: float = 30.0) -> None:
    """Take the organisation-year's write lock for the current transaction, waiting up to
    ``wait`` seconds; raise ``YearBusy`` (with a message for the user) if it stays taken."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("year_lock() needs a transaction: the lock lasts until it ends")
    deadline = time.monotonic() + wait
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_key(org_code), year])
            if cursor.fetchone()[0]:
                return
            if time.monotonic() >= deadline:
                raise YearBusy(_("%(org)s %(year)s 年度的数据正在由另一个导入或成绩计算写入，请稍后再试。")
                               % {"org": org_code, "year": year})
            time.sleep(0.2)
