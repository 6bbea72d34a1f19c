from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal import formats
from appraisal.fields import FiniteDecimalField, formfield
from appraisal.forms import SpreadsheetUploadForm
from appraisal.models import Department, Person

from .models import Indicator
from .params_text import parse_params, render_params
from .shared import parse_stage_targets, render_stage_targets, shared_problems


def standard_choices():
    from .standards import STANDARDS

    return [(key, spec.label) for key, spec in STANDARDS.items()]


# What only a leaf indicator has: hidden on an indicator with children.
LEAF_ONLY_FIELDS = ["full_score", "bonus_cap", "cycle", "assessor_department", "standard_key", "standard_params_text",
                    "person_categories", "stage_targets_text"]


class IndicatorForm(forms.ModelForm):
    standard_params_text = forms.CharField(
        label=_("计分参数"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个“参数=值”，如：目标值（%）=95；级别分值写作 国家级:5、省级:3"))
    person_categories = forms.MultipleChoiceField(
        label=_("适用人员类别"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("仅共同类末级指标：不选表示适用于全体人员"))
    reason = forms.CharField(label=_("修改原因"), required=False, max_length=500)
    effective_month = forms.TypedChoiceField(
        label=_("生效月份"), required=False, coerce=int, empty_value=None,
        choices=[("", "—")] + [(m, _("%(m)s月起") % {"m": m}) for m in range(1, 13)],
        help_text=_("已有周期开始评分后，调整分值、周期、性质或加分上限须写明依据并选择生效月份；之前的月份保持原值"))
    stage_targets_text = forms.CharField(
        label=_("阶段目标"), required=False, max_length=200,
        help_text=_("预考核月份应达到的年初至今得分率，如 4:92；8:95（可不填）"))

    class Meta:
        model = Indicator
        fields = ["code", "name", "parent", "category", "department", "full_score", "bonus_cap", "cycle", "kind",
                  "importance", "content", "target", "basis", "data_source", "scoring_standard",
                  "assessor_department", "standard_key", "shared", "sort_order"]
        formfield_callback = formfield
        widgets = {name: forms.Textarea(attrs={"rows": 2})
                   for name in ("content", "target", "basis", "scoring_standard")}

    def __init__(self, *args, assessment_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.assessment_year = assessment_year
        self.fields["parent"].queryset = (Indicator.objects.filter(assessment_year=assessment_year)
                                          .exclude(pk=self.instance.pk).order_by("code"))
        departments = Department.objects.filter(organisation_id=assessment_year.organisation_id).order_by("sort_order",
                                                                                                         "code")
        self.fields["department"].queryset = departments
        self.fields["assessor_department"].queryset = departments
        self.fields["assessor_department"].empty_label = _("考核办")
        self.fields["assessor_department"].help_text = _("负责对该指标评分的部门；不选则由考核办评分")
        categories = set(Person.objects.filter(organisation_id=assessment_year.organisation_id)
                         .exclude(category="").values_list("category", flat=True))
        categories.update(self.instance.person_categories or [])
        self.fields["person_categories"].choices = [(c, c) for c in sorted(categories)]
        self.initial.setdefault("person_categories", list(self.instance.person_categories or []))
        self.fields["category"].required = False
        self.fields["category"].help_text = _("一级指标必填；下级指标自动沿用一级指标的类别")
        self.fields["standard_key"] = forms.ChoiceField(label=_("计分方式"), choices=standard_choices())
        self.fields["shared"].widget.attrs["list"] = "shared-names"
        self.fields["shared"].help_text = _("各部门的同一项指标（如办文办公）填写相同名称，便于横向比较")
        self.shared_names = sorted(set(Indicator.objects.filter(assessment_year=assessment_year).exclude(shared="")
                                       .values_list("shared", flat=True)))
        if self.instance.pk:
            self.initial.setdefault("standard_params_text",
                                    render_params(self.instance.standard_key, self.instance.standard_params))
            self.initial.setdefault("stage_targets_text", render_stage_targets(self.instance.stage_targets))
        self._add_param_fields()
        # an indicator with children is no leaf: what only a leaf has (score, cycle, standard …) is not asked
        self.is_leaf = not (self.instance.pk and self.instance.children.exists())
        if not self.is_leaf:
            for name in LEAF_ONLY_FIELDS + [n for n in self.fields if n.startswith("param__")]:
                self.fields.pop(name, None)

    def _add_param_fields(self):
        """计分参数 as one field per parameter of each scoring standard (the page shows the chosen
        standard's), instead of free text 参数=值."""
        from .standards import CLASS_POINTS, LEVEL_POINTS, STANDARDS

        current = self.instance.standard_params or {}
        for key, spec in STANDARDS.items():
            for param in spec.params:
                name = f"param__{key}__{param.name}"
                mapping = param.type in (LEVEL_POINTS, CLASS_POINTS)
                self.fields[name] = forms.CharField(
                    label=param.label, required=False, max_length=300,
                    help_text=_("写作 名称:分值，用顿号分隔，如 国家级:5、省级:3") if mapping else "")
                value = current.get(param.name) if self.instance.standard_key == key else None
                if isinstance(value, dict):
                    value = "、".join(f"{k}:{v}" for k, v in value.items())
                if value not in (None, ""):
                    self.initial.setdefault(name, value)

    def param_groups(self):
        """(standard key, its label, its parameter fields, shown) for the template."""
        from .standards import STANDARDS

        chosen = self["standard_key"].value() if "standard_key" in self.fields else None
        groups = []
        for key, spec in STANDARDS.items():
            fields = [self[f"param__{key}__{p.name}"] for p in spec.params if f"param__{key}__{p.name}" in self.fields]
            if fields:
                groups.append((key, spec.label, fields, key == (chosen or self.instance.standard_key)))
        return groups

    def _params_text(self, key: str, data: dict) -> str:
        """The chosen standard's parameter fields as the 参数=值 lines parse_params reads (the free text
        field, if a client still posts it, when no parameter field is filled)."""
        from .standards import STANDARDS

        spec = STANDARDS.get(key)
        lines = [f"{p.label}={data.get(f'param__{key}__{p.name}')}" for p in (spec.params if spec else ())
                 if (data.get(f"param__{key}__{p.name}") or "").strip()]
        return "\n".join(lines) if lines else data.get("standard_params_text", "")

    def clean(self):
        from .standards import validate_params

        data = super().clean()
        key = data.get("standard_key")
        if key:
            params, problems = parse_params(key, self._params_text(key, data))
            problems = problems or validate_params(key, params)
            for problem in problems:
                self.add_error("standard_params_text", problem)
            self.instance.standard_params = params
        targets, problems = parse_stage_targets(data.get("stage_targets_text", ""))
        for problem in problems:
            self.add_error("stage_targets_text", problem)
        self.instance.stage_targets = targets
        shared = (data.get("shared") or "").strip()
        data["shared"] = shared
        if shared:
            department = data.get("department")
            clash = (Indicator.objects.filter(assessment_year=self.instance.assessment_year, shared=shared,
                                              department=department).exclude(pk=self.instance.pk).first()
                     if department else None)
            is_leaf = not (self.instance.pk and self.instance.children.exists())
            problems = shared_problems([(data.get("code") or "", department.code if department else None, shared,
                                         is_leaf and data.get("full_score") is not None)])
            if clash is not None:
                problems.append(("", _("共享指标“%(name)s”在本部门已有指标“%(code)s”。") % {
                    "name": shared, "code": clash.code}))
            for _code, problem in problems:
                self.add_error("shared", problem)
        self.instance.person_categories = list(data.get("person_categories") or [])
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
    effective_month = forms.TypedChoiceField(
        label=_("生效月份"), required=False, coerce=int, empty_value=None,
        choices=[("", "—")] + [(m, _("%(m)s月起") % {"m": m}) for m in range(1, 13)],
        help_text=_("已有周期开始评分后，调整责任比重须写明依据并选择生效月份；之前的月份保持原值"))

    def __init__(self, *args, people, current: dict[int, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = list(people)
        for person in self.people:
            self.fields[f"w{person.pk}"] = FiniteDecimalField(
                label=f"{person.name}（{person.staff_id}）", required=False, min_value=Decimal("0"),
                max_value=Decimal("100"), max_digits=7, decimal_places=4,
                initial=formats.plain_decimal(current[person.pk]) if person.pk in current else None,
                widget=forms.NumberInput(attrs={"step": "0.01"}))

    def weights(self) -> dict[int, Decimal]:
        return {person.pk: self.cleaned_data[f"w{person.pk}"] for person in self.people
                if self.cleaned_data.get(f"w{person.pk}") is not None}

    def person_fields(self):
        return [(person, self[f"w{person.pk}"]) for person in self.people]



class PlanImportForm(SpreadsheetUploadForm):
    """The plan workbook and, once the year is in use, the basis and effective month of its changes."""

    reason = forms.CharField(label=_("修改原因"), required=False, max_length=500,
                             help_text=_("已有周期开始评分后，导入中调整分值、周期、性质、加分上限或责任比重须写明依据（如局务会议决定）"))
    effective_month = forms.TypedChoiceField(
        label=_("生效月份"), required=False, coerce=int, empty_value=None,
        choices=[("", "—")] + [(m, _("%(m)s月起") % {"m": m}) for m in range(1, 13)], help_text=_("之前的月份保持原值"))

    def __init__(self, *args, in_use: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not in_use:
            del self.fields["reason"], self.fields["effective_month"]
