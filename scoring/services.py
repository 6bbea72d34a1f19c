"""The scoring pipeline of an organisation-year (DOMAIN.md §4–7): read every input set-wise, compute
in memory through the pure rules, write the result tables stage by stage.

Set-based: the number of queries does not depend on the number of people. Idempotent: each stage
replaces its rows by key in one transaction, so a rerun gives identical rows. Figures of locked
periods are never changed (SECURITY.md item 9): a locked year refuses to compute, and rows of
locked months and halves are left as they are.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import access, audit
from appraisal.errors import PermissionDeniedError, StateError
from appraisal.models import AssessmentYear, Department, Period, PeriodKind, PeriodState, Person

from .engine import compute_year
from .loader import load_year
from .models import (
    AnnualResult, DepartmentAnnualResult, DepartmentHalfResult, MonthlyResult, PersonHalfResult, RewardResult,
    ScoringJob,
)
from .yeardata import YearResult

HALF_NUMBER = {"上半年": 1, "下半年": 2}
Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class ComputeSummary:
    monthly: int
    person_half: int
    department_half: int
    annual: int
    department_annual: int
    rewards: int

    def line(self) -> str:
        return (f"月度成绩 {self.monthly} 行，半年成绩 {self.person_half} 行，部门半年成绩 {self.department_half} 行，"
                f"年度成绩 {self.annual} 行，部门年度成绩 {self.department_annual} 行，奖励 {self.rewards} 行。")


def _locked(assessment_year) -> set[tuple[str, int]]:
    return {(kind, number) for kind, number in Period.objects.filter(assessment_year=assessment_year,
                                                                     state=PeriodState.LOCKED)
            .values_list("kind", "number")}


def year_compute(*, assessment_year: AssessmentYear, user=None, progress: Progress | None = None) -> ComputeSummary:
    """Run the whole pipeline for one organisation-year."""
    report = progress or (lambda percent, stage: None)
    locked = _locked(assessment_year)
    if (PeriodKind.YEAR, 1) in locked:
        raise StateError(_("%(year)s 年度已锁定，成绩不能重新计算。") % {"year": assessment_year.year})
    report(5, _("读取数据"))
    data = load_year(assessment_year)
    report(25, _("计算成绩"))
    result = compute_year(data)
    ids = _ids(assessment_year)
    report(45, _("写入月度成绩"))
    with transaction.atomic():
        monthly = _write_monthly(assessment_year, result, ids, locked)
    report(65, _("写入半年成绩"))
    with transaction.atomic():
        person_half, department_half = _write_half(assessment_year, result, ids, locked)
    report(85, _("写入年度成绩、等次与奖励"))
    with transaction.atomic():
        annual, department_annual, rewards = _write_annual(assessment_year, result, ids)
        summary = ComputeSummary(monthly, person_half, department_half, annual, department_annual, rewards)
        audit.record("scores.compute", actor=user, obj=assessment_year, organisation_id=assessment_year.organisation_id,
                     new={"monthly": monthly, "person_half": person_half, "department_half": department_half,
                          "annual": annual, "department_annual": department_annual, "rewards": rewards})
    report(100, _("完成"))
    return summary


@dataclass(frozen=True)
class _Ids:
    persons: dict[str, int]
    departments: dict[str, int]


def _ids(assessment_year) -> _Ids:
    organisation_id = assessment_year.organisation_id
    return _Ids(dict(Person.objects.filter(organisation_id=organisation_id).values_list("staff_id", "pk")),
                dict(Department.objects.filter(organisation_id=organisation_id).values_list("code", "pk")))


def _replace(model, assessment_year, rows: list, keep=None) -> int:
    """Replace the year's rows of a result table (those not kept because their period is locked)."""
    stale = model.objects.filter(assessment_year=assessment_year)
    if keep is not None:
        stale = stale.exclude(keep)
    stale.delete()
    model.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _write_monthly(assessment_year, result: YearResult, ids: _Ids, locked) -> int:
    from django.db.models import Q

    locked_months = sorted(number for kind, number in locked if kind == PeriodKind.MONTH)
    rows = [MonthlyResult(assessment_year=assessment_year, person_id=ids.persons[r.staff_id],
                          department_id=ids.departments[r.department_code], month=r.month,
                          responsibility_rate=r.responsibility_rate, workload_coefficient=r.workload_coefficient,
                          peer_score=r.peer_score, monthly_score=r.monthly_score, monthly_grade=r.monthly_grade)
            for r in result.monthly if r.month not in locked_months]
    return _replace(MonthlyResult, assessment_year, rows, keep=Q(month__in=locked_months))


