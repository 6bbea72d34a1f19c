"""Ballots (democratic evaluation, workload grades, 360° satisfaction) and the stored results of
the scoring pipeline (EXCHANGE.md results sheets), so pages read figures without recomputing."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appraisal import formats
from appraisal.models import AssessmentYear, Department, Period, Person

PEER_GRADES = [("优秀", _("优秀")), ("良好", _("良好")), ("中等", _("中等")), ("差", _("差"))]
WORKLOAD_GRADES = [("非常大", _("非常大")), ("比较大", _("比较大")), ("一般", _("一般")), ("较小", _("较小")),
                   ("非常小", _("非常小"))]
SATISFACTION_GRADES = [("优", _("优")), ("良", _("良")), ("中", _("中")), ("差", _("差"))]
SATISFACTION_GROUPS = [("主要领导", _("主要领导")), ("分管领导", _("分管领导")), ("机关部门", _("机关部门")),
                       ("县区局和直属单位", _("县区局和直属单位")), ("基层分局", _("基层分局")),
                       ("社会各界代表", _("社会各界代表"))]
EXTERNAL_GROUPS = ("县区局和直属单位", "基层分局", "社会各界代表")


class PeerRating(models.Model):
    """民主测评: one colleague's grade of another for one month. The rater is kept only so that the
    rater can change the own ballot and the audit role can trace it; no page shows it."""

    period = models.ForeignKey(Period, verbose_name=_("考核周期"), on_delete=models.CASCADE, related_name="peer_ratings")
    rater = models.ForeignKey(Person, verbose_name=_("评价人"), on_delete=models.CASCADE, related_name="+")
    ratee = models.ForeignKey(Person, verbose_name=_("被评价人"), on_delete=models.CASCADE, related_name="peer_ratings_received")
    grade = models.CharField(_("等次"), max_length=4, choices=PEER_GRADES)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("民主测评")
        verbose_name_plural = _("民主测评")
        constraints = [
            models.UniqueConstraint(fields=["period", "rater", "ratee"], name="peer_rating_once"),
            models.CheckConstraint(condition=~models.Q(rater=models.F("ratee")), name="peer_rating_not_self"),
        ]

    def __str__(self) -> str:
        return _("%(period)s 民主测评票（第 %(pk)s 号）") % {"period": self.period, "pk": self.pk}


class WorkloadGrade(models.Model):
    """工作量系数: the head's grade of a member's workload for one month."""

    period = models.ForeignKey(Period, verbose_name=_("考核周期"), on_delete=models.CASCADE, related_name="workload_grades")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="workload_grades")
    grade = models.CharField(_("工作量等级"), max_length=4, choices=WORKLOAD_GRADES)
    published = models.BooleanField(_("已公布"), default=False)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评定人"), on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作量等级")
        verbose_name_plural = _("工作量等级")
        constraints = [models.UniqueConstraint(fields=["period", "person"], name="workload_once")]

    def __str__(self) -> str:
        return _("%(name)s %(period)s 工作量等级") % {"name": self.person.name, "period": self.period}


class SatisfactionEvaluation(models.Model):
    """A half-year 360° evaluation opened by the office."""

    period = models.OneToOneField(Period, verbose_name=_("考核周期"), on_delete=models.CASCADE, related_name="satisfaction_evaluation")
    opened_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    closes_at = models.DateTimeField(_("截止时间"))
    closed = models.BooleanField(_("已结束"), default=False)

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")

    def __str__(self) -> str:
        return _("%(period)s 满意度测评") % {"period": self.period}


class SatisfactionRater(models.Model):
    """A rater of a 360° evaluation: an account (internal groups) or a single-use link (external)."""

    evaluation = models.ForeignKey(SatisfactionEvaluation, verbose_name=_("满意度测评"), on_delete=models.CASCADE, related_name="raters")
    group = models.CharField(_("评价主体类别"), max_length=10, choices=SATISFACTION_GROUPS)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                   help_text=_("机关部门组的评价人所在部门：不评本部门"))
    label = models.CharField(_("评价人"), max_length=100)
    token_hash = models.CharField(_("链接令牌摘要"), max_length=64, unique=True, null=True, blank=True)
    expires_at = models.DateTimeField(_("链接有效期"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("满意度评价人")
        verbose_name_plural = _("满意度评价人")
        constraints = [models.UniqueConstraint(fields=["evaluation", "user"], condition=models.Q(user__isnull=False),
                                               name="satisfaction_rater_user_once")]

    def __str__(self) -> str:
        return _("%(period)s 满意度测评 · %(group)s") % {"period": self.evaluation.period, "group": self.group}


class SatisfactionRating(models.Model):
    """满意度测评: one rater's grade of one department for one half."""

    period = models.ForeignKey(Period, verbose_name=_("考核周期"), on_delete=models.CASCADE, related_name="satisfaction_ratings")
    group = models.CharField(_("评价主体类别"), max_length=10, choices=SATISFACTION_GROUPS)
    rater = models.ForeignKey(SatisfactionRater, verbose_name=_("评价人"), on_delete=models.CASCADE, null=True, blank=True,
                              related_name="ratings")
    rater_label = models.CharField(_("评价人"), max_length=100, blank=True)
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="satisfaction_ratings")
    grade = models.CharField(_("等次"), max_length=2, choices=SATISFACTION_GRADES)

    class Meta:
        verbose_name = _("满意度评分")
        verbose_name_plural = _("满意度评分")
        constraints = [models.UniqueConstraint(fields=["rater", "department"], condition=models.Q(rater__isnull=False),
                                               name="satisfaction_rating_once")]

    def __str__(self) -> str:
        return _("%(period)s 满意度评分票（第 %(pk)s 号）") % {"period": self.period, "pk": self.pk}


