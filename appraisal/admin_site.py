"""The Django admin, gated by the roles of appraisal.access instead of is_staff/superuser.

Only the system administrator enters (rule "admin.site"); nobody reaches people, departments,
score tables or ballots through the admin. Signing in goes through the product's own login
(lockout, first-login password change, second factor): the admin has no login form of its own.
"""
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from . import access


class AppraisalAdminSite(admin.AdminSite):
    site_header = _("绩效考核管理平台 · 后台管理")
    site_title = _("绩效考核后台")
    index_title = _("后台管理")

    def has_permission(self, request):
        return request.user.is_active and access.can(request.user, "admin.site")

    def login(self, request, extra_context=None):
        return redirect_to_login(request.GET.get("next") or self.index_url(), settings.LOGIN_URL)

    def password_change(self, request, extra_context=None):
        # the product's own page: password rules, one transaction with its audit event
        return redirect("password_change")

    def password_change_done(self, request, extra_context=None):
        return redirect("home")

    def index_url(self) -> str:
        from django.urls import reverse

        return reverse("admin:index", current_app=self.name)


admin_site = AppraisalAdminSite(name="admin")


class RoleModelAdmin(admin.ModelAdmin):
    """Model admin whose permissions come from roles; ``read_only_roles`` may only view."""

    roles: tuple[str, ...] = ()
    read_only_roles: tuple[str, ...] = ()

    def _actor_has(self, request, roles) -> bool:
        return access.actor_for(request.user).has(*roles)

    def has_module_permission(self, request):
        return self._actor_has(request, self.roles + self.read_only_roles)

    def has_view_permission(self, request, obj=None):
        return self._actor_has(request, self.roles + self.read_only_roles)

    def has_add_permission(self, request):
        return self._actor_has(request, self.roles)

    def has_change_permission(self, request, obj=None):
        return self._actor_has(request, self.roles)

    def has_delete_permission(self, request, obj=None):
        return self._actor_has(request, self.roles)
