"""Tables of cases for rewards.grading (DOMAIN.md §7.1–7.3, EXCHANGE.md "Computation notes")."""
from decimal import Decimal

import pytest

from rewards import grading
from rewards.grading import Appraisee, GradeRules

D = Decimal

RULES = GradeRules(
    leave_months_max=6,
    excellent_min=D(85),
    competent_min=D(60),
    basic_min=D(50),
    poor_month_bars_excellent=True,
    last_basic_share=D("0.2"),
)
ADVANCED = {"综合": 2, "业务": 3, "事业": 2}


def person(staff_id, a, ha=None, ma=None, **kw):
    return Appraisee(
        staff_id=staff_id,
        position=kw.pop("position", "一般干部"),
        annual_score=None if a is None else D(str(a)),
        half_average=None if ha is None else D(str(ha)),
        monthly_average=None if ma is None else D(str(ma)),
        **kw,
    )


# --------------------------------------------------------------------------- department ranks

@pytest.mark.parametrize(
    "scores, expected",
    [
        ({"a": 90, "b": 80, "c": 80, "d": 70}, {"a": 1, "b": 2, "c": 2, "d": 4}),
        ({"a": 90, "b": 90, "c": 70}, {"a": 1, "b": 1, "c": 3}),
        ({"a": 90, "b": 90}, {"a": 1, "b": 1}),
        ({"a": 75, "b": None, "c": 80}, {"a": 2, "b": None, "c": 1}),
        ({"a": None}, {"a": None}),
        ({}, {}),
    ],
)
def test_competition_ranks(scores, expected):
    scores = {k: None if v is None else D(v) for k, v in scores.items()}
    assert grading.competition_ranks(scores) == expected


@pytest.mark.parametrize(
    "ranks, first, last",
    [
        ({"a": 1, "b": 2, "c": 3}, {"a"}, {"c"}),
        ({"a": 1, "b": 1, "c": 3}, {"a", "b"}, {"c"}),  # two firsts
        ({"a": 1, "b": 2, "c": 2}, {"a"}, {"b", "c"}),  # two lasts
        ({"a": 1, "b": 2}, {"a"}, {"b"}),  # two ranked is enough
        ({"a": 1, "b": 1}, set(), set()),  # all tied at rank 1: neither first nor last
        ({"a": 1, "b": 1, "c": 1}, set(), set()),
        ({"a": 1, "b": None}, set(), set()),  # only one ranked
        ({"a": 1, "b": None, "c": 2}, {"a"}, {"c"}),  # the unranked one is never last
        ({}, set(), set()),
    ],
)
def test_first_and_last(ranks, first, last):
    assert grading.first_and_last(ranks) == (first, last)


def _standings(rows, numbers=ADVANCED):
    return grading.rank_departments(
        [(code, group, None if da is None else D(str(da))) for code, group, da in rows], numbers
    )


def test_rank_departments_groups_and_advanced():
    s = _standings(
        [
            ("D1", "综合", 80),
            ("D2", "业务", 86.36),
            ("D3", "事业", 94.42),
            ("D4", "综合", 73.02),
        ]
    )
    assert [(s[c].overall_rank, s[c].group_rank) for c in ("D1", "D2", "D3", "D4")] == [
        (3, 1), (2, 1), (1, 1), (4, 2)
    ]
    assert s["D3"].first and not s["D3"].last
    assert s["D4"].last and not s["D4"].first
    # D4 is within the 综合 group's 2 places but last overall: never advanced
    assert [s[c].advanced for c in ("D1", "D2", "D3", "D4")] == [True, True, True, False]


def test_rank_departments_ties_share_group_places():
    s = _standings(
        [
            ("A", "综合", 90),
            ("B", "综合", 85),
            ("C", "综合", 85),  # tied at group rank 2 with B: both within 2 places
            ("E", "综合", 84),  # group rank 4
            ("F", "业务", 50),
        ]
    )
    assert [s[c].group_rank for c in "ABCE"] == [1, 2, 2, 4]
    assert [s[c].advanced for c in "ABCE"] == [True, True, True, False]
    assert s["F"].last and not s["F"].advanced and s["F"].group_rank == 1


