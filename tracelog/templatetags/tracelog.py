"""Template filters for trace logs: light markup, Chinese dates, periods, lateness, rates."""
from django import template

from .. import labels, markup, selectors

register = template.Library()


@register.filter
def lightmarkup(text):
    return markup.render(text)


@register.filter
def excerpt(text, length=80):
    return markup.excerpt(text, int(length))


@register.filter
def cn_date(value):
    return labels.cn_date(value)


@register.filter
def cn_datetime(value):
    return labels.cn_datetime(value)


@register.filter
def period_label(entry_or_slot):
    key = getattr(entry_or_slot, "period_key", None) or entry_or_slot.key
    return labels.period_label(entry_or_slot.kind, key)


@register.filter
def slot_title(slot):
    return labels.slot_title(slot.kind, slot.key)


@register.filter
def kind_label(kind):
    return labels.kind_label(kind)


@register.filter
def lateness(delta):
    return labels.lateness_label(delta)


@register.filter
def duration(delta):
    return labels.duration(delta)


@register.simple_tag
def rate(part, whole):
    value = selectors.rate(part, whole)
    return "—" if value is None else f"{value}%"


@register.filter
def cells(row, month_numbers):
    return row.cells(month_numbers)
