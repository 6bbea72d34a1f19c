from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal.errors import ValidationFailed
from appraisal.widgets import FastSelect

from . import deadlines, evidence, labels
from .models import EntryKind, EntryStatus, TraceDeadlineSettings

CONTENT_HELP = _("每段之间空一行；以“- ”开头的行成为项目列表，以“1. ”开头的行成为编号列表。不支持 HTML。")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Evidence files (one or several at once), each checked by content (SECURITY.md item 14);
    cleans to a list of uploads."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("证据材料"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("可选，可一次选择多个文件。支持 PDF、JPG、PNG、DOCX、XLSX、TXT，"
                                         "单个文件不超过 20 MB。"))
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(evidence.EXTENSIONS)

    def clean(self, data, initial=None):
        items = [item for item in (data if isinstance(data, (list, tuple)) else [data]) if item]
        if not items:
            super().clean(None, initial)  # "required" when it is
            return []
        uploads = [super(EvidenceField, self).clean(item, initial) for item in items]
        for upload in uploads:
            try:
                evidence.check(upload.name, evidence.read_upload(upload))
            except ValidationFailed as error:
                raise forms.ValidationError(f"{upload.name}：{error.message}") from None
        if len(uploads) > evidence.MAX_EVIDENCE_PER_ENTRY:
            raise forms.ValidationError(_("每条纪实最多上传 %(n)d 个证据材料。") % {"n": evidence.MAX_EVIDENCE_PER_ENTRY})
        return uploads


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=EntryKind.choices)
    period = forms.ChoiceField(label=_("期次"))
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 12}), help_text=CONTENT_HELP,
                              max_length=20_000)
    indicators = forms.MultipleChoiceField(label=_("关联本人指标"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    file = EvidenceField()

    def __init__(self, *args, kind: str, now, indicator_choices: list[tuple[str, str]], creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = kind
        self.fields["kind"].widget = forms.HiddenInput()
        self.fields["period"].choices = [(key, labels.period_label(kind, key))
                                         for key in deadlines.fileable_keys(kind, now)]
        if not creating:
            del self.fields["kind"], self.fields["period"]
        self.fields["indicators"].choices = [(code, f"{code} {name}") for code, name in indicator_choices]
        if not indicator_choices:
            del self.fields["indicators"]
        if kind == deadlines.MONTHLY_PLAN and creating:
            self.fields["period"].label = _("计划月份")


class ReviewForm(forms.Form):
    text = forms.CharField(label=_("批阅意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             min_length=4, error_messages={"min_length": _("退回修改必须填写原因（至少 4 个字）。")})


class EvidenceUploadForm(forms.Form):
    file = EvidenceField(required=True)


class DeadlineSettingsForm(forms.ModelForm):
    reason = forms.CharField(label=_("修改原因"), required=False, max_length=500)

    class Meta:
        model = TraceDeadlineSettings
        fields = [*TraceDeadlineSettings.RULE_FIELDS, "reminder_lead_hours"]
        widgets = {
            "weekly_plan_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "weekly_summary_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "tracking_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        data = super().clean()
        plan = (data.get("weekly_plan_weekday"), data.get("weekly_plan_time"))
        summary = (data.get("weekly_summary_weekday"), data.get("weekly_summary_time"))
        if None not in plan and None not in summary and summary <= plan:
            self.add_error("weekly_summary_time", _("周小结的截止时间应晚于同一周周计划的截止时间。"))
        return data


def month_choices(today: date, *, back: int = 24) -> list[tuple[str, str]]:
    """The current month and the ones before it, newest first: ("2026-11", "2026年11月")."""
    choices, year, month = [], today.year, today.month
    for _index in range(back + 1):
        choices.append((deadlines.month_key(year, month), labels.month_label(year, month)))
        year, month = deadlines.previous_month(year, month)
    return choices


def _style_filters(form: forms.Form, size: str = "form-select-sm") -> None:
    """Bootstrap classes and labels for screen readers on a row of filter controls."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs.update({"class": f"form-select {size}", "aria-label": str(field.label)})
        else:
            widget.attrs.update({"class": f"form-control {size.replace('select', 'control')}",
                                 "aria-label": str(field.label)})


class MonthField(forms.TypedChoiceField):
    """A month as a select of Chinese labels; cleans to (year, month)."""

    def __init__(self, **kwargs):
        super().__init__(label=_("月份"), required=False, coerce=deadlines.parse_month_key, empty_value=None,
                         **kwargs)

    def set_months(self, today: date, *, empty_label=None) -> None:
        self.choices = ([("", empty_label)] if empty_label else []) + month_choices(today)


def _mark_data(form, *names) -> None:
    """Choices that are names (departments, people): not to be translated (translate="no")."""
    for name in names:
        form.fields[name].widget.attrs["translate"] = "no"


class EntryFilterForm(forms.Form):
    # selects written in Python: the person filter lists every filer the reader may see
    department = forms.TypedChoiceField(label=_("部门"), required=False, coerce=int, empty_value=None,
                                        widget=FastSelect)
    person = forms.TypedChoiceField(label=_("人员"), required=False, coerce=int, empty_value=None, widget=FastSelect)
    month = MonthField(widget=FastSelect)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部类型")), *EntryKind.choices],
                             widget=FastSelect)
    status = forms.ChoiceField(label=_("状态"), required=False, widget=FastSelect,
                               choices=[("", _("全部状态")), *[c for c in EntryStatus.choices if c[0] != "draft"]])
    late = forms.BooleanField(label=_("仅看逾期"), required=False)
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)

    def __init__(self, *args, departments, people, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("全部部门")), *[(d.pk, d.name) for d in departments]]
        self.fields["person"].choices = [("", _("全部人员")), *[(p.pk, f"{p.name}（{p.staff_id}）") for p in people]]
        _mark_data(self, "department", "person")
        self.fields["month"].set_months(today, empty_label=_("全部月份"))
        self.fields["q"].widget.attrs["placeholder"] = _("内容或姓名")
        _style_filters(self)


class MonthDepartmentForm(forms.Form):
    """Which department and month (or year) a missing-filings list or a statistics page is about."""

    department = forms.TypedChoiceField(label=_("部门"), required=False, coerce=int, empty_value=None)
    month = MonthField()
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, departments, today: date, all_label=_("全部部门"), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(d.pk, d.name) for d in departments]
        self.fields["department"].choices = [("", all_label), *choices] if all_label else choices
        _mark_data(self, "department")
        self.fields["month"].set_months(today)
        _style_filters(self, "")
