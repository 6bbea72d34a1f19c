"""Tables of cases for the pure arithmetic of scoring.rules (DOMAIN.md §4.2, §5, §6) and a few
checks of how scoring.engine wires it (EXCHANGE.md "Computation notes").

Every expectation is an exact Decimal (compared with ==, and with its 2-place exponent where the
figure is a stored one), so that a rounding or renormalisation slip fails.
"""
from decimal import Decimal
from fractions import Fraction

import pytest

from scoring import rules
from scoring.engine import compute_year
from appraisal.scheme import SCHEME_DEFAULTS
from scoring.yeardata import (
    DepartmentData,
    IndicatorData,
    PeerRating,
    PersonData,
    SatisfactionRating,
    YearInput,
)

D = Decimal


def exact(value, expected):
    """Equal *and* stored with 2 decimals (a figure as the results workbook shows it)."""
    if expected is None:
        return value is None
    return value == D(expected) and value.as_tuple().exponent == -2


# --------------------------------------------------------------------------- rounding

@pytest.mark.parametrize(
    "value, expected",
    [
        (D("2.345"), "2.35"),  # half goes up, not to even
        (D("2.335"), "2.34"),
        (D("2.3449999"), "2.34"),
        (D("1.005"), "1.01"),  # the classic float trap
        (D("-2.345"), "-2.35"),  # half away from zero
        (D("80"), "80.00"),
        (7, "7.00"),
        (Fraction(1, 3), "0.33"),
        (Fraction(2, 3), "0.67"),
        (Fraction(1, 8), "0.13"),  # exactly 0.125
        (Fraction(-1, 8), "-0.13"),
        (Fraction(2000049, 40000), "50.00"),  # 50.001225
    ],
)
def test_round_half_up(value, expected):
    assert exact(rules.round_half_up(value), expected)


def test_round_half_up_refuses_float():
    with pytest.raises(TypeError):
        rules.round_half_up(2.345)


@pytest.mark.parametrize(
    "count, rate, expected",
    [
        (6, D("0.15"), 1),  # 0.9
        (3, D("0.15"), 0),  # 0.45
        (10, D("0.15"), 2),  # 1.5 exactly -> up
        (13, D("0.5"), 7),  # 6.5 -> 7 (banker's rounding would give 6)
        (5, D("0.30"), 2),  # 1.5
        (4, D("0.30"), 1),  # 1.2
        (7, D("0.2"), 1),  # 1.4
        (8, D("0.3"), 2),  # 2.4
        (9, D("0.05"), 0),  # 0.45: the exact product, not a pre-rounded 0.5
        (0, D("0.15"), 0),
        (12, D("0"), 0),
    ],
)
def test_round_count(count, rate, expected):
    assert rules.round_count(count, rate) == expected


# --------------------------------------------------------------------------- renormalisation

@pytest.mark.parametrize(
    "pairs, expected",
    [
        ([(D("0.6"), D("80")), (D("0.2"), D("90")), (D("0.2"), D("70"))], "80.00"),
        # one component missing: (0.6*80 + 0.2*70) / 0.8 = 77.5
        ([(D("0.6"), D("80")), (D("0.2"), None), (D("0.2"), D("70"))], "77.50"),
        # only one present: the figure is that component
        ([(D("0.6"), None), (D("0.2"), None), (D("0.2"), D("83.21"))], "83.21"),
        # renormalised result rounded half-up: (0.4*80.01 + 0.4*70) / 0.8 = 75.005
        ([(D("0.4"), D("80.01")), (D("0.4"), D("70")), (D("0.2"), None)], "75.01"),
        # a present component with weight 0 counts for nothing
        ([(D("0"), D("10")), (D("1"), D("90"))], "90.00"),
        ([(D("0.4"), None), (D("0.6"), None)], None),  # nothing present: undefined
        ([(D("0"), D("50")), (D("1"), None)], None),  # nothing left to normalise by
        ([], None),
    ],
)
def test_weighted_present(pairs, expected):
    assert exact(rules.weighted_present(pairs), expected)


@pytest.mark.parametrize(
    "values, expected",
    [
        ([D("80.12"), D("90.13")], "85.13"),  # 85.125 -> up
        ([D("70"), None, D("80")], "75.00"),  # undefined values are skipped
        ([D("1"), D("1"), D("2")], "1.33"),
        ([None, None], None),
        ([], None),
    ],
)
def test_mean(values, expected):
    assert exact(rules.mean(values), expected)


