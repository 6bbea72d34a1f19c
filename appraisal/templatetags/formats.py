"""The formatting layer's template filters (a template builtin: no ``{% load %}`` needed).

{{ x|num }} 100.0000 → 100 · {{ x|num:2 }} 1,234.50 · {{ x|money }} 24,000.00 元 ·
{{ d|day }} 2026年12月1日 · {{ t|moment }} 2026年12月1日 14:05 · {{ m|month_name }} 12月 ·
{{ period|period_name }} 2026年12月 · {{ x|pct:2 }} 95.00% — each in English when the page is.
"""
from django import template

from appraisal import formats

register = template.Library()


@register.filter
def num(value, places=None):
    if value is None or value == "":
        return formats.EMPTY
    return formats.number(value, None if places in (None, "") else int(places))


@register.filter
def plain_decimal(value):
    """For a form input's value: 100.0000 → 100."""
    return "" if value is None else formats.plain_decimal(value)


@register.filter
def money(value):
    return formats.money(value)


@register.filter
def pct(value, places=None):
    if value is None or value == "":
        return formats.EMPTY
    return formats.percent(value, None if places in (None, "") else int(places))


@register.filter
def day(value):
    return formats.date(value)


@register.filter
def short_day(value):
    return formats.short_date(value)


@register.filter
def moment(value, seconds=""):
    return formats.datetime(value, seconds=bool(seconds))


@register.filter
def month_name(value):
    return formats.EMPTY if value in (None, "") else formats.month_name(value)


@register.filter
def period_name(period, short=""):
    """A Period (or anything with kind, number and assessment_year): 2026年12月, or 12月 with ``:"short"``."""
    if period is None:
        return formats.EMPTY
    if short:
        return formats.period_short(period.kind, period.number)
    return formats.period(period.kind, period.number, period.assessment_year.year)
