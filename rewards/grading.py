"""Rankings, grades and rewards of one organisation-year (DOMAIN.md §7.1–7.3).

Pure: no Django, no I/O.  Scheme parameters are arguments (``GradeRules`` gathers the grading
ones); ``scoring.engine`` builds them from the year's scheme.  The exact order of the grade steps
and the tie rules follow EXCHANGE.md "Computation notes that fix the last details".
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from scoring.rules import round_count

EXCELLENT = "优秀"
COMPETENT = "称职"
BASIC = "基本称职"
INCOMPETENT = "不称职"
NOT_GRADED = "不定等次"
# Grades from best to worst; used to decide whether a grade "stands higher" than another.
GRADE_ORDER = (EXCELLENT, COMPETENT, BASIC, INCOMPETENT)

COMMENDATION = "嘉奖"
MERIT = "三等功"
RESERVE = "后备干部"
RESERVE_POSITIONS = ("一般干部", "部门负责人")

REMARK_FIRST = "第一名"
# Text exactly as the expected results workbooks write it (ASCII semicolon, no space).
REMARK_LAST = "末位;诫勉谈话"

K = TypeVar("K", bound=Hashable)


# --------------------------------------------------------------------------- departments (§7.1)

def competition_ranks(scores: Mapping[K, Decimal | None]) -> dict[K, int | None]:
    """Competition ranking ("1, 2, 2, 4"), best (highest) score first.

    rank = 1 + number of scores strictly higher.  An undefined score gets no rank.
    """
    defined = [s for s in scores.values() if s is not None]
    return {
        key: (None if score is None else 1 + sum(1 for other in defined if other > score))
        for key, score in scores.items()
    }


def first_and_last(ranks: Mapping[K, int | None]) -> tuple[set[K], set[K]]:
    """Departments ranked first and last overall.

    "First" is overall rank 1, "last" the largest overall rank — both only when at least two
    departments are ranked and they do not all share rank 1.  Ties make several firsts or lasts.
    """
    ranked = {key: rank for key, rank in ranks.items() if rank is not None}
    if len(ranked) < 2 or all(rank == 1 for rank in ranked.values()):
        return set(), set()
    worst = max(ranked.values())
    first = {key for key, rank in ranked.items() if rank == 1}
    last = {key for key, rank in ranked.items() if rank == worst}
    return first, last


@dataclass(frozen=True)
class DepartmentStanding:
    code: str
    group: str
    annual_score: Decimal | None
    overall_rank: int | None
    group_rank: int | None
    first: bool
    last: bool
    advanced: bool


def rank_departments(
    departments: Iterable[tuple[str, str, Decimal | None]],
    advanced_numbers: Mapping[str, int],
) -> dict[str, DepartmentStanding]:
    """Rank departments given as ``(code, group, DA)``.

    Overall and group ranks are competition ranks by DA.  Advanced units (先进单位): group rank ≤
    the group's number (``advanced_numbers[group]``, e.g. 综合 2 / 业务 3 / 事业 2) and not last
    overall.  A department without DA has no rank and is never first, last or advanced.
    """
    departments = list(departments)
    overall = competition_ranks({code: da for code, _, da in departments})
    group_ranks: dict[str, int | None] = {}
    for group in {g for _, g, _ in departments}:
        group_ranks.update(
            competition_ranks({code: da for code, g, da in departments if g == group})
        )
    first, last = first_and_last(overall)
    standings = {}
    for code, group, da in departments:
        group_rank = group_ranks[code]
        advanced = (
            group_rank is not None
            and group_rank <= int(advanced_numbers.get(group, 0))
            and code not in last
        )
        standings[code] = DepartmentStanding(
            code=code,
            group=group,
            annual_score=da,
            overall_rank=overall[code],
            group_rank=group_rank,
            first=code in first,
            last=code in last,
            advanced=advanced,
        )
    return standings


def quota_rate(
    standing: DepartmentStanding,
    excellent_rate: Decimal,
    first_rate: Decimal,
    last_rate: Decimal,
) -> Decimal:
    """Excellent-quota rate: first → first_rate, last → last_rate, otherwise (unranked too) the ordinary rate."""
    if standing.first:
        return first_rate
    if standing.last:
        return last_rate
    return excellent_rate


def excellent_quota(graded_count: int, rate: Decimal) -> int:
    """``round_half_up(N × rate)`` on the exact product; N counts graded persons, vetoed included."""
    return round_count(graded_count, rate)


def department_remark(standing: DepartmentStanding) -> str:
    """备注: 第一名 for a first department, 末位;诫勉谈话 for a last one (the head's admonishment
    talk is noted on the department even when it names no head or the head is vetoed)."""
    if standing.first:
        return REMARK_FIRST
    if standing.last:
        return REMARK_LAST
    return ""


# --------------------------------------------------------------------------- persons (§7.1, §7.2)

@dataclass(frozen=True)
class Appraisee:
    """What grading needs to know about one person of a department."""

    staff_id: str
    position: str
    annual_score: Decimal | None  # A
    half_average: Decimal | None = None  # HA
    monthly_average: Decimal | None = None  # MA
    vetoed: bool = False
    leave_months: int = 0
    poor_month: bool = False  # some monthly grade 差 in the year
    # routine appraisal by quarters (docs/routine.md): quarters graded 好, and whether its bars exclude 优秀
    good_quarters: int = 0
    routine_barred: bool = False


def _desc_key(value: Decimal | None) -> tuple[int, Decimal]:
    # Defined values first, highest first; undefined after every defined one.
    return (1, Decimal(0)) if value is None else (0, -value)


def person_order_key(person: Appraisee) -> tuple:
    """A desc, HA desc, MA desc, staff id asc (as text); undefined after defined.  Strict."""
    return (
        _desc_key(person.annual_score),
        _desc_key(person.half_average),
        _desc_key(person.monthly_average),
        str(person.staff_id),
    )


def person_order(persons: Iterable[Appraisee]) -> list[Appraisee]:
    return sorted(persons, key=person_order_key)


def department_ranks(persons: Iterable[Appraisee]) -> dict[str, int | None]:
    """部门内排名: 1, 2, 3 … in the person order over the persons with an A (others: none).

    Persons not graded (long leave) but having an A keep their place in this order."""
    ranks: dict[str, int | None] = {}
    place = 0
    for person in person_order(persons):
        if person.annual_score is None:
            ranks[person.staff_id] = None
        else:
            place += 1
            ranks[person.staff_id] = place
    return ranks


@dataclass(frozen=True)
class GradeRules:
    """Grading parameters of the scheme (grade.* keys of EXCHANGE.md)."""

    leave_months_max: int
    excellent_min: Decimal
    competent_min: Decimal
    basic_min: Decimal
    poor_month_bars_excellent: bool
    last_basic_share: Decimal
    routine: bool = False  # routine mode: candidates with more quarters graded 好 take the places first


def is_graded(person: Appraisee, rules: GradeRules) -> bool:
    """Not graded (不定等次): more than ``leave_months_max`` months of leave, or no annual score."""
    return person.annual_score is not None and person.leave_months <= rules.leave_months_max


def threshold_grade(score: Decimal, rules: GradeRules) -> str:
    """A ≥ competent_min 称职; ≥ basic_min 基本称职; below 不称职 (优秀 only comes from the quota)."""
    if score >= rules.competent_min:
        return COMPETENT
    if score >= rules.basic_min:
        return BASIC
    return INCOMPETENT


def is_excellent_candidate(person: Appraisee, rules: GradeRules) -> bool:
    """Candidate for a quota place: not vetoed, no monthly 差 (when the scheme bars it), not barred by the
    quarters of routine appraisal, A ≥ excellent_min."""
    if person.vetoed:
        return False
    if rules.poor_month_bars_excellent and person.poor_month:
        return False
    if person.routine_barred:
        return False
    return person.annual_score is not None and person.annual_score >= rules.excellent_min


@dataclass(frozen=True)
class DepartmentGrades:
    grades: dict[str, str]  # staff id -> grade (不定等次 included)
    quota: int  # the quota as finally used (raised to 1 for an advanced unit's head)


def grade_department(
    persons: Sequence[Appraisee],
    rules: GradeRules,
    quota: int,
    head_staff_id: str | None,
    advanced: bool,
    last: bool,
) -> DepartmentGrades:
    """Grade one department's persons, in the exact order of EXCHANGE.md:

    1. not graded (不定等次) — comes first, so a vetoed person on long leave is 不定等次;
    2. vetoed → 不称职;
    3. advanced unit's head (graded, not vetoed) → 优秀 whatever the candidate rules say, taking
       one quota place; a quota of 0 becomes 1;
    4. the remaining quota places go to the excellent candidates in the person order;
    5. everyone else by the thresholds (称职 / 基本称职 / 不称职);
    6. last department overall: the bottom ``round_half_up(n × last_basic_share)`` of its graded,
       non-vetoed persons (by the person order, n counted over them) are lowered to 基本称职
       where their grade stood higher.

    ``quota`` is ``excellent_quota(N, rate)`` for the department's rate.
    """
    ordered = person_order(persons)
    grades: dict[str, str] = {}

    # 1 and 2
    for person in ordered:
        if not is_graded(person, rules):
            grades[person.staff_id] = NOT_GRADED
        elif person.vetoed:
            grades[person.staff_id] = INCOMPETENT

    # 3: the advanced unit's head
    places_left = quota
    if advanced and head_staff_id is not None:
        head = next((p for p in ordered if p.staff_id == head_staff_id), None)
        if head is not None and head.staff_id not in grades:
            grades[head.staff_id] = EXCELLENT
            quota = max(quota, 1)
            places_left = quota - 1

    # 4: quota places, best candidates first (in routine mode: more quarters graded 好 first)
    candidates = sorted(ordered, key=lambda p: -p.good_quarters) if rules.routine else ordered
    for person in candidates:
        if places_left <= 0:
            break
        if person.staff_id in grades or not is_excellent_candidate(person, rules):
            continue
        grades[person.staff_id] = EXCELLENT
        places_left -= 1

    # 5: thresholds
    for person in ordered:
        if person.staff_id not in grades:
            grades[person.staff_id] = threshold_grade(person.annual_score, rules)

    # 6: last department's bottom share
    if last:
        eligible = [p for p in ordered if grades[p.staff_id] != NOT_GRADED and not p.vetoed]
        share = round_count(len(eligible), rules.last_basic_share)
        bottom = eligible[len(eligible) - share:] if share > 0 else []
        for person in bottom:
            if GRADE_ORDER.index(grades[person.staff_id]) < GRADE_ORDER.index(BASIC):
                grades[person.staff_id] = BASIC

    return DepartmentGrades(grades=grades, quota=quota)


def graded_count(persons: Iterable[Appraisee], rules: GradeRules) -> int:
    """N of the quota: graded persons (vetoed ones included)."""
    return sum(1 for p in persons if is_graded(p, rules))


# --------------------------------------------------------------------------- rewards (§7.3)

def bonus_coefficient(grade: str, coefficients: Mapping[str, Decimal]) -> Decimal | None:
    """奖金系数 by grade; none for 不定等次."""
    if grade == NOT_GRADED:
        return None
    return coefficients[grade]


def excellent_run(history: Mapping[int, str], year: int, grade: str) -> int:
    """Length of the run of consecutive 优秀 years ending with ``year`` (whose grade is ``grade``).

    ``history``: earlier year → grade.  A year missing from the record or not 优秀 (不定等次
    included) ends the run.
    """
    if grade != EXCELLENT:
        return 0
    run = 1
    previous = year - 1
    while history.get(previous) == EXCELLENT:
        run += 1
        previous -= 1
    return run


def excellence_reward(
    grade: str,
    run: int,
    merit_run: int,
    commendation_amount: Decimal,
    merit_amount: Decimal,
) -> tuple[str, Decimal] | None:
    """优秀 → 嘉奖; when the 优秀 run is a multiple of ``merit_run`` → 三等功 instead (the run counts
    again from zero after a merit: 3, 6, 9 … by default).  Other grades: no reward.  A vetoed
    person is 不称职 and so gets none."""
    if grade != EXCELLENT:
        return None
    if run > 0 and merit_run > 0 and run % merit_run == 0:
        return MERIT, merit_amount
    return COMMENDATION, commendation_amount


def reserve_cadres(
    persons: Sequence[Appraisee], grades: Mapping[str, str], top: int
) -> list[str]:
    """后备干部: places 1 … ``top`` of the department's person order (persons with an A); of them,
    those graded 优秀 or 称职 whose position is 一般干部 or 部门负责人.  A place held by someone
    who does not qualify is not passed on to the next person."""
    ranked = [p for p in person_order(persons) if p.annual_score is not None]
    return [
        p.staff_id
        for p in ranked[:top]
        if grades.get(p.staff_id) in (EXCELLENT, COMPETENT) and p.position in RESERVE_POSITIONS
    ]