# --------------------------------------------------------------------------- R / Rh (§4.2, §5)

@pytest.mark.parametrize(
    "leaves, expected",
    [
        # carried leaf only: 30*3 / (30*5) = 60
        ([(D(3), D(5), D(30)), (D(2), D(3), None)], "60.00"),
        # weighted over two carried leaves: (50*3 + 60*2) / (50*5 + 60*3) = 270/430
        ([(D(3), D(5), D(50)), (D(2), D(3), D(60))], "62.79"),
        # weights in percent: the scale cancels
        ([(D(3), D(5), D("0.5")), (D(2), D(3), D("0.6"))], "62.79"),
        # fallback: carries none of the scored leaves -> department rate (2 + 1.5) / (3 + 2)
        ([(D(2), D(3), None), (D("1.5"), D(2), None)], "70.00"),
        # a weight of 0 is "not carried"
        ([(D(2), D(3), D(0)), (D("1.5"), D(2), D(0))], "70.00"),
        # scores above full (bonus cap) give rates above 100, not clamped
        ([(D(6), D(5), D(100))], "120.00"),
        ([(D(1), D(3), D(100))], "33.33"),
        ([(D(2), D(3), D(100))], "66.67"),
        ([], None),  # department has no scored leaf in the period
    ],
)
def test_responsibility_rate(leaves, expected):
    assert exact(rules.responsibility_rate(leaves), expected)


@pytest.mark.parametrize(
    "pairs, expected",
    [
        ([(D(3), D(5)), (D(2), D(3))], "62.50"),
        ([(D("19.5"), D(20)), (D(3), D(3))], "97.83"),
        ([(D(12), D(10))], "120.00"),
        ([(D(0), D(10))], "0.00"),
        ([], None),
    ],
)
def test_score_rate(pairs, expected):
    assert exact(rules.score_rate(pairs), expected)


# --------------------------------------------------------------------------- P (§4.2)

@pytest.mark.parametrize(
    "points, trim_min, floor, expected",
    [
        ([95, 85, 85, 75], 5, 3, "85.00"),  # 4 < 5: no trimming
        ([95, 95, 85, 75, 60], 5, 3, "85.00"),  # trims one 95 and the 60: (95+85+75)/3
        ([95, 95, 95, 95, 95], 5, 3, "95.00"),  # only one of the equal highest is dropped
        ([95, 85, 85, 75], 4, 3, "85.00"),  # threshold lowered: (85+85)/2
        ([95, 85, 60, 60], 4, 3, "72.50"),  # trims 95 and one 60: (85+60)/2
        ([95, 85, 60], 3, 3, "85.00"),  # trimming to a single rating
        ([95, 85, 85], 5, 3, "88.33"),  # mean rounded half-up, not before
        ([95, 95, 85], 5, 3, "91.67"),
        ([75, 75, 60, 75], 5, 3, "71.25"),
        ([], 5, 3, None),  # no rating: undefined
        # the anonymity floor (peer.min_raters), counted before trimming
        ([75], 5, 3, None),  # one rater: P would give the grade back
        ([95, 60], 5, 3, None),  # two raters: below the floor
        ([95, 60, 75], 5, 3, "76.67"),  # exactly the floor
        ([75], 5, 1, "75.00"),  # floor lowered by the scheme
        ([95, 60], 5, 2, "77.50"),
        ([95, 85, 75, 60], 5, 5, None),  # floor raised: four are too few
        ([95, 95, 85, 75, 60], 5, 5, "85.00"),  # five reach it, then trimming leaves three
        ([95, 85, 60], 3, 4, None),  # trimming would leave one, but the floor counts the three given
        ([95, 85, 75, 60], 3, 4, "80.00"),  # 4 given ≥ 4; trimmed to (85+75)/2
    ],
)
def test_peer_score(points, trim_min, floor, expected):
    assert exact(rules.peer_score([D(p) for p in points], trim_min, floor), expected)


# --------------------------------------------------------------------------- M (§4.2)

