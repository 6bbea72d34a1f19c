"""Template filters for trace logs: light markup, Chinese dates, periods, lateness, rates."""
from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _, ngettext

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


STATUS_CLASSES = {"draft": "text-bg-secondary", "submitted": "text-bg-primary", "reviewed": "text-bg-success"}


@register.filter
def status_badge(entry):
    """An entry's status, lateness and resubmissions as badges (lists show one per row: built here
    rather than through an include per row)."""
    html = format_html('<span class="badge entry-status {}" data-status="{}">{}</span>',
                       STATUS_CLASSES.get(entry.status, "text-bg-warning"), entry.status, entry.get_status_display())
    lateness = entry.lateness
    if lateness is not None:
        html += format_html(' <span class="badge text-bg-danger-subtle border border-danger-subtle '
                            'text-danger-emphasis" title="{} {}">{}</span>', _("截止"),
                            labels.cn_datetime(entry.due_at), labels.lateness_label(lateness))
    if entry.resubmissions:
        html += format_html(' <span class="badge text-bg-light border">{}</span>',
                            ngettext("重报 %(n)s 次", "重报 %(n)s 次", entry.resubmissions) % {"n": entry.resubmissions})
    return mark_safe(html)  # noqa: S308 — every part escaped by format_html
