from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appraisal.scheme import (
    SCHEME_DEFAULTS, SCHEME_KEY_LABELS, SCHEME_MONTH_LISTS, SCHEME_SECTION_LABELS, format_months, validate_month_lists,
    validate_scheme,
)

from . import audit_display, audit_events
from .fields import FiniteDecimalField
from .models import Department, Organisation, PeriodState, Person, Role
from .zipguard import zip_problem


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name", "group", "head", "sort_order"]

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        members = Person.objects.filter(department=self.instance) if self.instance.pk else Person.objects.none()
        self.fields["head"].queryset = members.order_by("staff_id")
        self.fields["head"].help_text = _("负责人须是本部门人员；新建部门时请先保存，再添加人员并指定负责人。")

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        clash = Department.objects.filter(organisation=self.organisation, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("部门编码“%(code)s”已被使用。"), params={"code": code})
        return code


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["staff_id", "name", "department", "position", "category", "email", "is_active"]

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        self.fields["department"].queryset = Department.objects.filter(organisation=organisation)

    def clean_staff_id(self):
        staff_id = self.cleaned_data["staff_id"].strip()
        clash = Person.objects.filter(organisation=self.organisation, staff_id=staff_id).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("工号“%(id)s”在本单位已存在。"), params={"id": staff_id})
        return staff_id

    def clean(self):
        data = super().clean()
        if data.get("position") != "局领导" and not data.get("department"):
            self.add_error("department", _("除局领导外，人员必须属于一个部门。"))
        return data


class YearCreateForm(forms.Form):
    year = forms.IntegerField(label=_("考核年度"), min_value=2000, max_value=2100)


class SchemeForm(forms.Form):
    """Every scheme key as a decimal field; the rules of EXCHANGE.md "Valid values" decide."""

    reason = forms.CharField(label=_("修改原因"), required=False, max_length=500)

    def __init__(self, *args, initial_values: dict[str, Decimal], initial_months: dict[str, str] | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        for key in SCHEME_DEFAULTS:
            self.fields[key] = FiniteDecimalField(
                label=gettext(SCHEME_KEY_LABELS.get(key, key)), help_text=key, max_digits=12, decimal_places=4,
                initial=initial_values.get(key, SCHEME_DEFAULTS[key]),
            )
        for key, default in SCHEME_MONTH_LISTS.items():
            self.fields[key] = forms.CharField(
                label=gettext(SCHEME_KEY_LABELS.get(key, key)), help_text=key, max_length=60, required=False,
                initial=initial_months.get(key, format_months(default)) if initial_months else format_months(default))
        self.order_fields([*SCHEME_DEFAULTS, *SCHEME_MONTH_LISTS, "reason"])

    def clean(self):
        data = super().clean()
        values = {key: data[key] for key in SCHEME_DEFAULTS if data.get(key) is not None}
        if len(values) == len(SCHEME_DEFAULTS):
            for key, message in validate_scheme(values):
                self.add_error(key if key in self.fields else None, message)
        for key, message in validate_month_lists(self.scheme_months()):
            self.add_error(key, message)
        return data

    def scheme_months(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key) or "" for key in SCHEME_MONTH_LISTS if key in self.cleaned_data}

    def scheme_values(self) -> dict[str, Decimal]:
        return {key: self.cleaned_data[key] for key in SCHEME_DEFAULTS}

    def grouped_fields(self):
        groups: dict[str, list] = {}
        for key in [*SCHEME_DEFAULTS, *SCHEME_MONTH_LISTS]:
            section = key.split(".")[0]
            groups.setdefault(gettext(SCHEME_SECTION_LABELS.get(section, section)), []).append(self[key])
        return groups


class PeriodTransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=_("变更为"), choices=PeriodState.choices)
    reason = forms.CharField(label=_("原因"), required=False, max_length=500,
                             widget=forms.TextInput(attrs={"placeholder": _("退回或重新开放时必填")}))
    override = forms.BooleanField(label=_("检查清单未满足，仍强制执行（须填写原因）"), required=False)


