"""What the checklist of a quarter's move reads (``appraisal.period_guards``; docs/routine.md): to
scoring, the summaries not yet filed; to publicity, the filed summaries without the superior's grade,
and those whose peers have not all rated.
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
        facts["routine_peers_open"] = _peers_open(period, departments)


def _peers_open(period: Period, departments: list[Department]) -> list[str]:
    """Per department, the filed summaries some of whose peers (``people.peers_of``) have not rated."""
    from .models import QuarterPeerRating, QuarterSummary
    from .people import peers_of

    filed = list(QuarterSummary.objects.filter(period=period, submitted_at__isnull=False)
                 .select_related("period", "department"))
    rated = set(QuarterPeerRating.objects.filter(summary__in=filed).values_list("summary_id", "rater_id"))
    peers = peers_of(filed)
    open_ = Counter(s.department_id for s in filed if any((s.pk, r) not in rated for r in peers[s.pk]))
    return [_("%(department)s：%(n)s 份季度小结的同类互评未完成") % {"department": d.name, "n": open_[d.pk]}
            for d in departments if open_.get(d.pk)]


def register() -> None:
    """The quarter's facts, and the check that reads the peers' part (shown on every publicity checklist;
    met when there is nothing to rate)."""
    from django.utils.translation import gettext_lazy

    from appraisal import period_guards

    period_guards.register_facts(quarter_facts)
    period_guards.register_check(period_guards.Check(
        "routine_peers_done", gettext_lazy("季度小结的同类互评均已完成"), PeriodState.PUBLICITY,
        lambda facts: list(facts.get("routine_peers_open", ()))))
