"""Optional sheets: 历史等次 (earlier years' annual grades, for merit runs)."""
from __future__ import annotations

from scoring.yeardata import ANNUAL_GRADES

from .base import INVALID, Context, Sheet, SheetSpec, choices

HISTORY = "历史等次"

HISTORY_SPEC = SheetSpec(HISTORY, (("工号", True), ("年度", True), ("等次", True)), optional=True,
                         notes={"等次": choices(ANNUAL_GRADES)})


def read_history(ctx: Context) -> dict:
    history: dict[tuple[str, int], str] = {}
    seen: dict = {}
    for staff_id, year, grade in ctx.rows(HISTORY_SPEC):
        staff_id = ctx.text(staff_id, "工号", required=True)
        year = ctx.integer(year, "年度", required=True, low=1900, high=9999, what="年度")
        grade = ctx.choice(grade, "等次", ANNUAL_GRADES, required=True)
        ctx.person("工号", staff_id)
        if isinstance(year, int) and ctx.year is not None and year >= ctx.year:
            ctx.error("年度", f"历史年度{year}应早于本次考核年度{ctx.year}")
        if staff_id is INVALID or year is INVALID:
            continue
        first = seen.setdefault((staff_id, year), ctx.pos)
        if first != ctx.pos:
            ctx.repeated(first, None, f"人员“{staff_id}”{year}年的等次")
        elif grade is not INVALID:
            history[(staff_id, year)] = grade
    return {"history": history}


SHEETS = (
    Sheet(HISTORY_SPEC, read_history),
)
