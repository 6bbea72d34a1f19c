"""Replace an organisation-year's rows of one result table by natural key, set-wise, with plain
tuples (no model instance per row): the publication's writer (``scoring.publication``).

``replace_rows`` deletes the year's rows that are not written again (outside the frozen ones), then
inserts the new rows and updates in place those that come back (INSERT … ON CONFLICT DO UPDATE):
a row keeps its id, and a row whose figures did not change is not rewritten at all.

On PostgreSQL the rows go through COPY into a temporary table (dropped at commit) and two
statements do the rest, whatever the number of rows. Elsewhere (SQLite) the same effect comes from
Django's bulk_create with update_conflicts and a delete of the rows that are gone. Either way it
runs inside the caller's transaction: nothing is visible before it commits.
"""
from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models

from appraisal.bulk import copy_rows


def replace_rows(model: type[models.Model], year_id: int, key: Sequence[str], columns: Sequence[str],
                 rows: list[tuple], frozen: tuple[str, list] | None = None) -> int:
    """Make the year's rows of ``model`` outside ``frozen`` exactly ``rows``.

    ``key``: the natural key's fields besides the year (``("person", "month")``); ``columns``: the
    attnames given in each row, in order (the year excluded, the key's columns included); ``frozen``:
    (attname, values) of rows left untouched whatever ``rows`` say (the months of locked periods)."""
    key_columns = [model._meta.get_field(name).attname for name in key]
    if connection.vendor == "postgresql":
        _replace_copy(model, year_id, key_columns, list(columns), rows, frozen)
    else:
        _replace_orm(model, year_id, key, key_columns, list(columns), rows, frozen)
    return len(rows)


# ---------------------------------------------------------------- PostgreSQL: COPY and two statements

def _replace_copy(model, year_id, key_columns, columns, rows, frozen) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    staging = quote(f"publish_{model._meta.db_table}")
    every = ["assessment_year_id", *columns]
    names = ", ".join(quote(c) for c in every)
    unique = ["assessment_year_id", *key_columns]
    values = [c for c in every if c not in unique]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS SELECT {names} FROM {table} WITH NO DATA")
        if rows:
            copy_rows(f"publish_{model._meta.db_table}", every, ((year_id, *row) for row in rows))
        # statistics of both sides of the delete below: without them it was planned as a nested loop
        # (120,000 × 120,000 rows at 10,000 persons: 50 minutes instead of a hash anti-join)
        cursor.execute(f"ANALYZE {staging}, {table}")

        same_key = " AND ".join(f"n.{quote(c)} = t.{quote(c)}" for c in key_columns) or "TRUE"
        condition, params = "", [year_id]
        if frozen is not None:
            condition = f" AND NOT (t.{quote(frozen[0])} = ANY(%s))"
            params.append(list(frozen[1]))
        cursor.execute(f"DELETE FROM {table} AS t WHERE t.assessment_year_id = %s{condition} "
                       f"AND NOT EXISTS (SELECT 1 FROM {staging} AS n WHERE {same_key})", params)
        if not rows:
            return
        target = ", ".join(quote(c) for c in unique)
        if values:
            assign = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in values)
            old = ", ".join(f"{table}.{quote(c)}" for c in values)
            new = ", ".join(f"EXCLUDED.{quote(c)}" for c in values)
            action = f"DO UPDATE SET {assign} WHERE ROW({old}) IS DISTINCT FROM ROW({new})"
        else:
            action = "DO NOTHING"
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} ON CONFLICT ({target}) {action}")


# ---------------------------------------------------------------- other databases: the ORM

def _replace_orm(model, year_id, key, key_columns, columns, rows, frozen) -> None:
    fresh = {tuple(row[columns.index(c)] for c in key_columns) for row in rows}
    kept = model.objects.filter(assessment_year_id=year_id)
    if frozen is not None:
        kept = kept.exclude(**{f"{frozen[0]}__in": frozen[1]})
    gone = [pk for pk, *natural in kept.values_list("pk", *key_columns) if tuple(natural) not in fresh]
    for start in range(0, len(gone), 500):
        model.objects.filter(pk__in=gone[start:start + 500]).delete()
    if rows:
        unique = ("assessment_year", *key)
        values = [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in unique]
        objects = [model(assessment_year_id=year_id, **dict(zip(columns, row))) for row in rows]
        model.objects.bulk_create(objects, batch_size=1000, update_conflicts=True, unique_fields=unique,
                                  update_fields=values)