def test_rank_departments_two_firsts_and_unranked():
    s = _standings(
        [
            ("A", "业务", 91.5),
            ("B", "业务", 91.5),
            ("C", "事业", 80),
            ("X", "综合", None),  # no DA: no rank, never first/last/advanced
        ]
    )
    assert (s["A"].overall_rank, s["B"].overall_rank, s["C"].overall_rank) == (1, 1, 3)
    assert s["A"].first and s["B"].first and s["C"].last
    assert (s["X"].overall_rank, s["X"].group_rank) == (None, None)
    assert not (s["X"].first or s["X"].last or s["X"].advanced)


def test_rank_departments_all_tied_no_first_no_last():
    s = _standings([("A", "综合", 88), ("B", "业务", 88)])
    assert not any(st.first or st.last for st in s.values())
    assert all(st.advanced for st in s.values())


def test_rank_departments_advanced_number_zero():
    s = _standings([("A", "业务", 90), ("B", "业务", 80), ("C", "综合", 70)], {"综合": 2, "业务": 0, "事业": 2})
    assert not s["A"].advanced and not s["B"].advanced


@pytest.mark.parametrize(
    "first, last, expected",
    [(True, False, D("0.30")), (False, True, D("0")), (False, False, D("0.15"))],
)
def test_quota_rate(first, last, expected):
    standing = grading.DepartmentStanding("D", "综合", D(1), 1, 1, first, last, False)
    assert grading.quota_rate(standing, D("0.15"), D("0.30"), D("0")) == expected


def test_quota_rate_unranked_uses_ordinary_rate():
    standing = grading.DepartmentStanding("D", "综合", None, None, None, False, False, False)
    assert grading.quota_rate(standing, D("0.2"), D("0.30"), D("0")) == D("0.2")


@pytest.mark.parametrize(
    "n, rate, expected",
    [(6, "0.15", 1), (3, "0.15", 0), (10, "0.15", 2), (4, "0.30", 1), (5, "0.30", 2), (9, "0", 0)],
)
def test_excellent_quota(n, rate, expected):
    assert grading.excellent_quota(n, D(rate)) == expected


@pytest.mark.parametrize(
    "first, last, expected",
    [(True, False, "第一名"), (False, True, "末位;诫勉谈话"), (False, False, "")],
)
def test_department_remark(first, last, expected):
    standing = grading.DepartmentStanding("D", "综合", D(1), 1, 1, first, last, False)
    assert grading.department_remark(standing) == expected


# --------------------------------------------------------------------------- person order

def test_person_order_keys():
    people = [
        person("1003", 80, 85, 70),
        person("1002", 80, 85, 75),  # same A and HA: higher MA first
        person("1001", 80, 90, 60),  # same A: higher HA first
        person("1010", 80, 85, 70),  # full tie with 1003: staff id as text, "1003" < "1010"
        person("999", 80, 85, 70),  # as text "999" > "1010"
        person("2000", 95),  # highest A first, HA/MA undefined
        person("1500", 80, None, 90),  # HA undefined sorts after every defined HA
        person("0001", None, 99, 99),  # no A: after everyone with an A
    ]
    order = [p.staff_id for p in grading.person_order(people)]
    assert order == ["2000", "1001", "1002", "1003", "1010", "999", "1500", "0001"]
    ranks = grading.department_ranks(people)
    assert ranks == {
        "2000": 1, "1001": 2, "1002": 3, "1003": 4, "1010": 5, "999": 6, "1500": 7, "0001": None
    }


def test_department_rank_counts_long_leave_person_with_an_a():
    people = [person("1", 90), person("2", 95, leave_months=9), person("3", 80)]
    assert grading.department_ranks(people) == {"2": 1, "1": 2, "3": 3}


