"""Table tests of the leadership appraisal's pure rules (DOMAIN.md §7.4) and of its stage in the
year's computation: W, the polls and their floor, T and the team grade, F, L, member grades with
the excellence cap and its tie order, renormalisation."""
from decimal import Decimal as D

import pytest

from scoring import leadership_rules as lr
from appraisal.scheme import SCHEME_DEFAULTS
from scoring.leadership_engine import compute_leadership
from scoring.yeardata import LeadershipMemberData, LeadershipRatingData, PersonData, YearInput

WEIGHTS = {"群众": D("0.4"), "班子成员": D("0.3"), "上级领导": D("0.2"), "自评": D("0.1")}
RULES = lr.MemberGradeRules(leave_months_max=6, excellent_min=D(90), competent_min=D(70), basic_min=D(60),
                            excellent_cap=D("0.25"))


@pytest.mark.parametrize("ratings, min_raters, expected", [
    # every group rated: Σ w·mean / Σ w
    ({"群众": [95, 85], "班子成员": [85], "上级领导": [75], "自评": [95]}, 3, D("86.00")),
    # a group missing: the weights of the others are renormalised: (0.4·90 + 0.1·95) / 0.5
    ({"群众": [95, 85, 90], "自评": [95]}, 3, D("91.00")),
    # too few raters: two others and a self-assessment (自评 does not count toward the floor)
    ({"群众": [95], "上级领导": [85], "自评": [95]}, 3, None),
    # exactly at the floor
    ({"群众": [95], "上级领导": [85], "班子成员": [75]}, 3, D("86.11")),
    # a non-terminating group mean is not rounded before the figure: (0.4·(95+95+85)/3) / 0.4
    ({"群众": [95, 95, 85]}, 3, D("91.67")),
    # nobody rated
    ({}, 1, None),
    # only a group that weighs 0 rated: undefined (nothing to normalise by)
    ({"自评": [95]}, 0, None),
])
def test_poll_score(ratings, min_raters, expected):
    weights = dict(WEIGHTS)
    if expected is None and ratings == {"自评": [95]}:
        weights["自评"] = D(0)
    assert lr.poll_score({g: [D(p) for p in pts] for g, pts in ratings.items()}, weights, min_raters) == expected


@pytest.mark.parametrize("departments, override, expected", [
    ([D("80"), D("86.36"), D("94.42"), D("73.02")], None, D("83.45")),
    ([D("80"), None, D("90")], None, D("85.00")),  # departments without a DA drop out
    ([None, None], None, None),  # no department has a DA: W undefined
    ([], None, None),  # a member in charge of nothing: F undefined
    ([D("80")], D("89.455"), D("89.46")),  # the office's figure, rounded half-up, wins
    ([], D("84"), D("84.00")),  # an override for a member in charge of nothing
])
def test_work_and_in_charge_scores(departments, override, expected):
    assert lr.work_score(departments, override) == expected
    assert lr.in_charge_score(departments, override) == expected


@pytest.mark.parametrize("work, poll, expected, grade", [
    (D("83.45"), D("93.67"), D("86.52"), "较好"),
    (D("97"), D("95"), D("96.40"), "好"),
    (D("80"), None, D("80.00"), "较好"),  # too few raters: T is W alone (renormalised)
    (None, D("69.99"), D("69.99"), "差"),  # no DA anywhere: T is the poll alone
    (None, None, None, None),
    (D("70"), D("70"), D("70.00"), "一般"),  # thresholds are inclusive
])
def test_team_score_and_grade(work, poll, expected, grade):
    team = lr.team_score(work, poll, D("0.7"), D("0.3"))
    assert team == expected
    assert lr.team_grade(team, 90, 80, 70) == grade


@pytest.mark.parametrize("team, in_charge, poll, weights, expected", [
    (D("86.52"), None, D("81.50"), (D("0.6"), D("0.1"), D("0.3")), D("84.85")),  # principal in charge of nothing
    (D("86.52"), D("83.45"), D("81.33"), (D("0.3"), D("0.4"), D("0.3")), D("83.74")),
    (D("86.01"), D("91.96"), None, (D("0.3"), D("0.4"), D("0.3")), D("89.41")),  # member poll missing
    (D("86.52"), None, D("75.50"), (D("0.3"), D("0.4"), D("0.3")), D("81.01")),  # member in charge of nothing
    (None, None, None, (D("0.3"), D("0.4"), D("0.3")), None),
])
def test_member_score_renormalises(team, in_charge, poll, weights, expected):
    assert lr.member_score(team, in_charge, poll, weights) == expected


def m(staff_id, score, poll=None, leave=0):
    return lr.MemberFigures(staff_id, None if score is None else D(score), None if poll is None else D(poll), leave)


