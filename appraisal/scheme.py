"""The assessment scheme (考核方案): every parameter of EXCHANGE.md "Scheme keys", its default and its bounds.

Pure Python, no Django: the year workbook reader, the office's scheme form and the scoring engine all
use these. Values are Decimals; integer parameters are Decimals with an integral value.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .scheme_labels import SCHEME_KEY_LABELS, SCHEME_SECTION_LABELS  # noqa: F401 (re-exported)

D = Decimal

# Insertion order is the order of EXCHANGE.md and the order the scheme form shows.
SCHEME_DEFAULTS: dict[str, Decimal] = {
    "monthly.dept_weight": D("0.4"),
    "monthly.peer_weight": D("0.6"),
    "monthly.trim_min_raters": D("5"),
    "monthly.grade.优秀": D("90"),
    "monthly.grade.良好": D("80"),
    "monthly.grade.中等": D("70"),
    "peer.points.优秀": D("95"),
    "peer.points.良好": D("85"),
    "peer.points.中等": D("75"),
    "peer.points.差": D("60"),
    "workload.非常大": D("1.10"),
    "workload.比较大": D("1.05"),
    "workload.一般": D("1.00"),
    "workload.较小": D("0.95"),
    "workload.非常小": D("0.90"),
    "halfyear.business_weight": D("0.6"),
    "halfyear.management_weight": D("0.2"),
    "halfyear.satisfaction_weight": D("0.2"),
    "satisfaction.points.优": D("95"),
    "satisfaction.points.良": D("85"),
    "satisfaction.points.中": D("75"),
    "satisfaction.points.差": D("60"),
    "satisfaction.group.主要领导": D("0.25"),
    "satisfaction.group.分管领导": D("0.20"),
    "satisfaction.group.机关部门": D("0.15"),
    "satisfaction.group.县区局和直属单位": D("0.15"),
    "satisfaction.group.基层分局": D("0.10"),
    "satisfaction.group.社会各界代表": D("0.15"),
    "halfyear.person_rate_weight": D("0.8"),
    "halfyear.person_satisfaction_weight": D("0.2"),
    "annual.monthly_weight": D("0.4"),
    "annual.halfyear_weight": D("0.4"),
    "annual.common_weight": D("0.2"),
    "common.bonus_cap": D("5"),
    "grade.leave_months_max": D("6"),
    "grade.excellent_rate": D("0.15"),
    "grade.first_excellent_rate": D("0.30"),
    "grade.last_excellent_rate": D("0"),
    "grade.excellent_min": D("85"),
    "grade.competent_min": D("60"),
    "grade.basic_min": D("50"),
    "grade.poor_month_bars_excellent": D("1"),
    "grade.last_basic_share": D("0.2"),
    "advanced.综合": D("2"),
    "advanced.业务": D("3"),
    "advanced.事业": D("2"),
    "reward.commendation_amount": D("800"),
    "reward.merit_amount": D("1500"),
    "reward.merit_run": D("3"),
    "reward.reserve_top": D("2"),
    "bonus_coef.优秀": D("1.2"),
    "bonus_coef.称职": D("1.0"),
    "bonus_coef.基本称职": D("0.8"),
    "bonus_coef.不称职": D("0"),
    # Anonymity floors (DOMAIN.md §4.2, §5, §7.4): an aggregate of fewer ratings is undefined.
    "peer.min_raters": D("3"),
    "satisfaction.min_raters": D("3"),
    "leadership.min_raters": D("3"),
    # Leadership appraisal (DOMAIN.md §7.4).
    "leadership.team.work_weight": D("0.7"),
    "leadership.team.poll_weight": D("0.3"),
    "leadership.principal.team": D("0.6"),
    "leadership.principal.in_charge": D("0.1"),
    "leadership.principal.poll": D("0.3"),
    "leadership.member.team": D("0.3"),
    "leadership.member.in_charge": D("0.4"),
    "leadership.member.poll": D("0.3"),
    "leadership.group.群众": D("0.4"),
    "leadership.group.班子成员": D("0.3"),
    "leadership.group.上级领导": D("0.2"),
    "leadership.group.自评": D("0.1"),
    "leadership.points.好": D("95"),
    "leadership.points.较好": D("85"),
    "leadership.points.一般": D("75"),
    "leadership.points.差": D("60"),
    "leadership.member_points.优秀": D("95"),
    "leadership.member_points.称职": D("85"),
    "leadership.member_points.基本称职": D("75"),
    "leadership.member_points.不称职": D("60"),
    "leadership.self_points.优秀": D("95"),
    "leadership.self_points.良好": D("85"),
    "leadership.self_points.一般": D("75"),
    "leadership.self_points.较差": D("60"),
    "leadership.team_grade.好": D("90"),
    "leadership.team_grade.较好": D("80"),
    "leadership.team_grade.一般": D("70"),
    "leadership.member_grade.优秀": D("90"),
    "leadership.member_grade.称职": D("70"),
    "leadership.member_grade.基本称职": D("60"),
    "leadership.excellent_cap": D("0.25"),
    # Pre-appraisal warnings (DOMAIN.md §9): a year-to-date rate below these gives 关注 / 警告 / 严重警告.
    "warning.attention_below": D("80"),
    "warning.warning_below": D("70"),
    "warning.serious_below": D("60"),
    # Periods and history (DOMAIN.md §8, §7.3): not in the year workbook, kept with the year's scheme.
    "period.publicity_days": D("5"),
    "department.pass_line": D("80"),
    # Routine appraisal by quarters (Hulunbuir, DOMAIN.md §4, §7.2; docs/routine.md).
    "routine.enabled": D("0"),
    "routine.peer_gap": D("2"),
    "routine.min_good_quarters": D("2"),
    "routine.bar_below_good": D("1"),
    "routine.summary_days": D("10"),
    "routine.review_days": D("20"),
    "routine.talk_days": D("15"),
}

# Keys whose value is a list of months, kept as text ("4,8") next to the numbers: the months of the
# pre-appraisal (DOMAIN.md §9). They are not numbers, so they stay out of SCHEME_DEFAULTS.
SCHEME_MONTH_LISTS: dict[str, tuple[int, ...]] = {
    "warning.months": (4, 8),
}

# Each group of weights sums to 1 (DOMAIN.md §6); the name is what the message shows.
WEIGHT_GROUPS: dict[str, tuple[str, ...]] = {
    "月度权重（责任得分率 + 民主测评）": ("monthly.dept_weight", "monthly.peer_weight"),
    "部门半年权重（业务类 + 管理类 + 满意度）": (
        "halfyear.business_weight",
        "halfyear.management_weight",
        "halfyear.satisfaction_weight",
    ),
    "个人半年权重（责任得分率 + 满意度）": (
        "halfyear.person_rate_weight",
        "halfyear.person_satisfaction_weight",
    ),
    "年度权重（月度 + 半年 + 共同类）": (
        "annual.monthly_weight",
        "annual.halfyear_weight",
        "annual.common_weight",
    ),
    "满意度测评六类评价主体权重": tuple(k for k in SCHEME_DEFAULTS if k.startswith("satisfaction.group.")),
    "班子得分权重（工作实绩 + 民主测评）": ("leadership.team.work_weight", "leadership.team.poll_weight"),
    "主要负责人得分权重（班子 + 分管工作 + 个人测评）": (
        "leadership.principal.team",
        "leadership.principal.in_charge",
        "leadership.principal.poll",
    ),
    "班子成员得分权重（班子 + 分管工作 + 个人测评）": (
        "leadership.member.team",
        "leadership.member.in_charge",
        "leadership.member.poll",
    ),
    "班子测评四类评价主体权重": tuple(k for k in SCHEME_DEFAULTS if k.startswith("leadership.group.")),
}
WEIGHT_KEYS = tuple(k for keys in WEIGHT_GROUPS.values() for k in keys)
WEIGHT_SUM_TOLERANCE = D("0.0001")

# Thresholds, listed from 优秀 down: each may not exceed the one before it.
THRESHOLD_CHAINS: tuple[tuple[str, ...], ...] = (
    ("monthly.grade.优秀", "monthly.grade.良好", "monthly.grade.中等"),
    ("grade.excellent_min", "grade.competent_min", "grade.basic_min"),
    ("leadership.team_grade.好", "leadership.team_grade.较好", "leadership.team_grade.一般"),
    ("leadership.member_grade.优秀", "leadership.member_grade.称职", "leadership.member_grade.基本称职"),
    ("warning.attention_below", "warning.warning_below", "warning.serious_below"),
)
THRESHOLD_KEYS = tuple(k for chain in THRESHOLD_CHAINS for k in chain) + ("department.pass_line",)
# Points of a grade and the common bonus cap are on the 100-point scale too.
POINT_KEYS = tuple(
    k for k in SCHEME_DEFAULTS
    if k.startswith(("peer.points.", "satisfaction.points.", "leadership.points.", "leadership.member_points.",
                     "leadership.self_points."))
) + ("common.bonus_cap",)
WORKLOAD_KEYS = tuple(k for k in SCHEME_DEFAULTS if k.startswith("workload."))
RATE_KEYS = (
    "grade.excellent_rate",
    "grade.first_excellent_rate",
    "grade.last_excellent_rate",
    "grade.last_basic_share",
    "leadership.excellent_cap",
)
# Non-negative without an upper bound: money and the bonus coefficients of the grades.
AMOUNT_KEYS = ("reward.commendation_amount", "reward.merit_amount") + tuple(
    k for k in SCHEME_DEFAULTS if k.startswith("bonus_coef.")
)
# key -> (minimum, maximum or None)
INTEGER_KEYS: dict[str, tuple[int, int | None]] = {
    "monthly.trim_min_raters": (3, None),
    "reward.merit_run": (1, None),
    "reward.reserve_top": (0, None),
    "advanced.综合": (0, None),
    "advanced.业务": (0, None),
    "advanced.事业": (0, None),
    "grade.leave_months_max": (0, 12),
    "peer.min_raters": (1, None),
    "satisfaction.min_raters": (1, None),
    "leadership.min_raters": (1, None),
    "period.publicity_days": (1, 30),
    "routine.peer_gap": (0, 3),
    "routine.min_good_quarters": (0, 4),
    "routine.summary_days": (1, 60),
    "routine.review_days": (1, 90),
    "routine.talk_days": (1, 90),
}
FLAG_KEYS = ("grade.poor_month_bars_excellent", "routine.enabled", "routine.bar_below_good")


def _fmt(value: Decimal) -> str:
    """A Decimal as a clerk would write it: 0.50 → 0.5, 1E+1 → 10."""
    return format(value.normalize(), "f") if value else "0"


def _is_integer(value: Decimal) -> bool:
    return value.is_finite() and value == value.to_integral_value()


def _to_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise InvalidOperation(value)
    if isinstance(value, float):
        return D(str(value))
    return D(str(value).strip())


def _check_range(key: str, value: Decimal, low: Decimal, high: Decimal, what: str) -> list[tuple[str, str]]:
    if low <= value <= high:
        return []
    return [(key, f"参数“{key}”的值{_fmt(value)}超出范围：{what}应在{_fmt(low)}到{_fmt(high)}之间")]


def validate_scheme(values: dict[str, Decimal]) -> list[tuple[str, str]]:
    """Every violation of EXCHANGE.md "Valid values" as (key, Chinese message).

    ``values`` may hold only some keys (overrides): the others take their defaults, so that a weight
    group is checked as it will be used. Unknown keys and non-numbers are violations too.
    """
    problems: list[tuple[str, str]] = []
    merged = dict(SCHEME_DEFAULTS)
    for key, raw in values.items():
        if key not in SCHEME_DEFAULTS:
            problems.append((key, f"未知的方案参数“{key}”"))
            continue
        try:
            value = _to_decimal(raw)
        except (InvalidOperation, ValueError, TypeError):
            problems.append((key, f"参数“{key}”的值“{raw}”不是有效的数字"))
            continue
        if not value.is_finite():
            problems.append((key, f"参数“{key}”的值“{raw}”不是有效的数字"))
            continue
        merged[key] = value
    bad = {key for key, _ in problems}

    for key, value in merged.items():
        if key in bad:
            continue
        if key in WEIGHT_KEYS:
            problems += _check_range(key, value, D(0), D(1), "权重")
        elif key in THRESHOLD_KEYS:
            problems += _check_range(key, value, D(0), D(100), "分数线")
        elif key in POINT_KEYS:
            problems += _check_range(key, value, D(0), D(100), "分值")
        elif key in WORKLOAD_KEYS:
            problems += _check_range(key, value, D("0.5"), D("1.5"), "工作量系数")
        elif key in RATE_KEYS:
            problems += _check_range(key, value, D(0), D(1), "比例")
        elif key in AMOUNT_KEYS:
            if value < 0:
                problems.append((key, f"参数“{key}”的值{_fmt(value)}不能为负数"))
        elif key in INTEGER_KEYS:
            low, high = INTEGER_KEYS[key]
            if not _is_integer(value):
                problems.append((key, f"参数“{key}”的值{_fmt(value)}应为整数"))
            elif value < low or (high is not None and value > high):
                bound = f"{low}到{high}之间" if high is not None else f"大于等于{low}"
                problems.append((key, f"参数“{key}”的值{_fmt(value)}超出范围：应为{bound}的整数"))
        elif key in FLAG_KEYS:
            if value not in (D(0), D(1)):
                problems.append((key, f"参数“{key}”的值{_fmt(value)}无效：只能为0（否）或1（是）"))
    bad = {key for key, _ in problems}

    for group_name, keys in WEIGHT_GROUPS.items():
        if any(key in bad for key in keys):
            continue  # the range message already points at the group; a sum message would only repeat it
        total = sum((merged[key] for key in keys), D(0))
        if abs(total - 1) > WEIGHT_SUM_TOLERANCE:
            detail = " + ".join(f"{key}={_fmt(merged[key])}" for key in keys)
            problems.append(
                (keys[0], f"{group_name}之和应为1，实际为{_fmt(total)}（{detail}）")
            )

    for chain in THRESHOLD_CHAINS:
        for higher, lower in zip(chain, chain[1:]):
            if higher in bad or lower in bad:
                continue
            if merged[lower] > merged[higher]:
                problems.append(
                    (
                        lower,
                        f"参数“{lower}”的值{_fmt(merged[lower])}不能高于“{higher}”的值{_fmt(merged[higher])}"
                        "（等次分数线应从优秀往下递减）",
                    )
                )
    return problems


def parse_months(raw) -> tuple[int, ...]:
    """A month list as the office writes it ("4,8", "4、8", "4 8" or [4, 8]) → (4, 8): months 1–12,
    sorted, no repeats; empty means none. Raises ValueError naming the bad item."""
    if isinstance(raw, (list, tuple)):
        items = [str(item) for item in raw]
    else:
        text = str(raw if raw is not None else "")
        for separator in ("、", "，", ";", "；", " "):
            text = text.replace(separator, ",")
        items = text.split(",")
    months = set()
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            value = Decimal(item)
        except InvalidOperation:
            raise ValueError(item) from None
        if not value.is_finite() or value != value.to_integral_value() or not 1 <= value <= 12:
            raise ValueError(item)
        months.add(int(value))
    return tuple(sorted(months))


def format_months(months) -> str:
    return ",".join(str(m) for m in months)


def validate_month_lists(values: dict[str, object]) -> list[tuple[str, str]]:
    """Violations of the month-list keys as (key, Chinese message)."""
    problems = []
    for key, raw in values.items():
        if key not in SCHEME_MONTH_LISTS:
            problems.append((key, f"未知的方案参数“{key}”"))
            continue
        try:
            parse_months(raw)
        except ValueError as error:
            problems.append((key, f"参数“{key}”中的“{error}”不是 1 到 12 的月份（多个月份用逗号分隔，如 4,8）"))
    return problems


def merge_scheme(overrides: dict | None = None) -> dict[str, Decimal]:
    """The full scheme: defaults with ``overrides`` applied. Unknown keys raise KeyError."""
    scheme = dict(SCHEME_DEFAULTS)
    for key, value in (overrides or {}).items():
        if key not in SCHEME_DEFAULTS:
            raise KeyError(f"未知的方案参数“{key}”")
        scheme[key] = _to_decimal(value)
    return scheme


def group_of(key: str) -> tuple[str, ...]:
    """The weight group a key belongs to (empty when it is not a weight)."""
    for keys in WEIGHT_GROUPS.values():
        if key in keys:
            return keys
    return ()
