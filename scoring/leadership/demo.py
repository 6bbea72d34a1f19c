"""The demo organisation's leadership team (5 局领导, L01 the principal) with its reports, a finished
poll for last year (computed, with results and comments) and an open poll for this year."""
from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from appraisal.models import AssessmentYear, Department, Period, PeriodKind, PeriodState, Person, Position, Scheme

from ..models import LeadershipMemberResult, LeadershipTeamResult
from .models import (
    LeadershipCharge, LeadershipMember, LeadershipPoll, LeadershipRating, LeadershipTeam,
)

# staff id -> department codes in charge (分管)
CHARGES = {
    "L01": (),
    "L02": ("ZH01", "ZH02", "ZH03", "ZH04", "ZH05", "ZH06", "ZH07"),
    "L03": ("YW01", "YW02", "YW03", "YW04", "YW05"),
    "L04": ("YW06", "YW07", "YW08", "YW09", "YW10", "YW11"),
    "L05": ("SY01", "SY02", "SY03", "SY04"),
}
WORK = {
    "L01": "全面主持局党组和行政工作",
    "L02": "分管办公室、人事教育、计划财务、法制、机关党建、纪检监察和行政审批工作",
    "L03": "分管企业登记注册、企业监管、市场规范、公平交易和消费者权益保护工作",
    "L04": "分管广告、商标、个体私营经济、合同监管、网络交易监管和经济检查工作",
    "L05": "分管信息化建设、12315 指挥中心和协会工作",
}
SUMMARY = ("{year}年，局领导班子坚持以习近平新时代中国特色社会主义思想为指导，认真落实全面从严治党主体责任，"
           "围绕优化营商环境、强化市场监管、维护消费者权益三项重点任务，统筹推进商事制度改革、"
           "信用监管和网络市场监管。全年新增市场主体同比增长，消费投诉按期办结率保持在较高水平。\n"
           "班子坚持民主集中制，重大事项集体研究决定；落实“一岗双责”，开展廉政谈话和警示教育。\n"
           "存在的不足：基层监管力量不够均衡，部分改革举措推进不够快。下一步将聚焦短板，持续改进。")
REPORT = ("本人{work}。一年来，坚定理想信念，严守政治纪律和政治规矩；认真履行分管职责，"
          "推动重点工作按期完成；严格落实廉洁自律各项规定，未发生违纪违规问题。\n"
          "不足之处：调查研究还不够深入，创新举措还不够多。今后将进一步加强学习，改进作风，提高履职能力。")
COMMENTS = ["工作扎实，作风民主", "抓落实有力度", "联系基层还可以更多一些", "廉洁自律，群众认可",
            "改革创新意识强", "班子团结，配合默契", "服务企业主动", "希望多听取一线意见"]
TEAM_WEIGHTS = (("好", 6), ("较好", 3), ("一般", 1))
MEMBER_WEIGHTS = (("优秀", 5), ("称职", 4), ("基本称职", 1))
SELF_WEIGHTS = (("优秀", 2), ("良好", 3))


def _pick(rng, weights):
    return rng.choices([g for g, _w in weights], weights=[w for _g, w in weights])[0]


def _team(assessment_year, leaders, departments, *, deadline):
    team = LeadershipTeam.objects.create(assessment_year=assessment_year, report_deadline=deadline,
                                         summary=SUMMARY.format(year=assessment_year.year),
                                         summary_updated_at=timezone.now())
    members = {}
    for index, (staff_id, codes) in enumerate(CHARGES.items()):
        members[staff_id] = LeadershipMember.objects.create(
            team=team, person=leaders[staff_id], is_principal=staff_id == "L01", sort_order=index,
            report=REPORT.format(work=WORK[staff_id]), report_updated_at=timezone.now())
        LeadershipCharge.objects.bulk_create([LeadershipCharge(team=team, member=members[staff_id],
                                                               department=departments[c]) for c in codes])
    return team, members


