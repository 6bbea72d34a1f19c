"""Scheduled jobs of the results (beat): 绩效之窗 recomputed every night and kept per day."""
from celery import shared_task


@shared_task(name="rewards.tasks.leaderboard_nightly")
def leaderboard_nightly() -> int:
    from .leaderboard import nightly

    return nightly()
