"""Bulk writes of plain tuples on PostgreSQL: COPY … FROM STDIN (the year workbook's importer and the
results' publication), and ANALYZE after a bulk load so that the next queries are planned on the
real sizes. Both run in the caller's transaction; callers use them only when
``connection.vendor == "postgresql"``."""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from itertools import islice

from django.db import connection

COPY_CHUNK = 100_000  # rows per round trip
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """COPY ``rows`` (tuples of column values, in the order of ``columns``) into ``table``."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    count = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while True:
            chunk = list(islice(iterator, COPY_CHUNK))
            if not chunk:
                return count
            buffer = io.StringIO("".join("\t".join(map(copy_value, values)) + "\n" for values in chunk))
            cursor.cursor.copy_expert(sql, buffer, size=1 << 20)
            count += len(chunk)


def copy_value(value) -> str:
    """A value in COPY's text format: \\N for NULL, t/f, text escaped, numbers and dates as text."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def analyze(*tables: str) -> None:
    """Refresh the planner's statistics of tables just loaded in bulk (rows of the current
    transaction count): without it a query right after a large import may be planned as if the
    tables were empty (nested loops over a million rows)."""
    if tables:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
