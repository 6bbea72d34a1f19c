"""Demo data (docs/routine.md): last year in routine mode with 办公室 (the first department) filing
quarterly summaries, evaluated by colleagues of the same category, reviewed by the head; a quarter
graded 一般 with its reminder talk held and closed; 述职 reports and a development plan."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from appraisal.models import AssessmentYear, Department, Period, PeriodKind, PeriodState, Person, Position

from . import rules
from .models import DevelopmentPlan, QuarterPeerRating, QuarterSummary, ReportRound, Talk, TalkKind, YearReport

TEXTS = ("本季度按计划完成公文办理和会务保障工作，办文时限全部达标。",
         "牵头完成季度信息报送，编发简报，配合完成专项检查迎检材料。",
         "完成档案整理与数字化，推进制度修订，参加业务培训。")


def demo_step_routine(*, organisation, assessment_year) -> None:
    last = AssessmentYear.objects.filter(organisation=organisation, year=assessment_year.year - 1).first()
    department = Department.objects.filter(organisation=organisation, head__isnull=False).order_by(
        "sort_order", "code").first()
    if last is None or department is None or Period.objects.filter(assessment_year=last, kind="quarter").exists():
        return
    rng = random.Random(13)
    scheme = last.scheme
    scheme.values = {**scheme.values, "routine.enabled": "1"}
    scheme.save(update_fields=["values"])
    quarters = Period.objects.bulk_create([Period(assessment_year=last, kind=PeriodKind.QUARTER, number=q,
                                                  state=PeriodState.LOCKED) for q in range(1, 5)])
    members = list(Person.objects.filter(department=department, is_active=True).exclude(position=Position.LEADER))
    head = department.head
    floor = int(scheme.as_decimals()["peer.min_raters"])
    gap = int(scheme.as_decimals()["routine.peer_gap"])
    reviewed = timezone.make_aware(datetime(last.year, 12, 28, 10, 0))
    for period in quarters:
        for index, person in enumerate(members):
            if person.pk == head.pk:
                continue
            superior = "一般" if (index == 2 and period.number == 2) else rng.choice(("好", "好", "较好"))
            summary = QuarterSummary.objects.create(
                period=period, person=person, department=department, category=person.category,
                text=TEXTS[(index + period.number) % 3], self_grade=rng.choice(("好", "较好")),
                submitted_at=reviewed - timedelta(days=20), superior=head, superior_grade=superior,
                superior_comment="工作认真，按期完成任务。" if superior != "一般" else "工作进度滞后，需限期改进。",
                reviewed_at=reviewed)
            peers = [p for p in members if p.pk not in (person.pk, head.pk) and p.category == person.category]
            QuarterPeerRating.objects.bulk_create([QuarterPeerRating(summary=summary, rater=p, grade=superior if
                                                                     rng.random() < 0.7 else "较好") for p in peers])
            peer = rules.peer_aggregate([r.grade for r in summary.peer_ratings.all()], floor)
            summary.peer_grade, summary.grade = peer or "", rules.quarter_grade(superior, peer, gap)
            summary.save(update_fields=["peer_grade", "grade"])
            if rules.needs_talk(summary.grade):
                Talk.objects.create(assessment_year=last, person=person, kind=TalkKind.REMINDER, summary=summary,
                                    reason=f"{period}季度等次为“{summary.grade}”", due_on=date(last.year, 7, 20),
                                    held_on=date(last.year, 7, 15), talker=head, notes="指出工作进度滞后的问题，提出改进要求。",
                                    improve_by=date(last.year, 9, 30), follow_up="第三季度按期完成任务，已改进。",
                                    closed_at=reviewed)
    ReportRound.objects.create(assessment_year=last, deadline=reviewed + timedelta(days=10))
    for person in members:
        YearReport.objects.create(assessment_year=last, person=person, self_grade="良好", submitted_at=reviewed,
                                  text=f"本人{person.name}，一年来认真学习政治理论，履行岗位职责，完成各项任务，"
                                       "严守廉洁纪律。不足是创新意识还不够，今后继续改进。")
    first = next((p for p in members if p.pk != head.pk), None)
    if first is not None:
        DevelopmentPlan.objects.create(assessment_year=assessment_year, person=first,
                                       goals="提升公文写作和统筹协调能力，争取年度考核优秀。",
                                       training="参加公文写作专题培训；轮岗学习综合协调业务。",
                                       person_agreed_at=timezone.now(), head_agreed_at=timezone.now())
