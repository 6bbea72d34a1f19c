"""The checklist before a period moves on (DOMAIN.md §8): a list of named checks over gathered facts.

Two halves, kept apart so that the rules stay pure and table-tested:

- ``evaluate(facts, to_state, checks)`` is pure: ``facts`` is a plain mapping of what was found
  (lists of unmet items, dates), each ``Check`` turns the facts it reads into the unmet items it
  names. A check that finds nothing is met. Checks do not depend on the period's kind beyond the
  facts gathered for it, so quarters (issue 13) get the same guards.
- ``gather(period, to_state)`` fills the facts: the core's own (earlier periods not locked, the
  publicity window), then every provider an app registered (``register_facts``): indicators
  report unscored leaves, scoring unclosed ballots, trace logs open filings, objections the open
  ones. Apps add checks with ``register_check`` (e.g. "unapproved leaves count as missing").

A check is ``overridable`` when the office may move on anyway with a written reason; the lock
order is not: no reason locks a month while an earlier one is still open.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import PeriodState

Facts = Mapping[str, object]


@dataclass(frozen=True)
class Check:
    code: str
    label: object  # a lazy translation: shown on the checklist page and the command
    to_state: str
    evaluate: Callable[[Facts], list[str]]
    overridable: bool = True


@dataclass(frozen=True)
class CheckResult:
    code: str
    label: str
    problems: tuple[str, ...]
    overridable: bool

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Checklist:
    to_state: str
    results: tuple[CheckResult, ...]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def unmet(self) -> list[CheckResult]:
        return [r for r in self.results if not r.ok]

    @property
    def overridable(self) -> bool:
        """Unmet, but every unmet check may be overridden with a reason."""
        return all(r.overridable for r in self.unmet)

    def as_audit(self) -> list[dict]:
        return [{"check": r.code, "label": r.label, "ok": r.ok, "problems": list(r.problems)} for r in self.results]

    def lines(self) -> list[str]:
        out = []
        for r in self.results:
            mark = "✓" if r.ok else ("✗" if r.overridable else "✗（不可越过）")
            out.append(f"{mark} {r.label}")
            out.extend(f"    - {p}" for p in r.problems)
        return out


def evaluate(facts: Facts, to_state: str, checks: Iterable[Check] | None = None) -> Checklist:
    """The checklist of a move to ``to_state`` over ``facts`` (pure)."""
    chosen = [c for c in (CHECKS if checks is None else checks) if c.to_state == to_state]
    return Checklist(to_state, tuple(CheckResult(c.code, str(c.label), tuple(c.evaluate(facts)), c.overridable)
                                     for c in chosen))


# ---------------------------------------------------------------- the checks (pure)

def _named(key: str, template: str) -> Callable[[Facts], list[str]]:
    """A check whose fact is a list of items, each named in the message."""
    def check(facts: Facts) -> list[str]:
        return [_(template) % {"item": item} for item in facts.get(key, ())]
    return check


def _filings(facts: Facts) -> list[str]:
    due, now = facts.get("filings_due_at"), facts.get("now")
    problems = []
    if due is not None and now is not None and now < due:
        problems.append(_("填报截止时间未到：%(due)s") % {"due": f"{due:%Y-%m-%d %H:%M}"})
    problems += [_("%(item)s") % {"item": item} for item in facts.get("filings_missing", ())]
    return problems


def _window(facts: Facts) -> list[str]:
    end, today = facts.get("publicity_ends_on"), facts.get("today")
    if end is None:
        return [_("公示期结束日期未知")]
    if today is not None and today <= end:
        return [_("公示期至 %(end)s 结束，尚未期满") % {"end": f"{end:%Y-%m-%d}"}]
    return []


CHECKS: list[Check] = [
    Check("filings_closed", gettext_lazy("本期填报已截止"), PeriodState.SCORING, _filings),
    Check("leaves_scored", gettext_lazy("本期应评分的指标均已评分"), PeriodState.PUBLICITY,
          _named("unscored", "%(item)s")),
    Check("ballots_closed", gettext_lazy("测评（民主测评、工作量等级、满意度测评）均已结束"), PeriodState.PUBLICITY,
          _named("ballots_open", "%(item)s")),
    Check("window_over", gettext_lazy("公示期已满"), PeriodState.LOCKED, _window),
    Check("no_open_objection", gettext_lazy("没有未处理的异议"), PeriodState.LOCKED,
          _named("open_objections", "%(item)s")),
    Check("lock_order", gettext_lazy("之前的周期均已锁定"), PeriodState.LOCKED,
          _named("earlier_unlocked", "%(item)s 尚未锁定"), overridable=False),
]


def register_check(check: Check) -> None:
    """Add a check (apps call it from ``AppConfig.ready``); a check of the same code is replaced."""
    CHECKS[:] = [c for c in CHECKS if c.code != check.code] + [check]


# ---------------------------------------------------------------- gathering the facts

FactProvider = Callable[["Period", str, dict], None]  # noqa: F821 — fills the dict in place
_PROVIDERS: list[FactProvider] = []


def register_facts(provider: FactProvider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def prerequisites(period, periods) -> list:
    """The periods of the same year that must be locked before ``period`` locks: the earlier
    months of a month; the earlier quarters of a quarter; the months of a half and the earlier half;
    everything for the year."""
    from .models import PeriodKind

    order = {PeriodKind.MONTH: 0, PeriodKind.HALF: 1, PeriodKind.YEAR: 2}
    periods = sorted(periods, key=lambda p: (order.get(p.kind, 9), p.number))
    if period.kind == PeriodKind.MONTH:
        return [p for p in periods if p.kind == PeriodKind.MONTH and p.number < period.number]
    if period.kind == PeriodKind.HALF:
        return [p for p in periods if (p.kind == PeriodKind.MONTH and p.number <= 6 * period.number)
                or (p.kind == PeriodKind.HALF and p.number < period.number)]
    if period.kind == PeriodKind.QUARTER:
        return [p for p in periods if p.kind == PeriodKind.QUARTER and p.number < period.number]
    if period.kind == PeriodKind.YEAR:
        return [p for p in periods if p.kind != PeriodKind.YEAR]
    return []


def gather(period, to_state: str, *, now=None) -> dict:
    """Every fact the checks of a move read."""
    from django.utils import timezone

    from .models import Period

    now = now or timezone.now()
    periods = list(Period.objects.filter(assessment_year_id=period.assessment_year_id))
    earlier = prerequisites(period, periods)
    facts: dict = {
        "now": now,
        "today": timezone.localdate(now),
        "publicity_ends_on": period.publicity_ends_on,
        "earlier_unlocked": [p.label for p in earlier if p.state != PeriodState.LOCKED],
    }
    for provider in _PROVIDERS:
        provider(period, to_state, facts)
    return facts


def checklist(period, to_state: str, *, now=None) -> Checklist:
    return evaluate(gather(period, to_state, now=now), to_state)


def today_of(now=None) -> date:
    from django.utils import timezone

    return timezone.localdate(now or timezone.now())
