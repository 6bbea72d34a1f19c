"""The scheme (考核方案): defaults, labels and the "Valid values" of EXCHANGE.md."""
from __future__ import annotations

from decimal import Decimal

import pytest

from appraisal.scheme import (
    SCHEME_DEFAULTS,
    SCHEME_KEY_LABELS,
    SCHEME_SECTION_LABELS,
    WEIGHT_GROUPS,
    merge_scheme,
    validate_scheme,
)

D = Decimal

EXCHANGE_KEYS = [
    "monthly.dept_weight", "monthly.peer_weight", "monthly.trim_min_raters",
    "monthly.grade.优秀", "monthly.grade.良好", "monthly.grade.中等",
    "peer.points.优秀", "peer.points.良好", "peer.points.中等", "peer.points.差",
    "workload.非常大", "workload.比较大", "workload.一般", "workload.较小", "workload.非常小",
    "halfyear.business_weight", "halfyear.management_weight", "halfyear.satisfaction_weight",
    "satisfaction.points.优", "satisfaction.points.良", "satisfaction.points.中", "satisfaction.points.差",
    "satisfaction.group.主要领导", "satisfaction.group.分管领导", "satisfaction.group.机关部门",
    "satisfaction.group.县区局和直属单位", "satisfaction.group.基层分局", "satisfaction.group.社会各界代表",
    "halfyear.person_rate_weight", "halfyear.person_satisfaction_weight",
    "annual.monthly_weight", "annual.halfyear_weight", "annual.common_weight",
    "common.bonus_cap", "grade.leave_months_max", "grade.excellent_rate", "grade.first_excellent_rate",
    "grade.last_excellent_rate", "grade.excellent_min", "grade.competent_min", "grade.basic_min",
    "grade.poor_month_bars_excellent", "grade.last_basic_share",
    "advanced.综合", "advanced.业务", "advanced.事业",
    "reward.commendation_amount", "reward.merit_amount", "reward.merit_run", "reward.reserve_top",
    "bonus_coef.优秀", "bonus_coef.称职", "bonus_coef.基本称职", "bonus_coef.不称职",
    "peer.min_raters", "satisfaction.min_raters", "leadership.min_raters",
    "leadership.team.work_weight", "leadership.team.poll_weight",
    "leadership.principal.team", "leadership.principal.in_charge", "leadership.principal.poll",
    "leadership.member.team", "leadership.member.in_charge", "leadership.member.poll",
    "leadership.group.群众", "leadership.group.班子成员", "leadership.group.上级领导", "leadership.group.自评",
    "leadership.points.好", "leadership.points.较好", "leadership.points.一般", "leadership.points.差",
    "leadership.member_points.优秀", "leadership.member_points.称职", "leadership.member_points.基本称职",
    "leadership.member_points.不称职",
    "leadership.self_points.优秀", "leadership.self_points.良好", "leadership.self_points.一般",
    "leadership.self_points.较差",
    "leadership.team_grade.好", "leadership.team_grade.较好", "leadership.team_grade.一般",
    "leadership.member_grade.优秀", "leadership.member_grade.称职", "leadership.member_grade.基本称职",
    "leadership.excellent_cap",
]
# Keys of the product beyond the workbook's table: the pre-appraisal warnings (DOMAIN.md §9)
PRODUCT_KEYS = ["warning.attention_below", "warning.warning_below", "warning.serious_below",
                "period.publicity_days", "department.pass_line",
                "routine.enabled", "routine.peer_gap", "routine.min_good_quarters", "routine.bar_below_good",
                "routine.summary_days", "routine.review_days", "routine.talk_days"]


def test_every_exchange_key_has_a_decimal_default_and_a_label():
    from appraisal.scheme import SCHEME_MONTH_LISTS

    assert list(SCHEME_DEFAULTS) == EXCHANGE_KEYS + PRODUCT_KEYS
    assert all(isinstance(value, Decimal) for value in SCHEME_DEFAULTS.values())
    assert set(SCHEME_KEY_LABELS) == set(EXCHANGE_KEYS + PRODUCT_KEYS) | set(SCHEME_MONTH_LISTS)
    assert all(SCHEME_KEY_LABELS.values())