@pytest.mark.parametrize(
    "rate, coef, peer, dw, pw, expected",
    [
        (D(60), D("1.05"), D(75), D("0.4"), D("0.6"), "70.20"),  # 0.4*63 + 45
        (D("62.79"), D(1), D(85), D("0.4"), D("0.6"), "76.12"),  # 76.116
        (D("88.37"), D("1.10"), D("91.67"), D("0.4"), D("0.6"), "93.88"),  # 38.8828 + 55.002
        (D(80), D("1.05"), None, D("0.4"), D("0.6"), "84.00"),  # R only: R x c, coefficient kept
        (D("97.96"), D("0.90"), None, D("0.4"), D("0.6"), "88.16"),  # 88.164
        (None, D("1.10"), D("91.67"), D("0.4"), D("0.6"), "91.67"),  # P only: P, no coefficient
        (None, D(1), None, D("0.4"), D("0.6"), None),  # neither: no score
        (D(80), D(1), D(100), D("0.5"), D("0.5"), "90.00"),  # scheme weights
        (D(120), D("1.10"), D(95), D("0.4"), D("0.6"), "109.80"),  # not clamped above 100
        (D(80), D("1.05"), D(75), D("0"), D("1"), "75.00"),  # R weight 0
        (D(80), D("1.05"), None, D("0"), D("1"), None),  # only a weight-0 part: undefined
    ],
)
def test_monthly_score(rate, coef, peer, dw, pw, expected):
    assert exact(rules.monthly_score(rate, coef, peer, dw, pw), expected)


@pytest.mark.parametrize(
    "score, thresholds, expected",
    [
        (D("90.00"), (90, 80, 70), "优秀"),
        (D("89.99"), (90, 80, 70), "良好"),
        (D("80"), (90, 80, 70), "良好"),
        (D("79.99"), (90, 80, 70), "中等"),
        (D("70"), (90, 80, 70), "中等"),
        (D("69.99"), (90, 80, 70), "差"),
        (D("0"), (90, 80, 70), "差"),
        (D("109.8"), (90, 80, 70), "优秀"),
        (D("87"), (85, 75, 65), "优秀"),  # scheme thresholds
        (D("65"), (85, 75, 65), "中等"),
        (None, (90, 80, 70), None),
    ],
)
def test_monthly_grade(score, thresholds, expected):
    assert rules.monthly_grade(score, *[D(t) for t in thresholds]) == expected


# --------------------------------------------------------------------------- S, D, H (§5)

WEIGHTS = {
    "主要领导": D("0.25"),
    "分管领导": D("0.20"),
    "机关部门": D("0.15"),
    "县区局和直属单位": D("0.15"),
    "基层分局": D("0.10"),
    "社会各界代表": D("0.15"),
}


@pytest.mark.parametrize(
    "ratings, expected",
    [
        # every group, one rating each: plain weighted sum 23.75+17+11.25+9+9.5+12.75
        ({"主要领导": [95], "分管领导": [85], "机关部门": [75], "县区局和直属单位": [60],
          "基层分局": [95], "社会各界代表": [85]}, "83.25"),
        # group means first, unrounded: 主要领导 (95+85+85)/3 = 88.333…, 分管领导 85
        # (0.25*265/3 + 0.20*85) / 0.45 = 86.8518… -> 86.85 (rounding the mean first gives 86.85 too,
        # so the next case pins the difference)
        ({"主要领导": [95, 85, 85], "分管领导": [85]}, "86.85"),
        # 主要领导 mean 260/3 = 86.666…; alone it is the figure (renormalised over the one group)
        ({"主要领导": [95, 85, 80]}, "86.67"),
        # groups that did not rate drop out: (0.25*95 + 0.15*60) / 0.40 = 81.875
        ({"主要领导": [95], "社会各界代表": [60]}, "81.88"),
        # an empty list counts as "did not rate"
        ({"主要领导": [95], "分管领导": []}, "95.00"),
        # exact half reached through non-terminating means: 机关部门 (95+95+60)/3 = 83.333…,
        # 县区局和直属单位 (95+60+60)/3 = 71.666…, equal weights -> mean 77.5 exactly; with 基层分局 60
        # at 0.10: (0.15*250/3 + 0.15*215/3 + 0.1*60)/0.4 = 73.125 -> 73.13
        ({"机关部门": [95, 95, 60], "县区局和直属单位": [95, 60, 60], "基层分局": [60]}, "73.13"),
        ({}, None),
    ],
)
def test_satisfaction_score(ratings, expected):
    points = {g: [D(p) for p in ps] for g, ps in ratings.items()}
    assert exact(rules.satisfaction_score(points, WEIGHTS, 1), expected)


