from django.db import models
from django.utils.translation import gettext_lazy as _

from appraisal.models import Person

ANNUAL_GRADES = [("优秀", _("优秀")), ("称职", _("称职")), ("基本称职", _("基本称职")), ("不称职", _("不称职")),
                 ("不定等次", _("不定等次"))]


class GradeHistory(models.Model):
    """A person's annual grade of an earlier year (历史等次), for merit runs (DOMAIN.md §7.3)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="grade_history")
    year = models.PositiveIntegerField(_("年度"))
    grade = models.CharField(_("等次"), max_length=6, choices=ANNUAL_GRADES)

    class Meta:
        verbose_name = _("历史等次")
        verbose_name_plural = _("历史等次")
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="grade_history_once")]
