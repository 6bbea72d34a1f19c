"""The leadership team of a year, its reports, the poll and its ballots (DOMAIN.md §7.4)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appraisal.models import AssessmentYear, Department, Person

MEMBER_REPORT_MAX = 1500  # 述德述职述廉报告
TEAM_SUMMARY_MAX = 3000  # 班子工作总结
COMMENT_MAX = 500  # 语言评价
LEADERSHIP_GROUPS = [("群众", _("群众")), ("班子成员", _("班子成员")), ("上级领导", _("上级领导")),
                     ("自评", _("自评"))]
# who a rater is (the 自评 ballots are given by the members themselves, as 班子成员 raters)
RATER_GROUPS = LEADERSHIP_GROUPS[:3]
LEADERSHIP_GRADES = [(g, _(g)) for g in ("好", "较好", "一般", "差", "优秀", "称职", "基本称职", "不称职", "良好",
                                          "较差")]


def score_field(verbose_name):
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, null=True, blank=True)


class LeadershipTeam(models.Model):
    """The organisation's leadership team (领导班子) of one assessment year."""

    assessment_year = models.OneToOneField(AssessmentYear, verbose_name=_("考核年度"), on_delete=models.CASCADE, related_name="leadership_team")
    summary = models.TextField(_("班子述职报告"), max_length=TEAM_SUMMARY_MAX, blank=True)
    summary_updated_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    report_deadline = models.DateTimeField(_("述职截止时间"), null=True, blank=True)
    work_override = score_field(_("工作实绩（考核办录入）"))
    work_override_reason = models.TextField(_("录入原因"), blank=True)

    class Meta:
        verbose_name = _("领导班子")
        verbose_name_plural = _("领导班子")

    def __str__(self) -> str:
        return f"{self.assessment_year} 领导班子"


class LeadershipMember(models.Model):
    """A 局领导 in the team: one is the principal (主要负责人); each is in charge of departments (分管)."""

    team = models.ForeignKey(LeadershipTeam, verbose_name=_("领导班子"), on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="leadership_memberships")
    is_principal = models.BooleanField(_("主要负责人"), default=False)
    departments = models.ManyToManyField(Department, through="LeadershipCharge", related_name="+",
                                         verbose_name=_("分管部门"))
    report = models.TextField(_("述德述职述廉报告"), max_length=MEMBER_REPORT_MAX, blank=True)
    report_updated_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    in_charge_override = score_field(_("分管工作成绩（考核办录入）"))
    in_charge_override_reason = models.TextField(_("录入原因"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("班子成员")
        verbose_name_plural = _("班子成员")
        ordering = ["team", "-is_principal", "sort_order", "person__staff_id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "person"], name="leadership_member_once"),
            models.UniqueConstraint(fields=["team"], condition=models.Q(is_principal=True),
                                    name="leadership_one_principal"),
        ]

    def __str__(self) -> str:
        return str(self.person)


class LeadershipCharge(models.Model):
    """分管: a member is in charge of a department; a department has at most one member in charge."""

    team = models.ForeignKey(LeadershipTeam, verbose_name=_("领导班子"), on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(LeadershipMember, verbose_name=_("班子成员"), on_delete=models.CASCADE, related_name="charges")
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("分管部门")
        verbose_name_plural = _("分管部门")
        constraints = [models.UniqueConstraint(fields=["team", "department"], name="leadership_charge_once")]

    def __str__(self) -> str:
        return _("%(member)s 分管 %(department)s") % {"member": self.member, "department": self.department.name}


class LeadershipPoll(models.Model):
    """The year's democratic poll (民主测评) of the team and its members, opened by the office."""

    team = models.OneToOneField(LeadershipTeam, verbose_name=_("领导班子"), on_delete=models.CASCADE, related_name="poll")
    opened_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    closes_at = models.DateTimeField(_("截止时间"))
    closed = models.BooleanField(_("已结束"), default=False)

    class Meta:
        verbose_name = _("班子民主测评")
        verbose_name_plural = _("班子民主测评")

    def __str__(self) -> str:
        return _("%(year)s年度班子民主测评") % {"year": self.team.assessment_year.year}


class LeadershipRater(models.Model):
    """A rater of the poll: an account (群众 staff, 班子成员, 上级领导) or a single-use link (invited
    群众 representatives, 上级领导). Only the token's SHA-256 is kept."""

    poll = models.ForeignKey(LeadershipPoll, verbose_name=_("班子民主测评"), on_delete=models.CASCADE, related_name="raters")
    group = models.CharField(_("评价主体类别"), max_length=4, choices=RATER_GROUPS)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+")
    label = models.CharField(_("评价人"), max_length=100)
    token_hash = models.CharField(_("链接令牌摘要"), max_length=64, unique=True, null=True, blank=True)
    expires_at = models.DateTimeField(_("链接有效期"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("班子测评评价人")
        verbose_name_plural = _("班子测评评价人")
        constraints = [models.UniqueConstraint(fields=["poll", "user"], condition=models.Q(user__isnull=False),
                                               name="leadership_rater_user_once")]

    def __str__(self) -> str:
        return _("%(year)s年度班子民主测评 · %(group)s") % {"year": self.poll.team.assessment_year.year, "group": self.group}


class LeadershipRating(models.Model):
    """One ballot: a rater's grade (and optional comment, 语言评价) of the team (``member`` empty) or
    of a member. The rater is kept for the one-ballot rule and the audit trail; no page shows it."""

    poll = models.ForeignKey(LeadershipPoll, verbose_name=_("班子民主测评"), on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(LeadershipRater, verbose_name=_("评价人"), on_delete=models.CASCADE, null=True, blank=True,
                              related_name="ratings")
    rater_label = models.CharField(_("评价人"), max_length=100, blank=True)
    group = models.CharField(_("评价主体类别"), max_length=4, choices=LEADERSHIP_GROUPS)
    member = models.ForeignKey(LeadershipMember, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="ratings", verbose_name=_("被评对象"))
    grade = models.CharField(_("等次"), max_length=4, choices=LEADERSHIP_GRADES)
    comment = models.TextField(_("语言评价"), max_length=COMMENT_MAX, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("班子测评票")
        verbose_name_plural = _("班子测评票")
        constraints = [
            models.UniqueConstraint(fields=["rater", "group", "member"],
                                    condition=models.Q(rater__isnull=False, member__isnull=False),
                                    name="leadership_rating_member_once"),
            models.UniqueConstraint(fields=["rater", "group"],
                                    condition=models.Q(rater__isnull=False, member__isnull=True),
                                    name="leadership_rating_team_once"),
        ]

    def __str__(self) -> str:
        return _("%(year)s年度班子测评票（第 %(pk)s 号）") % {"year": self.poll.team.assessment_year.year, "pk": self.pk}