def figure(verbose_name):
    return models.DecimalField(verbose_name, max_digits=8, decimal_places=2, null=True, blank=True)


class MonthlyResult(models.Model):
    assessment_year = models.ForeignKey(AssessmentYear, verbose_name=_("考核年度"), on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="monthly_results")
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="+")
    month = models.PositiveSmallIntegerField(_("月份"))
    responsibility_rate = figure(_("责任得分率"))
    workload_coefficient = models.DecimalField(_("工作量系数"), max_digits=4, decimal_places=2)
    peer_score = figure(_("民主测评得分"))
    monthly_score = models.DecimalField(_("月度得分"), max_digits=8, decimal_places=2)
    monthly_grade = models.CharField(_("月度等次"), max_length=4)

    class Meta:
        verbose_name = _("月度成绩")
        verbose_name_plural = _("月度成绩")
        constraints = [models.UniqueConstraint(fields=["assessment_year", "person", "month"],
                                               name="monthly_result_key")]

    def __str__(self) -> str:
        return _("%(name)s %(month)s 月度成绩") % {"name": self.person.name, "month": formats.month(self.assessment_year.year, self.month)}


class DepartmentHalfResult(models.Model):
    assessment_year = models.ForeignKey(AssessmentYear, verbose_name=_("考核年度"), on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="half_results")
    half = models.CharField(_("半年"), max_length=4)
    business_rate = figure(_("业务类得分率"))
    management_rate = figure(_("管理类得分率"))
    satisfaction_score = figure(_("满意度得分"))
    half_score = figure(_("部门半年得分"))

    class Meta:
        verbose_name = _("部门半年成绩")
        verbose_name_plural = _("部门半年成绩")
        constraints = [models.UniqueConstraint(fields=["assessment_year", "department", "half"],
                                               name="department_half_result_key")]

    def __str__(self) -> str:
        return _("%(name)s %(year)s年%(half)s 半年成绩") % {"name": self.department.name, "year": self.assessment_year.year, "half": self.half}


