"""Ballots of the demo organisation for the periods already past: democratic evaluation and
workload grades of each closed month, and the first half's 360° evaluation; then the results."""
from __future__ import annotations

import random

from appraisal.models import AssessmentYear, Department, Period, PeriodKind, PeriodState, Person

from .models import PeerRating, SatisfactionRating, WorkloadGrade

PEER_WEIGHTS = (("优秀", 3), ("良好", 5), ("中等", 2), ("差", 0))
WORKLOAD_WEIGHTS = (("非常大", 1), ("比较大", 3), ("一般", 6), ("较小", 1))
SATISFACTION_WEIGHTS = (("优", 5), ("良", 4), ("中", 1))
RATERS_PER_GROUP = {"主要领导": 1, "分管领导": 4, "机关部门": 10, "县区局和直属单位": 8, "基层分局": 8, "社会各界代表": 12}


def _pick(rng, weights):
    return rng.choices([g for g, _w in weights], weights=[w for _g, w in weights])[0]


def load_demo_ballots(assessment_year: AssessmentYear, *, seed: int = 2025) -> None:
    rng = random.Random(seed)
    closed = list(Period.objects.filter(assessment_year=assessment_year).exclude(state=PeriodState.OPEN))
    members: dict[int, list[Person]] = {}
    for person in (Person.objects.filter(organisation_id=assessment_year.organisation_id, is_active=True,
                                         department__isnull=False).exclude(position="局领导").order_by("staff_id")):
        members.setdefault(person.department_id, []).append(person)
    peer, workload, satisfaction = [], [], []
    for period in closed:
        if period.kind == PeriodKind.MONTH:
            for people in members.values():
                for rater in people:
                    for ratee in people:
                        if rater.pk != ratee.pk and rng.random() < 0.9:
                            peer.append(PeerRating(period=period, rater=rater, ratee=ratee,
                                                   grade=_pick(rng, PEER_WEIGHTS)))
                    workload.append(WorkloadGrade(period=period, person=rater, grade=_pick(rng, WORKLOAD_WEIGHTS),
                                                  published=True))
        elif period.kind == PeriodKind.HALF:
            departments = list(Department.objects.filter(organisation_id=assessment_year.organisation_id))
            for department in departments:
                for group, count in RATERS_PER_GROUP.items():
                    for index in range(count):
                        satisfaction.append(SatisfactionRating(period=period, group=group,
                                                               rater_label=f"{group}{index + 1}",
                                                               department=department,
                                                               grade=_pick(rng, SATISFACTION_WEIGHTS)))
    PeerRating.objects.bulk_create(peer, batch_size=2000)
    WorkloadGrade.objects.bulk_create(workload, batch_size=2000)
    SatisfactionRating.objects.bulk_create(satisfaction, batch_size=2000)


def demo_step_ballots(*, organisation, assessment_year) -> None:
    load_demo_ballots(assessment_year)


def demo_step_results(*, organisation, assessment_year) -> None:
    """The demo's past periods are born locked; the pipeline never rewrites locked figures, so the
    seed computes them while they are briefly unlocked, as the office would have over the year."""
    from .services import year_compute

    locked = list(Period.objects.filter(assessment_year=assessment_year, state=PeriodState.LOCKED)
                  .values_list("pk", flat=True))
    Period.objects.filter(pk__in=locked).update(state=PeriodState.PUBLICITY)
    year_compute(assessment_year=assessment_year)
    Period.objects.filter(pk__in=locked).update(state=PeriodState.LOCKED)
