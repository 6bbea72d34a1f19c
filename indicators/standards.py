"""Scoring standards (评分标准) that turn an indicator's actual value into its score (DOMAIN.md §3).

Pure: no Django, no I/O, Decimal only.  Each rule is a plain function of the leaf's full score
(分值), its bonus cap (加分上限, default 0) and the standard's parameters, returning a score rounded
half-up to 2 places.  A regular leaf's score lies in 0 … full score + bonus cap, so every rule
clamps to that range ("扣完为止" below, "加分封顶" above) except ``manual``, where an entry outside
it is the assessor's mistake and is refused rather than silently corrected.

Rates are in percentage points: ``Decimal("95.5")`` means 95.5 %.  All rules assume "higher is
better" (完成率, 结案率 …); a lower-is-better rate (差错率) is not one of Dongguan's automatic standards.

``STANDARDS`` describes each standard for forms and the workbook (labels, parameters) and gives a
uniform ``compute`` adapter; ``validate_params`` and ``parse_actual`` check what users supply.
Parameters may arrive from storage as text (DjangoJSONEncoder writes Decimals as strings) or as
JSON numbers; they are read through ``str`` so 0.1 stays 0.1.  The rule functions themselves take
Decimal or int only.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from scoring.rules import round_half_up

ZERO = Decimal(0)

NATIONAL, PROVINCIAL, CITY, COUNTY = "国家级", "省级", "市级", "县级"
# Highest first: "of several awards only the highest counts" compares positions in this tuple.
AWARD_LEVELS = (NATIONAL, PROVINCIAL, CITY, COUNTY)
# Business systems often drop the 级 (“省”, “国家”); full-width forms are handled by NFKC.
_LEVEL_NAMES = {**{level: level for level in AWARD_LEVELS}, "国家": NATIONAL, "省": PROVINCIAL, "市": CITY, "县": COUNTY}


class StandardError(ValueError):
    """A value or parameter a user supplied does not fit the standard; the message is Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- value checks

def _number(value: Any, label: str) -> Decimal:
    """A finite Decimal from Decimal or int; floats are a programming error (no exact meaning)."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{label}: expected Decimal or int, got {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise StandardError(f"{label}必须是有限的数字")
    return value


def _non_negative(value: Any, label: str) -> Decimal:
    value = _number(value, label)
    if value < 0:
        raise StandardError(f"{label}不能为负数")
    return value


def _count(value: Any, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise StandardError(f"{label}必须是非负整数")
    return value


def _ceiling(full_score: Any, bonus_cap: Any) -> Decimal:
    """The highest legal score of a leaf: full score + bonus cap."""
    full_score = _number(full_score, "满分")
    if full_score <= 0:
        raise StandardError("满分必须大于 0")
    return full_score + _non_negative(bonus_cap, "加分上限")


def _clamped(raw: Decimal, ceiling: Decimal) -> Decimal:
    # max(ZERO, …) first, so a computed -0 comes back as 0.00, never -0.00.
    return round_half_up(min(max(ZERO, raw), ceiling))


# --------------------------------------------------------------------------- the rules

def manual(value, full_score, bonus_cap) -> Decimal:
    """The assessor's own entry; refused (not clamped) outside 0 … full + cap."""
    value = _number(value, "评分")
    ceiling = _ceiling(full_score, bonus_cap)
    if not ZERO <= value <= ceiling:
        raise StandardError(f"评分 {value} 超出范围：应在 0 至 {ceiling} 之间")
    return _clamped(value, ceiling)


def target_rate(actual_rate, target_rate, full_score, k_up, k_down, bonus_cap) -> Decimal:
    """Full score at the target; ± k per percentage point (fractions proportionally), then clamped.

    Above the target the bonus stops at the leaf's cap (加分封顶: with the default cap 0 beating the
    target earns nothing extra); below it deductions run until the score reaches 0 (扣完为止).
    """
    return _against_target(actual_rate, target_rate, full_score, k_up, k_down, bonus_cap)