@pytest.mark.parametrize("key, default", [
    ("monthly.dept_weight", "0.4"), ("monthly.trim_min_raters", "5"), ("monthly.grade.中等", "70"),
    ("peer.points.差", "60"), ("workload.非常小", "0.90"), ("satisfaction.group.基层分局", "0.10"),
    ("halfyear.person_rate_weight", "0.8"), ("common.bonus_cap", "5"), ("grade.leave_months_max", "6"),
    ("grade.first_excellent_rate", "0.30"), ("grade.last_excellent_rate", "0"), ("grade.basic_min", "50"),
    ("grade.poor_month_bars_excellent", "1"), ("grade.last_basic_share", "0.2"), ("advanced.业务", "3"),
    ("reward.merit_amount", "1500"), ("reward.reserve_top", "2"), ("bonus_coef.基本称职", "0.8"),
    ("peer.min_raters", "3"), ("satisfaction.min_raters", "3"), ("leadership.min_raters", "3"),
    ("leadership.team.work_weight", "0.7"), ("leadership.team.poll_weight", "0.3"),
    ("leadership.principal.team", "0.6"), ("leadership.principal.in_charge", "0.1"),
    ("leadership.principal.poll", "0.3"), ("leadership.member.team", "0.3"),
    ("leadership.member.in_charge", "0.4"), ("leadership.member.poll", "0.3"),
    ("leadership.group.群众", "0.4"), ("leadership.group.班子成员", "0.3"), ("leadership.group.上级领导", "0.2"),
    ("leadership.group.自评", "0.1"), ("leadership.points.较好", "85"), ("leadership.member_points.不称职", "60"),
    ("leadership.self_points.一般", "75"), ("leadership.team_grade.一般", "70"),
    ("leadership.member_grade.称职", "70"), ("leadership.member_grade.基本称职", "60"),
    ("leadership.excellent_cap", "0.25"),
])
def test_defaults(key, default):
    assert SCHEME_DEFAULTS[key] == D(default)


def test_defaults_are_valid():
    assert validate_scheme(dict(SCHEME_DEFAULTS)) == []
    assert validate_scheme({}) == []


@pytest.mark.parametrize("overrides", [
    {"monthly.dept_weight": D("0.5"), "monthly.peer_weight": D("0.5")},
    {"monthly.dept_weight": D("1"), "monthly.peer_weight": D("0")},
    {"halfyear.business_weight": D("0.5"), "halfyear.management_weight": D("0.1"),
     "halfyear.satisfaction_weight": D("0.4")},
    {"annual.monthly_weight": D("0.35"), "annual.halfyear_weight": D("0.35"), "annual.common_weight": D("0.3")},
    {"halfyear.person_rate_weight": D("0.70005"), "halfyear.person_satisfaction_weight": D("0.3")},  # ±0.0001
    {"satisfaction.group.主要领导": D("0.3"), "satisfaction.group.基层分局": D("0.05")},
    {"monthly.trim_min_raters": D("3")}, {"monthly.trim_min_raters": D("4.0")},
    {"peer.points.优秀": D("100"), "peer.points.差": D("0")},
    {"workload.非常大": D("1.5"), "workload.非常小": D("0.5")},
    {"grade.excellent_rate": D("1"), "grade.last_excellent_rate": D("0"), "grade.last_basic_share": D("0.3")},
    {"grade.excellent_min": D("60"), "grade.competent_min": D("60"), "grade.basic_min": D("60")},
    {"monthly.grade.优秀": D("100"), "monthly.grade.良好": D("0"), "monthly.grade.中等": D("0")},
    {"grade.poor_month_bars_excellent": D("0")},
    {"grade.leave_months_max": D("0")}, {"grade.leave_months_max": D("12")},
    {"advanced.综合": D("0"), "reward.reserve_top": D("0"), "reward.merit_run": D("1")},
    {"reward.commendation_amount": D("0"), "reward.merit_amount": D("12345.67")},
    {"bonus_coef.优秀": D("1.5"), "bonus_coef.不称职": D("0")},
    {"common.bonus_cap": D("0")},
    {"common.bonus_cap": 3, "monthly.dept_weight": "0.5", "monthly.peer_weight": 0.5},  # non-Decimal input
    {"peer.min_raters": D("1"), "satisfaction.min_raters": D("1"), "leadership.min_raters": D("1")},
    {"peer.min_raters": D("7"), "satisfaction.min_raters": D("10.0"), "leadership.min_raters": D("5")},
    {"leadership.team.work_weight": D("1"), "leadership.team.poll_weight": D("0")},
    {"leadership.principal.team": D("0.5"), "leadership.principal.in_charge": D("0.2"),
     "leadership.principal.poll": D("0.3")},
    {"leadership.member.team": D("0.2"), "leadership.member.in_charge": D("0.5")},
    {"leadership.group.群众": D("0.5"), "leadership.group.自评": D("0")},
    {"leadership.points.好": D("100"), "leadership.self_points.较差": D("0"), "leadership.member_points.优秀": D("98")},
    {"leadership.team_grade.好": D("80"), "leadership.team_grade.较好": D("80"), "leadership.team_grade.一般": D("80")},
    {"leadership.member_grade.优秀": D("95"), "leadership.member_grade.称职": D("75")},
    {"leadership.excellent_cap": D("0")}, {"leadership.excellent_cap": D("1")},
])
def test_valid_schemes(overrides):
    assert validate_scheme(overrides) == []


