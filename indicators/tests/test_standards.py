"""Tables of cases for the scoring standards (DOMAIN.md §3 "Scoring standards").

Every expectation is an exact Decimal compared with == *and* with its 2-place exponent, so a
missed rounding, a float sneaking in or a -0.00 fails.
"""
import subprocess
import sys
from decimal import Decimal

import pytest

from indicators import standards
from indicators.standards import STANDARDS, StandardError, parse_actual, validate_params

D = Decimal


def exact(value, expected):
    return isinstance(value, Decimal) and value == D(expected) and value.as_tuple() == D(expected).quantize(D("0.01")).as_tuple()


def test_module_is_pure():
    # Django is already loaded inside pytest, so look from a fresh interpreter.
    code = "import sys, indicators.standards; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# --------------------------------------------------------------------------- manual

@pytest.mark.parametrize(
    "value, full, cap, expected",
    [
        (D("0"), 10, 0, "0.00"),
        (D("-0"), 10, 0, "0.00"),  # never -0.00
        (D("7.5"), 10, 0, "7.50"),
        (8, 10, 0, "8.00"),
        (D("10"), 10, 0, "10.00"),  # the full score itself
        (D("12"), 10, 2, "12.00"),  # full + bonus cap is still legal
        (D("8.125"), 10, 0, "8.13"),  # half up, not to even
        (D("8.135"), 10, 0, "8.14"),
    ],
)
def test_manual(value, full, cap, expected):
    assert exact(standards.manual(value, full, cap), expected)


@pytest.mark.parametrize(
    "value, full, cap, message",
    [
        (D("-0.01"), 10, 0, "评分 -0.01 超出范围：应在 0 至 10 之间"),
        (D("10.01"), 10, 0, "评分 10.01 超出范围：应在 0 至 10 之间"),
        (D("12.5"), 10, 2, "评分 12.5 超出范围：应在 0 至 12 之间"),
        (D("5"), 0, 0, "满分必须大于 0"),
        (D("5"), 10, -1, "加分上限不能为负数"),
        (D("NaN"), 10, 0, "评分必须是有限的数字"),
    ],
)
def test_manual_refuses_out_of_range(value, full, cap, message):
    # An entry outside the range is the assessor's mistake: refused, never silently clamped.
    with pytest.raises(StandardError) as caught:
        standards.manual(value, full, cap)
    assert caught.value.message == message == str(caught.value)


def test_rules_refuse_float():
    with pytest.raises(TypeError):
        standards.manual(8.5, 10, 0)
    with pytest.raises(TypeError):
        standards.target_rate(95.5, D(95), 10, D(1), D(1), 0)


# --------------------------------------------------------------------------- target rate

@pytest.mark.parametrize(
    "actual, target, full, k_up, k_down, cap, expected",
    [
        # exactly on target: the full score, whatever the coefficients
        ("95", "95", 10, "0.5", "1", 2, "10.00"),
        ("100", "100", 10, "0.5", "1", 0, "10.00"),
        # above: k_up per point, fractions proportionally, up to full + cap (加分封顶)
        ("97", "95", 10, "0.5", "1", 2, "11.00"),
        ("95.5", "95", 10, "0.5", "1", 2, "10.25"),
        ("99", "95", 10, "0.5", "1", 2, "12.00"),  # exactly at the cap
        ("100", "95", 10, "0.5", "1", 2, "12.00"),  # 12.5 capped
        ("100", "95", 10, "0.5", "1", 0, "10.00"),  # default cap 0: beating the target adds nothing
        ("100", "95", 10, "0", "1", 2, "10.00"),  # k_up 0
        # below: k_down per point, fractions proportionally, down to 0 (扣完为止)
        ("93", "95", 10, "0.5", "1", 2, "8.00"),
        ("94.25", "95", 10, "0.5", "1", 2, "9.25"),
        ("88.6", "90", 5, "0", "0.5", 0, "4.30"),
        ("94.333", "95", 10, "0.5", "1", 0, "9.33"),
        ("94.005", "95", 10, "0.5", "1", 0, "9.01"),  # 9.005: half up
        ("85", "95", 10, "0.5", "1", 2, "0.00"),  # exactly used up
        ("60", "95", 10, "0.5", "1", 2, "0.00"),  # -25 floored at zero, the bonus cap does not help
        ("0", "95", 10, "0.5", "1", 0, "0.00"),
        # a growth rate may be negative against a 0 % target
        ("-2.5", "0", 10, "1", "2", 0, "5.00"),
        ("96", "95", D("7.5"), "0.25", "1", D("0.5"), "7.75"),
    ],
)
def test_target_rate(actual, target, full, k_up, k_down, cap, expected):
    score = standards.target_rate(D(actual), D(target), full, D(k_up), D(k_down), cap)
    assert exact(score, expected)


