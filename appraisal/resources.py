"""Excel import/export of departments and people (django-import-export), scoped to one organisation.

Column headers are the Chinese ones of EXCHANGE.md's 部门 and 人员 sheets. Every problem is
reported with its Excel row and column; the import writes nothing unless every row is valid.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from .models import Department, DepartmentGroup, Organisation, Person, Position


class ChoiceWidget(widgets.CharWidget):
    def __init__(self, choices, label):
        super().__init__()
        self.allowed = [value for value, _label in choices]
        self.label = label

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if text and text not in self.allowed:
            raise ValueError(_("%(label)s只能是 %(allowed)s，不能是“%(value)s”") % {
                "label": self.label, "allowed": " / ".join(self.allowed), "value": text})
        return text

    def render(self, value, obj=None, **kwargs):
        return value or ""


class TextWidget(widgets.CharWidget):
    """Text cells: empty is "", and codes or staff ids that arrive as numbers (1001.0) keep their text."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "" if value is None else str(value).strip()


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    def __init__(self, model, field, organisation: Organisation, label: str):
        super().__init__(model, field)
        self.organisation = organisation
        self.label = label

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.filter(organisation=self.organisation)

    def clean(self, value, row=None, **kwargs):
        value = TextWidget().clean(value)
        if not value:
            return None
        try:
            return self.get_queryset(value, row).get(**{self.field: value})
        except self.model.DoesNotExist:
            raise ValueError(_("%(label)s“%(value)s”不存在") % {"label": self.label, "value": value}) from None


class OrganisationScopedResource(resources.ModelResource):
    def __init__(self, organisation: Organisation):
        super().__init__()
        self.organisation = organisation

    def get_queryset(self):
        return super().get_queryset().filter(organisation=self.organisation)

    def before_save_instance(self, instance, row, **kwargs):
        instance.organisation = self.organisation


class DepartmentResource(OrganisationScopedResource):
    code = fields.Field(attribute="code", column_name="部门编码", widget=TextWidget())
    name = fields.Field(attribute="name", column_name="部门名称", widget=TextWidget())
    group = fields.Field(attribute="group", column_name="部门分组",
                         widget=ChoiceWidget(DepartmentGroup.choices, "部门分组"))

    class Meta:
        model = Department
        import_id_fields = ("code",)
        fields = ("code", "name", "group", "head")
        export_order = ("code", "name", "group", "head")
        clean_model_instances = True
        skip_unchanged = True

    def __init__(self, organisation: Organisation):
        super().__init__(organisation)
        self.fields["head"] = fields.Field(
            attribute="head", column_name="负责人工号",
            widget=ScopedForeignKeyWidget(Person, "staff_id", organisation, "人员"))

    def import_instance(self, instance, row, **kwargs):
        instance.organisation = self.organisation
        super().import_instance(instance, row, **kwargs)
        errors = {}
        if not instance.code:
            errors["code"] = _("部门编码不能为空")
        if instance.head is not None and instance.head.department_id != instance.pk:
            errors["head"] = _("负责人“%(id)s”不是本部门人员") % {"id": instance.head.staff_id}
        if errors:
            raise ValidationError(errors)


class PersonResource(OrganisationScopedResource):
    staff_id = fields.Field(attribute="staff_id", column_name="工号", widget=TextWidget())
    name = fields.Field(attribute="name", column_name="姓名", widget=TextWidget())
    position = fields.Field(attribute="position", column_name="职务类型",
                            widget=ChoiceWidget(Position.choices, "职务类型"))
    category = fields.Field(attribute="category", column_name="人员类别", widget=TextWidget())
    email = fields.Field(attribute="email", column_name="电子邮箱", widget=TextWidget())

    class Meta:
        model = Person
        import_id_fields = ("staff_id",)
        fields = ("staff_id", "name", "department", "position", "category", "email")
        export_order = ("staff_id", "name", "department", "position", "category", "email")
        clean_model_instances = True
        skip_unchanged = True

    def __init__(self, organisation: Organisation):
        super().__init__(organisation)
        self.fields["department"] = fields.Field(
            attribute="department", column_name="部门编码",
            widget=ScopedForeignKeyWidget(Department, "code", organisation, "部门"))

    def import_instance(self, instance, row, **kwargs):
        instance.organisation = self.organisation
        super().import_instance(instance, row, **kwargs)
        errors = {}
        if not instance.staff_id:
            errors["staff_id"] = _("工号不能为空")
        if not instance.position:
            errors["position"] = _("职务类型不能为空")
        elif instance.position != Position.LEADER and instance.department is None:
            errors["department"] = _("除局领导外，部门编码不能为空")
        if errors:
            raise ValidationError(errors)


RESOURCES = {"departments": DepartmentResource, "people": PersonResource}