@pytest.mark.parametrize("overrides, key, fragment", [
    ({"monthly.dept_weight": D("1.2"), "monthly.peer_weight": D("-0.2")}, None, "权重应在0到1之间"),
    ({"monthly.dept_weight": D("0.5")}, "monthly.dept_weight", "月度权重（责任得分率 + 民主测评）之和应为1，实际为1.1"),
    ({"halfyear.business_weight": D("0.7")}, "halfyear.business_weight", "部门半年权重"),
    ({"halfyear.person_satisfaction_weight": D("0.3")}, "halfyear.person_rate_weight", "个人半年权重"),
    ({"annual.common_weight": D("0.1")}, "annual.monthly_weight", "年度权重（月度 + 半年 + 共同类）之和应为1，实际为0.9"),
    ({"satisfaction.group.社会各界代表": D("0.2")}, "satisfaction.group.主要领导", "满意度测评六类评价主体权重"),
    ({"halfyear.person_rate_weight": D("0.8002")}, "halfyear.person_rate_weight", "之和应为1"),
    ({"peer.points.优秀": D("101")}, "peer.points.优秀", "分值应在0到100之间"),
    ({"satisfaction.points.差": D("-1")}, "satisfaction.points.差", "应在0到100之间"),
    ({"common.bonus_cap": D("120")}, "common.bonus_cap", "应在0到100之间"),
    ({"grade.excellent_min": D("100.5")}, "grade.excellent_min", "分数线应在0到100之间"),
    ({"monthly.grade.良好": D("95")}, "monthly.grade.良好", "不能高于“monthly.grade.优秀”的值90"),
    ({"monthly.grade.中等": D("85")}, "monthly.grade.中等", "不能高于“monthly.grade.良好”的值80"),
    ({"grade.basic_min": D("61")}, "grade.basic_min", "不能高于“grade.competent_min”的值60"),
    ({"workload.非常大": D("1.6")}, "workload.非常大", "工作量系数应在0.5到1.5之间"),
    ({"workload.非常小": D("0.4")}, "workload.非常小", "值0.4超出范围"),
    ({"grade.excellent_rate": D("1.5")}, "grade.excellent_rate", "比例应在0到1之间"),
    ({"grade.last_basic_share": D("-0.1")}, "grade.last_basic_share", "比例应在0到1之间"),
    ({"monthly.trim_min_raters": D("2")}, "monthly.trim_min_raters", "大于等于3的整数"),
    ({"monthly.trim_min_raters": D("4.5")}, "monthly.trim_min_raters", "应为整数"),
    ({"reward.merit_run": D("0")}, "reward.merit_run", "大于等于1的整数"),
    ({"reward.reserve_top": D("-1")}, "reward.reserve_top", "大于等于0的整数"),
    ({"advanced.事业": D("1.5")}, "advanced.事业", "应为整数"),
    ({"reward.commendation_amount": D("-800")}, "reward.commendation_amount", "不能为负数"),
    ({"bonus_coef.称职": D("-1")}, "bonus_coef.称职", "不能为负数"),
    ({"grade.poor_month_bars_excellent": D("2")}, "grade.poor_month_bars_excellent", "只能为0（否）或1（是）"),
    ({"grade.leave_months_max": D("13")}, "grade.leave_months_max", "0到12之间的整数"),
    ({"grade.leave_months_max": D("6.5")}, "grade.leave_months_max", "应为整数"),
    ({"grade.unknown": D("1")}, "grade.unknown", "未知的方案参数"),
    ({"common.bonus_cap": "五"}, "common.bonus_cap", "不是有效的数字"),
    ({"peer.min_raters": D("0")}, "peer.min_raters", "大于等于1的整数"),
    ({"peer.min_raters": D("2.5")}, "peer.min_raters", "应为整数"),
    ({"satisfaction.min_raters": D("-3")}, "satisfaction.min_raters", "大于等于1的整数"),
    ({"leadership.min_raters": D("0")}, "leadership.min_raters", "大于等于1的整数"),
    ({"leadership.team.poll_weight": D("0.4")}, "leadership.team.work_weight",
     "班子得分权重（工作实绩 + 民主测评）之和应为1，实际为1.1"),
    ({"leadership.principal.in_charge": D("0.2")}, "leadership.principal.team", "主要负责人得分权重"),
    ({"leadership.member.poll": D("0.2")}, "leadership.member.team", "班子成员得分权重"),
    ({"leadership.group.自评": D("0.2")}, "leadership.group.群众", "班子测评四类评价主体权重之和应为1"),
    ({"leadership.member.in_charge": D("1.4")}, "leadership.member.in_charge", "权重应在0到1之间"),
    ({"leadership.points.好": D("101")}, "leadership.points.好", "分值应在0到100之间"),
    ({"leadership.member_points.称职": D("-5")}, "leadership.member_points.称职", "分值应在0到100之间"),
    ({"leadership.self_points.良好": D("100.01")}, "leadership.self_points.良好", "分值应在0到100之间"),
    ({"leadership.team_grade.较好": D("91")}, "leadership.team_grade.较好",
     "不能高于“leadership.team_grade.好”的值90"),
    ({"leadership.member_grade.基本称职": D("75")}, "leadership.member_grade.基本称职",
     "不能高于“leadership.member_grade.称职”的值70"),
    ({"leadership.team_grade.好": D("120")}, "leadership.team_grade.好", "分数线应在0到100之间"),
    ({"leadership.excellent_cap": D("1.25")}, "leadership.excellent_cap", "比例应在0到1之间"),
    ({"common.bonus_cap": D("NaN")}, "common.bonus_cap", "不是有效的数字"),
])
def test_invalid_schemes(overrides, key, fragment):
    problems = validate_scheme(overrides)
    if key is None:  # several keys wrong: each is reported, all with the fragment
        assert [k for k, _ in problems] == list(overrides)
        assert all(fragment in message for _, message in problems), problems
        return
    assert len(problems) == 1, problems
    assert problems[0][0] == key
    assert fragment in problems[0][1], problems[0][1]