@pytest.mark.parametrize(
    "args, message",
    [
        ((D(95), D(-1), 10, D(1), D(1), 0), "目标值不能为负数"),
        ((D(95), D(95), 10, D(-1), D(1), 0), "超目标加分系数不能为负数"),
        ((D(95), D(95), 10, D(1), D(-1), 0), "未达目标扣分系数不能为负数"),
        ((D(95), D(95), -10, D(1), D(1), 0), "满分必须大于 0"),
        ((D("Infinity"), D(95), 10, D(1), D(1), 0), "实际完成率必须是有限的数字"),
    ],
)
def test_target_rate_invalid(args, message):
    with pytest.raises(StandardError, match=f"^{message}$"):
        standards.target_rate(*args)


# --------------------------------------------------------------------------- deduct only

@pytest.mark.parametrize(
    "actual, target, full, k_down, expected",
    [
        ("95", "95", 10, "1", "10.00"),
        ("96", "95", 10, "1", "10.00"),  # exceeding adds nothing (只扣不加)
        ("100", "90", 10, "5", "10.00"),
        ("93", "95", 10, "1", "8.00"),
        ("94.5", "95", 10, "3", "8.50"),  # half a point short costs half the rate
        ("94.99", "95", 10, "1", "9.99"),
        ("94.99", "95", 10, "0.5", "10.00"),  # 9.995 rounds half up: a tiny shortfall can vanish
        ("80", "95", 10, "1", "0.00"),  # down to zero, no further
        ("50", "95", 10, "1", "0.00"),
        ("95", "95", 10, "0", "10.00"),
    ],
)
def test_deduct_only(actual, target, full, k_down, expected):
    assert exact(standards.deduct_only(D(actual), D(target), full, D(k_down)), expected)


# --------------------------------------------------------------------------- per incident

@pytest.mark.parametrize(
    "incidents, full, points, expected",
    [
        (0, 10, "2", "10.00"),
        (1, 10, "2", "8.00"),
        (3, 10, "2", "4.00"),
        (5, 10, "2", "0.00"),  # exactly used up
        (9, 10, "2", "0.00"),  # never below zero
        (3, 10, "0.5", "8.50"),
        (3, D("7.5"), "1.25", "3.75"),
        (2, 10, "0", "10.00"),
    ],
)
def test_per_incident(incidents, full, points, expected):
    assert exact(standards.per_incident(incidents, full, D(points)), expected)


@pytest.mark.parametrize(
    "incidents, points, message",
    [
        (-1, D(2), "次数必须是非负整数"),
        (D("1.5"), D(2), "次数必须是非负整数"),
        (True, D(2), "次数必须是非负整数"),
        (1, D(-2), "每次扣分不能为负数"),
    ],
)
def test_per_incident_invalid(incidents, points, message):
    with pytest.raises(StandardError, match=f"^{message}$"):
        standards.per_incident(incidents, 10, points)


# --------------------------------------------------------------------------- award level

LEVEL_POINTS = {"国家级": D(5), "省级": D(3), "市级": D(2), "县级": D(1)}


@pytest.mark.parametrize(
    "levels, full, points, cap, expected",
    [
        ([], 5, LEVEL_POINTS, 0, "0.00"),  # no award, nothing earned
        (["县级"], 5, LEVEL_POINTS, 0, "1.00"),
        (["市级"], 5, LEVEL_POINTS, 0, "2.00"),
        (["省级"], 5, LEVEL_POINTS, 0, "3.00"),
        (["国家级"], 5, LEVEL_POINTS, 0, "5.00"),
        # of several awards only the highest counts: not 5 + 3 + 2
        (["市级", "国家级", "省级"], 5, LEVEL_POINTS, 0, "5.00"),
        (["县级", "省级"], 5, LEVEL_POINTS, 0, "3.00"),
        (["省级", "省级", "省级"], 5, LEVEL_POINTS, 0, "3.00"),  # repeats are not summed either
        (("县级", "市级"), 5, LEVEL_POINTS, 0, "2.00"),
        # capped at full + bonus cap
        (["国家级"], 4, LEVEL_POINTS, 0, "4.00"),
        (["国家级"], 3, LEVEL_POINTS, 1, "4.00"),
        (["国家级"], 3, LEVEL_POINTS, 5, "5.00"),
        # a level without points earns nothing
        (["县级"], 5, {"国家级": D(5), "省级": D(3)}, 0, "0.00"),
        (["国家级", "县级"], 5, {"国家级": D("2.5"), "省级": D(1)}, 0, "2.50"),
    ],
)
def test_award_level(levels, full, points, cap, expected):
    assert exact(standards.award_level(levels, full, points, cap), expected)