# --------------------------------------------------------------------------- grades

def grade(people, quota=0, head=None, advanced=False, last=False, rules=RULES):
    outcome = grading.grade_department(people, rules, quota, head, advanced, last)
    return outcome.grades, outcome.quota


@pytest.mark.parametrize(
    "leave, vetoed, a, expected",
    [
        (7, False, 95, "不定等次"),  # more than 6 months of leave
        (6, False, 95, "优秀"),  # exactly 6 is graded
        (0, False, None, "不定等次"),  # no annual score
        (9, True, 95, "不定等次"),  # not graded comes before the veto
        (0, True, 95, "不称职"),  # vetoed: 不称职 whatever A
        (6, True, 30, "不称职"),
    ],
)
def test_not_graded_and_veto(leave, vetoed, a, expected):
    grades, _ = grade([person("1", a, leave_months=leave, vetoed=vetoed)], quota=1)
    assert grades["1"] == expected


@pytest.mark.parametrize(
    "a, expected",
    [
        ("84.99", "称职"),  # no quota place without A ≥ 85
        ("60", "称职"),
        ("59.99", "基本称职"),
        ("50", "基本称职"),
        ("49.99", "不称职"),
        ("0", "不称职"),
    ],
)
def test_thresholds(a, expected):
    grades, _ = grade([person("1", a)], quota=1)
    assert grades["1"] == expected


def test_quota_goes_to_best_candidates_skipping_ineligible():
    people = [
        person("1", 96, vetoed=True),  # vetoed: never a candidate
        person("2", 95, poor_month=True),  # a monthly 差 bars excellence
        person("3", 90),
        person("4", 88),
        person("5", 86),
    ]
    grades, quota = grade(people, quota=2)
    assert quota == 2
    assert grades == {"1": "不称职", "2": "称职", "3": "优秀", "4": "优秀", "5": "称职"}


def test_poor_month_allowed_when_scheme_says_so():
    rules = GradeRules(6, D(85), D(60), D(50), False, D("0.2"))
    grades, _ = grade([person("2", 95, poor_month=True), person("3", 90)], quota=1, rules=rules)
    assert grades == {"2": "优秀", "3": "称职"}


def test_quota_left_unfilled_without_candidates():
    grades, quota = grade([person("1", 84), person("2", 70)], quota=2)
    assert quota == 2
    assert grades == {"1": "称职", "2": "称职"}


def test_scheme_excellent_min():
    rules = GradeRules(6, D(82), D(60), D(50), True, D("0.2"))
    grades, _ = grade([person("1", 82), person("2", "81.99")], quota=2, rules=rules)
    assert grades == {"1": "优秀", "2": "称职"}


def test_advanced_head_with_zero_quota_gets_one_place():
    people = [person("H", 80, position="部门负责人"), person("2", 92), person("3", 88)]
    grades, quota = grade(people, quota=0, head="H", advanced=True)
    assert quota == 1
    assert grades == {"H": "优秀", "2": "称职", "3": "称职"}


def test_advanced_head_takes_one_of_the_places():
    people = [person("H", 40, position="部门负责人"), person("2", 92), person("3", 88), person("4", 87)]
    grades, quota = grade(people, quota=2, head="H", advanced=True)
    assert quota == 2
    # the head is 优秀 whatever the candidate rules say (A 40), the other place goes to the best
    assert grades == {"H": "优秀", "2": "优秀", "3": "称职", "4": "称职"}


def test_advanced_head_ranked_first_counts_once():
    people = [person("H", 95, position="部门负责人"), person("2", 92)]
    grades, quota = grade(people, quota=1, head="H", advanced=True)
    assert quota == 1
    assert grades == {"H": "优秀", "2": "称职"}