@pytest.mark.parametrize(
    "ratings, floor, expected",
    [
        ({"主要领导": [95]}, 3, None),  # one rater: S would be that rater's grade
        ({"主要领导": [95], "社会各界代表": [60]}, 3, None),  # two raters over all groups: still too few
        ({"主要领导": [95], "分管领导": [85], "社会各界代表": [60]}, 3, "82.92"),  # three groups, one each: 49.75/0.6
        ({"机关部门": [95, 85, 75]}, 3, "85.00"),  # three in one group reach the floor
        ({"主要领导": [95], "分管领导": []}, 3, None),  # an empty group adds no rater
        ({"主要领导": [95], "社会各界代表": [60]}, 2, "81.88"),  # floor lowered by the scheme
        ({"主要领导": [95, 85], "机关部门": [75, 60]}, 5, None),  # floor raised: four are too few
        ({}, 1, None),
    ],
)
def test_satisfaction_floor(ratings, floor, expected):
    points = {g: [D(p) for p in ps] for g, ps in ratings.items()}
    assert exact(rules.satisfaction_score(points, WEIGHTS, floor), expected)


def test_satisfaction_group_means_are_not_rounded_first():
    # 主要领导 mean 275/3 = 91.666… (rounded first: 91.67), 分管领导 mean 85:
    # exact (0.25*275/3 + 0.20*85) / 0.45 = 88.7037… -> 88.70; a rounded mean would give 88.71
    points = {"主要领导": [D(95), D(95), D(85)], "分管领导": [D(95), D(75)]}
    assert exact(rules.satisfaction_score(points, WEIGHTS, 1), "88.70")


def test_satisfaction_exact_half_through_sevenths():
    # 主要领导 645/7, 机关部门 570/7: S = (0.25*645/7 + 0.15*570/7) / 0.4 = 88.125 exactly -> 88.13.
    # Computed with 28-digit Decimals the sevenths truncate and S comes out 88.12: S is exact.
    points = {
        "主要领导": [D(95)] * 6 + [D(75)],
        "机关部门": [D(95)] * 3 + [D(75)] * 3 + [D(60)],
    }
    assert exact(rules.satisfaction_score(points, WEIGHTS, 1), "88.13")


@pytest.mark.parametrize(
    "b, g, s, weights, expected",
    [
        (D(50), D("86.36"), D("85.63"), ("0.6", "0.2", "0.2"), "64.40"),
        (D("98.15"), D("101.35"), D("79.17"), ("0.6", "0.2", "0.2"), "94.99"),
        # S missing (no 360° that half): (0.6*87.04 + 0.2*94.59) / 0.8
        (D("87.04"), D("94.59"), None, ("0.6", "0.2", "0.2"), "88.93"),
        (None, None, D("80.15"), ("0.6", "0.2", "0.2"), "80.15"),
        (D(90), None, None, ("0.6", "0.2", "0.2"), "90.00"),
        (D(80), D(90), D(70), ("0.5", "0.1", "0.4"), "77.00"),
        (None, None, None, ("0.6", "0.2", "0.2"), None),
    ],
)
def test_department_half_score(b, g, s, weights, expected):
    assert exact(rules.department_half_score(b, g, s, *[D(w) for w in weights]), expected)


@pytest.mark.parametrize(
    "rh, s, expected",
    [
        (D(82), D("85.63"), "82.73"),  # 65.6 + 17.126
        (D("91.85"), None, "91.85"),  # department without 360° that half: H = Rh
        (None, D("85.63"), "85.63"),
        (None, None, None),
    ],
)
def test_person_half_score(rh, s, expected):
    assert exact(rules.person_half_score(rh, s, D("0.8"), D("0.2")), expected)


# --------------------------------------------------------------------------- C, veto, A, DA (§6)

