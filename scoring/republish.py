"""Published figures and their changes (DOMAIN.md §8): the pipeline marks the figures of a period
in publicity as published (from then on frozen, ``services.frozen_periods``), and tells every
person whose figure of a period published before changed, with old → new, in the write's
transaction. Two queries per kind of result table, whatever the number of people."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import audit
from appraisal.models import Period, PeriodKind, PeriodState, Person

from .models import AnnualResult, MonthlyResult, PersonHalfResult

HALF_NAME = {1: "上半年", 2: "下半年"}
HALF_NUMBER = {name: number for number, name in HALF_NAME.items()}

# (kind, figure field, label)
FIGURES = {
    PeriodKind.MONTH: (("monthly_score", _("月度得分")), ("monthly_grade", _("月度等次")),
                       ("workload_coefficient", _("工作量系数"))),
    PeriodKind.HALF: (("half_score", _("半年得分")),),
    PeriodKind.YEAR: (("annual_score", _("年度得分")), ("grade", _("年度等次")),
                      ("bonus_coefficient", _("奖金系数"))),
}

Key = tuple[str, int, int]  # (kind, number, person id)


def _published(assessment_year, periods) -> set[tuple[str, int]]:
    return {(kind, number) for kind, number in Period.objects.filter(
        assessment_year=assessment_year, first_published_at__isnull=False).values_list("kind", "number")
        if (kind, number) in periods}


def read_figures(assessment_year, periods) -> dict[Key, dict[str, object]]:
    """The stored figures of these periods, per person."""
    out: dict[Key, dict[str, object]] = {}
    months = [n for kind, n in periods if kind == PeriodKind.MONTH]
    halves = [HALF_NAME[n] for kind, n in periods if kind == PeriodKind.HALF]
    if months:
        for row in MonthlyResult.objects.filter(assessment_year=assessment_year, month__in=months).values(
                "person_id", "month", "monthly_score", "monthly_grade", "workload_coefficient"):
            out[(PeriodKind.MONTH, row["month"], row["person_id"])] = row
    if halves:
        for row in PersonHalfResult.objects.filter(assessment_year=assessment_year, half__in=halves).values(
                "person_id", "half", "half_score"):
            out[(PeriodKind.HALF, HALF_NUMBER[row["half"]], row["person_id"])] = row
    if (PeriodKind.YEAR, 1) in periods:
        for row in AnnualResult.objects.filter(assessment_year=assessment_year).values(
                "person_id", "annual_score", "grade", "bonus_coefficient"):
            out[(PeriodKind.YEAR, 1, row["person_id"])] = row
    return out


def snapshot(assessment_year, periods) -> dict[Key, dict[str, object]]:
    """The figures about to be rewritten of the periods that were published before."""
    published = _published(assessment_year, periods)
    return read_figures(assessment_year, published) if published else {}


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def changes(before: dict[Key, dict], after: dict[Key, dict]) -> dict[Key, list[tuple[str, str, str]]]:
    """Pure: per (kind, number, person) the figures that changed, as (label, old, new)."""
    out: dict[Key, list[tuple[str, str, str]]] = defaultdict(list)
    for key in sorted(set(before) | set(after), key=lambda k: (k[0], k[1], k[2])):
        old, new = before.get(key, {}), after.get(key, {})
        for field, label in FIGURES[key[0]]:
            if _text(old.get(field)) != _text(new.get(field)):
                out[key].append((str(label), _text(old.get(field)), _text(new.get(field))))
    return dict(out)


def period_label(kind: str, number: int) -> str:
    if kind == PeriodKind.MONTH:
        return _("%(n)s月") % {"n": number}
    if kind == PeriodKind.HALF:
        return _("上半年") if number == 1 else _("下半年")
    return _("全年")


def publish_and_notify(assessment_year, before: dict[Key, dict], written, *, reason: str = "") -> list:
    """After a write (inside its transaction): mark the written periods in publicity as published,
    and notify each person of every changed figure of a period published before."""
    from tracelog.models import Notification

    now = timezone.now()
    written = set(written)
    query = Q()
    for kind, number in written:
        query |= Q(kind=kind, number=number)
    if written:
        Period.objects.filter(query, assessment_year=assessment_year, state=PeriodState.PUBLICITY,
                              published_at__isnull=True).update(published_at=now)
        Period.objects.filter(query, assessment_year=assessment_year, published_at__isnull=False,
                              first_published_at__isnull=True).update(first_published_at=now)
    if not before:
        return []
    published = {(k, n) for k, n, _p in before}
    diff = changes(before, read_figures(assessment_year, published))
    if not diff:
        return []
    users = dict(Person.objects.filter(pk__in={p for _k, _n, p in diff}).values_list("pk", "user_id"))
    notes, lines = [], []
    for (kind, number, person_id), items in diff.items():
        text = _("您%(year)s年%(period)s已公布的成绩有变更：%(items)s。") % {
            "year": assessment_year.year, "period": period_label(kind, number),
            "items": "；".join(f"{label} {old} → {new}" for label, old, new in items)}
        if reason:
            text += _("原因：%(reason)s") % {"reason": reason}
        lines.append({"person": person_id, "period": period_label(kind, number),
                      "changes": [list(item) for item in items]})
        if users.get(person_id):
            notes.append(Notification(recipient_id=users[person_id], text=text[:500], url="/results/mine/"))
    Notification.objects.bulk_create(notes)
    audit.record("scores.republish", obj=assessment_year, organisation_id=assessment_year.organisation_id,
                 new={"changes": lines}, reason=reason)
    return lines