def _write_half(assessment_year, result: YearResult, ids: _Ids, locked) -> tuple[int, int]:
    from django.db.models import Q

    locked_halves = [name for name, number in HALF_NUMBER.items() if (PeriodKind.HALF, number) in locked]
    persons = [PersonHalfResult(assessment_year=assessment_year, person_id=ids.persons[r.staff_id],
                                department_id=ids.departments[r.department_code], half=r.half,
                                responsibility_rate=r.responsibility_rate, half_score=r.half_score)
               for r in result.person_half if r.half not in locked_halves]
    departments = [DepartmentHalfResult(assessment_year=assessment_year,
                                        department_id=ids.departments[r.department_code], half=r.half,
                                        business_rate=r.business_rate, management_rate=r.management_rate,
                                        satisfaction_score=r.satisfaction_score, half_score=r.half_score)
                   for r in result.department_half if r.half not in locked_halves]
    keep = Q(half__in=locked_halves)
    return (_replace(PersonHalfResult, assessment_year, persons, keep),
            _replace(DepartmentHalfResult, assessment_year, departments, keep))


def _write_annual(assessment_year, result: YearResult, ids: _Ids) -> tuple[int, int, int]:
    annual = [AnnualResult(assessment_year=assessment_year, person_id=ids.persons[r.staff_id],
                           department_id=ids.departments[r.department_code], monthly_average=r.monthly_average,
                           half_average=r.half_average, common_score=r.common_score, vetoed=r.vetoed,
                           annual_score=r.annual_score, department_rank=r.department_rank, grade=r.grade,
                           bonus_coefficient=r.bonus_coefficient) for r in result.annual]
    departments = [DepartmentAnnualResult(assessment_year=assessment_year,
                                          department_id=ids.departments[r.department_code],
                                          annual_score=r.annual_score, overall_rank=r.overall_rank,
                                          group_rank=r.group_rank, advanced=r.advanced,
                                          excellent_quota=r.excellent_quota, remark=r.remark)
                   for r in result.department_annual]
    rewards = [RewardResult(assessment_year=assessment_year, person_id=ids.persons[r.staff_id],
                            reward_type=r.reward_type, amount=r.amount) for r in result.rewards]
    return (_replace(AnnualResult, assessment_year, annual),
            _replace(DepartmentAnnualResult, assessment_year, departments),
            _replace(RewardResult, assessment_year, rewards))


# ---------------------------------------------------------------- jobs (the office page and Celery)

def job_request(*, user, assessment_year: AssessmentYear) -> ScoringJob:
    """Queue a pipeline run; it starts once the request's transaction commits."""
    if user is not None and not access.can(user, "office.manage", assessment_year):
        raise PermissionDeniedError(_("您没有执行此操作的权限。"))
    if (PeriodKind.YEAR, 1) in _locked(assessment_year):
        raise StateError(_("%(year)s 年度已锁定，成绩不能重新计算。") % {"year": assessment_year.year})
    with transaction.atomic():
        job = ScoringJob.objects.create(assessment_year=assessment_year, requested_by=user,
                                        stage=_("排队中"))
        audit.record("scores.compute_requested", actor=user, obj=assessment_year,
                     organisation_id=assessment_year.organisation_id, new={"job": job.pk})
        transaction.on_commit(lambda: job_dispatch(job.pk))
    return job


def job_dispatch(job_id: int) -> bool:
    """Send the job to the workers. With the broker down the job stays pending and the periodic
    requeue sends it once the broker is back (SECURITY.md item 19)."""
    from .tasks import compute_year_task

    try:
        compute_year_task.apply_async(args=[job_id], retry=False)
    except Exception:  # noqa: BLE001 — any broker failure leaves the job queued in the database
        ScoringJob.objects.filter(pk=job_id, state=ScoringJob.State.PENDING).update(
            message=_("消息队列暂不可用，任务已保存，恢复后将自动执行。"))
        return False
    return True


def job_run(job_id: int) -> ScoringJob:
    """Run a queued job (called by the Celery task); safe to run twice."""
    job = ScoringJob.objects.select_related("assessment_year__organisation").get(pk=job_id)
    if job.state == ScoringJob.State.DONE:
        return job
    ScoringJob.objects.filter(pk=job.pk).update(state=ScoringJob.State.RUNNING, started_at=timezone.now(),
                                                progress=0, message="")

    def progress(percent: int, stage: str) -> None:
        ScoringJob.objects.filter(pk=job.pk).update(progress=percent, stage=stage)

    try:
        summary = year_compute(assessment_year=job.assessment_year, user=job.requested_by, progress=progress)
    except StateError as error:
        ScoringJob.objects.filter(pk=job.pk).update(state=ScoringJob.State.FAILED, message=error.message,
                                                    finished_at=timezone.now())
    else:
        ScoringJob.objects.filter(pk=job.pk).update(state=ScoringJob.State.DONE, progress=100,
                                                    message=summary.line(), finished_at=timezone.now())
    job.refresh_from_db()
    return job
