"""The Django admin: the system administrator's configuration only (organisations).

The office works in the product's own pages (departments, people, years, trace logs), which
scope everything to its organisation; the security administrator assigns roles and the audit
administrator reads the audit log in theirs. What remains here goes through the same access
rules (appraisal.access) and the same audited services as every page.
"""
from . import access, services
from .admin_site import RoleModelAdmin, admin_site
from .models import Organisation, Role


class OrganisationAdmin(RoleModelAdmin):
    roles = (Role.SYSADMIN,)
    list_display = ("code", "name")
    search_fields = ("code", "name")
    fields = ("code", "name")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scopes = access.actor_for(request.user).role_organisations.get(Role.SYSADMIN, frozenset())
        return queryset if None in scopes else queryset.filter(pk__in=[s for s in scopes if s is not None])

    def has_add_permission(self, request):
        return access.can(request.user, "organisations.manage", Organisation())

    def has_change_permission(self, request, obj=None):
        return access.can(request.user, "organisations.manage", obj)

    def has_delete_permission(self, request, obj=None):
        return False  # departments, people and the audit log refer to it

    def save_model(self, request, obj, form, change):
        services.organisation_save(user=request.user, organisation=obj)


admin_site.register(Organisation, OrganisationAdmin)