def _ratings(rng, poll, members, *, masses, superiors):
    """Recorded ballots (as if cast on paper or imported): rater labels only, no accounts."""
    ratings = []

    def add(group, label, member, weights, comment_chance=0.3):
        comment = rng.choice(COMMENTS) if group != "自评" and rng.random() < comment_chance else ""
        ratings.append(LeadershipRating(poll=poll, group=group, rater_label=label, member=member,
                                        grade=_pick(rng, weights), comment=comment))

    for index in range(1, masses + 1):
        add("群众", f"群众{index}", None, TEAM_WEIGHTS)
        for member in members.values():
            add("群众", f"群众{index}", member, MEMBER_WEIGHTS, 0.1)
    for index in range(1, superiors + 1):
        add("上级领导", f"上级领导{index}", None, TEAM_WEIGHTS, 0.6)
        for member in members.values():
            add("上级领导", f"上级领导{index}", member, MEMBER_WEIGHTS, 0.3)
    for rater_id, rater in members.items():
        add("自评" if rater.is_principal else "班子成员", rater_id, None, TEAM_WEIGHTS)
        for member_id, member in members.items():
            if member_id == rater_id:
                add("自评", rater_id, member, SELF_WEIGHTS)
            else:
                add("班子成员", rater_id, member, MEMBER_WEIGHTS, 0.2)
    LeadershipRating.objects.bulk_create(ratings, batch_size=1000)


def load_demo_leadership(assessment_year: AssessmentYear, *, seed: int = 2025) -> None:
    rng = random.Random(seed)
    organisation = assessment_year.organisation
    leaders = {p.staff_id: p for p in Person.objects.filter(organisation=organisation, position=Position.LEADER)}
    departments = {d.code: d for d in Department.objects.filter(organisation=organisation)}
    now = timezone.now()

    # Last year: finished. Its department pipeline is not in the demo, so the office entered the
    # superior's figures for W and F (with a reason), as §7.4 allows; the year is locked.
    last = AssessmentYear.objects.create(organisation=organisation, year=assessment_year.year - 1)
    Scheme.objects.create(assessment_year=last, values=dict(assessment_year.scheme.values))
    Period.objects.bulk_create(
        [Period(assessment_year=last, kind=PeriodKind.MONTH, number=m, state=PeriodState.PUBLICITY)
         for m in range(1, 13)]
        + [Period(assessment_year=last, kind=PeriodKind.HALF, number=h, state=PeriodState.PUBLICITY) for h in (1, 2)]
        + [Period(assessment_year=last, kind=PeriodKind.YEAR, number=1, state=PeriodState.PUBLICITY)])
    team, members = _team(last, leaders, departments, deadline=now - timedelta(days=330))
    team.work_override, team.work_override_reason = Decimal("88.60"), "市局年度考核结果"
    team.save(update_fields=["work_override", "work_override_reason"])
    for staff_id, score in (("L02", "87.20"), ("L03", "91.40"), ("L04", "85.90"), ("L05", "89.30")):
        LeadershipMember.objects.filter(pk=members[staff_id].pk).update(
            in_charge_override=Decimal(score), in_charge_override_reason="上年度分管部门考核结果")
    poll = LeadershipPoll.objects.create(team=team, closes_at=now - timedelta(days=320), closed=True)
    _ratings(rng, poll, members, masses=40, superiors=3)
    # Only the leadership figures of last year: its department pipeline has no data in the demo.
    from scoring.engine import compute_year
    from scoring.loader import load_year

    result = compute_year(load_year(last))
    persons = dict(Person.objects.filter(organisation=organisation).values_list("staff_id", "pk"))
    LeadershipTeamResult.objects.bulk_create([
        LeadershipTeamResult(assessment_year=last, work_score=r.work_score, poll_score=r.poll_score,
                             team_score=r.team_score, grade=r.grade or "") for r in result.leadership_team])
    LeadershipMemberResult.objects.bulk_create([
        LeadershipMemberResult(assessment_year=last, person_id=persons[r.staff_id], is_principal=r.principal,
                               team_score=r.team_score, in_charge_score=r.in_charge_score, poll_score=r.poll_score,
                               member_score=r.member_score, grade=r.grade) for r in result.leadership_members])
    Period.objects.filter(assessment_year=last).update(state=PeriodState.LOCKED)

    # This year: reports filed, the poll open for two weeks, nothing rated yet.
    this_team, _members = _team(assessment_year, leaders, departments, deadline=now + timedelta(days=7))
    LeadershipPoll.objects.create(team=this_team, closes_at=now + timedelta(days=14))


def demo_step_leadership(*, organisation, assessment_year) -> None:
    load_demo_leadership(assessment_year)
