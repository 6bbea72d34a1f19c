"""Routine appraisal by quarters (docs/routine.md): the quarterly summary with its self-evaluation,
the peers' evaluations, the superior's comment and grade; reminder talks; the year-end 述职 of
everyone; the development plan of the development file (绩效档案与成长导航)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appraisal.models import AssessmentYear, Department, Period, Person

from .rules import QUARTER_GRADES, REPORT_GRADES

SUMMARY_MAX = 2000  # 季度小结
COMMENT_MAX = 500  # 上级点评
REPORT_MAX = 1500  # 述德述职述廉报告 (seed 001: at most 1,500 characters)
PLAN_MAX = 1000  # 发展目标、培训安排
QUARTER_GRADE_CHOICES = [(g, _(g)) for g in QUARTER_GRADES]
REPORT_GRADE_CHOICES = [(g, _(g)) for g in REPORT_GRADES]


class QuarterSummary(models.Model):
    """季度小结: one person's summary of one quarter with a self-evaluation (个人自评); the superior's
    comment and grade (上级点评: the department's head; for a head, the leader in charge); the peer
    aggregate as it stood when the superior graded (only at or above the floor) and the quarter's grade."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="quarter_summaries",
                               verbose_name=_("季度"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="quarter_summaries",
                               verbose_name=_("填报人"))
    # the department and category at filing: who the peers and the superior are
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("部门"))
    category = models.CharField(_("人员类别"), max_length=30, blank=True)
    text = models.TextField(_("季度小结"), max_length=SUMMARY_MAX)
    self_grade = models.CharField(_("个人自评"), max_length=4, choices=QUARTER_GRADE_CHOICES)
    entries = models.ManyToManyField("tracelog.TraceEntry", blank=True, related_name="+",
                                     verbose_name=_("关联纪实"))
    indicators = models.ManyToManyField("indicators.Indicator", blank=True, related_name="+",
                                        verbose_name=_("关联指标"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)  # empty: a draft
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    superior = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("点评人"))
    superior_comment = models.TextField(_("上级点评"), max_length=COMMENT_MAX, blank=True)
    superior_grade = models.CharField(_("上级评定"), max_length=4, choices=QUARTER_GRADE_CHOICES, blank=True)
    reviewed_at = models.DateTimeField(_("点评时间"), null=True, blank=True)
    peer_grade = models.CharField(_("同类互评"), max_length=4, choices=QUARTER_GRADE_CHOICES, blank=True)
    grade = models.CharField(_("季度等次"), max_length=4, choices=QUARTER_GRADE_CHOICES, blank=True)

    class Meta:
        verbose_name = _("季度小结")
        verbose_name_plural = _("季度小结")
        ordering = ["period__number", "person__staff_id"]
        constraints = [models.UniqueConstraint(fields=["period", "person"], name="quarter_summary_once")]

    def __str__(self) -> str:
        return f"{self.person.name} {self.period}"


class QuarterPeerRating(models.Model):
    """同类互评: a colleague's grade of a submitted summary. The rater is kept for the one-ballot rule
    and the audit trail; no page shows it, and aggregates only at or above ``peer.min_raters``."""

    summary = models.ForeignKey(QuarterSummary, verbose_name=_("季度小结"), on_delete=models.CASCADE, related_name="peer_ratings")
    rater = models.ForeignKey(Person, verbose_name=_("评价人"), on_delete=models.CASCADE, related_name="+")
    grade = models.CharField(_("等次"), max_length=4, choices=QUARTER_GRADE_CHOICES)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("同类互评")
        verbose_name_plural = _("同类互评")
        constraints = [models.UniqueConstraint(fields=["summary", "rater"], name="quarter_peer_rating_once")]

    def __str__(self) -> str:
        return _("%(summary)s 同类互评票（第 %(pk)s 号）") % {"summary": self.summary, "pk": self.pk}


class TalkKind(models.TextChoices):
    REMINDER = "reminder", _("谈话提醒")
    ADMONISHMENT = "admonishment", _("诫勉谈话")