@pytest.mark.parametrize(
    "regular, bonuses, deductions, cap, expected",
    [
        # 100 * 53.5 / 65 = 82.307…
        ([(12, 15), (16.5, 20), (18, 20), (7, 10)], [], [], 5, "82.31"),
        # + bonus 2: 83.846… + 2, rounded once at the end
        ([(12.5, 15), (17.5, 20), (16, 20), (8.5, 10)], [(2, 4)], [], 5, "85.85"),
        # - deduction 3
        ([(11.5, 15), (14.5, 20), (17, 20), (8, 10)], [], [3], 5, "75.46"),
        # bonus sum 3 + 4 = 7 capped at 5
        ([(10, 10)], [(3, 3), (4, 4)], [], 5, "105.00"),
        # cap from the scheme
        ([(10, 10)], [(3, 3), (4, 4)], [], 3, "103.00"),
        # each bonus at most its leaf's full score: min(6, 4) = 4
        ([(5, 10)], [(6, 4)], [], 5, "54.00"),
        # bonus and deduction together: 50 + min(2+1, 5) - 1
        ([(5, 10)], [(2, 3), (1, 4)], [1], 5, "52.00"),
        # never below 0
        ([(0, 10)], [], [5, 8], 5, "0.00"),
        ([(1, 100)], [], [2], 5, "0.00"),
        # undefined without a regular common score, whatever the bonus
        ([], [(3, 3)], [1], 5, None),
        ([], [], [], 5, None),
    ],
)
def test_common_score(regular, bonuses, deductions, cap, expected):
    regular = [(D(str(s)), D(str(f))) for s, f in regular]
    bonuses = [(D(str(b)), D(str(f))) for b, f in bonuses]
    deductions = [D(str(d)) for d in deductions]
    assert exact(rules.common_score(regular, bonuses, deductions, D(cap)), expected)


@pytest.mark.parametrize(
    "marks, expected",
    [([], False), ([D(0)], False), ([D(0), D(1)], True), ([D(1)], True)],
)
def test_is_vetoed(marks, expected):
    assert rules.is_vetoed(marks) is expected


@pytest.mark.parametrize(
    "ma, ha, c, weights, expected",
    [
        (D("73.35"), D("87.45"), D("82.31"), ("0.4", "0.4", "0.2"), "80.78"),  # 80.782
        (D("85.74"), D("90.36"), None, ("0.4", "0.4", "0.2"), "88.05"),  # no C: (MA + HA) / 2
        (None, None, D("80"), ("0.4", "0.4", "0.2"), "80.00"),
        (D(80), D(90), D(70), ("0.35", "0.35", "0.3"), "80.50"),
        (None, None, None, ("0.4", "0.4", "0.2"), None),
    ],
)
def test_annual_score(ma, ha, c, weights, expected):
    assert exact(rules.annual_score(ma, ha, c, *[D(w) for w in weights]), expected)


@pytest.mark.parametrize(
    "halves, expected",
    [
        ([D("64.4"), D("95.6")], "80.00"),
        ([D("95.55"), D("93.28")], "94.42"),  # 94.415 -> up
        ([D("70.6"), None], "70.60"),
        ([None, None], None),
    ],
)
def test_department_annual_score(halves, expected):
    assert exact(rules.department_annual_score(halves), expected)


# --------------------------------------------------------------------------- engine wiring

def _tiny_year(**overrides) -> YearInput:
    """One department (head H1, staff P1, P2, P3) and a 局领导, a monthly and a half-year leaf."""
    scheme = dict(SCHEME_DEFAULTS)
    scheme.update(overrides)
    leaves = [
        IndicatorData("M", "管理", None, "管理类"),
        IndicatorData("M1", "月度指标", "M", "管理类", "D1", D(10), D(0), "月度"),
        IndicatorData("M2", "半年指标", "M", "管理类", "D1", D(20), D(0), "半年"),
        IndicatorData("C", "共同", None, "共同类"),
        IndicatorData("C1", "作风", "C", "共同类", None, D(10), D(0), "年度"),
        IndicatorData("CV", "否决", "C", "共同类", None, D(1), D(0), "年度", "否决"),
    ]
    people = [
        PersonData("H1", "甲", "D1", "部门负责人"),
        PersonData("P1", "乙", "D1", "一般干部"),
        PersonData("P2", "丙", "D1", "一般干部"),
        PersonData("P3", "丁", "D1", "一般干部"),
        PersonData("L1", "领导", None, "局领导"),
    ]
    return YearInput(
        org_code="ORG",
        org_name="测试",
        year=2025,
        scheme=scheme,
        departments=[DepartmentData("D1", "一处", "综合", "H1")],
        persons=people,
        indicators=leaves,
        weights={("M1", "P1"): D(100), ("M2", "P1"): D(100)},
        monthly_scores={(1, "M1"): D(8), (2, "M1"): D(9)},
        peer_ratings=[
            PeerRating(1, "H1", "P2", "优秀"),
            PeerRating(1, "P1", "P2", "良好"),
            PeerRating(3, "P1", "P3", "中等"),  # month 3 has no scored leaf: P only
        ],
        workload={(1, "P1"): "非常大", (3, "P3"): "比较大"},
        half_scores={("上半年", "M2"): D(15)},
        satisfaction=[SatisfactionRating("上半年", "主要领导", "", "D1", "优")],
        common_scores={("P1", "C1"): D(9), ("P2", "CV"): D(1)},
    )