def test_award_level_unknown_level():
    with pytest.raises(StandardError, match="^未知的奖项级别：乡级（应为 国家级、省级、市级、县级）$"):
        standards.award_level(["省级", "乡级"], 5, LEVEL_POINTS, 0)
    with pytest.raises(StandardError, match="^未知的奖项级别：部级"):
        standards.award_level(["省级"], 5, {"部级": D(4)}, 0)
    with pytest.raises(TypeError):
        standards.award_level("省级", 5, LEVEL_POINTS, 0)  # a bare string is not a list of levels


# --------------------------------------------------------------------------- unit class

# Dongguan: a major case earns 3 points in a class-1 branch (> 30,000 market entities) and 9 in a
# class-5 branch (< 5,000); the classes between are interpolated for the tests.
CLASS_POINTS = {1: D(3), 2: D("4.5"), 3: D(6), 4: D("7.5"), 5: D(9)}


@pytest.mark.parametrize(
    "achievements, cls, points, full, cap, expected",
    [
        (1, 1, CLASS_POINTS, 10, 5, "3.00"),
        (1, 5, CLASS_POINTS, 10, 5, "9.00"),  # the same case, three times the points
        (0, 5, CLASS_POINTS, 10, 5, "0.00"),
        (3, 1, CLASS_POINTS, 10, 5, "9.00"),
        (3, 2, CLASS_POINTS, 10, 5, "13.50"),  # within full + cap
        (3, 5, CLASS_POINTS, 10, 5, "15.00"),  # 27 capped at 10 + 5
        (3, 5, CLASS_POINTS, 10, 0, "10.00"),
        (2, "4", {"1": D(3), "4": D("7.5")}, 20, 0, "15.00"),  # classes as JSON text keys
    ],
)
def test_unit_class(achievements, cls, points, full, cap, expected):
    assert exact(standards.unit_class(achievements, cls, points, full, cap), expected)


@pytest.mark.parametrize(
    "achievements, cls, points, message",
    [
        (1, 6, CLASS_POINTS, "单位类别 6 未设定分值"),
        (1, 0, CLASS_POINTS, "单位类别必须是正整数，收到“0”"),
        (-1, 1, CLASS_POINTS, "成果数必须是非负整数"),
        (1, 1, {1: D(-3)}, "1类单位分值不能为负数"),
    ],
)
def test_unit_class_invalid(achievements, cls, points, message):
    with pytest.raises(StandardError, match=f"^{message}$"):
        standards.unit_class(achievements, cls, points, 10, 0)


# --------------------------------------------------------------------------- registry

def test_registry_describes_every_standard():
    assert list(STANDARDS) == ["manual", "target_rate", "deduct_only", "per_incident", "award_level", "unit_class"]
    for key, spec in STANDARDS.items():
        assert spec.key == key and spec.label and spec.actual_label
        for param in spec.params:
            assert param.label and param.type in ("decimal", "integer", "level_points", "class_points")
    assert [p.name for p in STANDARDS["target_rate"].params] == ["target_rate", "k_up", "k_down"]
    assert [p.name for p in STANDARDS["unit_class"].params] == ["unit_class", "points_by_class"]


@pytest.mark.parametrize(
    "key, actual, full, cap, params, expected",
    [
        ("manual", D("8.5"), 10, 0, {}, "8.50"),
        # parameters as stored: text (DjangoJSONEncoder) or JSON numbers, read through str
        ("target_rate", D("97"), 10, 2, {"target_rate": "95", "k_up": "0.5", "k_down": "1"}, "11.00"),
        ("target_rate", D("94.9"), 10, 0, {"target_rate": 95, "k_up": 0.5, "k_down": 0.1}, "9.99"),
        ("deduct_only", D("99"), 10, 5, {"target_rate": "95", "k_down": "1"}, "10.00"),  # the cap is not for deduct-only
        ("deduct_only", D("92"), 10, 5, {"target_rate": "95", "k_down": "1"}, "7.00"),
        ("per_incident", 2, 10, 0, {"points_per_incident": "1.5"}, "7.00"),
        ("award_level", ["市级", "省级"], 5, 0, {"points_by_level": {"国家级": "4", "省级": "3", "市级": "2"}}, "3.00"),
        ("unit_class", 1, 10, 0, {"unit_class": "5", "points_by_class": {"1": "3", "5": "9"}}, "9.00"),
        ("unit_class", 2, 10, 0, {"unit_class": 1, "points_by_class": {1: 3, 5: 9}}, "6.00"),
    ],
)
def test_compute_adapter(key, actual, full, cap, params, expected):
    assert exact(STANDARDS[key].compute(actual, full_score=full, bonus_cap=cap, params=params), expected)


