"""Fixtures of the trace-log tests: private files in a temporary directory, the 2026 year of the
shared ``world`` with its periods, and a few helpers to file entries at a frozen moment."""
from datetime import datetime

import pytest
from freezegun import freeze_time

from appraisal import services as appraisal_services
from appraisal.models import Period, PeriodState
from appraisal.tests.factories import person_user
from tracelog import services
from tracelog.deadlines import SHANGHAI


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def year2026(world):
    return appraisal_services.year_open(user=world.users["office"], organisation=world.organisation, year=2026)


@pytest.fixture
def colleague_user(world):
    return person_user(world.colleague, "colleague")


def lock_month(year, month: int) -> None:
    Period.objects.filter(assessment_year=year, kind="month", number=month).update(state=PeriodState.LOCKED)


def file_entry(user, kind: str, key: str, moment: str, *, content: str = "本周完成登记审核 12 件。",
               submit: bool = True, **kwargs):
    with freeze_time(at(moment)):
        return services.entry_save(user=user, kind=kind, period_key=key, content=content, submit=submit, **kwargs)
