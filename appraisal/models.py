"""The organisation core: organisations, departments, people, years with their scheme, periods,
role assignments and the audit log (DOMAIN.md §1–2, §8; SECURITY.md)."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import formats


class Organisation(models.Model):
    code = models.CharField(_("单位编码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DepartmentGroup(models.TextChoices):
    COMPREHENSIVE = "综合", _("综合部门组")
    BUSINESS = "业务", _("业务部门组")
    INSTITUTION = "事业", _("事业单位组")


class Department(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="departments",
                                     verbose_name=_("单位"))
    code = models.CharField(_("部门编码"), max_length=32)
    name = models.CharField(_("部门名称"), max_length=100)
    group = models.CharField(_("部门分组"), max_length=8, choices=DepartmentGroup.choices)
    head = models.ForeignKey("Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("负责人"))
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["organisation", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="department_code_unique")]

    def __str__(self) -> str:
        return self.name


class Position(models.TextChoices):
    LEADER = "局领导", _("局领导")
    HEAD = "部门负责人", _("部门负责人")
    STAFF = "一般干部", _("一般干部")


class Person(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people",
                                     verbose_name=_("单位"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="members", verbose_name=_("部门"))
    staff_id = models.CharField(_("工号"), max_length=32)
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务类型"), max_length=8, choices=Position.choices, default=Position.STAFF)
    category = models.CharField(_("人员类别"), max_length=30, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="person", verbose_name=_("登录账号"))
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_active = models.BooleanField(_("在职"), default=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["organisation", "staff_id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "staff_id"], name="person_staff_id_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{self.staff_id}）"


class AssessmentYear(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="years",
                                     verbose_name=_("单位"))
    year = models.PositiveIntegerField(_("考核年度"))

    class Meta:
        verbose_name = _("考核年度")
        verbose_name_plural = _("考核年度")
        ordering = ["organisation", "-year"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="assessment_year_unique")]

    def __str__(self) -> str:
        return f"{self.organisation.name} {self.year}年度"


class LeaveRecord(models.Model):
    """Months of personal or sick leave a person took in one assessment year (DOMAIN.md §7.2)."""

    assessment_year = models.ForeignKey(AssessmentYear, verbose_name=_("考核年度"), on_delete=models.CASCADE, related_name="leave_records")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="leave_records")
    months = models.PositiveSmallIntegerField(_("请假月数"), default=0)

    class Meta:
        verbose_name = _("请假记录")
        verbose_name_plural = _("请假记录")
        constraints = [
            models.UniqueConstraint(fields=["assessment_year", "person"], name="leave_record_unique"),
            models.CheckConstraint(condition=models.Q(months__lte=12), name="leave_months_at_most_12"),
        ]

    def __str__(self) -> str:
        return _("%(name)s %(year)s年度请假 %(n)s 个月") % {"name": self.person.name, "year": self.assessment_year.year, "n": self.months}


class Scheme(models.Model):
    """The scheme (考核方案) of one organisation-year: every key of EXCHANGE.md with its value.

    Values are kept as decimal strings in a JSON object so that the set of keys stays the one
    defined in appraisal/scheme.py; ``appraisal.services.scheme_update`` validates them.
    """

    assessment_year = models.OneToOneField(AssessmentYear, verbose_name=_("考核年度"), on_delete=models.CASCADE, related_name="scheme")
    values = models.JSONField(_("参数"), default=dict)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")

    def as_decimals(self) -> dict[str, Decimal]:
        from appraisal.scheme import SCHEME_MONTH_LISTS, merge_scheme

        return merge_scheme({key: Decimal(str(value)) for key, value in self.values.items()
                             if key not in SCHEME_MONTH_LISTS})

    def month_list(self, key: str) -> tuple[int, ...]:
        """A month-list key (e.g. ``warning.months``) as a tuple, its default when unset or unreadable."""
        from appraisal.scheme import SCHEME_MONTH_LISTS, parse_months

        try:
            return parse_months(self.values[key]) if key in self.values else SCHEME_MONTH_LISTS[key]
        except ValueError:
            return SCHEME_MONTH_LISTS[key]

    def __str__(self) -> str:
        return _("%(year)s 考核方案") % {"year": self.assessment_year}


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月度")
    HALF = "half", _("半年")
    YEAR = "year", _("年度")
    QUARTER = "quarter", _("季度")  # routine appraisal (docs/routine.md), when the scheme switches it on


class PeriodState(models.TextChoices):
    OPEN = "open", _("填报")
    SCORING = "scoring", _("评分")
    PUBLICITY = "publicity", _("公示")
    LOCKED = "locked", _("锁定")


class Period(models.Model):
    assessment_year = models.ForeignKey(AssessmentYear, on_delete=models.CASCADE, related_name="periods",
                                        verbose_name=_("考核年度"))
    kind = models.CharField(_("周期类型"), max_length=8, choices=PeriodKind.choices)
    number = models.PositiveSmallIntegerField(_("序号"), help_text=_("月份 1–12，季度 1–4，半年 1–2，年度 1"))
    state = models.CharField(_("状态"), max_length=10, choices=PeriodState.choices, default=PeriodState.OPEN)
    state_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    # The publicity window (DOMAIN.md §8): the day the period entered publicity and the last
    # working day of the window on the official calendar (appraisal.workdays).
    publicity_started_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    # Set when the pipeline first wrote the figures published with the period; from then on the
    # figures are frozen while the period is in publicity or locked (scoring.services).
    published_at = models.DateTimeField(_("成绩公布时间"), null=True, blank=True)
    # Never cleared: a period published once notifies every later change of a figure (old → new).
    first_published_at = models.DateTimeField(_("首次公布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核周期")
        verbose_name_plural = _("考核周期")
        ordering = ["assessment_year", "kind", "number"]
        constraints = [models.UniqueConstraint(fields=["assessment_year", "kind", "number"], name="period_unique")]

    def __str__(self) -> str:
        return formats.period(self.kind, self.number, self.assessment_year.year)

    @property
    def label(self) -> str:
        """The period inside its year (12月, 上半年, 第1季度, 全年), in the active language."""
        return formats.period_short(self.kind, self.number)

    @property
    def is_locked(self) -> bool:
        return self.state == PeriodState.LOCKED


class OfficeCalendarDay(models.Model):
    """A day of the office's own holiday table, used for years the official calendar package
    does not know yet: a holiday on a weekday, or an adjusted working Saturday/Sunday (调休上班)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="calendar_days",
                                     verbose_name=_("单位"))
    day = models.DateField(_("日期"))
    is_workday = models.BooleanField(_("上班"), default=False, help_text=_("勾选表示调休上班，不勾选表示放假"))
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["organisation", "day"]
        constraints = [models.UniqueConstraint(fields=["organisation", "day"], name="office_calendar_day_unique")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}"