class RoleAssignForm(forms.Form):
    account = forms.ModelChoiceField(label=_("账号"), queryset=get_user_model().objects.filter(is_active=True)
                                     .order_by("username"))
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    organisation = forms.ModelChoiceField(label=_("单位"), queryset=Organisation.objects.all(), required=False,
                                          help_text=_("留空表示适用于全部单位"),
                                          widget=forms.Select(attrs={"translate": "no"}))  # names: not translated
    reason = forms.CharField(label=_("原因"), required=False, max_length=500)


class AccountCreateForm(forms.Form):
    username = forms.RegexField(label=_("账号"), regex=r"^[A-Za-z0-9_.@-]{3,150}$",
                                error_messages={"invalid": _("账号只能包含字母、数字和 _ . @ -，3 到 150 个字符。")})
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, strip=False)
    person = forms.ModelChoiceField(label=_("关联人员"), required=False,
                                    queryset=Person.objects.filter(user__isnull=True, is_active=True)
                                    .select_related("department", "organisation"),
                                    widget=forms.Select(attrs={"translate": "no"}))  # names: not translated

    def clean(self):
        data = super().clean()
        if data.get("password"):
            try:
                validate_password(data["password"])
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class PersonAccountForm(forms.Form):
    username = forms.CharField(label=_("登录账号"), required=False, max_length=150,
                               help_text=_("填写已有账号的用户名；留空表示解除关联。管理员账号不能关联人员档案。"))
    reason = forms.CharField(label=_("原因"), max_length=500)

    def clean(self):
        data = super().clean()
        username = (data.get("username") or "").strip()
        data["account"] = None
        if username:
            account = get_user_model().objects.filter(username=username, is_active=True).first()
            if account is None:
                self.add_error("username", _("账号“%(name)s”不存在或已停用。") % {"name": username})
            data["account"] = account
        return data


class EventTypeField(forms.ChoiceField):
    """The picker of event types; a code or a prefix typed into the address (``person.``) also filters."""

    def valid_value(self, value):
        return super().valid_value(value) or bool(re.fullmatch(r"[a-z_]+(\.[a-z_]*)*", value or ""))


class AuditFilterForm(forms.Form):
    action = EventTypeField(label=_("事件类型"), required=False, choices=audit_events.choices)
    object_type = forms.ChoiceField(label=_("对象类型"), required=False, choices=audit_display.object_type_choices)
    actor = forms.CharField(label=_("操作人账号"), required=False)
    object_text = forms.CharField(label=_("对象名称"), required=False)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_action(self):
        return audit_events.action_filter(self.cleaned_data.get("action") or "")


class SpreadsheetUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 20 MB。"))
        head = upload.read(4)
        upload.seek(0)
        if head != b"PK\x03\x04":
            raise forms.ValidationError(_("文件内容不是有效的 Excel 工作簿。"))
        problem = zip_problem(upload.read())
        upload.seek(0)
        if problem:
            raise forms.ValidationError(problem)
        return upload


class EvidenceUploadForm(forms.Form):
    """A data file from a business system: .xlsx or .csv, at most 20 MB."""

    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))

    def __init__(self, *args, extensions=(".xlsx", ".csv"), **kwargs):
        super().__init__(*args, **kwargs)
        self.extensions = extensions

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(self.extensions):
            raise forms.ValidationError(_("只接受 %(ext)s 文件。") % {"ext": " / ".join(self.extensions)})
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 20 MB。"))
        return upload


class LoginForm(AuthenticationForm):
    """The login form, refusing a username longer than an account can have before anything else
    (django-axes would otherwise try to store it in its 255-character column: a 500)."""

    def clean_username(self):
        username = self.cleaned_data.get("username") or ""
        limit = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD).max_length
        if len(username) > limit or "\x00" in username:
            raise forms.ValidationError(_("请输入正确的用户名和密码。"), code="invalid_login")
        return username