# The tiny year has one or two raters per ratee: with the floors lowered to 1 the wiring shows.
NO_FLOORS = {"peer.min_raters": D(1), "satisfaction.min_raters": D(1)}


def test_engine_rows_and_fallbacks():
    result = compute_year(_tiny_year(**NO_FLOORS))
    monthly = {(r.staff_id, r.month): r for r in result.monthly}
    # P1 carries M1: R = 80, c = 1.10, no peer rating -> M = R x c = 88.00
    assert monthly[("P1", 1)].responsibility_rate == D("80.00")
    assert monthly[("P1", 1)].workload_coefficient == D("1.10")
    assert monthly[("P1", 1)].monthly_score == D("88.00")
    # P2 carries nothing: department fallback R = 80; P = 90; M = 0.4*80 + 0.6*90 = 86
    assert monthly[("P2", 1)].responsibility_rate == D("80.00")
    assert monthly[("P2", 1)].peer_score == D("90.00")
    assert monthly[("P2", 1)].monthly_score == D("86.00")
    # month 3 has no scored leaf: R undefined, M = P, coefficient still shown as set
    assert monthly[("P3", 3)].responsibility_rate is None
    assert monthly[("P3", 3)].workload_coefficient == D("1.05")
    assert monthly[("P3", 3)].monthly_score == D("75.00")
    assert monthly[("P3", 3)].monthly_grade == "中等"
    # no month without a score, no row for the 局领导
    assert ("P3", 4) not in monthly
    assert all(r.staff_id != "L1" for r in result.monthly + result.annual + result.person_half)
    assert {r.staff_id for r in result.annual} == {"H1", "P1", "P2", "P3"}

    halves = {(r.department_code, r.half): r for r in result.department_half}
    # 上半年: G = 75, S = 95, no business leaf -> D = (0.2*75 + 0.2*95) / 0.4 = 85
    assert halves[("D1", "上半年")].business_rate is None
    assert halves[("D1", "上半年")].half_score == D("85.00")
    assert ("D1", "下半年") not in halves  # no figure at all that half
    person_half = {(r.staff_id, r.half): r for r in result.person_half}
    assert person_half[("P1", "上半年")].half_score == D("79.00")  # 0.8*75 + 0.2*95

    annual = {r.staff_id: r for r in result.annual}
    assert annual["P2"].vetoed is True
    assert annual["P2"].grade == "不称职"
    assert annual["P1"].common_score == D("90.00")
    assert annual["H1"].common_score is None


def test_engine_applies_the_anonymity_floors():
    """Default floors (3): P2's two ratings and P3's one give no P; D1's single 360° rating gives no S,
    so D and H renormalise without it."""
    result = compute_year(_tiny_year())
    monthly = {(r.staff_id, r.month): r for r in result.monthly}
    assert monthly[("P2", 1)].peer_score is None
    assert monthly[("P2", 1)].monthly_score == D("80.00")  # R x c alone: the ratings cannot be recomputed
    assert ("P3", 3) not in monthly  # no R and no P that month: no monthly score at all
    halves = {(r.department_code, r.half): r for r in result.department_half}
    assert halves[("D1", "上半年")].satisfaction_score is None
    assert halves[("D1", "上半年")].half_score == D("75.00")  # G alone
    person_half = {(r.staff_id, r.half): r for r in result.person_half}
    assert person_half[("P1", "上半年")].half_score == D("75.00")  # Rh alone

    # the floors are scheme parameters: two ratings count with peer.min_raters = 2
    lowered = compute_year(_tiny_year(**{"peer.min_raters": D(2)}))
    monthly = {(r.staff_id, r.month): r for r in lowered.monthly}
    assert monthly[("P2", 1)].peer_score == D("90.00")
    assert ("P3", 3) not in monthly


def test_engine_uses_scheme_overrides():
    base = {(r.staff_id, r.month): r for r in compute_year(_tiny_year(**NO_FLOORS)).monthly}
    changed = {
        (r.staff_id, r.month): r
        for r in compute_year(
            _tiny_year(**NO_FLOORS, **{"workload.非常大": D("1.2"), "peer.points.中等": D("70")})
        ).monthly
    }
    assert base[("P1", 1)].monthly_score == D("88.00")
    assert changed[("P1", 1)].monthly_score == D("96.00")
    assert changed[("P3", 3)].monthly_score == D("70.00")