class Talk(models.Model):
    """A talk with a person and its follow-up: 谈话提醒 after a quarter graded 一般 or 较差 (created by the
    superior's grade, due within ``routine.talk_days``), or 诫勉谈话 (entered by the office). The talker
    records the talk and a deadline to improve (限期改进); the follow-up closes it."""

    assessment_year = models.ForeignKey(AssessmentYear, on_delete=models.CASCADE, related_name="talks",
                                        verbose_name=_("考核年度"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="talks", verbose_name=_("谈话对象"))
    kind = models.CharField(_("类型"), max_length=12, choices=TalkKind.choices, default=TalkKind.REMINDER)
    summary = models.OneToOneField(QuarterSummary, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="talk", verbose_name=_("季度小结"))
    reason = models.CharField(_("事由"), max_length=200)
    due_on = models.DateField(_("谈话期限"))
    held_on = models.DateField(_("谈话日期"), null=True, blank=True)
    talker = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("谈话人"))
    notes = models.TextField(_("谈话内容"), max_length=1000, blank=True)
    improve_by = models.DateField(_("限期改进至"), null=True, blank=True)
    follow_up = models.TextField(_("改进情况"), max_length=1000, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("谈话")
        verbose_name_plural = _("谈话")
        ordering = ["-assessment_year__year", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.person.name} {self.get_kind_display()}"

    @property
    def state(self) -> str:
        if self.closed_at:
            return "closed"
        return "held" if self.held_on else "open"

    def get_state_display(self) -> str:
        return {"closed": _("已办结"), "held": _("已谈话，待改进"), "open": _("待谈话")}[self.state]


class ReportRound(models.Model):
    """The year-end 述职 of everyone, opened by the office with a deadline."""

    assessment_year = models.OneToOneField(AssessmentYear, verbose_name=_("考核年度"), on_delete=models.CASCADE, related_name="report_round")
    deadline = models.DateTimeField(_("述职截止时间"))
    opened_at = models.DateTimeField(_("发起时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("年终述职")
        verbose_name_plural = _("年终述职")

    def __str__(self) -> str:
        return _("%(year)s年度年终述职") % {"year": self.assessment_year.year}


class YearReport(models.Model):
    """述德述职述廉报告 of one person for one year (≤ 1,500 characters) with the self-assessment grade;
    read by the person's head, the leaders and the office; part of the development file."""

    assessment_year = models.ForeignKey(AssessmentYear, on_delete=models.CASCADE, related_name="year_reports",
                                        verbose_name=_("考核年度"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="year_reports",
                               verbose_name=_("述职人"))
    text = models.TextField(_("述德述职述廉报告"), max_length=REPORT_MAX)
    self_grade = models.CharField(_("自评等次"), max_length=4, choices=REPORT_GRADE_CHOICES)
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("述职报告")
        verbose_name_plural = _("述职报告")
        constraints = [models.UniqueConstraint(fields=["assessment_year", "person"], name="year_report_once")]

    def __str__(self) -> str:
        return _("%(name)s %(year)s年度述职报告") % {"name": self.person.name, "year": self.assessment_year.year}


class DevelopmentPlan(models.Model):
    """成长导航: the goals and training the head and the person agree for a year. Either may edit;
    an edit withdraws the other side's agreement, so an agreed plan is the text both confirmed."""

    assessment_year = models.ForeignKey(AssessmentYear, on_delete=models.CASCADE, related_name="development_plans",
                                        verbose_name=_("考核年度"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="development_plans",
                               verbose_name=_("人员"))
    goals = models.TextField(_("发展目标"), max_length=PLAN_MAX)
    training = models.TextField(_("培训安排"), max_length=PLAN_MAX, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("更新人"), on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    person_agreed_at = models.DateTimeField(_("本人确认时间"), null=True, blank=True)
    head_agreed_at = models.DateTimeField(_("负责人确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发展计划")
        verbose_name_plural = _("发展计划")
        constraints = [models.UniqueConstraint(fields=["assessment_year", "person"], name="development_plan_once")]

    @property
    def agreed(self) -> bool:
        return bool(self.person_agreed_at and self.head_agreed_at)

    def __str__(self) -> str:
        return _("%(name)s %(year)s年度发展计划") % {"name": self.person.name, "year": self.assessment_year.year}


class PeerGroup(models.Model):
    """互评小组: people the office puts together for a year's peer evaluation, across departments (e.g.
    the 专业技术类 of several small departments, or a team). A member's peers are the group's other
    active members instead of the department's colleagues of the same category (``people.peers_of``)."""

    assessment_year = models.ForeignKey(AssessmentYear, on_delete=models.CASCADE, related_name="peer_groups",
                                        verbose_name=_("考核年度"))
    name = models.CharField(_("小组名称"), max_length=60)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("互评小组")
        verbose_name_plural = _("互评小组")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["assessment_year", "name"], name="peer_group_name_once")]

    def __str__(self) -> str:
        return self.name


class PeerGroupMember(models.Model):
    """One person in one group; a person is in at most one group of a year."""

    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="memberships",
                              verbose_name=_("互评小组"))
    assessment_year = models.ForeignKey(AssessmentYear, on_delete=models.CASCADE, related_name="+",
                                        verbose_name=_("考核年度"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="peer_group_memberships",
                               verbose_name=_("成员"))

    class Meta:
        verbose_name = _("互评小组成员")
        verbose_name_plural = _("互评小组成员")
        constraints = [models.UniqueConstraint(fields=["assessment_year", "person"], name="peer_group_member_once")]

    def __str__(self) -> str:
        return _("%(name)s（%(group)s）") % {"name": self.person.name, "group": self.group.name}
