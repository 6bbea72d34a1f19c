"""Plan changes by month (DOMAIN.md §8): which plan a period is scored with.

Pure. The database holds the plan as it is now and every change made after a period of the year left
填报, each with the month it takes effect from and the value it replaced. The plan in force for month
m is today's plan with every change effective after m undone, newest first; a half is scored with the
plan of its last month, the year-end with today's. So a period scored before a change keeps the values
it was scored with, and recomputing it gives the same figures.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from .yeardata import IndicatorData

INDICATOR_FIELDS = ("full_score", "bonus_cap", "cycle", "kind")
WEIGHT = "weight"


@dataclass(frozen=True)
class PlanChange:
    order: int  # the order the changes were made in
    effective_month: int  # 1…12: the first month scored with the new value
    indicator_code: str
    field: str  # one of INDICATOR_FIELDS or "weight"
    old_value: str | None  # the value before the change, as text; None: absent (a weight added)
    staff_id: str | None = None  # for weights


def _value(field: str, text: str | None):
    if text is None or text == "":
        return None if field in ("full_score", "cycle", WEIGHT) else (Decimal(0) if field == "bonus_cap" else "")
    return Decimal(text) if field in ("full_score", "bonus_cap", WEIGHT) else text


def plan_as_of(indicators: list[IndicatorData], weights: dict[tuple[str, str], Decimal],
               changes: list[PlanChange], month: int) -> tuple[list[IndicatorData], dict[tuple[str, str], Decimal]]:
    """The indicators and weights in force for ``month`` (13 or more: today's plan)."""
    undo = sorted((c for c in changes if c.effective_month > month), key=lambda c: c.order, reverse=True)
    if not undo:
        return indicators, weights
    by_code = {i.code: i for i in indicators}
    weights = dict(weights)
    for change in undo:
        value = _value(change.field, change.old_value)
        if change.field == WEIGHT:
            key = (change.indicator_code, change.staff_id or "")
            if value is None:
                weights.pop(key, None)
            else:
                weights[key] = value
        elif change.indicator_code in by_code:
            by_code[change.indicator_code] = replace(by_code[change.indicator_code], **{change.field: value})
    return [by_code[i.code] for i in indicators], weights


def versions_key(changes: list[PlanChange], month: int) -> tuple[int, ...]:
    """Months with the same changes undone share one plan (the engine computes each once)."""
    return tuple(sorted(c.order for c in changes if c.effective_month > month))