@pytest.mark.parametrize("members, rules, expected", [
    # four equal members: the cap floor(4 × 0.25) = 1 binds; the tie goes by poll, then staff id as text
    ([m("1040", "95.82", "95"), m("1038", "95.82", "95"), m("1039", "95.82", "95"), m("1037", "94.34", "95")],
     RULES, {"1038": "优秀", "1039": "称职", "1040": "称职", "1037": "称职"}),
    # the better poll wins a tie on L
    ([m("1", "92", "80"), m("2", "92", "85"), m("3", "91", "99"), m("4", "50")],
     RULES, {"2": "优秀", "1": "称职", "3": "称职", "4": "不称职"}),
    # an undefined poll sorts last in a tie; staff ids compare as text ("10" < "9")
    ([m("9", "92"), m("10", "92"), m("11", "92", "60"), m("12", "61")],
     RULES, {"11": "优秀", "10": "称职", "9": "称职", "12": "基本称职"}),
    # long leave and no L: 不定等次, and not counted in n (n = 3 → floor(0.75) = 0 places)
    ([m("1", "95", leave=7), m("2", None), m("3", "95"), m("4", "92"), m("5", "80")],
     RULES, {"1": "不定等次", "2": "不定等次", "3": "称职", "4": "称职", "5": "称职"}),
    # exactly leave_months_max months of leave is still graded
    ([m("1", "95", leave=6), m("2", "91"), m("3", "85"), m("4", "65")],
     RULES, {"1": "优秀", "2": "称职", "3": "称职", "4": "基本称职"}),
    # a wider cap: only members at or above the excellent line take places
    ([m("1", "95"), m("2", "89.99"), m("3", "59.99")],
     lr.MemberGradeRules(6, D(90), D(70), D(60), D("0.7")), {"1": "优秀", "2": "称职", "3": "不称职"}),
])
def test_member_grades(members, rules, expected):
    assert lr.member_grades(members, rules) == expected


@pytest.mark.parametrize("n, cap, places", [(4, "0.25", 1), (3, "0.25", 0), (8, "0.25", 2), (7, "0.25", 1),
                                            (5, "0.5", 2), (4, "1", 4), (4, "0", 0)])
def test_excellent_places_floor(n, cap, places):
    assert lr.excellent_places(n, D(cap)) == places


@pytest.mark.parametrize("is_team, group, grade, ok", [
    (True, "群众", "好", True), (True, "群众", "优秀", False), (True, "自评", "较好", True),
    (False, "群众", "好", False), (False, "班子成员", "称职", True), (False, "自评", "良好", True),
    (False, "自评", "称职", False), (False, "上级领导", "较差", False),
])
def test_scales(is_team, group, grade, ok):
    assert (grade in lr.scale_of(is_team, group)) is ok


def test_shown_group_means_hide_small_groups():
    ratings = {"群众": [D(95), D(85), D(85)], "上级领导": [D(75)], "自评": [D(95)]}
    assert lr.shown_group_means(ratings, 3) == {"群众": D("88.33"), "班子成员": None, "上级领导": None,
                                                "自评": D("95.00")}


def _year(ratings, members, overrides=None, leave=None):
    persons = [PersonData(sid, f"领导{sid}", None, "局领导", leave_months=(leave or {}).get(sid, 0))
               for sid in ("L1", "L2", "L3")]
    return YearInput("ORG", "测试局", 2025, dict(SCHEME_DEFAULTS),
                     persons=persons, leadership_members=members, leadership_ratings=ratings,
                     leadership_overrides=overrides or {})


def test_stage_without_members_writes_nothing():
    assert compute_leadership(_year([], []), _year([], []).scheme, {"D01": D(90)}) == ([], [])


def test_stage_end_to_end():
    members = [LeadershipMemberData("L1", True, ()), LeadershipMemberData("L2", False, ("D01", "D02")),
               LeadershipMemberData("L3", False, ("D03",))]
    ratings = [LeadershipRatingData("群众", f"q{i}", target, grade)
               for i in range(3) for target, grade in (("班子", "好"), ("L1", "优秀"), ("L2", "称职"))]
    ratings += [LeadershipRatingData("自评", "L1", "班子", "较好"), LeadershipRatingData("自评", "L3", "L3", "优秀"),
                LeadershipRatingData("上级领导", "s1", "L3", "优秀")]  # L3: one other rater only
    data = _year(ratings, members, overrides={"L1": D("88")}, leave={"L2": 8})
    team, rows = compute_leadership(data, data.scheme, {"D01": D(80), "D02": None, "D03": D(90)})
    # W = (80 + 90) / 2 = 85; team poll = (0.4·95 + 0.1·85) / 0.5 = 93; T = 0.7·85 + 0.3·93 = 87.4
    assert team[0].work_score == D("85.00") and team[0].poll_score == D("93.00")
    assert team[0].team_score == D("87.40") and team[0].grade == "较好"
    by_id = {row.staff_id: row for row in rows}
    # principal: F overridden to 88, poll 95: 0.6·87.4 + 0.1·88 + 0.3·95 = 89.74
    assert (by_id["L1"].in_charge_score, by_id["L1"].member_score, by_id["L1"].grade) == (D("88.00"), D("89.74"),
                                                                                          "称职")
    # L2: F = 80 (D02 has no DA), on long leave: 不定等次
    assert (by_id["L2"].in_charge_score, by_id["L2"].grade) == (D("80.00"), "不定等次")
    # L3: poll below the floor (one other rater + a self-assessment): L over T and F only
    assert by_id["L3"].poll_score is None
    assert by_id["L3"].member_score == D("88.89")  # (0.3·87.4 + 0.4·90) / 0.7
