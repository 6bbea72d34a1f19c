"""The indicator system of one organisation-year (DOMAIN.md §3): the tree of indicators with their
nine attributes, responsibility weights (one person one table) and the scores entered for leaves."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal import formats
from appraisal.models import AssessmentYear, Department, Period, Person


class Category(models.TextChoices):
    COMMON = "共同类", _("共同类")
    MANAGEMENT = "管理类", _("管理类")
    BUSINESS = "业务类", _("业务类")


class Cycle(models.TextChoices):
    MONTHLY = "月度", _("月度")
    HALF_YEARLY = "半年", _("半年")
    YEARLY = "年度", _("年度")


class Kind(models.TextChoices):
    REGULAR = "常规", _("常规")
    BONUS = "加分", _("加分")
    DEDUCTION = "扣分", _("扣分")
    VETO = "否决", _("否决")


class Importance(models.TextChoices):
    MAIN = "主要", _("主要")
    GENERAL = "一般", _("一般")


class Indicator(models.Model):
    assessment_year = models.ForeignKey(AssessmentYear, on_delete=models.CASCADE, related_name="indicators",
                                        verbose_name=_("考核年度"))
    code = models.CharField(_("指标编码"), max_length=40)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("上级指标"))
    name = models.CharField(_("指标名称"), max_length=200)
    category = models.CharField(_("指标类别"), max_length=8, choices=Category.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="indicators", verbose_name=_("责任部门"))
    full_score = models.DecimalField(_("分值"), max_digits=8, decimal_places=2, null=True, blank=True)
    bonus_cap = models.DecimalField(_("加分上限"), max_digits=8, decimal_places=2, default=0)
    cycle = models.CharField(_("考核周期"), max_length=4, choices=Cycle.choices, blank=True)
    kind = models.CharField(_("指标性质"), max_length=4, choices=Kind.choices, default=Kind.REGULAR)
    importance = models.CharField(_("重要程度"), max_length=4, choices=Importance.choices, blank=True)
    # The nine attributes (九大属性) beyond name, full score and responsible persons.
    content = models.TextField(_("考核内容"), blank=True)
    target = models.TextField(_("目标"), blank=True)
    basis = models.TextField(_("设置依据"), blank=True)
    data_source = models.CharField(_("数据来源"), max_length=200, blank=True)
    scoring_standard = models.TextField(_("评分标准"), blank=True)
    # 考核主体: the department whose head (and the accounts the head designates) enters this leaf's
    # scores; empty means the assessment office (考核办). Kept per year with the rest of the plan.
    assessor_department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="assessed_indicators", verbose_name=_("考核主体"))
    # How a score is obtained: entered by hand, or computed from an actual value (indicators.standards).
    standard_key = models.CharField(_("计分方式"), max_length=20, default="manual")
    standard_params = models.JSONField(_("计分参数"), default=dict, blank=True)
    # Common leaves may apply to chosen personnel categories only (一套题目、几张试卷); empty: everybody.
    person_categories = models.JSONField(_("适用人员类别"), default=list, blank=True)
    # DOMAIN.md §9: the leaves of one shared indicator (every department's 办文办公, say) carry its name,
    # so that departments can be compared on it (per-indicator analysis, bottom three in warnings).
    shared = models.CharField(_("共享指标"), max_length=100, blank=True, db_index=True)
    # Stage targets of the pre-appraisal (预考核): month -> the year-to-date score rate (percent) the
    # plan expects by the end of that month; a warning then compares progress against it.
    stage_targets = models.JSONField(_("阶段目标"), default=dict, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["assessment_year", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment_year", "code"], name="indicator_code_unique"),
            models.CheckConstraint(condition=Q(bonus_cap__gte=0), name="indicator_bonus_cap_non_negative",
                                   violation_error_message=_("加分上限不能小于 0")),
            models.CheckConstraint(condition=Q(full_score__isnull=True) | Q(full_score__gt=0),
                                   name="indicator_full_score_positive",
                                   violation_error_message=_("末级指标的分值须大于 0")),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def max_score(self):
        return (self.full_score or 0) + self.bonus_cap

    @property
    def assessor_label(self) -> str:
        return self.assessor_department.name if self.assessor_department_id else str(_("考核办"))

    def applies_to(self, person_category: str) -> bool:
        """Whether this (common) leaf applies to a person of the given personnel category."""
        return not self.person_categories or person_category in self.person_categories


class ResponsibilityWeight(models.Model):
    """责任比重: the share (percent) of an indicator that a member of its department carries."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="weights",
                                  verbose_name=_("指标"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="responsibility_weights",
                               verbose_name=_("责任人"))
    weight = models.DecimalField(_("比重（%）"), max_digits=7, decimal_places=4)

    class Meta:
        verbose_name = _("责任比重")
        verbose_name_plural = _("责任比重")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "person"], name="weight_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0) & Q(weight__lte=100), name="weight_in_range",
                                   violation_error_message=_("责任比重须大于 0 且不超过 100")),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.indicator.name} · {self.person.name} {formats.plain_decimal(self.weight)}%"


