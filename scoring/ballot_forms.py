"""Forms of the office's 360° pages. The ballots themselves are grids of radio buttons parsed in
the views (``g<id>`` → grade) and validated by the services."""
from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.models import ADMIN_ROLES, Period, PeriodKind, Position, Role

from .ballots import INTERNAL_GROUPS, SATISFACTION_STATES
from .models import EXTERNAL_GROUPS

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL)


class SatisfactionOpenForm(forms.Form):
    period = forms.ModelChoiceField(label=_("半年周期"), queryset=Period.objects.none(),
                                    empty_label=None)
    closes_at = forms.DateTimeField(label=_("截止时间"), widget=DateTimeLocalInput(),
                                    input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"])

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = (
            Period.objects.filter(assessment_year__organisation=organisation, kind=PeriodKind.HALF,
                                  state__in=SATISFACTION_STATES, satisfaction_evaluation__isnull=True)
            .select_related("assessment_year").order_by("-assessment_year__year", "number"))
        self.fields["period"].label_from_instance = lambda p: str(p)

    def clean_closes_at(self):
        value = self.cleaned_data["closes_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("截止时间须晚于当前时间。"))
        return value


def internal_accounts(organisation):
    """Accounts that may rate in an internal group: people of the organisation and its leaders;
    never an administrator (三员分立)."""
    User = get_user_model()
    return (User.objects.filter(is_active=True)
            .filter(Q(person__organisation=organisation, person__is_active=True)
                    | Q(role_assignments__role=Role.LEADER, role_assignments__organisation=organisation))
            .exclude(role_assignments__role__in=ADMIN_ROLES)
            .select_related("person__department").distinct()
            .order_by("person__department__sort_order", "person__department__code", "person__staff_id", "username"))


def _account_label(account) -> str:
    person = getattr(account, "person", None)
    if person is None:
        return f"{account.username}"
    where = person.department.name if person.department_id else Position.LEADER.label
    return f"{person.name} · {where} · {person.get_position_display()}"


class InternalRatersForm(forms.Form):
    group = forms.ChoiceField(label=_("评价主体类别"), choices=[(g, g) for g in INTERNAL_GROUPS])
    accounts = forms.ModelMultipleChoiceField(label=_("评价人账号"), queryset=get_user_model().objects.none(),
                                              required=False, widget=forms.SelectMultiple(attrs={"size": 8}),
                                              help_text=_("按住 Ctrl 可多选。机关部门组的评价人不评本部门。"))
    all_heads = forms.BooleanField(label=_("添加全部部门负责人（机关部门组）"), required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = internal_accounts(organisation)
        self.fields["accounts"].label_from_instance = _account_label
        self.organisation = organisation

    def clean(self):
        data = super().clean()
        if data.get("all_heads"):
            if data.get("group") != "机关部门":
                self.add_error("all_heads", _("“全部部门负责人”只能加入机关部门组。"))
            data["accounts"] = self._heads()
        if not data.get("accounts"):
            self.add_error("accounts", _("请选择评价人账号。"))
        return data

    def _heads(self):
        from appraisal.models import Department

        head_ids = Department.objects.filter(organisation=self.organisation, is_active=True,
                                             head__user__isnull=False).values_list("head__user_id", flat=True)
        return list(get_user_model().objects.filter(pk__in=list(head_ids), is_active=True))


class LinksForm(forms.Form):
    group = forms.ChoiceField(label=_("评价主体类别"), choices=[(g, g) for g in EXTERNAL_GROUPS])
    label = forms.CharField(label=_("评价人名称"), max_length=90, required=False,
                            help_text=_("如“某某企业代表”；生成多个链接时自动编号。留空则使用类别名称。"))
    count = forms.IntegerField(label=_("生成数量"), min_value=1, max_value=50, initial=1)
    expires_at = forms.DateTimeField(label=_("链接有效期至"), required=False, widget=DateTimeLocalInput(),
                                     input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
                                     help_text=_("留空则到测评截止时间为止。"))

    def labels(self) -> list[str]:
        base = self.cleaned_data["label"].strip() or self.cleaned_data["group"]
        count = self.cleaned_data["count"]
        if count == 1 and self.cleaned_data["label"].strip():
            return [base]
        return [f"{base} {index}" for index in range(1, count + 1)]
