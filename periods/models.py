"""Objections (异议) to published figures during publicity (DOMAIN.md §8)."""
import os

from django.conf import settings
from django.db import models
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from appraisal.models import Period, Person
from tracelog.models import private_storage


class Figure(models.TextChoices):
    """The published figures a person may object to, by the kind of period they belong to."""

    MONTHLY_SCORE = "monthly_score", _("月度得分")
    MONTHLY_GRADE = "monthly_grade", _("月度等次")
    WORKLOAD = "workload_coefficient", _("工作量系数")
    HALF_SCORE = "half_score", _("半年得分")
    ANNUAL_SCORE = "annual_score", _("年度得分")
    ANNUAL_GRADE = "grade", _("年度等次")
    BONUS = "bonus_coefficient", _("奖金系数")


FIGURES_OF_KIND = {
    "month": (Figure.MONTHLY_SCORE, Figure.MONTHLY_GRADE, Figure.WORKLOAD),
    "half": (Figure.HALF_SCORE,),
    "year": (Figure.ANNUAL_SCORE, Figure.ANNUAL_GRADE, Figure.BONUS),
}


def objection_evidence_path(instance, filename: str) -> str:
    _stem, extension = os.path.splitext(filename)
    return f"objections/{get_random_string(2, 'abcdef0123456789')}/{get_random_string(32)}{extension.lower()[:6]}"


class Objection(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("未采纳")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="objections",
                               verbose_name=_("考核周期"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="objections", verbose_name=_("提出人"))
    figure = models.CharField(_("异议事项"), max_length=24, choices=Figure.choices)
    published_value = models.CharField(_("公示值"), max_length=20, blank=True)
    reason = models.TextField(_("异议理由"))
    evidence_text = models.TextField(_("佐证说明"), blank=True)
    evidence_file = models.FileField(_("佐证材料"), storage=private_storage, upload_to=objection_evidence_path,
                                     max_length=200, blank=True)
    evidence_name = models.CharField(_("文件名"), max_length=200, blank=True)
    evidence_content_type = models.CharField(_("佐证材料类型"), max_length=100, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    answer = models.TextField(_("答复"), blank=True)
    changes = models.JSONField(_("更正前后"), default=list, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("处理人"))

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["period", "person", "figure"],
                                               condition=models.Q(state="open"), name="objection_open_once")]

    def __str__(self) -> str:
        return f"{self.person.name} {self.period} {self.get_figure_display()}"

