"""Ballot sheets: 民主测评 (the long one: about a million rows at 10,000 persons), 工作量系数, 满意度测评."""
from __future__ import annotations

from scoring.yeardata import (
    HALVES, LEADER, PEER_GRADES, SATISFACTION_GRADES, SATISFACTION_GROUPS, WORKLOAD_GRADES, PeerRating, SatisfactionRating,
)

from .base import INVALID, Context, Sheet, SheetSpec, choices

PEER_RATINGS = "民主测评"
WORKLOAD = "工作量系数"
SATISFACTION = "满意度测评"

PEER_SPEC = SheetSpec(PEER_RATINGS, (("月份", True), ("评价人工号", True), ("被评价人工号", True), ("等次", True)),
                      notes={"等次": choices(PEER_GRADES)})
WORKLOAD_SPEC = SheetSpec(WORKLOAD, (("月份", True), ("工号", True), ("工作量等级", True)),
                          notes={"工作量等级": choices(WORKLOAD_GRADES)})
SATISFACTION_SPEC = SheetSpec(
    SATISFACTION, (("半年", True), ("评价主体类别", True), ("评价人", False), ("被评部门编码", True), ("等次", True)),
    notes={"评价主体类别": choices(SATISFACTION_GROUPS), "等次": choices(SATISFACTION_GRADES)})


def read_peer_ratings(ctx: Context) -> dict:
    ratings: list[PeerRating] = []
    append = ratings.append
    seen: dict = {}
    unplaced = ctx.unplaced
    for month, rater_id, ratee_id, grade in ctx.rows(PEER_SPEC):
        month = ctx.month(month)
        rater_id = ctx.text(rater_id, "评价人工号", required=True)
        ratee_id = ctx.text(ratee_id, "被评价人工号", required=True)
        grade = ctx.choice(grade, "等次", PEER_GRADES, required=True)
        rater = ctx.person("评价人工号", rater_id)
        ratee = ctx.person("被评价人工号", ratee_id)
        if rater is None or ratee is None:
            leaders = False
            for column, person in (("评价人工号", rater), ("被评价人工号", ratee)):
                if person is not None and person.position == LEADER:
                    leaders = True
                    ctx.error(column, f"“{person.staff_id}”（{person.name}）是局领导，不参加民主测评")
        else:
            leaders = rater.position == LEADER or ratee.position == LEADER
            if leaders:
                for column, person in (("评价人工号", rater), ("被评价人工号", ratee)):
                    if person.position == LEADER:
                        ctx.error(column, f"“{person.staff_id}”（{person.name}）是局领导，不参加民主测评")
            elif rater is ratee:
                ctx.error("被评价人工号", "不能给自己评价（评价人与被评价人是同一人）")
            elif rater.department_code != ratee.department_code and rater_id not in unplaced \
                    and ratee_id not in unplaced:
                ctx.error("被评价人工号",
                          f"评价人“{rater.staff_id}”（部门{rater.department_code}）与被评价人“{ratee.staff_id}”"
                          f"（部门{ratee.department_code}）不在同一部门")
            # the roster's own strings: a million rows share them instead of holding a copy each
            rater_id, ratee_id = rater.staff_id, ratee.staff_id
        if month is INVALID or rater_id is INVALID or ratee_id is INVALID:
            continue
        key = (month, rater_id, ratee_id)
        first = seen.setdefault(key, ctx.pos)
        if first != ctx.pos:
            ctx.repeated(first, None, f"{month}月评价人“{rater_id}”对被评价人“{ratee_id}”的测评")
        elif grade is not INVALID:
            append(PeerRating(month, rater_id, ratee_id, grade))
    return {"peer_ratings": ratings}


def read_workload(ctx: Context) -> dict:
    workload: dict[tuple[int, str], str] = {}
    seen: dict = {}
    for month, staff_id, grade in ctx.rows(WORKLOAD_SPEC):
        month = ctx.month(month)
        staff_id = ctx.text(staff_id, "工号", required=True)
        grade = ctx.choice(grade, "工作量等级", WORKLOAD_GRADES, required=True)
        person = ctx.person("工号", staff_id)
        if person is not None:
            if person.position == LEADER:
                ctx.error("工号", f"“{staff_id}”（{person.name}）是局领导，不设工作量系数")
            staff_id = person.staff_id
        if month is INVALID or staff_id is INVALID:
            continue
        first = seen.setdefault((month, staff_id), ctx.pos)
        if first != ctx.pos:
            ctx.repeated(first, None, f"{month}月人员“{staff_id}”的工作量等级")
        elif grade is not INVALID:
            workload[(month, staff_id)] = grade
    return {"workload": workload}


def read_satisfaction(ctx: Context) -> dict:
    ratings: list[SatisfactionRating] = []
    seen: dict = {}
    departments = ctx.departments
    for half, group, rater, code, grade in ctx.rows(SATISFACTION_SPEC):
        half = ctx.choice(half, "半年", HALVES, required=True)
        group = ctx.choice(group, "评价主体类别", SATISFACTION_GROUPS, required=True)
        rater = ctx.text(rater, "评价人")
        code = ctx.text(code, "被评部门编码", required=True)
        grade = ctx.choice(grade, "等次", SATISFACTION_GRADES, required=True)
        ctx.department_exists("被评部门编码", code)
        if group == "机关部门" and rater and rater in departments and rater == code:
            ctx.error("评价人", f"部门“{rater}”不能评价本部门（评价人与被评部门相同）")
        if half is INVALID or group is INVALID or code is INVALID or grade is INVALID:
            continue
        if rater:
            first = seen.setdefault((half, group, rater, code), ctx.pos)
            if first != ctx.pos:
                ctx.repeated(first, None, f"{half}{group}评价人“{rater}”对部门“{code}”的测评")
                continue
        ratings.append(SatisfactionRating(half=half, group=group, rater=rater, department_code=code, grade=grade))
    return {"satisfaction": ratings}


SHEETS = (
    Sheet(PEER_SPEC, read_peer_ratings),
    Sheet(WORKLOAD_SPEC, read_workload),
    Sheet(SATISFACTION_SPEC, read_satisfaction),
)
