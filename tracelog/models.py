"""Trace logs (过程留痕, DOMAIN.md §4.1): entries, their reviews and evidence, the organisation's
deadline settings, and the in-application notifications of the reminders."""
from __future__ import annotations

import os
from datetime import time, timedelta

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.crypto import get_random_string
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from appraisal.models import Department, Organisation, Person

from . import deadlines


class EntryKind(models.TextChoices):
    WEEKLY_PLAN = deadlines.WEEKLY_PLAN, _("周计划")
    WEEKLY_SUMMARY = deadlines.WEEKLY_SUMMARY, _("周小结")
    MONTHLY_PLAN = deadlines.MONTHLY_PLAN, _("月计划")
    MONTHLY_RECORD = deadlines.MONTHLY_RECORD, _("月纪实")


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待批阅")
    REVIEWED = "reviewed", _("已批阅")
    RETURNED = "returned", _("已退回")


EDITABLE_STATUSES = (EntryStatus.DRAFT, EntryStatus.RETURNED)


class TraceEntry(models.Model):
    """One filing of one person: a weekly plan or summary (key ``2026-W47``) or a monthly plan or
    record (key ``2026-11``, the month it is filed in; the monthly plan is the plan for the month
    after). ``period_year``/``period_month`` are the month it belongs to (deadlines.belongs_to).

    ``filed_at`` is the first submission and decides lateness: returning an entry for rework does
    not make it late. ``due_at`` is the deadline in force when it was (last) saved, so a later
    change of the organisation's settings does not rewrite history.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("单位"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="trace_entries",
                               verbose_name=_("填报人"))
    # the author's department at filing: the circle the entry is shown to
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="trace_entries",
                                   verbose_name=_("部门"))
    kind = models.CharField(_("类型"), max_length=16, choices=EntryKind.choices)
    period_key = models.CharField(_("期次"), max_length=8)
    period_year = models.PositiveSmallIntegerField(_("所属年度"))
    period_month = models.PositiveSmallIntegerField(_("所属月份"))
    content = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    due_at = models.DateTimeField(_("截止时间"))
    filed_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("最近提交时间"), null=True, blank=True)
    resubmissions = models.PositiveSmallIntegerField(_("退回后重报次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("纪实")
        verbose_name_plural = _("纪实")
        ordering = ["-period_year", "-period_month", "-period_key", "kind", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "period_key"], name="trace_entry_unique"),
            models.CheckConstraint(condition=models.Q(period_month__gte=1, period_month__lte=12),
                                   name="trace_entry_month_1_12"),
        ]
        indexes = [
            models.Index(fields=["organisation", "period_year", "period_month"], name="trace_entry_org_month"),
            models.Index(fields=["department", "period_year", "period_month"], name="trace_entry_dept_month"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.get_kind_display()} · {self.period_key}"

    @property
    def is_weekly(self) -> bool:
        return self.kind in deadlines.WEEKLY_KINDS

    @property
    def is_editable_status(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def lateness(self) -> timedelta | None:
        return deadlines.lateness(self.due_at, self.filed_at)

    @property
    def is_late(self) -> bool:
        return self.lateness is not None


class ReviewAction(models.TextChoices):
    COMMENT = "comment", _("批阅")
    RETURN = "return", _("退回修改")


class EntryReview(models.Model):
    """A head's comment on an entry, or the reason it was returned for rework."""

    entry = models.ForeignKey(TraceEntry, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("纪实"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                 verbose_name=_("批阅人"))
    reviewer_name = models.CharField(_("批阅人姓名"), max_length=50)
    action = models.CharField(_("操作"), max_length=8, choices=ReviewAction.choices)
    text = models.TextField(_("意见"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("批阅意见")
        verbose_name_plural = _("批阅意见")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.reviewer_name} · {self.get_action_display()}"


class EntryIndicatorLink(models.Model):
    """An entry's link to one of the author's own indicators (一人一表). Kept by indicator code with
    the name as it was, so the link reads the same after the indicator plan of a later year."""

    entry = models.ForeignKey(TraceEntry, verbose_name=_("纪实"), on_delete=models.CASCADE, related_name="indicator_links")
    indicator_code = models.CharField(_("指标编码"), max_length=32)
    indicator_name = models.CharField(_("指标名称"), max_length=200)

    class Meta:
        verbose_name = _("关联指标")
        verbose_name_plural = _("关联指标")
        ordering = ["indicator_code"]
        constraints = [models.UniqueConstraint(fields=["entry", "indicator_code"], name="entry_indicator_unique")]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.indicator_name}"


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_MEDIA_ROOT, outside the web root; they have no URL and are
    served only by the access-checked download view. The location is read from the settings at
    each use, so tests can point it at a temporary directory."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files have no URL")