class PersonHalfResult(models.Model):
    assessment_year = models.ForeignKey(AssessmentYear, verbose_name=_("考核年度"), on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="half_results")
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="+")
    half = models.CharField(_("半年"), max_length=4)
    responsibility_rate = figure(_("责任得分率"))
    half_score = models.DecimalField(_("半年得分"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("个人半年成绩")
        verbose_name_plural = _("个人半年成绩")
        constraints = [models.UniqueConstraint(fields=["assessment_year", "person", "half"],
                                               name="person_half_result_key")]

    def __str__(self) -> str:
        return _("%(name)s %(year)s年%(half)s 半年成绩") % {"name": self.person.name, "year": self.assessment_year.year, "half": self.half}


class AnnualResult(models.Model):
    assessment_year = models.ForeignKey(AssessmentYear, verbose_name=_("考核年度"), on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="annual_results")
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="+")
    monthly_average = figure(_("月度平均"))
    half_average = figure(_("半年平均"))
    common_score = figure(_("共同类得分"))
    vetoed = models.BooleanField(_("一票否决"), default=False)
    annual_score = figure(_("年度得分"))
    department_rank = models.PositiveIntegerField(_("部门内排名"), null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=6)
    bonus_coefficient = figure(_("奖金系数"))

    class Meta:
        verbose_name = _("年度成绩")
        verbose_name_plural = _("年度成绩")
        constraints = [models.UniqueConstraint(fields=["assessment_year", "person"], name="annual_result_key")]

    def __str__(self) -> str:
        return _("%(name)s %(year)s年度成绩") % {"name": self.person.name, "year": self.assessment_year.year}


class DepartmentAnnualResult(models.Model):
    assessment_year = models.ForeignKey(AssessmentYear, verbose_name=_("考核年度"), on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="annual_results")
    annual_score = figure(_("年度得分"))
    overall_rank = models.PositiveIntegerField(_("总排名"), null=True, blank=True)
    group_rank = models.PositiveIntegerField(_("组内排名"), null=True, blank=True)
    advanced = models.BooleanField(_("先进单位"), default=False)
    excellent_quota = models.PositiveIntegerField(_("优秀名额"), default=0)
    remark = models.CharField(_("备注"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("部门年度成绩")
        verbose_name_plural = _("部门年度成绩")
        constraints = [models.UniqueConstraint(fields=["assessment_year", "department"],
                                               name="department_annual_result_key")]

    def __str__(self) -> str:
        return _("%(name)s %(year)s年度成绩") % {"name": self.department.name, "year": self.assessment_year.year}


class RewardResult(models.Model):
    assessment_year = models.ForeignKey(AssessmentYear, verbose_name=_("考核年度"), on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="rewards")
    reward_type = models.CharField(_("奖励类型"), max_length=8)
    amount = models.DecimalField(_("金额"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("奖励")
        verbose_name_plural = _("奖励")
        constraints = [models.UniqueConstraint(fields=["assessment_year", "person", "reward_type"],
                                               name="reward_result_key")]

    def __str__(self) -> str:
        return _("%(name)s %(year)s年度 %(type)s") % {"name": self.person.name, "year": self.assessment_year.year, "type": self.reward_type}


class LeadershipTeamResult(models.Model):
    """领导班子成绩 (DOMAIN.md §7.4): W, the team poll, T and the team grade."""

    assessment_year = models.ForeignKey(AssessmentYear, verbose_name=_("考核年度"), on_delete=models.CASCADE, related_name="+")
    work_score = figure(_("实绩得分"))
    poll_score = figure(_("测评得分"))
    team_score = figure(_("综合得分"))
    grade = models.CharField(_("等次"), max_length=4, blank=True)

    class Meta:
        verbose_name = _("领导班子成绩")
        verbose_name_plural = _("领导班子成绩")
        constraints = [models.UniqueConstraint(fields=["assessment_year"], name="leadership_team_result_key")]

    def __str__(self) -> str:
        return _("%(year)s年度领导班子成绩") % {"year": self.assessment_year.year}


class LeadershipMemberResult(models.Model):
    """班子成员成绩: T, F, the member poll, L and the member's grade."""

    assessment_year = models.ForeignKey(AssessmentYear, verbose_name=_("考核年度"), on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="leadership_results")
    is_principal = models.BooleanField(_("主要负责人"), default=False)
    team_score = figure(_("班子得分"))
    in_charge_score = figure(_("分管工作得分"))
    poll_score = figure(_("测评得分"))
    member_score = figure(_("综合得分"))
    grade = models.CharField(_("等次"), max_length=6)

    class Meta:
        verbose_name = _("班子成员成绩")
        verbose_name_plural = _("班子成员成绩")
        constraints = [models.UniqueConstraint(fields=["assessment_year", "person"],
                                               name="leadership_member_result_key")]

    def __str__(self) -> str:
        return _("%(name)s %(year)s年度班子成员成绩") % {"name": self.person.name, "year": self.assessment_year.year}


class ScoringJob(models.Model):
    """One background job of an organisation-year, with honest progress for the office page: a run of
    the scoring pipeline (``compute``), or a workbook job (issue 16): the validation of an uploaded year
    workbook, its import, an export of the results or of the year's input workbook.

    States: pending (排队中) → running (with stage, percent and a heartbeat) → done | failed (with
    the reason) | retrying (with the next attempt's time). At most one job of a kind is active
    (pending, running or retrying) per year: a database constraint, so a second request joins the active
    job; imports likewise per organisation code and year (the year may not exist before its import).
    ``attempts`` is the fencing token of the run that owns the job: every state change a runner
    makes is conditional on it, so a runner declared dead by the watchdog can no longer publish.
    Workbook jobs keep their file (the upload, or the export) in the private storage until ``expires_at``."""

    class State(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("计算中")
        RETRYING = "retrying", _("等待重试")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    class Kind(models.TextChoices):
        COMPUTE = "compute", _("成绩计算")
        VALIDATE = "validate", _("工作簿校验")
        IMPORT = "import", _("工作簿导入")
        EXPORT_RESULTS = "export_results", _("成绩工作簿导出")
        EXPORT_INPUT = "export_input", _("年度工作簿导出")

    ACTIVE = (State.PENDING, State.RUNNING, State.RETRYING)

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.COMPUTE)
    assessment_year = models.ForeignKey(AssessmentYear, verbose_name=_("考核年度"), on_delete=models.CASCADE, null=True, blank=True,
                                        related_name="scoring_jobs")
    organisation = models.ForeignKey("appraisal.Organisation", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+", verbose_name=_("单位"))
    # a workbook's organisation code and year (validation and import: the year may not exist yet)
    org_code = models.CharField(_("单位编码"), max_length=32, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    stage = models.CharField(_("阶段"), max_length=80, blank=True)
    message = models.TextField(_("说明"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    retry_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("重试自"))
    source = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("来源任务"))  # an import: the validation it confirms
    file = models.CharField(_("文件"), max_length=200, blank=True)  # a name in the private storage
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)  # uploaded as / offered as
    report = models.JSONField(_("结果"), default=dict, blank=True)  # problems found, preview, counts
    expires_at = models.DateTimeField(_("文件保留至"), null=True, blank=True)
    requeues = models.PositiveSmallIntegerField(_("自动重排次数"), default=0)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("发送到消息队列时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最后心跳"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("下次重试时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment_year", "kind"],
                                    condition=models.Q(state__in=["pending", "running", "retrying"]),
                                    name="scoring_job_one_active_per_year"),
            models.UniqueConstraint(fields=["org_code", "year"],
                                    condition=models.Q(state__in=["pending", "running", "retrying"], kind="import"),
                                    name="exchange_job_one_import_per_year"),
        ]

    @property
    def active(self) -> bool:
        return self.state in self.ACTIVE

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


# The leadership appraisal's team, reports, poll and ballots (a module of their own).

    def __str__(self) -> str:
        return _("%(kind)s（第 %(pk)s 号）") % {"kind": self.get_kind_display(), "pk": self.pk}
from .leadership.models import (  # noqa: E402,F401
    LeadershipCharge, LeadershipMember, LeadershipPoll, LeadershipRater, LeadershipRating, LeadershipTeam,
)

# Routine appraisal by quarters, 述职 and the development plan (a module of their own).
from .routine.models import (  # noqa: E402,F401
    DevelopmentPlan, QuarterPeerRating, QuarterSummary, ReportRound, Talk, YearReport,
)
