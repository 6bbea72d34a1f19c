"""Figures are published with their period (DOMAIN.md §8): a period entering publicity queues the
pipeline for its year, which runs once the moving transaction commits."""
from django.dispatch import receiver

from appraisal.events import period_state_changed
from appraisal.models import Period, PeriodKind, PeriodState


@receiver(period_state_changed)
def compute_on_publicity(sender, period, old_state, new_state, user, **kwargs):
    from .jobs import job_request

    if new_state != PeriodState.PUBLICITY or period.kind == PeriodKind.QUARTER:
        return  # a quarter's grades are routine appraisal's own (scoring.routine), not the pipeline's
    year_locked = Period.objects.filter(assessment_year=period.assessment_year, kind=PeriodKind.YEAR,
                                        state=PeriodState.LOCKED).exists()
    if not year_locked:
        job_request(user=user, assessment_year=period.assessment_year)