@pytest.mark.parametrize(
    "head_kw, head_grade",
    [
        ({"vetoed": True}, "不称职"),  # a vetoed head is not lifted
        ({"leave_months": 8}, "不定等次"),  # nor one who is not graded
        ({"poor_month": True}, "优秀"),  # the candidate rules do not apply to the head
    ],
)
def test_advanced_head_only_when_graded_and_not_vetoed(head_kw, head_grade):
    people = [person("H", 90, position="部门负责人", **head_kw), person("2", 88)]
    grades, quota = grade(people, quota=0, head="H", advanced=True)
    assert grades["H"] == head_grade
    if head_grade != "优秀":
        assert quota == 0 and grades["2"] == "称职"
    else:
        assert quota == 1 and grades["2"] == "称职"


def test_head_of_a_department_that_is_not_advanced_has_no_privilege():
    people = [person("H", 80, position="部门负责人"), person("2", 92)]
    grades, quota = grade(people, quota=1, head="H", advanced=False)
    assert quota == 1
    assert grades == {"H": "称职", "2": "优秀"}


def test_no_named_head():
    grades, quota = grade([person("1", 80, position="部门负责人")], quota=0, head=None, advanced=True)
    assert (grades, quota) == ({"1": "称职"}, 0)


def test_last_department_bottom_share():
    # 8 persons, one vetoed, one not graded: n = 6 graded non-vetoed -> round(1.2) = 1
    people = [
        person("1", 90), person("2", 85), person("3", 80), person("4", 75),
        person("5", 70), person("6", 65),
        person("7", 40, vetoed=True),  # at the bottom but not counted and not lowered further
        person("8", 30, leave_months=10),
    ]
    grades, quota = grade(people, quota=0, last=True)
    assert quota == 0
    assert grades == {
        "1": "称职", "2": "称职", "3": "称职", "4": "称职", "5": "称职",
        "6": "基本称职",  # lowered from 称职
        "7": "不称职", "8": "不定等次",
    }


def test_last_department_share_rounds_half_up_and_only_lowers():
    # n = 5 graded non-vetoed; share 0.3 -> round(1.5) = 2: the two at the bottom
    rules = GradeRules(6, D(85), D(60), D(50), True, D("0.3"))
    people = [person("1", 95), person("2", 90), person("3", 80), person("4", 55), person("5", 45)]
    grades, _ = grade(people, quota=1, last=True, rules=rules)
    # 4 is already 基本称职 and 5 is 不称职: lowering never raises anyone
    assert grades == {"1": "优秀", "2": "称职", "3": "称职", "4": "基本称职", "5": "不称职"}


def test_last_department_cap_can_lower_an_excellent():
    # a scheme with a non-zero last-department rate: the cap still applies after the quota
    people = [person("1", 95), person("2", 94)]
    grades, _ = grade(people, quota=2, last=True, rules=GradeRules(6, D(85), D(60), D(50), True, D("0.5")))
    assert grades == {"1": "优秀", "2": "基本称职"}


def test_last_department_small_share_rounds_to_zero():
    people = [person("1", 80), person("2", 70)]  # 2 x 0.2 = 0.4 -> 0
    grades, _ = grade(people, quota=0, last=True)
    assert grades == {"1": "称职", "2": "称职"}


def test_graded_count_includes_vetoed_excludes_not_graded():
    people = [person("1", 80), person("2", 70, vetoed=True), person("3", 90, leave_months=7), person("4", None)]
    assert grading.graded_count(people, RULES) == 2


# --------------------------------------------------------------------------- rewards

@pytest.mark.parametrize(
    "history, grade_now, expected",
    [
        ({}, "优秀", 1),
        ({2024: "优秀", 2023: "优秀"}, "优秀", 3),
        ({2024: "优秀", 2023: "优秀", 2022: "优秀", 2021: "优秀", 2020: "优秀"}, "优秀", 6),
        ({2024: "优秀", 2022: "优秀", 2021: "优秀"}, "优秀", 2),  # 2023 missing breaks the run
        ({2024: "优秀", 2023: "不定等次", 2022: "优秀"}, "优秀", 2),  # 不定等次 breaks it
        ({2024: "优秀", 2023: "称职", 2022: "优秀"}, "优秀", 2),
        ({2024: "优秀", 2023: "优秀"}, "称职", 0),  # not 优秀 this year
        ({2024: "优秀", 2023: "优秀"}, "不定等次", 0),
    ],
)
def test_excellent_run(history, grade_now, expected):
    assert grading.excellent_run(history, 2025, grade_now) == expected


