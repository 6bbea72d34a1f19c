"""The three administrators' pages: accounts (system), roles (security), audit log (audit)."""
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access, audit, selectors, services
from ..errors import ApplicationError
from ..forms import AccountCreateForm, AuditFilterForm, RoleAssignForm
from ..models import RoleAssignment


@access.require("accounts.manage")
def account_list(request):
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_create(user=request.user, username=form.cleaned_data["username"],
                                              password=form.cleaned_data["password"],
                                              person=form.cleaned_data["person"])
        except ApplicationError as error:
            form.add_error("username", error.message)
        else:
            messages.success(request, _("账号“%(name)s”已创建，首次登录须修改密码。") % {"name": account.username})
            return redirect("account_list")
    accounts = (get_user_model().objects.select_related("person", "person__department")
                .prefetch_related("role_assignments").order_by("username"))
    page = Paginator(accounts, 50).get_page(request.GET.get("page"))
    return render(request, "appraisal/account_list.html", {"form": form, "page": page})


@access.require("roles.manage")
def role_list(request):
    form = RoleAssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_assign(user=request.user, account=form.cleaned_data["account"],
                                 role=form.cleaned_data["role"], organisation=form.cleaned_data["organisation"],
                                 reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form.add_error("role", error.message)
        else:
            messages.success(request, _("角色已分配。"))
            return redirect("role_list")
    return render(request, "appraisal/role_list.html", {"form": form, "assignments": selectors.role_assignments()})


@require_POST
@access.require("roles.manage")
def role_revoke(request, pk):
    assignment = get_object_or_404(RoleAssignment.objects.select_related("user"), pk=pk)
    services.role_revoke(user=request.user, assignment=assignment, reason=request.POST.get("reason", "")[:500])
    messages.success(request, _("角色已撤销。"))
    return redirect("role_list")


@access.require("audit.read")
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_events(**{k: v for k, v in filters.items() if v})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    chain = audit.verify_chain() if request.method == "POST" else None
    if chain is not None:
        audit.record("audit.verify", object_type="appraisal.AuditEvent", new={"ok": chain.ok, "checked": chain.checked})
    return render(request, "appraisal/audit_log.html", {"form": form, "page": page, "chain": chain})