def deduct_only(actual_rate, target_rate, full_score, k_down) -> Decimal:
    """只扣不加: each point short of the target deducts k_down down to 0; beating it adds nothing."""
    return _against_target(actual_rate, target_rate, full_score, ZERO, k_down, ZERO)


def _against_target(actual_rate, target_rate, full_score, k_up, k_down, bonus_cap) -> Decimal:
    actual_rate = _number(actual_rate, "实际完成率")
    target_rate = _non_negative(target_rate, "目标值")
    k_up, k_down = _non_negative(k_up, "超目标加分系数"), _non_negative(k_down, "未达目标扣分系数")
    ceiling = _ceiling(full_score, bonus_cap)
    gap = actual_rate - target_rate
    return _clamped(Decimal(full_score) + gap * (k_up if gap > 0 else k_down), ceiling)


def per_incident(incidents, full_score, points_per_incident) -> Decimal:
    """Each incident (媒体曝光, 投诉属实 …) deducts a fixed number of points, down to 0."""
    incidents = _count(incidents, "次数")
    points = _non_negative(points_per_incident, "每次扣分")
    ceiling = _ceiling(full_score, ZERO)
    return _clamped(Decimal(full_score) - incidents * points, ceiling)


def award_level(levels: Iterable[str], full_score, points_by_level: Mapping[str, Any], bonus_cap) -> Decimal:
    """The points of the highest award won, capped at full + cap; no award scores 0.

    The score *is* the award's points (not a base plus points): award standards sit on bonus
    leaves (加分, 开拓创新) where nothing is earned without an award.  Only the highest level counts,
    so a national and a provincial award earn the national points alone.  A level without points
    earns 0 (``validate_params`` refuses tables where a higher level would earn less than a lower).
    """
    if isinstance(levels, str):
        raise TypeError("levels: expected a list of level names, got str")
    levels = list(levels)
    unknown = [level for level in [*levels, *points_by_level] if level not in AWARD_LEVELS]
    if unknown:
        raise StandardError(f"未知的奖项级别：{'、'.join(unknown)}（应为 {'、'.join(AWARD_LEVELS)}）")
    ceiling = _ceiling(full_score, bonus_cap)
    if not levels:
        return _clamped(ZERO, ceiling)
    highest = min(levels, key=AWARD_LEVELS.index)
    return _clamped(_non_negative(points_by_level.get(highest, ZERO), f"{highest}分值"), ceiling)


def unit_class(achievements, unit_class, points_by_class: Mapping[Any, Any], full_score, bonus_cap) -> Decimal:
    """Achievements × the points for the unit's class, capped at full + cap.

    Dongguan weighs the same result by the size of the unit (class 1 = over 30,000 market
    entities: 3 points per major case; class 5 = under 5,000: 9 points), so a small branch is not
    beaten by sheer volume.  Classes are positive integers; "2" keys from JSON count as 2.
    """
    achievements = _count(achievements, "成果数")
    unit_class = _class_number(unit_class)
    points = {_class_number(key): value for key, value in points_by_class.items()}
    if unit_class not in points:
        raise StandardError(f"单位类别 {unit_class} 未设定分值")
    per_achievement = _non_negative(points[unit_class], f"{unit_class}类单位分值")
    return _clamped(achievements * per_achievement, _ceiling(full_score, bonus_cap))


