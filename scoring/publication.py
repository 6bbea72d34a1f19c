"""Publish a computed organisation-year: every result table, the job's completion and the audit
event in ONE transaction (issue 15), so readers see the old year or the new one, never a mix, and a
failed audit write takes the results back with it (SECURITY.md item 17).

Each table is written set-wise by its natural key (``scoring.upsert``, COPY on PostgreSQL): one delete
of the rows of the year that no longer exist, then an upsert (INSERT … ON CONFLICT DO UPDATE) of the
rows computed, passed as plain tuples of ids and figures. Rows that come back are updated in place
(never deleted and re-inserted; unchanged rows not rewritten). Rows of frozen periods are left exactly
as they are.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import audit
from appraisal.errors import StateError
from appraisal.locks import year_lock
from appraisal.models import AssessmentYear, Department, Period, PeriodKind, PeriodState, Person

from .models import (
    AnnualResult, DepartmentAnnualResult, DepartmentHalfResult, LeadershipMemberResult, LeadershipTeamResult,
    MonthlyResult, PersonHalfResult, RewardResult,
)
from .upsert import replace_rows
from .yeardata import YearResult

HALF_NUMBER = {"上半年": 1, "下半年": 2}
# The states whose figures are final: the pipeline never rewrites them (SECURITY.md item 9); a period in
# publicity is frozen once its figures were published with it (DOMAIN.md §8, ``Period.published_at``).
FROZEN_STATES = (PeriodState.LOCKED, PeriodState.PUBLICITY)
ALL_PERIODS = frozenset({(PeriodKind.MONTH, m) for m in range(1, 13)}
                        | {(PeriodKind.HALF, 1), (PeriodKind.HALF, 2), (PeriodKind.YEAR, 1)})
# How long a publication waits for an import of the same year before it gives up (and retries).
LOCK_WAIT_SECONDS = 30.0


def frozen_periods(assessment_year: AssessmentYear, *, only: tuple[str, int] | None = None) -> set[tuple[str, int]]:
    """The (kind, number) of the year's periods whose stored results must stay untouched: locked
    periods, and periods in publicity whose figures were published. With ``only``, every period but
    that one (an accepted objection recomputes that period only)."""
    if only is not None:
        return set(ALL_PERIODS - {only})
    return {(kind, number) for kind, number, state, published in
            Period.objects.filter(assessment_year=assessment_year, state__in=FROZEN_STATES)
            .values_list("kind", "number", "state", "published_at")
            if state == PeriodState.LOCKED or published is not None}


def refuse_if_year_frozen(assessment_year: AssessmentYear, frozen: set[tuple[str, int]]) -> None:
    """A locked year refuses to compute (a year in publicity computes, its own figures untouched)."""
    if (PeriodKind.YEAR, 1) in frozen and Period.objects.filter(
            assessment_year=assessment_year, kind=PeriodKind.YEAR, state=PeriodState.LOCKED).exists():
        raise StateError(_("%(year)s 年度已锁定，成绩不能重新计算。") % {"year": assessment_year.year})


@dataclass(frozen=True)
class ComputeSummary:
    monthly: int
    person_half: int
    department_half: int
    annual: int
    department_annual: int
    rewards: int
    leadership: int = 0  # 领导班子成绩 and 班子成员成绩 rows (DOMAIN.md §7.4)
    frozen: frozenset = frozenset()  # (kind, number) of the periods left untouched
    halves: tuple[str, ...] = ()  # the halves that got figures (上半年, 下半年)

    def line(self) -> str:
        """What the run wrote, and why a table got no rows: a frozen period is left as it was, a half
        with no half-year appraisal yet has nothing to compute (issue 14: never "0 行" alone, which
        reads as if results were wiped)."""
        frozen_months = sorted(number for kind, number in self.frozen if kind == PeriodKind.MONTH)
        monthly = _("月度成绩 %(n)s 行") % {"n": self.monthly}
        if frozen_months:
            monthly += _("（%(months)s已锁定或公示，保持不变）") % {"months": months_text(frozen_months)}
        notes = []
        for name, number in HALF_NUMBER.items():
            if (PeriodKind.HALF, number) in self.frozen:
                notes.append(_("%(half)s已锁定或公示，保持不变") % {"half": _(name)})
            elif name not in self.halves:
                notes.append(_("%(half)s尚无半年考核数据，无需计算") % {"half": _(name)})
        if self.person_half or self.department_half:
            halves = _("半年成绩 %(n)s 行，部门半年成绩 %(d)s 行") % {"n": self.person_half, "d": self.department_half}
            if notes:
                halves += _("（%(notes)s）") % {"notes": _("；").join(notes)}
        else:
            halves = _("半年成绩未生成（%(notes)s）") % {"notes": _("；").join(notes)}
        if (PeriodKind.YEAR, 1) in self.frozen:
            annual = _("年度成绩、部门年度成绩与奖励：年度已锁定或公示，保持不变")
        else:
            annual = _("年度成绩 %(n)s 行，部门年度成绩 %(d)s 行，奖励 %(r)s 行") % {
                "n": self.annual, "d": self.department_annual, "r": self.rewards}
            if self.leadership:
                annual += _("，领导班子与班子成员成绩 %(n)s 行") % {"n": self.leadership}
        return _("%(monthly)s；%(halves)s；%(annual)s。") % {"monthly": monthly, "halves": halves, "annual": annual}

    def as_dict(self) -> dict:
        return {"monthly": self.monthly, "person_half": self.person_half, "department_half": self.department_half,
                "annual": self.annual, "department_annual": self.department_annual, "rewards": self.rewards,
                "leadership": self.leadership}


def months_text(numbers: list[int]) -> str:
    """Months as runs: [1, 2, 3, 5] → "1–3月、5月"."""
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return _("、").join(_("%(a)s–%(b)s月") % {"a": run[0], "b": run[-1]} if len(run) > 1 else _("%(m)s月") % {"m": run[0]}
                    for run in runs)


def publish(assessment_year: AssessmentYear, result: YearResult, *, user=None,
            on_publish: Callable[[ComputeSummary], None] | None = None, only: tuple[str, int] | None = None,
            reason: str = "") -> ComputeSummary:
    """Write the computed year in one transaction. ``on_publish`` runs inside it after the rows
    (the job marks itself done there); if it or the audit write raises, nothing is published.
    Periods in publicity written now are marked published; a person whose figure of a period
    published before changed is told old → new (``scoring.republish``), in the same transaction."""
    from . import republish

    year_id = assessment_year.pk
    with transaction.atomic():
        year_lock(assessment_year.organisation.code, assessment_year.year, wait=LOCK_WAIT_SECONDS)
        # again, under the lock: a period may have been locked meanwhile
        frozen = frozen_periods(assessment_year, only=only)
        if only is None:
            refuse_if_year_frozen(assessment_year, frozen)
        written = ALL_PERIODS - frozen
        before = republish.snapshot(assessment_year, written)
        year_frozen = (PeriodKind.YEAR, 1) in frozen
        ids = _Ids.of(assessment_year)
        frozen_months = sorted(number for kind, number in frozen if kind == PeriodKind.MONTH)
        frozen_halves = sorted(name for name, number in HALF_NUMBER.items() if (PeriodKind.HALF, number) in frozen)
        person, department = ids.person, ids.department
        monthly = replace_rows(MonthlyResult, year_id, ("person", "month"), (
            "person_id", "department_id", "month", "responsibility_rate", "workload_coefficient", "peer_score",
            "monthly_score", "monthly_grade"), [
            (person(r.staff_id), department(r.department_code), r.month, r.responsibility_rate,
             r.workload_coefficient, r.peer_score, r.monthly_score, r.monthly_grade)
            for r in result.monthly if r.month not in frozen_months], frozen=("month", frozen_months))
        person_half = replace_rows(PersonHalfResult, year_id, ("person", "half"), (
            "person_id", "department_id", "half", "responsibility_rate", "half_score"), [
            (person(r.staff_id), department(r.department_code), r.half, r.responsibility_rate, r.half_score)
            for r in result.person_half if r.half not in frozen_halves], frozen=("half", frozen_halves))
        department_half = replace_rows(DepartmentHalfResult, year_id, ("department", "half"), (
            "department_id", "half", "business_rate", "management_rate", "satisfaction_score", "half_score"), [
            (department(r.department_code), r.half, r.business_rate, r.management_rate, r.satisfaction_score,
             r.half_score)
            for r in result.department_half if r.half not in frozen_halves], frozen=("half", frozen_halves))
        annual = 0 if year_frozen else replace_rows(AnnualResult, year_id, ("person",), (
            "person_id", "department_id", "monthly_average", "half_average", "common_score", "vetoed",
            "annual_score", "department_rank", "grade", "bonus_coefficient"), [
            (person(r.staff_id), department(r.department_code), r.monthly_average, r.half_average, r.common_score,
             r.vetoed, r.annual_score, r.department_rank, r.grade, r.bonus_coefficient) for r in result.annual])
        department_annual = 0 if year_frozen else replace_rows(DepartmentAnnualResult, year_id, ("department",), (
            "department_id", "annual_score", "overall_rank", "group_rank", "advanced", "excellent_quota", "remark"), [
            (department(r.department_code), r.annual_score, r.overall_rank, r.group_rank, r.advanced,
             r.excellent_quota, r.remark) for r in result.department_annual])
        rewards = 0 if year_frozen else replace_rows(RewardResult, year_id, ("person", "reward_type"), (
            "person_id", "reward_type", "amount"), [
            (person(r.staff_id), r.reward_type, r.amount) for r in result.rewards])
        leadership = 0 if year_frozen else replace_rows(LeadershipTeamResult, year_id, (), (
            "work_score", "poll_score", "team_score", "grade"), [
            (r.work_score, r.poll_score, r.team_score, r.grade or "") for r in result.leadership_team])
        leadership += 0 if year_frozen else replace_rows(LeadershipMemberResult, year_id, ("person",), (
            "person_id", "is_principal", "team_score", "in_charge_score", "poll_score", "member_score", "grade"), [
            (person(r.staff_id), r.principal, r.team_score, r.in_charge_score, r.poll_score, r.member_score,
             r.grade) for r in result.leadership_members])
        summary = ComputeSummary(monthly, person_half, department_half, annual, department_annual, rewards,
                                 leadership, frozenset(frozen),
                                 tuple(h for h in HALF_NUMBER if h not in frozen_halves
                                       and any(r.half == h for r in result.person_half)))
        republish.publish_and_notify(assessment_year, before, written, reason=reason)
        if on_publish is not None:
            on_publish(summary)
        audit.record("scores.compute", actor=user, obj=assessment_year, organisation_id=assessment_year.organisation_id,
                     new=summary.as_dict())
    return summary


@dataclass(frozen=True)
class _Ids:
    persons: dict[str, int]
    departments: dict[str, int]

    @classmethod
    def of(cls, assessment_year: AssessmentYear) -> _Ids:
        organisation_id = assessment_year.organisation_id
        return cls(dict(Person.objects.filter(organisation_id=organisation_id).values_list("staff_id", "pk")),
                   dict(Department.objects.filter(organisation_id=organisation_id).values_list("code", "pk")))

    def person(self, staff_id: str) -> int:
        try:
            return self.persons[staff_id]
        except KeyError:
            raise StateError(_("工号 %(id)s 的人员在计算期间已被删除，请重新计算。") % {"id": staff_id}) from None

    def department(self, code: str) -> int:
        try:
            return self.departments[code]
        except KeyError:
            raise StateError(_("部门 %(code)s 在计算期间已被删除，请重新计算。") % {"code": code}) from None