private_storage = PrivateStorage()


def evidence_path(instance, filename: str) -> str:
    # A random name: nothing of the uploaded name reaches the file system.
    _, extension = os.path.splitext(filename)
    return f"tracelog/{get_random_string(2, 'abcdef0123456789')}/{get_random_string(32)}{extension.lower()[:6]}"


class Evidence(models.Model):
    """An evidence file of an entry (SECURITY.md item 14). Its type was checked by content."""

    entry = models.ForeignKey(TraceEntry, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("纪实"))
    file = models.FileField(_("文件"), storage=private_storage, upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    file_type = models.CharField(_("类型"), max_length=8)
    content_type = models.CharField(_("内容类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class TraceDeadlineSettings(models.Model):
    """The organisation's deadlines for trace logs; defaults as in deadlines.DEFAULT_RULES."""

    WEEKDAYS = [(1, _("星期一")), (2, _("星期二")), (3, _("星期三")), (4, _("星期四")), (5, _("星期五")),
                (6, _("星期六")), (7, _("星期日"))]

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="trace_deadlines",
                                        verbose_name=_("单位"))
    weekly_plan_weekday = models.PositiveSmallIntegerField(_("周计划截止：星期"), choices=WEEKDAYS, default=1)
    weekly_plan_time = models.TimeField(_("周计划截止：时间"), default=time(12, 0))
    weekly_summary_weekday = models.PositiveSmallIntegerField(_("周小结截止：星期"), choices=WEEKDAYS, default=5)
    weekly_summary_time = models.TimeField(_("周小结截止：时间"), default=time(18, 0))
    monthly_plan_grace_days = models.PositiveSmallIntegerField(
        _("月计划宽限天数"), default=0, validators=[MaxValueValidator(15)],
        help_text=_("0 表示当月最后一天 24:00 截止；n 表示顺延至次月第 n 天 24:00。"))
    monthly_record_grace_days = models.PositiveSmallIntegerField(
        _("月纪实宽限天数"), default=0, validators=[MaxValueValidator(15)],
        help_text=_("0 表示当月最后一天 24:00 截止；n 表示顺延至次月第 n 天 24:00。"))
    tracking_start = models.DateField(
        _("纪实起始日期"), null=True, blank=True,
        help_text=_("本单位开始填报纪实的日期；此前截止的纪实不计应报、缺报。留空表示从年初起计。"))
    reminder_lead_hours = models.PositiveSmallIntegerField(
        _("提前提醒（小时）"), default=24, validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text=_("截止前多少小时提醒尚未填报的人员。"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    RULE_FIELDS = ["weekly_plan_weekday", "weekly_plan_time", "weekly_summary_weekday", "weekly_summary_time",
                   "monthly_plan_grace_days", "monthly_record_grace_days", "tracking_start"]

    class Meta:
        verbose_name = _("纪实时限设置")
        verbose_name_plural = _("纪实时限设置")

    def __str__(self) -> str:
        return str(_("纪实时限设置"))

    @cached_property
    def rules(self) -> deadlines.DeadlineRules:
        return deadlines.DeadlineRules(**{name: getattr(self, name) for name in self.RULE_FIELDS})


class Notification(models.Model):
    """An in-application message (the reminders); ``key`` makes a reminder idempotent per recipient."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("接收人"))
    text = models.CharField(_("内容"), max_length=500)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    key = models.CharField(_("去重键"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], condition=~models.Q(key=""),
                                               name="notification_key_unique")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def display_text(self) -> str:
        """The stored (Chinese) sentence in the reader's language (tracelog/notification_text.py)."""
        from .notification_text import in_reader_language

        return in_reader_language(self.text)
