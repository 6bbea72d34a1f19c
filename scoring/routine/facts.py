"""What the checklist of a quarter's move reads (``appraisal.period_guards``; docs/routine.md): to
scoring, the summaries not yet filed; to publicity, the filed summaries without the superior's grade.
A constant number of queries per move."""
from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _

from appraisal.models import Department, Period, PeriodKind, PeriodState, Person, Position


def _departments(period: Period) -> list[Department]:
    return list(Department.objects.filter(organisation_id=period.assessment_year.organisation_id, is_active=True)
                .order_by("sort_order", "code"))


def quarter_facts(period: Period, to_state: str, facts: dict) -> None:
    if period.kind != PeriodKind.QUARTER or to_state not in (PeriodState.SCORING, PeriodState.PUBLICITY):
        return
    from .models import QuarterSummary

    departments = _departments(period)
    summaries = QuarterSummary.objects.filter(period=period)
    if to_state == PeriodState.SCORING:
        filed = set(summaries.filter(submitted_at__isnull=False).values_list("person_id", flat=True))
        missing = Counter(department_id for pk, department_id in
                          Person.objects.filter(department__in=departments, is_active=True)
                          .exclude(position=Position.LEADER).values_list("pk", "department_id") if pk not in filed)
        facts.setdefault("filings_missing", [])
        facts["filings_missing"] += [_("%(department)s：%(n)s 人未提交季度小结") % {"department": d.name,
                                                                            "n": missing[d.pk]}
                                     for d in departments if missing.get(d.pk)]
    else:
        lacking = Counter(summaries.filter(submitted_at__isnull=False, reviewed_at__isnull=True)
                          .values_list("department_id", flat=True))
        facts.setdefault("ballots_open", [])
        facts["ballots_open"] += [_("%(department)s：%(n)s 份季度小结未点评") % {"department": d.name,
                                                                         "n": lacking[d.pk]}
                                  for d in departments if lacking.get(d.pk)]