def _class_number(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise StandardError(f"单位类别必须是正整数，收到“{value}”")
    return value


# --------------------------------------------------------------------------- the registry

DECIMAL, INTEGER, LEVEL_POINTS, CLASS_POINTS = "decimal", "integer", "level_points", "class_points"


@dataclass(frozen=True)
class ParamSpec:
    name: str
    label: str
    type: str  # DECIMAL (≥ 0), INTEGER (≥ 1), LEVEL_POINTS {级别: 分值}, CLASS_POINTS {类别: 分值}


@dataclass(frozen=True)
class StandardSpec:
    key: str
    label: str
    actual_label: str  # what the actual value is, for forms and messages
    params: tuple[ParamSpec, ...]
    compute: Callable[..., Decimal]  # compute(actual, *, full_score, bonus_cap, params) -> Decimal


def _spec(key, label, actual_label, params, rule: Callable[[Any, Any, Any, dict], Decimal]) -> StandardSpec:
    def compute(actual, *, full_score, bonus_cap, params: Mapping[str, Any]) -> Decimal:
        values, problems = _read_params(key, params)
        if problems:
            raise StandardError("；".join(problems))
        return rule(actual, full_score, bonus_cap, values)

    return StandardSpec(key, label, actual_label, params, compute)


_TARGET = ParamSpec("target_rate", "目标值（%）", DECIMAL)
_K_UP = ParamSpec("k_up", "每超 1 个百分点加分", DECIMAL)
_K_DOWN = ParamSpec("k_down", "每差 1 个百分点扣分", DECIMAL)

STANDARDS: dict[str, StandardSpec] = {
    spec.key: spec
    for spec in (
        _spec("manual", "人工评分", "评分", (), lambda a, full, cap, p: manual(a, full, cap)),
        _spec(
            "target_rate", "目标完成率（超额加分、未达扣分）", "实际完成率（%）", (_TARGET, _K_UP, _K_DOWN),
            lambda a, full, cap, p: target_rate(a, p["target_rate"], full, p["k_up"], p["k_down"], cap),
        ),
        _spec(
            "deduct_only", "目标完成率（只扣不加）", "实际完成率（%）", (_TARGET, _K_DOWN),
            lambda a, full, cap, p: deduct_only(a, p["target_rate"], full, p["k_down"]),
        ),
        _spec(
            "per_incident", "按次扣分", "发生次数", (ParamSpec("points_per_incident", "每次扣分", DECIMAL),),
            lambda a, full, cap, p: per_incident(a, full, p["points_per_incident"]),
        ),
        _spec(
            "award_level", "按奖项级别加分（只计最高）", "获奖级别", (ParamSpec("points_by_level", "各级别分值", LEVEL_POINTS),),
            lambda a, full, cap, p: award_level(a, full, p["points_by_level"], cap),
        ),
        _spec(
            "unit_class", "按单位类别计分", "成果数",
            (ParamSpec("unit_class", "单位类别", INTEGER), ParamSpec("points_by_class", "各类别每项分值", CLASS_POINTS)),
            lambda a, full, cap, p: unit_class(a, p["unit_class"], p["points_by_class"], full, cap),
        ),
    )
}


def validate_params(key: str, params: Any) -> list[str]:
    """Every problem with a standard's parameters, in Chinese; an empty list means usable."""
    return _read_params(key, params)[1]


def _read_params(key: str, params: Any) -> tuple[dict[str, Any], list[str]]:
    """The parameters as Decimal / int / dicts of them, and the problems found on the way."""
    spec = STANDARDS.get(key)
    if spec is None:
        return {}, [f"未知的评分标准：{key}"]
    if not isinstance(params, Mapping):
        return {}, ["评分标准参数必须是“名称: 值”的字典"]
    problems = [f"未知参数：{name}" for name in params if name not in {p.name for p in spec.params}]
    values: dict[str, Any] = {}
    for param in spec.params:
        if params.get(param.name) in (None, ""):
            problems.append(f"缺少参数：{param.label}")
        elif param.type == DECIMAL:
            values[param.name] = _param_decimal(params[param.name], param.label, problems)
        elif param.type == INTEGER:
            try:
                values[param.name] = _class_number(params[param.name])
            except StandardError as error:
                problems.append(error.message)
        elif param.type == LEVEL_POINTS:
            values[param.name] = _level_points(params[param.name], param.label, problems)
        else:
            values[param.name] = _class_points(params[param.name], param.label, problems)
    cls, points = values.get("unit_class"), values.get("points_by_class")
    if cls is not None and points and cls not in points:
        problems.append(f"单位类别 {cls} 未设定分值")
    return values, problems


def _param_decimal(raw: Any, label: str, problems: list[str]) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip()) if not isinstance(raw, bool) else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        problems.append(f"{label}必须是数字，收到“{raw}”")
        return None
    if value < 0:
        problems.append(f"{label}不能为负数")
        return None
    return value


