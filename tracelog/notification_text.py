"""Notifications are stored as the Chinese sentence they were written in (Notification.text); they
are shown in the reader's language at render time: the stored text is matched against the
sentences the product writes (their msgids), the parts are taken out, the sentence is translated
and the parts put back — labels (纪实 kinds, periods, grades, roles) translated too, dates in the
reader's format, names as they are. A text that matches no known sentence is shown as stored.
"""
from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from django.utils.translation import get_language, gettext, gettext_noop

from appraisal import formats

# the sentences of periods/, rewards/prewarnings.py, scoring/, tracelog/ and appraisal/accounts.py
MESSAGES = (
    gettext_noop("%(name)s批阅了您的%(title)s。"),
    gettext_noop("%(name)s退回了您的%(title)s，请修改后重新提交。退回原因：%(reason)s"),
    gettext_noop("%(name)s已修改并重新提交%(title)s，请批阅。"),
    gettext_noop("您的%(title)s已逾期未报（截止 %(due)s），请尽快补报。"),
    gettext_noop("提醒：请在 %(due)s 前填报%(title)s。"),
    gettext_noop("本部门 %(people)d 人共 %(n)d 项纪实逾期未报，请督促补报。"),
    gettext_noop("本部门有纪实逾期未报，请督促补报。"),
    gettext_noop("%(name)s对%(period)s的%(figure)s（%(value)s）提出异议，请处理。"),
    gettext_noop("本部门%(name)s对%(period)s的%(figure)s提出异议。"),
    gettext_noop("您对%(period)s%(figure)s的异议已采纳：%(line)s。%(answer)s"),
    gettext_noop("您对%(period)s%(figure)s的异议未被采纳。答复：%(answer)s"),
    gettext_noop("%(period)s 公示期已满，但暂不能自动锁定：%(items)s"),
    gettext_noop("%(period)s 公示期（至 %(end)s）已满且无未处理异议，已自动锁定。"),
    gettext_noop("%(label)s：请于 %(due)s 前提交整改措施。"),
    gettext_noop("%(label)s：部门已反馈整改措施，待回头看。"),
    gettext_noop("您的账号被授予角色：%(role)s。"),
    gettext_noop("您的账号已关联人员档案：%(person)s。"),
    gettext_noop("同事提交了%(period)s季度小结，请参加同类互评。"),
    gettext_noop("您的%(period)s季度小结已点评，季度等次：%(grade)s。"),
    gettext_noop("%(name)s %(period)s季度等次为“%(grade)s”，请于 %(due)s 前进行谈话提醒。"),
    gettext_noop("%(name)s 的%(year)s年度发展计划已更新，请确认。"),
    gettext_noop("谈话记录：请于 %(date)s 前完成改进。"),
)

_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")
_DATETIME = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?: (\d{1,2}):(\d{2}))?$")


def _pattern(msgid: str) -> re.Pattern:
    parts, last = [], 0
    for match in _PLACEHOLDER.finditer(msgid):
        parts.append(re.escape(msgid[last:match.start()]))
        parts.append(rf"(?P<{match.group(1)}>\d+)" if match.group(2) == "d" else rf"(?P<{match.group(1)}>.+?)")
        last = match.end()
    parts.append(re.escape(msgid[last:]))
    return re.compile("".join(parts), re.S)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((msgid, _pattern(msgid)) for msgid in MESSAGES)


def _part(value: str):
    """A part of a sentence in the reader's language: a date in the reader's format, a label
    translated (a name has no translation and stays as it is)."""
    when = _DATETIME.match(value)
    if when:
        year, month, day, hour, minute = when.groups()
        if hour is None:
            return formats.date(datetime(int(year), int(month), int(day)).date())
        return formats.datetime(datetime(int(year), int(month), int(day), int(hour), int(minute)))
    return gettext(value)


def in_reader_language(text: str) -> str:
    if not text or (get_language() or "").startswith("zh"):
        return text
    for msgid, pattern in _patterns():
        match = pattern.fullmatch(text)
        if match:
            parts = {key: int(value) if value.isdigit() and f"%({key})d" in msgid else _part(value)
                     for key, value in match.groupdict().items()}
            return gettext(msgid) % parts
    return text
