from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appraisal import formats
from appraisal.models import Person

ANNUAL_GRADES = [("优秀", _("优秀")), ("称职", _("称职")), ("基本称职", _("基本称职")), ("不称职", _("不称职")),
                 ("不定等次", _("不定等次"))]


class GradeHistory(models.Model):
    """A person's annual grade of an earlier year (历史等次), for merit runs (DOMAIN.md §7.3)."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="grade_history")
    year = models.PositiveIntegerField(_("年度"))
    grade = models.CharField(_("等次"), max_length=6, choices=ANNUAL_GRADES)

    class Meta:
        verbose_name = _("历史等次")
        verbose_name_plural = _("历史等次")
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="grade_history_once")]

    def __str__(self) -> str:
        return _("%(name)s %(year)s年度 %(grade)s") % {"name": self.person.name, "year": self.year, "grade": self.grade}


class DepartmentHistory(models.Model):
    """A department's standing in a locked year (DOMAIN.md §7.3, §8): written when the year locks, or
    entered by the office for earlier years. The multi-year department rules read it."""

    department = models.ForeignKey("appraisal.Department", on_delete=models.CASCADE, related_name="history",
                                   verbose_name=_("部门"))
    year = models.PositiveIntegerField(_("年度"))
    annual_score = models.DecimalField(_("年度得分"), max_digits=8, decimal_places=2, null=True, blank=True)
    overall_rank = models.PositiveIntegerField(_("总排名"), null=True, blank=True)
    ranked = models.PositiveIntegerField(_("参加排名的部门数"), default=0)

    class Meta:
        verbose_name = _("部门历史排名")
        verbose_name_plural = _("部门历史排名")
        ordering = ["department", "-year"]
        constraints = [models.UniqueConstraint(fields=["department", "year"], name="department_history_once")]

    def __str__(self) -> str:
        return _("%(name)s %(year)s年度成绩") % {"name": self.department.name, "year": self.year}


def _figure(verbose_name):
    return models.DecimalField(verbose_name, max_digits=8, decimal_places=2, null=True, blank=True)


class LeaderboardDay(models.Model):
    """One department's line of 绩效之窗 as the nightly job computed it on one day (DOMAIN.md §9).

    Kept per day so that a rank's movement (since last week) and a department's rank history can
    be shown; only published figures go in, and ``provisional`` marks lines that include a period
    still in publicity (shown as 公示中: an objection may still change them)."""

    assessment_year = models.ForeignKey("appraisal.AssessmentYear", verbose_name=_("考核年度"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("日期"))
    department = models.ForeignKey("appraisal.Department", verbose_name=_("部门"), on_delete=models.CASCADE, related_name="leaderboard_days")
    total = _figure(_("累计总分"))
    common_rate = _figure(_("共同类得分率"))
    management_rate = _figure(_("管理类得分率"))
    business_rate = _figure(_("业务类得分率"))
    satisfaction_score = _figure(_("满意度得分"))
    overall_rank = models.PositiveIntegerField(_("总排名"), null=True, blank=True)
    group_rank = models.PositiveIntegerField(_("组内排名"), null=True, blank=True)
    provisional = models.BooleanField(_("暂定"), default=False)
    through = models.CharField(_("截至"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("绩效之窗日榜")
        verbose_name_plural = _("绩效之窗日榜")
        constraints = [models.UniqueConstraint(fields=["assessment_year", "day", "department"],
                                               name="leaderboard_day_key")]
        indexes = [models.Index(fields=["assessment_year", "day"], name="leaderboard_year_day")]

    def __str__(self) -> str:
        return f"{self.department.name} {formats.date(self.day)}"


class WarningLevel(models.TextChoices):
    ATTENTION = "关注", _("关注")
    WARNING = "警告", _("警告")
    SERIOUS = "严重警告", _("严重警告")


class WarningState(models.TextChoices):
    DRAFT = "draft", _("待签发")
    ISSUED = "issued", _("待整改")
    ANSWERED = "answered", _("整改中")
    CLOSED = "closed", _("已关闭")
    DISMISSED = "dismissed", _("不予签发")


class PreWarning(models.Model):
    """A pre-appraisal warning (预考核预警, DOMAIN.md §9) of one department on one indicator: drafted by
    the run of a warning month, reviewed and issued by the office, answered by the department's head
    with a rectification plan and date, followed up (回头看) and closed by the office."""

    assessment_year = models.ForeignKey("appraisal.AssessmentYear", verbose_name=_("考核年度"), on_delete=models.CASCADE, related_name="+")
    month = models.PositiveSmallIntegerField(_("预考核月份"))
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.CASCADE, related_name="warnings",
                                  verbose_name=_("指标"))
    department = models.ForeignKey("appraisal.Department", on_delete=models.CASCADE, related_name="warnings",
                                   verbose_name=_("部门"))
    level = models.CharField(_("预警等级"), max_length=4, choices=WarningLevel.choices)
    rate = models.DecimalField(_("累计得分率"), max_digits=8, decimal_places=2)
    stage_target = models.DecimalField(_("阶段目标"), max_digits=8, decimal_places=2, null=True, blank=True)
    progress = models.DecimalField(_("目标进度"), max_digits=8, decimal_places=2, null=True, blank=True)
    bottom_three = models.BooleanField(_("共享指标后三名"), default=False)
    shared_rank = models.PositiveIntegerField(_("共享指标排名"), null=True, blank=True)
    shared_count = models.PositiveIntegerField(_("参与排名部门数"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=WarningState.choices, default=WarningState.DRAFT)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    issued_at = models.DateTimeField(_("下发时间"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发出人"), on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    answer_due = models.DateField(_("反馈期限"), null=True, blank=True)
    office_note = models.TextField(_("考核办意见"), blank=True)
    rectification = models.TextField(_("整改措施"), blank=True)
    rectify_by = models.DateField(_("整改完成日期"), null=True, blank=True)
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    follow_up = models.TextField(_("回头看情况"), blank=True)
    followed_at = models.DateTimeField(_("回头看时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预考核预警")
        verbose_name_plural = _("预考核预警")
        ordering = ["-assessment_year_id", "-month", "department__sort_order", "indicator__sort_order"]
        constraints = [models.UniqueConstraint(fields=["assessment_year", "month", "indicator"],
                                               name="prewarning_once")]
        indexes = [models.Index(fields=["assessment_year", "state"], name="prewarning_state")]

    def __str__(self) -> str:
        return f"{self.month}月 {self.level} · {self.department_id}/{self.indicator_id}"

    @property
    def is_open(self) -> bool:
        return self.state in (WarningState.ISSUED, WarningState.ANSWERED)

    def overdue_on(self, today) -> bool:
        """Not answered by the answer date, or not closed by the date the plan promised."""
        if self.state == WarningState.ISSUED:
            return self.answer_due is not None and today > self.answer_due
        if self.state == WarningState.ANSWERED:
            return self.rectify_by is not None and today > self.rectify_by
        return False
