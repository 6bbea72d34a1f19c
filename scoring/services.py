"""The scoring pipeline of an organisation-year (DOMAIN.md §4–7): read every input set-wise, compute
in memory through the pure rules, then publish every result table in one transaction
(``scoring.publication``).

Set-based: the number of queries does not depend on the number of people. Idempotent: results are
upserted by their natural keys, so a rerun gives identical rows. Figures of frozen periods are never
changed (SECURITY.md item 9, DOMAIN.md §8): a locked year refuses to compute, rows of locked periods
and of periods in publicity once published are left as they are, except the one period an accepted
objection recomputes (``only``). Jobs (queue, states, watchdog) are in ``scoring.jobs``.
"""
from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appraisal.models import AssessmentYear

from .engine import compute_year
from .loader import load_year
from .publication import ComputeSummary, frozen_periods, publish, refuse_if_year_frozen

__all__ = ["ComputeSummary", "Progress", "STAGES", "year_compute"]

Progress = Callable[[int, str], None]
# The pipeline's stages as the job page lists them: (percent reached when the stage starts, name).
STAGES = ((5, gettext_lazy("读取数据")), (30, gettext_lazy("计算成绩")), (60, gettext_lazy("写入成绩")))


def year_compute(*, assessment_year: AssessmentYear, user=None, progress: Progress | None = None,
                 on_publish: Callable[[ComputeSummary], None] | None = None,
                 only: tuple[str, int] | None = None, reason: str = "") -> ComputeSummary:
    """Run the whole pipeline for one organisation-year; nothing is written unless everything is.
    With ``only`` (kind, number), write that one period's figures even though it is frozen."""
    report = progress or (lambda percent, stage: None)
    if only is None:
        refuse_if_year_frozen(assessment_year, frozen_periods(assessment_year))
    (read, read_name), (calc, calc_name), (write, write_name) = STAGES
    report(read, str(read_name))
    data = load_year(assessment_year)
    report(calc, str(calc_name))
    result = compute_year(data)
    report(write, str(write_name))
    summary = publish(assessment_year, result, user=user, on_publish=on_publish, only=only, reason=reason)
    report(100, _("完成"))
    return summary