def test_compute_refuses_invalid_params():
    # all problems at once, so the form can show them together
    with pytest.raises(StandardError) as caught:
        STANDARDS["target_rate"].compute(D(95), full_score=10, bonus_cap=0, params={"k_down": "-1"})
    assert caught.value.message == "缺少参数：目标值（%）；缺少参数：每超 1 个百分点加分；每差 1 个百分点扣分不能为负数"


# --------------------------------------------------------------------------- validate_params

@pytest.mark.parametrize(
    "key, params, problems",
    [
        ("manual", {}, []),
        ("manual", {"k_up": "1"}, ["未知参数：k_up"]),
        ("target_rate", {"target_rate": "95", "k_up": "0.5", "k_down": "1"}, []),
        ("target_rate", {"target_rate": 95.5, "k_up": 0, "k_down": 1}, []),
        ("target_rate", {}, ["缺少参数：目标值（%）", "缺少参数：每超 1 个百分点加分", "缺少参数：每差 1 个百分点扣分"]),
        ("target_rate", {"target_rate": "", "k_up": None, "k_down": "1"}, ["缺少参数：目标值（%）", "缺少参数：每超 1 个百分点加分"]),
        (
            "target_rate",
            {"target_rate": "-5", "k_up": "abc", "k_down": "NaN"},
            ["目标值（%）不能为负数", "每超 1 个百分点加分必须是数字，收到“abc”", "每差 1 个百分点扣分必须是数字，收到“NaN”"],
        ),
        ("deduct_only", {"target_rate": "95", "k_down": True}, ["每差 1 个百分点扣分必须是数字，收到“True”"]),
        ("deduct_only", {"target_rate": "95", "k_down": "1", "k_up": "1"}, ["未知参数：k_up"]),
        ("per_incident", {"points_per_incident": "2"}, []),
        ("per_incident", {"points_per_incident": "-2"}, ["每次扣分不能为负数"]),
        ("award_level", {"points_by_level": {"国家级": "5", "省级": "3", "市级": "2", "县级": "1"}}, []),
        ("award_level", {"points_by_level": {"国家级": "3", "省级": "3"}}, []),  # equal is fine
        ("award_level", {"points_by_level": {}}, ["各级别分值至少要设定一个级别的分值"]),
        ("award_level", {"points_by_level": "国家级5分"}, ["各级别分值至少要设定一个级别的分值"]),
        (
            "award_level",
            {"points_by_level": {"国家级": "5", "乡级": "1"}},
            ["未知的奖项级别：乡级（应为 国家级、省级、市级、县级）"],
        ),
        ("award_level", {"points_by_level": {"国家级": "5", "省级": "-1"}}, ["省级分值不能为负数"]),
        # only the highest award counts, so a higher level earning less would punish winning it
        ("award_level", {"points_by_level": {"国家级": "2", "省级": "3"}}, ["国家级的分值不应低于省级"]),
        (
            "award_level",
            {"points_by_level": {"省级": "3", "市级": "2"}},
            ["未设定国家级的分值，获国家级奖项将得 0 分，低于省级"],
        ),
        (
            "award_level",
            {"points_by_level": {"国家级": "5", "市级": "2"}},
            ["未设定省级的分值，获省级奖项将得 0 分，低于市级"],
        ),
        ("unit_class", {"unit_class": "3", "points_by_class": {"1": "3", "3": "6", "5": "9"}}, []),
        ("unit_class", {"unit_class": 2, "points_by_class": {"1": "3", "3": "6"}}, ["单位类别 2 未设定分值"]),
        (
            "unit_class",
            {"unit_class": "0", "points_by_class": {"一类": "3", "2": "x"}},
            ["单位类别必须是正整数，收到“0”", "单位类别必须是正整数，收到“一类”", "2类单位分值必须是数字，收到“x”"],
        ),
        (
            "unit_class",
            {"unit_class": 1, "points_by_class": {1: "9", 5: "3"}},
            ["5类单位的分值不应低于1类（单位越小，同一成果得分不应越少）"],
        ),
        ("unit_class", {"points_by_class": {}}, ["缺少参数：单位类别", "各类别每项分值至少要设定一个类别的分值"]),
        ("bonus", {}, ["未知的评分标准：bonus"]),
        ("manual", None, ["评分标准参数必须是“名称: 值”的字典"]),
    ],
)
def test_validate_params(key, params, problems):
    assert validate_params(key, params) == problems


