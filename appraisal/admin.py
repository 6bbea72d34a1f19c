from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from . import services
from .admin_site import RoleModelAdmin, admin_site
from .models import AssessmentYear, AuditEvent, Department, Organisation, Period, Person, Role, RoleAssignment


class OrganisationAdmin(RoleModelAdmin):
    roles = (Role.SYSADMIN,)
    read_only_roles = (Role.OFFICE,)
    list_display = ("code", "name")
    search_fields = ("code", "name")


class NoDeleteAdmin(RoleModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False  # people and departments are deactivated, never deleted: history refers to them


class DepartmentAdmin(NoDeleteAdmin):
    roles = (Role.OFFICE,)
    list_display = ("code", "name", "group", "head", "organisation")
    list_filter = ("organisation", "group")
    search_fields = ("code", "name")
    list_select_related = ("head", "organisation")
    raw_id_fields = ("head",)

    def save_model(self, request, obj, form, change):
        services.department_save(user=request.user, department=obj)


class PersonAdmin(NoDeleteAdmin):
    roles = (Role.OFFICE,)
    list_display = ("staff_id", "name", "department", "position", "category", "is_active")
    list_filter = ("organisation", "position", "is_active", "department")
    search_fields = ("staff_id", "name")
    list_select_related = ("department",)
    raw_id_fields = ("user",)

    def save_model(self, request, obj, form, change):
        services.person_save(user=request.user, person=obj)


class ReadOnlyAdmin(RoleModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AssessmentYearAdmin(ReadOnlyAdmin):
    read_only_roles = (Role.OFFICE,)
    list_display = ("organisation", "year")


class PeriodAdmin(ReadOnlyAdmin):
    read_only_roles = (Role.OFFICE,)
    list_display = ("assessment_year", "kind", "number", "state", "state_changed_at")
    list_filter = ("kind", "state")


class RoleAssignmentAdmin(ReadOnlyAdmin):
    read_only_roles = (Role.SECADMIN,)
    list_display = ("user", "role", "organisation", "created_at")
    list_filter = ("role",)


class AuditEventAdmin(ReadOnlyAdmin):
    read_only_roles = (Role.AUDITOR,)
    list_display = ("created_at", "actor_name", "ip", "action", "object_repr")
    list_filter = ("action",)
    search_fields = ("actor_name", "object_repr", "action")


class AccountAdmin(RoleModelAdmin, UserAdmin):
    """Accounts are the system administrator's; superuser and staff flags are not handed out here."""

    roles = (Role.SYSADMIN,)
    list_display = ("username", "is_active", "last_login", "date_joined")
    list_filter = ("is_active",)
    fieldsets = ((None, {"fields": ("username", "password")}), ("状态", {"fields": ("is_active",)}))
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the audit log names accounts


admin_site.register(Organisation, OrganisationAdmin)
admin_site.register(Department, DepartmentAdmin)
admin_site.register(Person, PersonAdmin)
admin_site.register(AssessmentYear, AssessmentYearAdmin)
admin_site.register(Period, PeriodAdmin)
admin_site.register(RoleAssignment, RoleAssignmentAdmin)
admin_site.register(AuditEvent, AuditEventAdmin)
admin_site.register(get_user_model(), AccountAdmin)