class Role(models.TextChoices):
    OFFICE = "office", _("考核办")
    LEADER = "leader", _("局领导")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")


ADMIN_ROLES = (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR)


class RoleAssignment(models.Model):
    """An explicit role of an account. Civil servant and department head are not assigned here:
    they follow from the account's person record and the department's named head."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments",
                             verbose_name=_("账号"))
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="role_assignments", verbose_name=_("单位"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_assignment_unique"),
            # 三员分立 in the database: at most one of the three administrator roles per account
            models.UniqueConstraint(fields=["user"], condition=models.Q(role__in=["sysadmin", "secadmin", "auditor"]),
                                    name="one_administrator_role_per_account"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class AssessorDesignation(models.Model):
    """An account that the head of an assessing department designates (its 统计员, say) to enter the
    scores of the indicators the department assesses (考核主体), as the head does. The account must
    belong to a member of that department; the designation lapses when the person leaves it."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="assessor_designations",
                                   verbose_name=_("考核主体部门"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessor_designations",
                             verbose_name=_("账号"))
    designated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("指定人"))
    created_at = models.DateTimeField(_("指定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评分员指定")
        verbose_name_plural = _("评分员指定")
        constraints = [models.UniqueConstraint(fields=["department", "user"], name="assessor_designation_unique")]

    def __str__(self) -> str:
        return f"{self.department} · {self.user}"


class AuditEventQuerySet(models.QuerySet):
    """Bulk updates and deletes would bypass the append-only rule; only the retention purge deletes."""

    def update(self, **kwargs):
        raise RuntimeError("审计事件只能追加，不能修改。")

    def delete(self):
        raise RuntimeError("审计事件不能删除。")

    def _purge(self):
        return super().delete()


class AuditEvent(models.Model):
    """One line of the append-only, hash-chained audit log (SECURITY.md items 15–17).

    Written only through ``appraisal.audit.record``; the application has no update or delete
    path and, on PostgreSQL, a trigger refuses both (except purging rows past retention).
    """

    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", db_constraint=False, verbose_name=_("操作人"))
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    action = models.CharField(_("事件"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    organisation_id = models.BigIntegerField(_("单位编号"), null=True, blank=True, db_index=True)
    old_value = models.JSONField(_("原值"), null=True, blank=True)
    new_value = models.JSONField(_("新值"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    prev_hash = models.CharField(_("前序哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("审计事件只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("审计事件不能删除。")


class AccountFlag(models.Model):
    """Per-account security flags: an account created by an administrator must change its
    password at first login (SECURITY.md item 2)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="account_flag")
    must_change_password = models.BooleanField(_("首次登录须修改密码"), default=False)

    class Meta:
        verbose_name = _("账号安全标记")
        verbose_name_plural = _("账号安全标记")

    def __str__(self) -> str:
        return _("%(user)s 的安全标记") % {"user": self.user}


class PasswordResetState(models.TextChoices):
    PENDING = "pending", _("待批准")
    DONE = "done", _("已重置")
    REJECTED = "rejected", _("已拒绝")
    EXPIRED = "expired", _("已过期")


class PasswordReset(models.Model):
    """A password reset of an account by the system administrator (appraisal.accounts).

    An ordinary account is reset at once. An administrator's account needs a second
    administrator's approval (two-person rule) and the new password is split: the requester
    is shown one half at request time, the approver the other half at approval; neither alone
    can sign in. ``first_half`` is kept only until the approval sets the password.
    """

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_resets",
                                verbose_name=_("账号"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    reason = models.CharField(_("原因"), max_length=500)
    approver_role = models.CharField(_("审批角色"), max_length=10, choices=Role.choices, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=PasswordResetState.choices,
                             default=PasswordResetState.PENDING)
    first_half = models.CharField(_("临时密码前半段"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("密码重置")
        verbose_name_plural = _("密码重置")
        ordering = ["-requested_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["account"], condition=models.Q(state="pending"),
                                               name="one_pending_reset_per_account")]

    def __str__(self) -> str:
        return f"{self.account} · {self.get_state_display()}"


class SecondFactorPolicy(models.Model):
    """Whether a role must sign in with a second factor (TOTP, SECURITY.md item 5). Set by the
    security administrator (appraisal.otp.policy_set); a role without a row is not required."""

    role = models.CharField(_("角色"), max_length=10, unique=True)
    required = models.BooleanField(_("必须启用"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("二次验证策略")
        verbose_name_plural = _("二次验证策略")

    def __str__(self) -> str:
        return f"{self.role}: {self.required}"


class ServiceBeat(models.Model):
    """The last run of a periodic task, written by the task itself: the health page reads from it
    that Celery beat schedules and a worker executes (issue 15)."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    at = models.DateTimeField(_("最后运行时间"))

    class Meta:
        verbose_name = _("定时任务运行记录")
        verbose_name_plural = _("定时任务运行记录")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M}" if self.at else self.name
