"""The pure arithmetic of routine, half-year and year-end appraisal (DOMAIN.md §4.2, §5, §6).

No Django and no I/O: plain values in, ``Decimal`` (or ``None`` for "undefined") out.
Every scheme parameter is an argument; ``scoring.engine`` reads them from the year's scheme.

Rounding rule (EXCHANGE.md "Computation notes"): every *stored* figure (R, P, M, Rh, H, B, G,
S, D, MA, HA, C, A, DA) is rounded half-up to 2 places, and later figures are computed from
the rounded values.  Intermediate sums, the mean in P and the group means in S are *not*
rounded before their figure is.  Each function below returns its figure already rounded, so a
caller that chains them automatically uses the rounded values.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

Number = Decimal | int | Fraction


def _dec(value) -> Decimal:
    """Accept Decimal, int or str (never float: a binary float has no exact decimal meaning)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"expected Decimal/int/str, got {type(value).__name__}")
    return Decimal(value)


def round_half_up(value: Number, places: int = 2) -> Decimal:
    """Round half away from zero (四舍五入) to ``places`` decimals.

    A ``Fraction`` is rounded exactly (used where a figure is built from non-terminating means,
    so that a value lying exactly on …5 is not pushed below it by a 28-digit truncation).
    """
    quantum = Decimal(1).scaleb(-places)
    if isinstance(value, Fraction):
        scaled = value * 10**places
        sign = -1 if scaled < 0 else 1
        units = (abs(scaled) * 2 + 1) // 2  # floor(|x| + 1/2): half away from zero
        return (Decimal(sign * units).scaleb(-places)).quantize(quantum)
    return _dec(value).quantize(quantum, rounding=ROUND_HALF_UP)


def round_count(count: int, rate: Number) -> int:
    """``round_half_up(N × rate)`` on the exact product, as an integer (quotas and shares)."""
    return int(round_half_up(Decimal(count) * _dec(rate), 0))


def weighted_present(pairs: Iterable[tuple[Number, Number | None]]) -> Decimal | None:
    """``Σ wₖ·xₖ / Σ wₖ`` over the components whose value is defined, rounded to 2 places.

    "Over the components present" (DOMAIN.md §6): a missing component drops out and the weights
    of the others are renormalised.  With no component defined — or only components whose
    weight is 0, so that nothing is left to normalise by — the figure is undefined (``None``).
    """
    total_weight = ZERO
    total = ZERO
    for weight, value in pairs:
        if value is None:
            continue
        w = _dec(weight)
        total_weight += w
        total += w * _dec(value)
    if total_weight == 0:
        return None
    return round_half_up(total / total_weight)


def mean(values: Iterable[Number | None]) -> Decimal | None:
    """Rounded mean of the defined values (MA, HA, DA); ``None`` when none is defined."""
    present = [_dec(v) for v in values if v is not None]
    if not present:
        return None
    return round_half_up(sum(present, ZERO) / len(present))


def score_rate(pairs: Iterable[tuple[Number, Number]]) -> Decimal | None:
    """``100 × Σ s / Σ f`` over (score, full score) pairs, rounded; ``None`` with no pair.

    B and G of §5, and the fallback of R/Rh (the department's own rate).
    """
    pairs = list(pairs)
    if not pairs:
        return None
    full = sum((_dec(f) for _, f in pairs), ZERO)
    if full == 0:
        return None
    return round_half_up(HUNDRED * sum((_dec(s) for s, _ in pairs), ZERO) / full)


def responsibility_rate(leaves: Iterable[tuple[Number, Number, Number | None]]) -> Decimal | None:
    """R (§4.2) or Rh (§5) of one person for one period.

    ``leaves``: one ``(score, full_score, weight)`` per regular management/business leaf of the
    person's department, of the period's cycle, that *has a score* in the period; ``weight`` is the
    person's responsibility weight in percent (0 or ``None`` when the person does not carry it).

    ``R = 100 × Σ wᵢ·sᵢ / Σ wᵢ·fᵢ`` over the leaves with ``wᵢ > 0``.  When the person carries none
    of the scored leaves, R falls back to the department's rate ``100 × Σ sᵢ / Σ fᵢ`` over all of
    them.  With no scored leaf at all, R is undefined.
    """
    leaves = [(_dec(s), _dec(f), _dec(w) if w is not None else ZERO) for s, f, w in leaves]
    if not leaves:
        return None
    carried = [(s, f, w) for s, f, w in leaves if w > 0]
    if not carried:
        return score_rate((s, f) for s, f, _ in leaves)
    numerator = sum((w * s for s, _, w in carried), ZERO)
    denominator = sum((w * f for _, f, w in carried), ZERO)
    return round_half_up(HUNDRED * numerator / denominator)


def peer_score(points: Sequence[Number], trim_min_raters: int, min_raters: int) -> Decimal | None:
    """P, the democratic evaluation (§4.2): the mean of the ratings' points.

    Anonymity floor: with fewer than ``min_raters`` ratings (counted before trimming) P is
    undefined, so that M, R and c cannot give back the grade of the one or two colleagues who rated.
    With ``n ≥ trim_min_raters`` ratings the single highest and the single lowest are dropped
    (去掉一个最高分和一个最低分) before the mean.  No rating: undefined.
    """
    values = sorted(_dec(p) for p in points)
    if not values or len(values) < min_raters:
        return None
    if len(values) >= trim_min_raters:
        values = values[1:-1]
    return round_half_up(sum(values, ZERO) / len(values))


