"""Score sheets: 月度指标得分, 半年指标得分, 共同类得分."""
from __future__ import annotations

from decimal import Decimal

from scoring.yeardata import HALVES, LEADER

from .base import COMMON, INVALID, MANAGED, REGULAR, Context, IndicatorRecord, Sheet, SheetSpec, choices, fmt
from .indicators import person_categories

MONTHLY_SCORES = "月度指标得分"
HALF_SCORES = "半年指标得分"
COMMON_SCORES = "共同类得分"

MONTHLY_SPEC = SheetSpec(MONTHLY_SCORES, (("月份", True), ("指标编码", True), ("得分", True)), notes={"月份": "1–12"})
HALF_SPEC = SheetSpec(HALF_SCORES, (("半年", True), ("指标编码", True), ("得分", True)), notes={"半年": choices(HALVES)})
COMMON_SPEC = SheetSpec(COMMON_SCORES, (("工号", True), ("指标编码", True), ("得分", True)),
                        notes={"得分": "否决指标填1表示否决，0表示未否决"})


def read_monthly_scores(ctx: Context) -> dict:
    scores: dict[tuple[int, str], Decimal] = {}
    seen: dict = {}
    for month, code, score in ctx.rows(MONTHLY_SPEC):
        month = ctx.month(month)
        code = ctx.text(code, "指标编码", required=True)
        score = ctx.number(score, "得分", required=True)
        indicator = ctx.indicator(code)
        if ctx.scored_leaf(indicator, MANAGED, "月度", "不能填月度得分"):
            ctx.score_within(indicator, score)
        if month is INVALID or code is INVALID:
            continue
        first = seen.setdefault((month, code), ctx.pos)
        if first != ctx.pos:
            ctx.repeated(first, None, f"{month}月指标“{code}”的得分")
        elif isinstance(score, Decimal):
            scores[(month, code)] = score
    return {"monthly_scores": scores}


def read_half_scores(ctx: Context) -> dict:
    scores: dict[tuple[str, str], Decimal] = {}
    seen: dict = {}
    for half, code, score in ctx.rows(HALF_SPEC):
        half = ctx.choice(half, "半年", HALVES, required=True)
        code = ctx.text(code, "指标编码", required=True)
        score = ctx.number(score, "得分", required=True)
        indicator = ctx.indicator(code)
        if ctx.scored_leaf(indicator, MANAGED, "半年", "不能填半年得分"):
            ctx.score_within(indicator, score)
        if half is INVALID or code is INVALID:
            continue
        first = seen.setdefault((half, code), ctx.pos)
        if first != ctx.pos:
            ctx.repeated(first, None, f"{half}指标“{code}”的得分")
        elif isinstance(score, Decimal):
            scores[(half, code)] = score
    return {"half_scores": scores}


def read_common_scores(ctx: Context) -> dict:
    scores: dict[tuple[str, str], Decimal] = {}
    seen: dict = {}
    for staff_id, code, score in ctx.rows(COMMON_SPEC):
        staff_id = ctx.text(staff_id, "工号", required=True)
        code = ctx.text(code, "指标编码", required=True)
        score = ctx.number(score, "得分", required=True)
        person = ctx.person("工号", staff_id)
        if person is not None and person.position == LEADER:
            ctx.error("工号", f"“{staff_id}”（{person.name}）是局领导，不填共同类得分")
        indicator = ctx.indicator(code)
        if ctx.scored_leaf(indicator, (COMMON,), None, "不能填共同类得分"):
            categories = person_categories(indicator)
            if categories and person is not None and person.category not in categories:
                ctx.error("指标编码", f"共同类指标“{indicator.code}”只适用于{'、'.join(categories)}，"
                                   f"“{staff_id}”的人员类别是{person.category or '（未填）'}")
            elif isinstance(score, Decimal):
                _check_common_score(ctx, indicator, score)
        if staff_id is INVALID or code is INVALID:
            continue
        first = seen.setdefault((staff_id, code), ctx.pos)
        if first != ctx.pos:
            ctx.repeated(first, None, f"人员“{staff_id}”指标“{code}”的得分")
        elif isinstance(score, Decimal):
            scores[(person.staff_id if person is not None else staff_id, code)] = score
    return {"common_scores": scores}


def _check_common_score(ctx: Context, indicator: IndicatorRecord, score: Decimal) -> None:
    kind = indicator.kind
    if kind == "否决":
        if score not in (Decimal(0), Decimal(1)):
            ctx.error("得分", f"否决指标“{indicator.code}”的得分只能填0（未否决）或1（否决），现在是{fmt(score)}")
    elif kind in ("加分", "扣分"):
        full = indicator.full_score
        if isinstance(full, Decimal) and (score < 0 or score > full):
            ctx.error("得分", f"{kind}指标“{indicator.code}”的{kind}分值{fmt(score)}超出范围，应在0到{fmt(full)}之间")
    elif kind == REGULAR:
        ctx.score_within(indicator, score)


SHEETS = (
    Sheet(MONTHLY_SPEC, read_monthly_scores),
    Sheet(HALF_SPEC, read_half_scores),
    Sheet(COMMON_SPEC, read_common_scores),
)
