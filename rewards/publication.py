"""Which figures are published (DOMAIN.md §8): the one place the results pages, 绩效之窗, the analysis and
the dashboards ask. A period's figures are published once it is in publicity (公示) or locked (锁定);
while in publicity they may still change through an objection, so pages mark them 公示中. (Figures not
yet published are 暂定 and only the office sees them.)

When the periods work lands its own selector for results figures, ``published`` is the function to point
at it."""
from __future__ import annotations

from dataclasses import dataclass

from appraisal.models import AssessmentYear, Period, PeriodKind, PeriodState

PUBLISHED_STATES = (PeriodState.PUBLICITY, PeriodState.LOCKED)
HALF_NAMES = {1: "上半年", 2: "下半年"}
HALF_MONTHS = {1: range(1, 7), 2: range(7, 13)}


@dataclass(frozen=True)
class Published:
    months: frozenset[int]
    halves: frozenset[int]
    year: bool
    # (kind, number) of the published periods still in publicity (公示中: an objection may change them)
    in_publicity: frozenset[tuple[str, int]] = frozenset()

    @property
    def half_names(self) -> frozenset[str]:
        return frozenset(HALF_NAMES[n] for n in self.halves)

    @property
    def nothing(self) -> bool:
        return not (self.months or self.halves or self.year)

    @property
    def through(self) -> str:
        """The latest published period, as a label (截至 …)."""
        if self.year:
            return "全年"
        if self.months:
            return f"{max(self.months)}月"
        if self.halves:
            return HALF_NAMES[max(self.halves)]
        return ""

    def is_in_publicity(self, kind: str, number: int) -> bool:
        return (kind, number) in self.in_publicity

    @property
    def any_in_publicity(self) -> bool:
        return bool(self.in_publicity)


def from_states(states: dict[tuple[str, int], str]) -> Published:
    """Published periods from a map (kind, number) -> state."""
    shown = {key for key, state in states.items() if state in PUBLISHED_STATES}
    return Published(
        months=frozenset(n for kind, n in shown if kind == PeriodKind.MONTH),
        halves=frozenset(n for kind, n in shown if kind == PeriodKind.HALF),
        year=(PeriodKind.YEAR, 1) in shown,
        in_publicity=frozenset(key for key in shown if states[key] == PeriodState.PUBLICITY))


def published(assessment_year: AssessmentYear) -> Published:
    """The published periods of a year (one query)."""
    return from_states({(kind, number): state for kind, number, state in Period.objects.filter(
        assessment_year=assessment_year).values_list("kind", "number", "state")})


def everything() -> Published:
    return Published(frozenset(range(1, 13)), frozenset((1, 2)), True)
