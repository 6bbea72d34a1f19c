"""Table tests of routine appraisal's pure rules (docs/routine.md): the peer aggregate and its
anonymity floor, the quarter-grade rule, the year-end bars for 优秀, reminder talks."""
import pytest

from scoring.routine import rules


@pytest.mark.parametrize("grades, floor, expected", [
    ([], 3, None),
    (["好", "好"], 3, None),  # below the floor: undefined, for the grade and every display
    (["好", "好", "好"], 3, "好"),
    (["好", "较好", "较好"], 3, "较好"),  # mean 0.67 → 1
    (["好", "好", "较好"], 3, "好"),  # mean 0.33 → 0
    (["好", "较好"], 2, "好"),  # mean 0.5: a half goes to the better grade
    (["较好", "一般"], 1, "较好"),  # mean 1.5 → 1
    (["一般", "较差", "较差"], 3, "较差"),  # mean 2.67 → 3
    (["好", "较差", "较差", "一般"], 3, "一般"),  # mean 2 → 2
    (["较差"], 1, "较差"),
    (["较差"], 0, "较差"),  # a floor of 0 still needs one rating
])
def test_peer_aggregate(grades, floor, expected):
    assert rules.peer_aggregate(grades, floor) == expected


@pytest.mark.parametrize("superior, peer, gap, expected", [
    (None, "好", 2, None),  # no superior grade: no quarter grade
    (None, None, 2, None),
    ("好", None, 2, "好"),  # peers below the floor: the superior's grade
    ("好", "好", 2, "好"),
    ("好", "较好", 2, "好"),  # one step lower: unchanged
    ("好", "一般", 2, "较好"),  # two steps lower: lowered one step
    ("好", "较差", 2, "较好"),  # three steps lower: still one step only
    ("较好", "较差", 2, "一般"),
    ("一般", "较差", 2, "一般"),  # one step lower
    ("较差", "较差", 2, "较差"),
    ("较差", "好", 2, "较差"),  # better peers never raise it
    ("好", "较好", 1, "较好"),  # a gap of 1 lowers on any lower peer aggregate
    ("较差", "较差", 1, "较差"),  # nothing below 较差
    ("好", "较差", 3, "较好"),
    ("好", "一般", 3, "好"),
    ("好", "较差", 0, "好"),  # 0: peers never lower
])
def test_quarter_grade(superior, peer, gap, expected):
    assert rules.quarter_grade(superior, peer, gap) == expected


@pytest.mark.parametrize("grades, min_good, bar, good, below, barred", [
    ({1: "好", 2: "好", 3: "较好", 4: "较好"}, 2, True, 2, (), False),
    ({1: "好", 2: "较好", 3: "较好", 4: "较好"}, 2, True, 1, (), True),  # too few 好
    ({1: "好", 2: "好", 3: "好", 4: "一般"}, 2, True, 3, (4,), True),  # one 一般 bars
    ({1: "好", 2: "好", 3: "好", 4: "一般"}, 2, False, 3, (4,), False),  # unless the bar is off
    ({1: "好", 2: "较差", 3: "好", 4: "好"}, 2, True, 3, (2,), True),
    ({1: "好", 2: "好", 3: None, 4: None}, 2, True, 2, (), False),  # ungraded quarters neither help nor bar
    ({}, 2, True, 0, (), True),  # no quarter at all
    ({}, 0, True, 0, (), False),  # no minimum, nothing below 好
    ({1: "好", 2: "好", 3: "好", 4: "好"}, 4, True, 4, (), False),
    ({1: "一般", 2: "较差"}, 0, True, 0, (1, 2), True),
])
def test_year_standing(grades, min_good, bar, good, below, barred):
    standing = rules.year_standing(grades, min_good, bar)
    assert (standing.good, standing.below_good, standing.barred) == (good, below, barred)
    assert standing.too_few_good == (good < min_good)
    assert standing.barred_below_good == (bar and bool(below))


@pytest.mark.parametrize("grade, talk", [("好", False), ("较好", False), ("一般", True), ("较差", True),
                                         (None, False)])
def test_a_grade_of_ordinary_or_below_calls_for_a_talk(grade, talk):
    assert rules.needs_talk(grade) is talk


@pytest.mark.parametrize("month, quarter", [(1, 1), (3, 1), (4, 2), (6, 2), (7, 3), (9, 3), (10, 4), (12, 4)])
def test_quarters_of_months(month, quarter):
    assert rules.quarter_of_month(month) == quarter
    assert month in rules.quarter_months(quarter)


def test_an_unknown_grade_is_refused():
    with pytest.raises(ValueError):
        rules.step("优秀")


# ---------------------------------------------------------------- the bars in year-end grading

from decimal import Decimal as D  # noqa: E402

from rewards import grading  # noqa: E402

GRADE_RULES = dict(leave_months_max=6, excellent_min=D(85), competent_min=D(60), basic_min=D(50),
                   poor_month_bars_excellent=True, last_basic_share=D("0.2"))


def _people(*rows):
    return [grading.Appraisee(staff_id=sid, position="一般干部", annual_score=D(a), good_quarters=good,
                              routine_barred=barred) for sid, a, good, barred in rows]


@pytest.mark.parametrize("routine, rows, quota, excellent", [
    # without routine mode the person order (A) fills the quota
    (False, [("1", 95, 0, False), ("2", 90, 3, False)], 1, {"1"}),
    # routine mode: more quarters graded 好 first
    (True, [("1", 95, 2, False), ("2", 90, 3, False)], 1, {"2"}),
    # a tie in 好 keeps the person order
    (True, [("1", 95, 2, False), ("2", 90, 2, False)], 1, {"1"}),
    # a barred person is no candidate, however high the score
    (True, [("1", 95, 4, True), ("2", 90, 2, False), ("3", 88, 2, False)], 1, {"2"}),
    # everyone barred: nobody is 优秀
    (True, [("1", 95, 1, True), ("2", 90, 0, True)], 2, set()),
    # the score bar still holds
    (True, [("1", 80, 4, False)], 1, set()),
])
def test_routine_bars_and_order_in_grading(routine, rows, quota, excellent):
    rules_ = grading.GradeRules(**GRADE_RULES, routine=routine)
    outcome = grading.grade_department(_people(*rows), rules_, quota, None, False, False)
    assert {sid for sid, g in outcome.grades.items() if g == "优秀"} == excellent
