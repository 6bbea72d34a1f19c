"""Per-indicator analysis (DOMAIN.md §9): after each month, half and year, for every shared indicator the
departments' score rates with rank, the top three, bottom three, highest, lowest and mean.

A span is a published month ("m4"), a half ("h1": its months and the half's own scores) or the year
("y": every published period). Rates are ``100 × Σ s / Σ f`` over the department's leaves of the shared
indicator scored in the span. Three queries whatever the number of departments and indicators."""
from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from appraisal import formats
from appraisal.models import AssessmentYear, Department, PeriodKind
from appraisal.xlsx import append_row
from indicators.models import Indicator, IndicatorScore, Kind, ScoreStatus
from scoring.rules import round_half_up

from . import rules
from .grading import competition_ranks
from .publication import HALF_MONTHS, HALF_NAMES, Published


@dataclass(frozen=True)
class Span:
    key: str  # m4 / h1 / y
    label: str
    periods: frozenset[tuple[str, int]]


def spans(shown: Published) -> list[Span]:
    """The spans that can be analysed: each published month, each published half, the published year."""
    result = [Span(f"m{m}", formats.month_name(m), frozenset({(PeriodKind.MONTH, m)})) for m in sorted(shown.months)]
    for h in sorted(shown.halves):
        months = {(PeriodKind.MONTH, m) for m in HALF_MONTHS[h] if m in shown.months}
        result.append(Span(f"h{h}", _(HALF_NAMES[h]), frozenset(months | {(PeriodKind.HALF, h)})))
    if shown.year:
        periods = {(PeriodKind.MONTH, m) for m in shown.months} | {(PeriodKind.HALF, h) for h in shown.halves}
        result.append(Span("y", _("全年"), frozenset(periods)))
    return result


def pick_span(available: list[Span], key: str) -> Span | None:
    """The span asked for, else the latest one (the year, else the last half or month published)."""
    for span in available:
        if span.key == key:
            return span
    if not available:
        return None
    years = [s for s in available if s.key == "y"]
    months = [s for s in available if s.key.startswith("m")]
    return years[0] if years else (months[-1] if months else available[-1])


@dataclass
class AnalysisRow:
    department: Department
    rate: Decimal | None
    rank: int | None = None
    top: bool = False
    bottom: bool = False
    vs_mean: Decimal | None = None


@dataclass
class IndicatorAnalysis:
    name: str
    category: str
    rows: list[AnalysisRow]
    spread: rules.Spread
    top: list[AnalysisRow] = field(default_factory=list)
    bottom: list[AnalysisRow] = field(default_factory=list)


@dataclass
class Analysis:
    span: Span | None
    spans: list[Span]
    indicators: list[IndicatorAnalysis]
    department_id: int | None = None

    def standing(self) -> list[tuple[IndicatorAnalysis, AnalysisRow]]:
        """Where the viewer's department stands on each shared indicator."""
        found = []
        for item in self.indicators:
            for row in item.rows:
                if row.department.pk == self.department_id:
                    found.append((item, row))
        return found


def shared_names(assessment_year: AssessmentYear) -> list[tuple[str, str]]:
    """(name, category) of the year's shared indicators, in plan order."""
    seen: dict[str, str] = {}
    for name, category in Indicator.objects.filter(assessment_year=assessment_year).exclude(shared="").order_by(
            "sort_order", "code").values_list("shared", "category"):
        seen.setdefault(name, category)
    return list(seen.items())


def rates(assessment_year: AssessmentYear, periods: frozenset[tuple[str, int]], *,
          names: list[str] | None = None) -> dict[str, dict[int, Decimal]]:
    """shared name -> department id -> score rate over ``periods`` (one query)."""
    sums: dict[str, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(lambda: [Decimal(0), Decimal(0)]))
    query = (IndicatorScore.objects.filter(status=ScoreStatus.APPROVED, indicator__assessment_year=assessment_year,
                                           indicator__kind=Kind.REGULAR,
                                           indicator__department__isnull=False)
             .exclude(indicator__shared=""))
    if names is not None:
        query = query.filter(indicator__shared__in=names)
    for name, department_id, kind, number, s, f in (
            query.values_list("indicator__shared", "indicator__department_id", "period__kind", "period__number")
            .annotate(s=Sum("score"), f=Sum("indicator__full_score")).order_by()):
        if (kind, number) in periods and f:
            pair = sums[name][department_id]
            pair[0] += s
            pair[1] += f
    return {name: {d: round_half_up(Decimal(100) * s / f) for d, (s, f) in by_department.items() if f}
            for name, by_department in sums.items()}


def analyse(assessment_year: AssessmentYear, shown: Published, *, span_key: str = "",
            department_id: int | None = None) -> Analysis:
    available = spans(shown)
    span = pick_span(available, span_key)
    if span is None:
        return Analysis(None, available, [], department_id)
    departments = {d.pk: d for d in Department.objects.filter(organisation_id=assessment_year.organisation_id)}
    by_name = rates(assessment_year, span.periods)
    result = []
    for name, category in shared_names(assessment_year):
        values = by_name.get(name, {})
        if not values:
            continue
        ranks = competition_ranks(values)
        tops, bottoms = rules.top_three(values), rules.bottom_three(values)
        summary = rules.spread(values.values())
        rows = [AnalysisRow(departments[d], rate, ranks[d], d in tops, d in bottoms,
                            rate - summary.mean if summary.mean is not None else None)
                for d, rate in values.items() if d in departments]
        rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.department.sort_order))
        result.append(IndicatorAnalysis(name, category, rows, summary, [r for r in rows if r.top],
                                        sorted([r for r in rows if r.bottom], key=lambda r: r.rate)))
    return Analysis(span, available, result, department_id)


def workbook(assessment_year: AssessmentYear, analysis: Analysis) -> bytes:
    """The analysis as an Excel workbook: a summary sheet and one line per department and indicator
    (write-only, streamed)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from appraisal.exchange.sheets import ContinuedSheet

    book = Workbook(write_only=True)
    headers = [_("共享指标"), _("指标类别"), _("部门数"), _("最高"), _("最低"), _("平均"), _("前三名"), _("后三名")]
    summary = book.create_sheet(_("汇总"))
    summary.append([_("%(year)s 年度 %(span)s 共享指标分析") % {"year": assessment_year.year,
                                                             "span": analysis.span.label if analysis.span else ""}])
    bold = []
    for header in headers:
        cell = WriteOnlyCell(summary, header)
        cell.font = Font(bold=True)
        bold.append(cell)
    summary.append(bold)
    for item in analysis.indicators:
        append_row(summary, [item.name, item.category, item.spread.count, item.spread.highest,
                             item.spread.lowest, item.spread.mean, "、".join(r.department.name for r in item.top),
                             "、".join(r.department.name for r in item.bottom)])
    detail = ContinuedSheet(book, _("部门得分率"), [_("共享指标"), _("部门编码"), _("部门"), _("得分率（%）"), _("排名"),
                                                _("与平均差"), _("位次")])
    for item in analysis.indicators:
        for row in item.rows:
            mark = _("前三") if row.top else (_("后三") if row.bottom else "")
            detail.append([item.name, row.department.code, row.department.name, row.rate, row.rank,
                           row.vs_mean, mark])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
