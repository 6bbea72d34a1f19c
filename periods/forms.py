from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal.models import OfficeCalendarDay

from .models import Figure


class ObjectionForm(forms.Form):
    figure = forms.ChoiceField(label=_("对哪项成绩有异议"))
    reason = forms.CharField(label=_("异议理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    evidence_text = forms.CharField(label=_("佐证说明"), max_length=2000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("上传材料或写明佐证说明，至少其一"))
    evidence_file = forms.FileField(label=_("佐证材料（PDF、JPG、PNG、DOCX、XLSX、TXT，20 MB 以内）"), required=False)

    def __init__(self, *args, figures: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = [(f, f"{Figure(f).label}：{value}") for f, value in figures.items()]


class AcceptForm(forms.Form):
    input_key = forms.ChoiceField(label=_("更正的输入项"))
    new_value = forms.CharField(label=_("更正为"), max_length=20)
    answer = forms.CharField(label=_("答复（可选）"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, inputs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["input_key"].choices = [(i.key, f"{i.label}：{i.value}") for i in inputs]


class RejectForm(forms.Form):
    answer = forms.CharField(label=_("不采纳的答复"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = OfficeCalendarDay
        fields = ["day", "is_workday", "name"]
        widgets = {"day": forms.DateInput(attrs={"type": "date"})}


class GradeHistoryForm(forms.Form):
    staff_id = forms.CharField(label=_("工号"), max_length=32)
    year = forms.IntegerField(label=_("年度"), min_value=1990)
    grade = forms.ChoiceField(label=_("等次"), choices=[("优秀", _("优秀")), ("称职", _("称职")),
                                                       ("基本称职", _("基本称职")), ("不称职", _("不称职")),
                                                       ("不定等次", _("不定等次"))])


class LeaveForm(forms.Form):
    staff_id = forms.CharField(label=_("工号"), max_length=32)
    assessment_year = forms.ModelChoiceField(label=_("考核年度"), queryset=None)
    months = forms.IntegerField(label=_("请假月数"), min_value=0, max_value=12)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment_year"].queryset = years


class DepartmentHistoryForm(forms.Form):
    department = forms.ModelChoiceField(label=_("部门"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=1990)
    overall_rank = forms.IntegerField(label=_("总排名"), min_value=1, required=False)
    ranked = forms.IntegerField(label=_("参加排名的部门数"), min_value=1)
    annual_score = forms.DecimalField(label=_("年度得分"), max_digits=8, decimal_places=2, required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