def monthly_score(
    rate: Number | None,
    coefficient: Number,
    peer: Number | None,
    dept_weight: Number,
    peer_weight: Number,
) -> Decimal | None:
    """M (§4.2) = ``dept_weight × R × c + peer_weight × P``, renormalised over the parts present.

    The workload coefficient multiplies R, so with only R the score is ``R × c`` (the coefficient
    stays), with only P it is ``P``; with neither M is undefined.  Nothing is clamped.
    """
    rc = None if rate is None else _dec(rate) * _dec(coefficient)
    return weighted_present([(dept_weight, rc), (peer_weight, peer)])


def grade_by_thresholds(
    score: Number | None, thresholds: Sequence[tuple[str, Number]], below: str
) -> str | None:
    """First label whose threshold the score reaches (thresholds ordered high → low), else ``below``."""
    if score is None:
        return None
    value = _dec(score)
    for label, minimum in thresholds:
        if value >= _dec(minimum):
            return label
    return below


def monthly_grade(
    score: Number | None, excellent_min: Number, good_min: Number, fair_min: Number
) -> str | None:
    """Monthly grade (§4.2): 优秀 ≥ excellent_min, 良好 ≥ good_min, 中等 ≥ fair_min, else 差."""
    return grade_by_thresholds(
        score, [("优秀", excellent_min), ("良好", good_min), ("中等", fair_min)], "差"
    )


def satisfaction_score(
    ratings: Mapping[str, Sequence[Number]], group_weights: Mapping[str, Number], min_raters: int
) -> Decimal | None:
    """S, the 360° score of one department for one half (§5).

    ``ratings``: group → the points of that group's ratings.  Each group's mean is taken over its
    ratings (unrounded); ``S = Σ weight·mean / Σ weight`` over the groups that rated.  Computed
    exactly with fractions because a group mean may not terminate (e.g. 85 + 1/3), and only S
    itself is rounded.

    Anonymity floor: with fewer than ``min_raters`` ratings over all groups S is undefined
    (D and H then renormalise without it).
    """
    if sum(len(points) for points in ratings.values()) < min_raters:
        return None
    total_weight = Fraction(0)
    total = Fraction(0)
    for group, points in ratings.items():
        if not points:
            continue
        weight = Fraction(_dec(group_weights[group]))
        group_mean = Fraction(sum((_dec(p) for p in points), ZERO)) / len(points)
        total_weight += weight
        total += weight * group_mean
    if total_weight == 0:
        return None
    return round_half_up(total / total_weight)


def department_half_score(
    business: Number | None,
    management: Number | None,
    satisfaction: Number | None,
    business_weight: Number,
    management_weight: Number,
    satisfaction_weight: Number,
) -> Decimal | None:
    """D (§5) = ``0.6 × B + 0.2 × G + 0.2 × S`` by default, renormalised over the parts present."""
    return weighted_present(
        [
            (business_weight, business),
            (management_weight, management),
            (satisfaction_weight, satisfaction),
        ]
    )


def person_half_score(
    rate: Number | None,
    satisfaction: Number | None,
    rate_weight: Number,
    satisfaction_weight: Number,
) -> Decimal | None:
    """H (§5) = ``0.8 × Rh + 0.2 × S`` (S of the person's department), renormalised."""
    return weighted_present([(rate_weight, rate), (satisfaction_weight, satisfaction)])


def common_score(
    regular: Iterable[tuple[Number, Number]],
    bonuses: Iterable[tuple[Number, Number]],
    deductions: Iterable[Number],
    bonus_cap: Number,
) -> Decimal | None:
    """C, the common-category score (§6).

    ``regular``: (score, full score) of each regular common leaf scored for the person;
    ``bonuses``: (points, full score) of each bonus leaf; ``deductions``: points of each
    deduction leaf.  ``C = 100 × Σs/Σf + min(Σ min(bonusᵢ, fᵢ), bonus_cap) − Σ deductions``,
    never below 0, rounded once at the end (the rate inside is not a stored figure).
    Undefined when the person has no regular common score, whatever bonuses they have.
    """
    regular = [(_dec(s), _dec(f)) for s, f in regular]
    if not regular:
        return None
    full = sum((f for _, f in regular), ZERO)
    if full == 0:
        return None
    base = HUNDRED * sum((s for s, _ in regular), ZERO) / full
    bonus = sum((min(_dec(points), _dec(f)) for points, f in bonuses), ZERO)
    bonus = min(bonus, _dec(bonus_cap))
    deduction = sum((_dec(d) for d in deductions), ZERO)
    return round_half_up(max(base + bonus - deduction, ZERO))


def is_vetoed(marks: Iterable[Number]) -> bool:
    """Veto (§6): any veto leaf marked (1) for the person."""
    return any(_dec(m) != 0 for m in marks)


def annual_score(
    monthly_average: Number | None,
    half_average: Number | None,
    common: Number | None,
    monthly_weight: Number,
    half_weight: Number,
    common_weight: Number,
) -> Decimal | None:
    """A (§6) = ``0.4 × MA + 0.4 × HA + 0.2 × C`` by default, renormalised over the parts present."""
    return weighted_present(
        [(monthly_weight, monthly_average), (half_weight, half_average), (common_weight, common)]
    )


def department_annual_score(half_scores: Iterable[Number | None]) -> Decimal | None:
    """DA (§6): mean of the department's D over the halves that have one."""
    return mean(half_scores)
