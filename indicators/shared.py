"""Shared indicators and stage targets on the plan: the pure rules live in the core
(appraisal/shared_indicators.py) so that the year workbook reader applies the same ones."""
from appraisal.shared_indicators import (  # noqa: F401
    SHARED_MAX, parse_stage_targets, render_stage_targets, shared_problems,
)
