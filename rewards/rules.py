"""Pure rules of DOMAIN.md §9 (warnings and analysis): no Django, no I/O, Decimals in and out.

- ``warning_level``: 严重警告 / 警告 / 关注 by the year-to-date rate (or stage progress) and the scheme's
  three thresholds; the bottom three of a shared indicator get at least 关注.
- ``bottom_three`` / ``top_three``: by competition rank from either end (ties share a place).
- ``spread``: highest, lowest and mean of the rates of one shared indicator.
- ``movement``: how many places a rank moved since an earlier day (positive: up).
- ``stage_progress``: progress against a stage target.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from appraisal.scheme import parse_months  # noqa: F401  (warning.months; tested with the rules here)
from rewards.grading import competition_ranks

K = TypeVar("K")
CENT = Decimal("0.01")
ATTENTION, WARNING, SERIOUS = "关注", "警告", "严重警告"
LEVEL_ORDER = {None: 0, ATTENTION: 1, WARNING: 2, SERIOUS: 3}


@dataclass(frozen=True)
class WarningThresholds:
    attention_below: Decimal = Decimal(80)
    warning_below: Decimal = Decimal(70)
    serious_below: Decimal = Decimal(60)


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def stage_progress(rate: Decimal | None, target: Decimal | None) -> Decimal | None:
    """Progress against the stage target: ``100 × rate / target`` (a target of 0 or none: undefined)."""
    if rate is None or target is None or target <= 0:
        return None
    return _round(Decimal(100) * rate / target)


def warning_level(value: Decimal | None, thresholds: WarningThresholds, *, bottom_three: bool = False) -> str | None:
    """The level for a rate (or progress): below serious → 严重警告, below warning → 警告, below
    attention → 关注; a place in the bottom three of a shared indicator raises none to 关注."""
    level = None
    if value is not None:
        if value < thresholds.serious_below:
            level = SERIOUS
        elif value < thresholds.warning_below:
            level = WARNING
        elif value < thresholds.attention_below:
            level = ATTENTION
    if bottom_three and LEVEL_ORDER[level] < LEVEL_ORDER[ATTENTION]:
        level = ATTENTION
    return level


def _defined(rates: Mapping[K, Decimal | None]) -> dict[K, Decimal]:
    return {key: value for key, value in rates.items() if value is not None}


def bottom_three(rates: Mapping[K, Decimal | None], places: int = 3) -> set[K]:
    """The departments in the last ``places`` places of a shared indicator.

    A department is in the bottom three when fewer than three rated departments have a strictly
    lower rate (ties at the border are all in). The rule needs more rated departments than places
    (otherwise everybody would be "bottom"), and a department sharing the best rate is never bottom
    (so nobody is when all tie). Departments without a rate take no place.
    """
    rated = _defined(rates)
    if len(rated) <= places:
        return set()
    best = max(rated.values())
    return {key for key, value in rated.items()
            if value < best and sum(1 for other in rated.values() if other < value) < places}


def top_three(rates: Mapping[K, Decimal | None], places: int = 3) -> set[K]:
    """The first ``places`` places by competition rank (ties at the border are all in); needs more
    rated departments than places and not all tied."""
    rated = _defined(rates)
    if len(rated) <= places or len(set(rated.values())) == 1:
        return set()
    return {key for key, rank in competition_ranks(rated).items() if rank is not None and rank <= places}


@dataclass(frozen=True)
class Spread:
    count: int
    highest: Decimal | None
    lowest: Decimal | None
    mean: Decimal | None


def spread(rates: Iterable[Decimal | None]) -> Spread:
    values = [v for v in rates if v is not None]
    if not values:
        return Spread(0, None, None, None)
    return Spread(len(values), max(values), min(values), _round(sum(values) / len(values)))


def movement(current: int | None, earlier: int | None) -> int | None:
    """Places moved up since the earlier rank (↑2 is ``2``, ↓1 is ``-1``); undefined without both."""
    if current is None or earlier is None:
        return None
    return earlier - current