def _level_points(raw: Any, label: str, problems: list[str]) -> dict[str, Decimal]:
    if not isinstance(raw, Mapping) or not raw:
        problems.append(f"{label}至少要设定一个级别的分值")
        return {}
    points: dict[str, Decimal] = {}
    for level, value in raw.items():
        if level not in AWARD_LEVELS:
            problems.append(f"未知的奖项级别：{level}（应为 {'、'.join(AWARD_LEVELS)}）")
        elif (number := _param_decimal(value, f"{level}分值", problems)) is not None:
            points[level] = number
    # Only the highest award counts, so a higher level must never earn less than a lower one
    # (an unset level earns 0): otherwise winning a national award on top would lower the score.
    for index, higher in enumerate(AWARD_LEVELS[:-1]):
        lower = max(AWARD_LEVELS[index + 1:], key=lambda level: points.get(level, ZERO))
        if points.get(higher, ZERO) >= points.get(lower, ZERO):
            continue
        if higher in points:
            problems.append(f"{higher}的分值不应低于{lower}")
        else:
            problems.append(f"未设定{higher}的分值，获{higher}奖项将得 0 分，低于{lower}")
    return points


def _class_points(raw: Any, label: str, problems: list[str]) -> dict[int, Decimal]:
    if not isinstance(raw, Mapping) or not raw:
        problems.append(f"{label}至少要设定一个类别的分值")
        return {}
    points: dict[int, Decimal] = {}
    for cls, value in raw.items():
        try:
            number = _class_number(cls)
        except StandardError as error:
            problems.append(error.message)
            continue
        if (amount := _param_decimal(value, f"{number}类单位分值", problems)) is not None:
            points[number] = amount
    # Class 1 is the largest unit; the rule exists so that smaller units earn at least as much.
    ordered = sorted(points)
    for larger, smaller in zip(ordered, ordered[1:]):
        if points[smaller] < points[larger]:
            problems.append(f"{smaller}类单位的分值不应低于{larger}类（单位越小，同一成果得分不应越少）")
    return points


# --------------------------------------------------------------------------- actual values

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def parse_actual(key: str, text: Any):
    """The actual value as a business system delivers it → the value the standard's rule takes.

    manual: a number; target_rate / deduct_only: percentage points, "95.5%" or "95.5" (never a
    fraction: "0.955" is 0.955 %); per_incident / unit_class: a whole count ("3", "3.0");
    award_level: levels separated by 、 or , (“省级、国家级”, “省,市”), or "无" for none.
    Full-width characters (９５．５％, ，) are folded first.  Floats go through ``str``.
    """
    spec = STANDARDS.get(key)
    if spec is None:
        raise StandardError(f"未知的评分标准：{key}")
    if key == "award_level" and isinstance(text, (list, tuple)):
        # Already split (a JSON list): each item is one level, blanks dropped as in text; [] is "no award".
        names = [unicodedata.normalize("NFKC", str(item)).strip() for item in text]
        return _parse_levels([name for name in names if name])
    if text is None or isinstance(text, bool):
        raise StandardError(f"缺少{spec.actual_label}")
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    if not raw:
        raise StandardError(f"{spec.actual_label}为空")
    if key == "award_level":
        return [] if raw == "无" else _parse_levels([name for name in re.split(r"[、,;\s]+", raw) if name])
    number = raw[:-1].strip() if key in ("target_rate", "deduct_only") and raw.endswith("%") else raw
    if not _NUMBER.fullmatch(number):
        raise StandardError(f"{spec.actual_label}“{text}”不是有效的数字")
    value = Decimal(number)
    if key in ("per_incident", "unit_class"):
        if value < 0 or value != value.to_integral_value():
            raise StandardError(f"{spec.actual_label}“{text}”必须是非负整数")
        return int(value)
    return value


def _parse_levels(names: list[str]) -> list[str]:
    unknown = [name for name in names if name not in _LEVEL_NAMES]
    if unknown:
        raise StandardError(f"未知的奖项级别：{'、'.join(unknown)}（应为 {'、'.join(AWARD_LEVELS)}）")
    return [_LEVEL_NAMES[name] for name in names]
