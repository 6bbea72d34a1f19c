"""Issue 14: one formatting layer for numbers, money, dates and periods, in both languages."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from appraisal import formats
from appraisal.models import AssessmentYear, Organisation, Period


def test_numbers_drop_trailing_zeros_and_group_thousands():
    assert formats.number(Decimal("100.0000")) == "100"
    assert formats.number(Decimal("33.5000")) == "33.5"
    assert formats.number(Decimal("24000")) == "24,000"
    assert formats.number(Decimal("1234.565"), 2) == "1,234.57"  # half up, as DOMAIN.md rounds
    assert formats.plain_decimal(Decimal("12345.5000")) == "12345.5"
    assert formats.number(None) == "" and formats.number("abc") == "abc"


def test_money_dates_and_periods_in_chinese_and_english():
    moment = datetime(2026, 11, 30, 17, 5, tzinfo=ZoneInfo("UTC"))  # 12月1日 01:05 in Beijing
    with translation.override("zh-hans"):
        assert formats.money(Decimal("24000")) == "24,000.00 元"
        assert formats.date(date(2026, 12, 1)) == "2026年12月1日"
        assert formats.datetime(moment) == "2026年12月1日 01:05"
        assert formats.month(2026, 12) == "2026年12月"
        assert formats.period("half", 1, 2026) == "2026年上半年"
        assert formats.period_short("year", 1) == "全年"
    with translation.override("en"):
        assert formats.money(Decimal("24000")) == "CNY 24,000.00"
        assert formats.date(date(2026, 12, 1)) == "1 Dec 2026"
        assert formats.datetime(moment) == "1 Dec 2026 01:05"
        assert formats.month(2026, 12) == "Dec 2026"
        assert formats.period("half", 2, 2026) == "H2 2026"
        assert formats.period_short("month", 11) == "Nov"


@pytest.mark.django_db
def test_the_filters_are_builtins_and_periods_name_themselves_in_the_page_language():
    organisation = Organisation.objects.create(code="F1", name="格式局")
    period = Period(assessment_year=AssessmentYear.objects.create(organisation=organisation, year=2026),
                    kind="month", number=12)
    template = Template("{{ w|num }}|{{ m|money }}|{{ p|period_name }}|{{ p|period_name:'short' }}|{{ p.label }}|{{ n|num:2 }}")
    context = Context({"w": Decimal("100.0000"), "m": Decimal("24000"), "p": period, "n": None})
    with translation.override("zh-hans"):
        assert template.render(context) == "100|24,000.00 元|2026年12月|12月|12月|—"
        assert str(period) == "2026年12月"
    with translation.override("en"):
        assert template.render(context) == "100|CNY 24,000.00|Dec 2026|Dec|Dec|—"
