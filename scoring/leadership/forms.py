"""Forms of the leadership pages. The team editor and the ballot are grids parsed in the views and
validated by the services."""
from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.models import ADMIN_ROLES
from scoring import leadership_rules as lr
from scoring.ballot_forms import DATETIME_LOCAL, DateTimeLocalInput, LinksForm

from .models import MEMBER_REPORT_MAX, TEAM_SUMMARY_MAX

INPUT_FORMATS = [DATETIME_LOCAL, "%Y-%m-%d %H:%M"]


class PollOpenForm(forms.Form):
    closes_at = forms.DateTimeField(label=_("测评截止时间"), widget=DateTimeLocalInput(), input_formats=INPUT_FORMATS)

    def clean_closes_at(self):
        value = self.cleaned_data["closes_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("截止时间须晚于当前时间。"))
        return value


class DeadlineForm(forms.Form):
    report_deadline = forms.DateTimeField(label=_("述职报告截止时间"), required=False, widget=DateTimeLocalInput(),
                                          input_formats=INPUT_FORMATS, help_text=_("留空则不设截止时间。"))


class LeadershipLinksForm(LinksForm):
    group = forms.ChoiceField(label=_("评价主体类别"), choices=[(lr.MASSES, _("群众（特邀代表）")),
                                                          (lr.SUPERIORS, _("上级领导"))])


def _account_label(account) -> str:
    person = getattr(account, "person", None)
    return f"{person.name}（{account.username}）" if person is not None else account.username


class SuperiorsForm(forms.Form):
    accounts = forms.ModelMultipleChoiceField(label=_("上级领导账号"), queryset=get_user_model().objects.none(),
                                              widget=forms.SelectMultiple(attrs={"size": 6}),
                                              help_text=_("按住 Ctrl 可多选。没有账号的上级领导请使用一次性链接。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = (get_user_model().objects.filter(is_active=True)
                                            .exclude(role_assignments__role__in=ADMIN_ROLES)
                                            .select_related("person").order_by("username"))
        self.fields["accounts"].label_from_instance = _account_label


class ReportForm(forms.Form):
    text = forms.CharField(label=_("述德述职述廉报告"), max_length=MEMBER_REPORT_MAX,
                           widget=forms.Textarea(attrs={"rows": 12, "maxlength": MEMBER_REPORT_MAX}))


class SummaryForm(forms.Form):
    text = forms.CharField(label=_("班子述职报告"), max_length=TEAM_SUMMARY_MAX,
                           widget=forms.Textarea(attrs={"rows": 14, "maxlength": TEAM_SUMMARY_MAX}))


class OverrideForm(forms.Form):
    score = forms.DecimalField(label=_("得分"), min_value=0, max_value=100, decimal_places=2, max_digits=5,
                               required=False, help_text=_("留空表示撤销录入，恢复按部门年度得分计算。"))
    reason = forms.CharField(label=_("原因"), max_length=500)
