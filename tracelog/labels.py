"""How trace-log periods, deadlines and lateness read in Chinese, as offices write them:
2026年11月21日, 2026年第47周, 逾期 2天3小时. Dates and months come from the one formatting layer
(appraisal.formats), in English when the page is."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from appraisal import formats

from . import deadlines


def cn_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(deadlines.SHANGHAI).date()
    return formats.date(value)


def cn_datetime(value: datetime | None) -> str:
    """A moment; midnight reads as 24:00 of the day before, as deadlines are written."""
    if value is None:
        return "—"
    local = value.astimezone(deadlines.SHANGHAI)
    if local.hour == 0 and local.minute == 0 and local.second == 0:
        return _("%(date)s 24:00") % {"date": cn_date(local.date() - timedelta(days=1))}
    return f"{cn_date(local.date())} {local:%H:%M}"


def cn_short_date(value: date) -> str:
    return formats.short_date(value)


def week_label(key: str, *, with_dates: bool = True) -> str:
    iso_year, iso_week = deadlines.parse_week_key(key)
    label = _("%(y)d年第%(w)d周") % {"y": iso_year, "w": iso_week}
    if with_dates:
        monday, sunday = deadlines.week_dates(iso_year, iso_week)
        label += _("（%(start)s—%(end)s）") % {"start": cn_short_date(monday), "end": cn_short_date(sunday)}
    return label


def month_label(year: int, month: int) -> str:
    return formats.month(year, month)


def period_label(kind: str, key: str, *, with_dates: bool = True) -> str:
    """The period an entry is about: a week, the month recorded, or the month planned."""
    if kind in deadlines.WEEKLY_KINDS:
        return week_label(key, with_dates=with_dates)
    year, month = deadlines.parse_month_key(key)
    if kind == deadlines.MONTHLY_PLAN:
        return month_label(*deadlines.next_month(year, month))
    return month_label(year, month)


def kind_label(kind: str) -> str:
    from .models import EntryKind

    return str(EntryKind(kind).label)


def slot_title(kind: str, key: str) -> str:
    """e.g. 2026年第47周（11月16日—11月22日）周计划, 2026年12月月计划."""
    return _("%(period)s%(kind)s") % {"period": period_label(kind, key), "kind": kind_label(kind)}


def duration(delta: timedelta) -> str:
    """A span in days, hours and minutes: 2天3小时, 45分钟, 不足1分钟."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("%(n)d天") % {"n": days})
    if hours:
        parts.append(_("%(n)d小时") % {"n": hours})
    if minutes and not days:
        parts.append(_("%(n)d分钟") % {"n": minutes})
    return "".join(parts) or _("不足1分钟")


def lateness_label(delta: timedelta | None) -> str:
    return "" if delta is None else _("逾期 %(span)s") % {"span": duration(delta)}
