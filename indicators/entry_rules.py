"""What one cell of a score grid means: the score of a leaf from what the assessor typed.

Pure (no Django): a leaf scored by hand takes the typed score within 0 … full score + bonus cap;
a leaf with a scoring standard (``indicators.standards``) takes the actual value (rate, incidents,
award levels, achievements) and computes the score from the standard's parameters. The grid's
save, the JSON preview and the Excel/CSV import of actual values all go through ``evaluate``, so
the score an assessor sees before saving is the score that is saved.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .params_text import render_params
from .standards import STANDARDS, StandardError, parse_actual

MANUAL = "manual"
ACTUAL_MAX_LENGTH = 100


@dataclass(frozen=True)
class LeafRule:
    code: str
    full_score: Decimal
    bonus_cap: Decimal = Decimal("0")
    standard_key: str = MANUAL
    standard_params: dict = field(default_factory=dict)

    @property
    def computed(self) -> bool:
        """Whether the score comes from an actual value rather than by hand."""
        return self.standard_key != MANUAL and self.standard_key in STANDARDS


@dataclass(frozen=True)
class Evaluation:
    score: Decimal | None  # None: nothing entered (an empty cell, or a cell being cleared)
    actual: str = ""  # the actual value as entered, for a leaf with a standard
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def evaluate(rule: LeafRule, *, actual: str = "", score: str = "") -> Evaluation:
    """The score of one cell. ``actual`` counts for a leaf with a standard, ``score`` for the others."""
    if rule.computed:
        text = (actual or "").strip()
        if not text:
            return Evaluation(None)
        if len(text) > ACTUAL_MAX_LENGTH:
            return Evaluation(None, text, f"实际值不能超过 {ACTUAL_MAX_LENGTH} 个字")
        spec = STANDARDS[rule.standard_key]
        try:
            value = parse_actual(rule.standard_key, text)
            computed = spec.compute(value, full_score=rule.full_score, bonus_cap=rule.bonus_cap,
                                    params=rule.standard_params)
        except StandardError as error:
            return Evaluation(None, text, error.message)
        return Evaluation(computed, text)
    text = (score or "").strip()
    if not text:
        return Evaluation(None)
    try:
        value = Decimal(text)
    except InvalidOperation:
        return Evaluation(None, "", "得分须为数字")
    if not value.is_finite():
        return Evaluation(None, "", "得分须为数字")
    ceiling = rule.full_score + rule.bonus_cap
    if not Decimal("0") <= value <= ceiling:
        return Evaluation(None, "", f"得分须在 0 到 {_plain(ceiling)} 之间")
    if value != value.quantize(Decimal("0.01")):
        return Evaluation(None, "", "得分最多保留两位小数")
    return Evaluation(value.quantize(Decimal("0.01")))


def explain(rule: LeafRule, actual: str, score: Decimal) -> str:
    """One line that says how a computed score came about, for the grid and the explanation of a figure."""
    if not rule.computed:
        return ""
    spec = STANDARDS[rule.standard_key]
    params = "；".join(line for line in render_params(rule.standard_key, rule.standard_params).splitlines() if line)
    return f"{spec.label}：{spec.actual_label} {actual}（{params}）→ {_plain(score)} 分"


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