def test_messages_name_the_key_and_the_value():
    [(key, message)] = validate_scheme({"workload.较小": D("1.55")})
    assert key == "workload.较小" and "workload.较小" in message and "1.55" in message


def test_every_violation_is_reported():
    problems = validate_scheme({
        "monthly.dept_weight": D("0.5"),
        "peer.points.优秀": D("101"),
        "reward.merit_run": D("0"),
        "grade.competent_min": D("90"),
    })
    assert {key for key, _ in problems} == {
        "monthly.dept_weight", "peer.points.优秀", "reward.merit_run", "grade.competent_min"}


def test_a_weight_out_of_range_is_not_reported_twice():
    problems = validate_scheme({"annual.monthly_weight": D("-0.4")})
    assert [key for key, _ in problems] == ["annual.monthly_weight"]


def test_weight_groups_cover_every_weight():
    grouped = [key for keys in WEIGHT_GROUPS.values() for key in keys]
    assert sorted(grouped) == sorted(k for k in SCHEME_DEFAULTS if k.endswith("_weight") or ".group." in k
                                     or k.startswith(("leadership.principal.", "leadership.member.")))


def test_merge_scheme_fills_defaults():
    scheme = merge_scheme({"common.bonus_cap": 3, "grade.excellent_rate": "0.2"})
    assert set(scheme) == set(SCHEME_DEFAULTS)
    assert scheme["common.bonus_cap"] == D("3") and scheme["grade.excellent_rate"] == D("0.2")
    assert scheme["monthly.dept_weight"] == D("0.4")
    assert merge_scheme() == SCHEME_DEFAULTS and merge_scheme() is not SCHEME_DEFAULTS
    assert merge_scheme({"workload.一般": 1.05})["workload.一般"] == D("1.05")  # floats without binary noise


def test_merge_scheme_refuses_unknown_keys():
    with pytest.raises(KeyError):
        merge_scheme({"monthly.weight": D("1")})


def test_every_section_of_the_form_has_a_chinese_heading():
    assert {key.split(".")[0] for key in SCHEME_DEFAULTS} == set(SCHEME_SECTION_LABELS)
    labels = list(SCHEME_KEY_LABELS.values()) + list(SCHEME_SECTION_LABELS.values())
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels)
