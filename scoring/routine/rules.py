"""The pure rules of routine appraisal (docs/routine.md): no Django, no I/O.

- Grades of a quarter, best first: 好 / 较好 / 一般 / 较差 (steps 0–3).
- The peer aggregate: the mean step of the peers' grades, to the nearest step, a half going to the
  better grade; undefined with fewer ratings than the anonymity floor (``peer.min_raters``).
- The quarter's grade: the superior's grade, lowered one step when the peer aggregate is at least
  ``routine.peer_gap`` steps below it (0: peers never lower it); no superior grade, no quarter grade.
- Year-end bars for 优秀: at least ``routine.min_good_quarters`` quarters graded 好, and, with
  ``routine.bar_below_good``, no quarter graded 一般 or 较差. Among the candidates the one with more
  好 comes first.
- A quarter graded 一般 or 较差 calls for a reminder talk (谈话提醒、限期改进).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

QUARTER_GRADES = ("好", "较好", "一般", "较差")
GOOD, FAIR, ORDINARY, POOR = QUARTER_GRADES
BELOW_GOOD = (ORDINARY, POOR)  # “一般或以下”
# the 述职 self-assessment (述德述职述廉 with a self-assessment grade)
REPORT_GRADES = ("优秀", "良好", "一般", "较差")


def step(grade: str) -> int:
    """好 0, 较好 1, 一般 2, 较差 3; an unknown grade raises ValueError."""
    return QUARTER_GRADES.index(grade)


def peer_aggregate(grades: Sequence[str], min_raters: int) -> str | None:
    """The peers' grade of a quarter; ``None`` below the anonymity floor (counted over all ratings)."""
    if not grades or len(grades) < max(min_raters, 1):
        return None
    mean = Fraction(sum(step(g) for g in grades), len(grades))
    return QUARTER_GRADES[math.ceil(mean - Fraction(1, 2))]  # nearest step, a half to the better


def quarter_grade(superior: str | None, peer: str | None, gap: int) -> str | None:
    """The quarter's grade from the superior's grade and the peer aggregate (see the module)."""
    if superior is None:
        return None
    if peer is None or gap <= 0 or step(peer) - step(superior) < gap:
        return superior
    return QUARTER_GRADES[min(step(superior) + 1, len(QUARTER_GRADES) - 1)]


def needs_talk(grade: str | None) -> bool:
    return grade in BELOW_GOOD


@dataclass(frozen=True)
class YearStanding:
    """A person's quarters of one year as year-end grading reads them."""

    good: int  # quarters graded 好
    below_good: tuple[int, ...]  # the quarters graded 一般 or 较差
    min_good: int
    bar_below_good: bool

    @property
    def too_few_good(self) -> bool:
        return self.good < self.min_good

    @property
    def barred_below_good(self) -> bool:
        return self.bar_below_good and bool(self.below_good)

    @property
    def barred(self) -> bool:
        """May not be 优秀 this year."""
        return self.too_few_good or self.barred_below_good


def year_standing(grades: dict[int, str | None], min_good: int, bar_below_good: bool) -> YearStanding:
    """``grades``: quarter number → final grade (``None``: not graded)."""
    items = sorted(grades.items())
    return YearStanding(good=sum(1 for _q, g in items if g == GOOD),
                        below_good=tuple(q for q, g in items if g in BELOW_GOOD),
                        min_good=min_good, bar_below_good=bar_below_good)


def quarter_of_month(month: int) -> int:
    return (month - 1) // 3 + 1


def quarter_months(quarter: int) -> tuple[int, int, int]:
    first = 3 * (quarter - 1) + 1
    return first, first + 1, first + 2
