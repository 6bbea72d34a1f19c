from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal.models import Department

from .models import Indicator
from .params_text import parse_params, render_params


def standard_choices():
    from .standards import STANDARDS

    return [(key, spec.label) for key, spec in STANDARDS.items()]


class IndicatorForm(forms.ModelForm):
    standard_params_text = forms.CharField(
        label=_("计分参数"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个“参数=值”，如：目标值（%）=95；级别分值写作 国家级:5、省级:3"))
    reason = forms.CharField(label=_("修改原因"), required=False, max_length=500)

    class Meta:
        model = Indicator
        fields = ["code", "name", "parent", "category", "department", "full_score", "bonus_cap", "cycle", "kind",
                  "importance", "content", "target", "basis", "data_source", "scoring_standard", "assessor",
                  "standard_key", "person_category", "sort_order"]
        widgets = {name: forms.Textarea(attrs={"rows": 2})
                   for name in ("content", "target", "basis", "scoring_standard")}

    def __init__(self, *args, assessment_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.assessment_year = assessment_year
        self.fields["parent"].queryset = (Indicator.objects.filter(assessment_year=assessment_year)
                                          .exclude(pk=self.instance.pk).order_by("code"))
        self.fields["department"].queryset = Department.objects.filter(organisation_id=assessment_year.organisation_id)
        self.fields["category"].required = False
        self.fields["category"].help_text = _("一级指标必填；下级指标自动沿用一级指标的类别")
        self.fields["standard_key"] = forms.ChoiceField(label=_("计分方式"), choices=standard_choices())
        if self.instance.pk:
            self.initial.setdefault("standard_params_text",
                                    render_params(self.instance.standard_key, self.instance.standard_params))

    def clean(self):
        from .standards import validate_params

        data = super().clean()
        key = data.get("standard_key")
        if key:
            params, problems = parse_params(key, data.get("standard_params_text", ""))
            problems = problems or validate_params(key, params)
            for problem in problems:
                self.add_error("standard_params_text", problem)
            self.instance.standard_params = params
        return data

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        clash = Indicator.objects.filter(assessment_year=self.instance.assessment_year, code=code)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("指标编码“%(code)s”已存在。"), params={"code": code})
        return code


class WeightsForm(forms.Form):
    """One percentage field per member of the indicator's department; empty means no share."""

    reason = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args, people, current: dict[int, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = list(people)
        for person in self.people:
            self.fields[f"w{person.pk}"] = forms.DecimalField(
                label=f"{person.name}（{person.staff_id}）", required=False, min_value=Decimal("0"),
                max_value=Decimal("100"), max_digits=7, decimal_places=4,
                initial=current.get(person.pk), widget=forms.NumberInput(attrs={"step": "0.01"}))

    def weights(self) -> dict[int, Decimal]:
        return {person.pk: self.cleaned_data[f"w{person.pk}"] for person in self.people
                if self.cleaned_data.get(f"w{person.pk}") is not None}

    def person_fields(self):
        return [(person, self[f"w{person.pk}"]) for person in self.people]