# --------------------------------------------------------------------------- parse_actual

@pytest.mark.parametrize(
    "key, text, expected",
    [
        ("manual", "85", D("85")),
        ("manual", " 85.5 ", D("85.5")),
        ("manual", D("7.25"), D("7.25")),
        ("manual", 7, D(7)),
        ("manual", 89.76, D("89.76")),  # a spreadsheet float, read through str
        ("target_rate", "95.5%", D("95.5")),
        ("target_rate", "95.5", D("95.5")),  # percentage points without the sign
        ("target_rate", "95.5 %", D("95.5")),
        ("target_rate", "９５．５％", D("95.5")),  # full-width, folded
        ("target_rate", "100%", D("100")),
        ("target_rate", "-3.2%", D("-3.2")),  # a falling growth rate
        ("deduct_only", ".5%", D("0.5")),
        ("deduct_only", "0.955", D("0.955")),  # percentage points, never a fraction of 1
        ("per_incident", "3", 3),
        ("per_incident", "0", 0),
        ("per_incident", "3.0", 3),  # spreadsheets write whole numbers so
        ("per_incident", 2, 2),
        ("unit_class", "12", 12),
        ("award_level", "省级", ["省级"]),
        ("award_level", "省级、国家级", ["省级", "国家级"]),
        ("award_level", "市级,县级", ["市级", "县级"]),
        ("award_level", "国家，省", ["国家级", "省级"]),  # full-width comma; 级 dropped
        ("award_level", " 县级 、 市级 ", ["县级", "市级"]),
        ("award_level", "无", []),
        ("award_level", ["省", "国家级"], ["省级", "国家级"]),
        ("award_level", [], []),  # an explicit empty list: no award
        ("award_level", ("省级", " "), ["省级"]),  # blanks dropped as in text
    ],
)
def test_parse_actual(key, text, expected):
    value = parse_actual(key, text)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    "key, text, message",
    [
        ("manual", "", "评分为空"),
        ("manual", None, "缺少评分"),
        ("manual", "85%", "评分“85%”不是有效的数字"),
        ("manual", "八十五", "评分“八十五”不是有效的数字"),
        ("manual", "1,000", "评分“1,000”不是有效的数字"),
        ("target_rate", "abc%", "实际完成率（%）“abc%”不是有效的数字"),
        ("target_rate", "95.5%%", "实际完成率（%）“95.5%%”不是有效的数字"),
        ("target_rate", "   ", "实际完成率（%）为空"),
        ("deduct_only", "NaN", "实际完成率（%）“NaN”不是有效的数字"),
        ("per_incident", "2.5", "发生次数“2.5”必须是非负整数"),
        ("per_incident", "-1", "发生次数“-1”必须是非负整数"),
        ("per_incident", "3次", "发生次数“3次”不是有效的数字"),
        ("unit_class", "1.5", "成果数“1.5”必须是非负整数"),
        ("award_level", "省级、乡级", "未知的奖项级别：乡级（应为 国家级、省级、市级、县级）"),
        ("award_level", "", "获奖级别为空"),
        ("award_level", ["省级", "一等奖"], "未知的奖项级别：一等奖（应为 国家级、省级、市级、县级）"),
        ("bonus", "1", "未知的评分标准：bonus"),
    ],
)
def test_parse_actual_errors(key, text, message):
    with pytest.raises(StandardError) as caught:
        parse_actual(key, text)
    assert caught.value.message == message


@pytest.mark.parametrize(
    "key, text, full, cap, params, expected",
    [
        ("target_rate", "96.5%", 10, 1, {"target_rate": "95", "k_up": "0.5", "k_down": "1"}, "10.75"),
        ("award_level", "县级、国家级、市级", 5, 0, {"points_by_level": LEVEL_POINTS}, "5.00"),
        ("per_incident", "4", 10, 0, {"points_per_incident": "3"}, "0.00"),
    ],
)
def test_parse_then_compute(key, text, full, cap, params, expected):
    actual = parse_actual(key, text)
    assert exact(STANDARDS[key].compute(actual, full_score=full, bonus_cap=cap, params=params), expected)