@pytest.mark.parametrize(
    "grade_now, run, merit_run, expected",
    [
        ("优秀", 1, 3, ("嘉奖", D(800))),
        ("优秀", 2, 3, ("嘉奖", D(800))),
        ("优秀", 3, 3, ("三等功", D(1500))),
        ("优秀", 4, 3, ("嘉奖", D(800))),  # counts again from zero after a merit
        ("优秀", 6, 3, ("三等功", D(1500))),
        ("优秀", 2, 2, ("三等功", D(1500))),  # scheme merit run
        ("优秀", 1, 1, ("三等功", D(1500))),
        ("称职", 0, 3, None),
        ("不称职", 0, 3, None),
        ("不定等次", 0, 3, None),
    ],
)
def test_excellence_reward(grade_now, run, merit_run, expected):
    assert grading.excellence_reward(grade_now, run, merit_run, D(800), D(1500)) == expected


def test_excellence_reward_uses_scheme_amounts():
    assert grading.excellence_reward("优秀", 1, 3, D(1000), D(1500)) == ("嘉奖", D(1000))


@pytest.mark.parametrize(
    "people, grades, top, expected",
    [
        # places 1 and 2, both eligible
        ([("1", 90, "一般干部"), ("2", 85, "部门负责人"), ("3", 80, "一般干部")],
         {"1": "优秀", "2": "称职", "3": "称职"}, 2, ["1", "2"]),
        # place 2 held by a 基本称职: not passed on to place 3
        ([("1", 90, "一般干部"), ("2", 85, "一般干部"), ("3", 80, "一般干部")],
         {"1": "称职", "2": "基本称职", "3": "称职"}, 2, ["1"]),
        # place 1 held by a vetoed (不称职) person
        ([("1", 95, "一般干部"), ("2", 85, "一般干部"), ("3", 80, "一般干部")],
         {"1": "不称职", "2": "称职", "3": "称职"}, 2, ["2"]),
        # a person on long leave with an A holds a place (不定等次 is not listed)
        ([("1", 95, "一般干部"), ("2", 85, "一般干部"), ("3", 80, "一般干部")],
         {"1": "不定等次", "2": "称职", "3": "称职"}, 2, ["2"]),
        # a person without A holds no place
        ([("1", None, "一般干部"), ("2", 85, "一般干部"), ("3", 80, "一般干部")],
         {"1": "不定等次", "2": "称职", "3": "称职"}, 2, ["2", "3"]),
        # only 一般干部 and 部门负责人
        ([("1", 95, "其他"), ("2", 85, "一般干部")], {"1": "优秀", "2": "称职"}, 2, ["2"]),
        ([("1", 95, "一般干部"), ("2", 85, "一般干部")], {"1": "优秀", "2": "称职"}, 1, ["1"]),
        ([("1", 95, "一般干部")], {"1": "优秀"}, 0, []),
    ],
)
def test_reserve_cadres(people, grades, top, expected):
    appraisees = [person(sid, a, position=pos) for sid, a, pos in people]
    assert grading.reserve_cadres(appraisees, grades, top) == expected


@pytest.mark.parametrize(
    "grade_now, expected",
    [("优秀", D("1.2")), ("称职", D("1.0")), ("基本称职", D("0.8")), ("不称职", D("0")), ("不定等次", None)],
)
def test_bonus_coefficient(grade_now, expected):
    coefficients = {"优秀": D("1.2"), "称职": D("1.0"), "基本称职": D("0.8"), "不称职": D("0")}
    assert grading.bonus_coefficient(grade_now, coefficients) == expected