class ScoreStatus(models.TextChoices):
    """Where a leaf's score is on its way from the assessor to the pipeline: only approved scores
    are computed. The office's own entries and imports are approved as they are written."""
    DRAFT = "draft", _("未提交")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审定")


class Reviewed(models.Model):
    """The review state an assessor's score goes through (submit, then approve or return)."""

    status = models.CharField(_("审核状态"), max_length=10, choices=ScoreStatus.choices, default=ScoreStatus.APPROVED,
                              db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_reason = models.TextField(_("退回原因"), blank=True)

    class Meta:
        abstract = True


class IndicatorScore(Reviewed):
    """The score of a management or business leaf for one month or half (entered or computed).

    When the score was computed from an actual value, the value, the scoring standard and its
    parameters at that moment are kept with it, so the figure can be explained later."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="scores",
                                  verbose_name=_("指标"))
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="indicator_scores",
                               verbose_name=_("考核周期"))
    score = models.DecimalField(_("得分"), max_digits=8, decimal_places=2)
    actual_value = models.CharField(_("实际值"), max_length=100, blank=True)
    standard_key = models.CharField(_("计分方式"), max_length=20, blank=True)
    standard_params = models.JSONField(_("计分参数"), default=dict, blank=True)
    comment = models.TextField(_("说明"), blank=True)
    evidence_ref = models.CharField(_("佐证材料"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="indicator_score_unique"),
            models.CheckConstraint(condition=Q(score__gte=0), name="indicator_score_non_negative",
                                   violation_error_message=_("得分不能小于 0")),
        ]

    @property
    def explanation(self) -> str:
        """How a computed score came about, from the value and the standard kept with it."""
        if not self.standard_key:
            return ""
        from .entry_rules import LeafRule, explain

        return explain(LeafRule("", Decimal(0), Decimal(0), self.standard_key, self.standard_params or {}),
                       self.actual_value, self.score)

    def __str__(self) -> str:
        return _("%(code)s %(name)s %(period)s 得分") % {"code": self.indicator.code, "name": self.indicator.name, "period": self.period}


class CommonScore(Reviewed):
    """A person's year-end score of a common leaf: the score (常规), points (加分 / 扣分) or the
    veto mark 0/1 (否决). Entered by the office, or by the leaf's assessor and then approved."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="common_scores",
                                  verbose_name=_("指标"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="common_scores",
                               verbose_name=_("人员"))
    value = models.DecimalField(_("得分"), max_digits=8, decimal_places=2)
    comment = models.TextField(_("说明"), blank=True)
    evidence_ref = models.CharField(_("佐证材料"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("共同类得分")
        verbose_name_plural = _("共同类得分")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "person"], name="common_score_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="common_score_non_negative",
                                   violation_error_message=_("得分不能小于 0")),
        ]

    def __str__(self) -> str:
        return _("%(code)s %(name)s · %(person)s 得分") % {"code": self.indicator.code, "name": self.indicator.name, "person": self.person.name}


class PlanChange(models.Model):
    """A change of the plan made after a period of the year left 填报 (DOMAIN.md §8): it takes effect
    from ``effective_month``; earlier periods keep ``old_value`` (scoring.plan_versions)."""

    class Field(models.TextChoices):
        FULL_SCORE = "full_score", _("分值")
        BONUS_CAP = "bonus_cap", _("加分上限")
        CYCLE = "cycle", _("考核周期")
        KIND = "kind", _("指标性质")
        WEIGHT = "weight", _("责任比重")

    assessment_year = models.ForeignKey(AssessmentYear, on_delete=models.CASCADE, related_name="plan_changes",
                                        verbose_name=_("考核年度"))
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="plan_changes",
                                  verbose_name=_("指标"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("责任人"))
    field = models.CharField(_("调整事项"), max_length=12, choices=Field.choices)
    old_value = models.CharField(_("原值"), max_length=40, null=True, blank=True)
    new_value = models.CharField(_("新值"), max_length=40, null=True, blank=True)
    effective_month = models.PositiveSmallIntegerField(_("生效月份"))
    reason = models.TextField(_("调整依据"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("调整人"), on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    changed_at = models.DateTimeField(_("调整时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("指标体系调整")
        verbose_name_plural = _("指标体系调整")
        ordering = ["assessment_year", "id"]
        constraints = [models.CheckConstraint(condition=Q(effective_month__gte=1) & Q(effective_month__lte=12),
                                              name="plan_change_month_in_year")]

    def __str__(self) -> str:
        return _("%(code)s 指标调整（%(month)s月起）") % {"code": self.indicator.code if self.indicator_id else "", "month": self.effective_month}
