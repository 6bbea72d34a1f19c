"""The leadership appraisal's sheets (DOMAIN.md §7.4, EXCHANGE.md): 班子成员 (the team: 局领导, one
principal, the departments each is in charge of), 班子测评 (the poll's ballots on their three scales)
and 班子实绩 (the office's W and F). All optional; every problem with sheet / row / column."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from scoring.yeardata import (
    LEADER, LEADERSHIP_GROUPS, LEADERSHIP_SELF, LEADERSHIP_TEAM, LeadershipMemberData, LeadershipRatingData,
    leadership_scale,
)

from .base import INVALID, Context, Sheet, SheetSpec, choices, fmt

MEMBERS, POLL, WORK = "班子成员", "班子测评", "班子实绩"
MEMBER_GROUP = "班子成员"  # the rater group of the other members
YES, NO = "是", "否"
CODE_SEPARATORS = re.compile(r"[、,，]")  # 分管部门编码 lists codes separated by 、 , or ，
CENT = Decimal("0.01")

MEMBERS_SPEC = SheetSpec(MEMBERS, (("工号", True), ("主要负责人", False), ("分管部门编码", False)), optional=True,
                         notes={"工号": "局领导的工号", "主要负责人": "是 / 否，不填为否；有且只有一位“是”",
                                "分管部门编码": "用 、 或 , 分隔；每个部门只能由一位班子成员分管"})
POLL_SPEC = SheetSpec(POLL, (("评价主体类别", True), ("评价人", False), ("被评对象", True), ("等次", True)),
                      optional=True,
                      notes={"评价主体类别": choices(LEADERSHIP_GROUPS), "被评对象": "班子，或班子成员的工号",
                             "等次": "班子：好 / 较好 / 一般 / 差；成员：优秀 / 称职 / 基本称职 / 不称职；"
                                     "成员自评：优秀 / 良好 / 一般 / 较差"})
WORK_SPEC = SheetSpec(WORK, (("对象", True), ("得分", True), ("说明", False)), optional=True,
                      notes={"对象": "班子（工作实绩），或班子成员的工号（分管工作成绩）", "得分": "0–100"})


def _team(ctx: Context) -> list[LeadershipMemberData]:
    """The members read from 班子成员 (kept on the context for the two sheets after it)."""
    return getattr(ctx, "leadership_members", [])


def read_members(ctx: Context) -> dict:
    members: list[LeadershipMemberData] = []
    seen: dict = {}
    charged: dict = {}
    principal_at: int | None = None
    any_row = False
    for staff_id, principal, codes in ctx.rows(MEMBERS_SPEC):
        any_row = True
        staff_id = ctx.text(staff_id, "工号", required=True)
        principal = ctx.choice(principal, "主要负责人", (YES, NO), default=NO)
        codes = [c.strip() for c in CODE_SEPARATORS.split(ctx.text(codes, "分管部门编码")) if c.strip()]
        person = ctx.person("工号", staff_id)
        if person is not None and person.position != LEADER:
            ctx.error("工号", f"“{staff_id}”（{person.name}）的职务类型是{person.position}，班子成员须是局领导")
        if principal == YES:
            if principal_at is not None:
                ctx.error("主要负责人", f"主要负责人只能有一位（第{ctx.where(principal_at)[1]}行已是主要负责人）")
            else:
                principal_at = ctx.pos
        for code in dict.fromkeys(codes):
            if ctx.department_exists("分管部门编码", code):
                first = charged.setdefault(code, ctx.pos)
                if first != ctx.pos:
                    ctx.repeated(first, "分管部门编码", f"分管部门“{code}”")
        if staff_id is INVALID:
            continue
        first = seen.setdefault(staff_id, ctx.pos)
        if first != ctx.pos:
            ctx.repeated(first, "工号", f"班子成员“{staff_id}”")
            continue
        members.append(LeadershipMemberData(staff_id, principal == YES, tuple(dict.fromkeys(codes))))
    if any_row and principal_at is None and MEMBERS not in ctx.broken:
        ctx.sheet_error(MEMBERS, None, "主要负责人", "班子成员中须有一位主要负责人（填“是”）")
    ctx.leadership_members = members
    return {"leadership_members": members}


def read_poll(ctx: Context) -> dict:
    members = _team(ctx)
    team = {m.staff_id for m in members}
    principal = next((m.staff_id for m in members if m.principal), None)
    ratings: list[LeadershipRatingData] = []
    seen: dict = {}
    for group, rater, target, grade in ctx.rows(POLL_SPEC):
        group = ctx.choice(group, "评价主体类别", LEADERSHIP_GROUPS, required=True)
        rater = ctx.text(rater, "评价人")
        target = ctx.text(target, "被评对象", required=True)
        grade = ctx.text(grade, "等次", required=True)
        if target is not INVALID and MEMBERS not in ctx.broken:
            if not members:
                ctx.error("被评对象", "工作簿没有班子成员（“班子成员”表为空），不能导入班子测评")
                target = INVALID
            elif target != LEADERSHIP_TEAM and target not in team:
                ctx.error("被评对象", f"被评对象“{target}”不是班子成员（应为“班子”或班子成员的工号）")
                target = INVALID
        if INVALID in (group, target, grade):
            continue
        is_team = target == LEADERSHIP_TEAM
        scale = leadership_scale(is_team, group)
        if grade not in scale:
            what = "班子" if is_team else ("班子成员自评" if group == LEADERSHIP_SELF else "班子成员")
            ctx.error("等次", f"等次“{grade}”不是{what}的等次，应为：{choices(scale)}")
            continue
        if rater:
            if not _rater_fits(ctx, group, rater, target, team, principal):
                continue
            first = seen.setdefault((group, rater, target), ctx.pos)
            if first != ctx.pos:
                ctx.repeated(first, None, f"{group}评价人“{rater}”对“{target}”的测评")
                continue
        ratings.append(LeadershipRatingData(group, rater, target, grade))
    return {"leadership_ratings": ratings}


def _rater_fits(ctx: Context, group: str, rater: str, target: str, team: set, principal: str | None) -> bool:
    """自评: the member (the principal for the team); 班子成员: another member."""
    if group == LEADERSHIP_SELF:
        expected = principal if target == LEADERSHIP_TEAM else target
        if expected and rater != expected:
            who = "主要负责人" if target == LEADERSHIP_TEAM else "被评成员本人"
            ctx.error("评价人", f"自评的评价人应为{who}“{expected}”，不是“{rater}”")
            return False
    elif group == MEMBER_GROUP:
        if rater not in team:
            ctx.error("评价人", f"“班子成员”组的评价人“{rater}”不是班子成员")
            return False
        if rater == target:
            ctx.error("评价人", f"班子成员“{rater}”不能在“班子成员”组评价自己（本人请用“自评”）")
            return False
    return True


def read_work(ctx: Context) -> dict:
    team = {m.staff_id for m in _team(ctx)}
    scores: dict[str, Decimal] = {}
    notes: dict[str, str] = {}
    seen: dict = {}
    for target, score, note in ctx.rows(WORK_SPEC):
        target = ctx.text(target, "对象", required=True)
        score = ctx.number(score, "得分", required=True)
        note = ctx.text(note, "说明")
        if target not in (INVALID, LEADERSHIP_TEAM) and target not in team and MEMBERS not in ctx.broken:
            ctx.error("对象", f"对象“{target}”不是班子成员（应为“班子”或班子成员的工号）")
            target = INVALID
        if isinstance(score, Decimal) and not Decimal(0) <= score <= Decimal(100):
            ctx.error("得分", f"得分{fmt(score)}超出范围，应在0到100之间")
            score = INVALID
        if target is INVALID:
            continue
        first = seen.setdefault(target, ctx.pos)
        if first != ctx.pos:
            ctx.repeated(first, "对象", f"对象“{target}”的实绩得分")
        elif isinstance(score, Decimal):
            scores[target] = score.quantize(CENT, rounding=ROUND_HALF_UP)
            notes[target] = note
    return {"leadership_overrides": scores, "leadership_override_notes": notes}


SHEETS = (
    Sheet(MEMBERS_SPEC, read_members),
    Sheet(POLL_SPEC, read_poll),
    Sheet(WORK_SPEC, read_work),
)
