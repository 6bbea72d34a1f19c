"""The three administrators' pages: accounts (system), roles and reset approvals (security),
audit log (audit). Each acts through appraisal.accounts / appraisal.audit; nothing here reads
scores or ballots except the audit administrator's reasoned, audited trace of one event."""
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import access, accounts, audit, audit_display, selectors
from ..errors import ApplicationError
from ..forms import AccountCreateForm, AuditFilterForm, RoleAssignForm
from ..models import AuditEvent, PasswordReset, PasswordResetState, RoleAssignment


def _accounts_page(request, form):
    accounts_qs = (get_user_model().objects.select_related("person", "person__department")
                   .prefetch_related("role_assignments").order_by("username"))
    page = Paginator(accounts_qs, 50).get_page(request.GET.get("page"))
    pending = (PasswordReset.objects.filter(state=PasswordResetState.PENDING)
               .select_related("account", "requested_by"))
    return render(request, "appraisal/account_list.html", {"form": form, "page": page, "pending": pending})


@access.require("accounts.manage")
def account_list(request):
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = accounts.account_create(user=request.user, username=form.cleaned_data["username"],
                                              password=form.cleaned_data["password"],
                                              person=form.cleaned_data["person"])
        except ApplicationError as error:
            form.add_error("username", error.message)
        else:
            messages.success(request, _("账号“%(name)s”已创建，首次登录须修改密码。") % {"name": account.username})
            return redirect("account_list")
    return _accounts_page(request, form)


@require_POST
@access.require("accounts.manage")
def account_active(request, pk):
    account = get_object_or_404(get_user_model(), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        accounts.account_set_active(user=request.user, account=account, active=active,
                                    reason=request.POST.get("reason", "")[:500])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, (_("账号“%(name)s”已启用。") if active else _("账号“%(name)s”已停用。"))
                         % {"name": account.username})
    return redirect("account_list")


@never_cache
@require_POST
@access.require("accounts.manage")
def account_password_reset(request, pk):
    """Reset at once (the whole temporary password shown here, once) or request the approval of
    a second administrator (one half shown here, once)."""
    account = get_object_or_404(get_user_model(), pk=pk)
    try:
        outcome = accounts.password_reset_request(user=request.user, account=account,
                                                  reason=request.POST.get("reason", "")[:500])
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("account_list")
    return render(request, "appraisal/password_reset_done.html", {"account": account, "outcome": outcome})


@access.require("password_reset.approve")
def password_reset_list(request):
    actor = access.actor_for(request.user)
    pending = (PasswordReset.objects.filter(state=PasswordResetState.PENDING, approver_role__in=list(actor.roles))
               .exclude(account=request.user).select_related("account", "requested_by"))
    decided = (PasswordReset.objects.exclude(state=PasswordResetState.PENDING)
               .filter(approver_role__in=list(actor.roles)).select_related("account", "requested_by", "decided_by")[:20])
    return render(request, "appraisal/password_reset_list.html", {"pending": pending, "decided": decided})


@never_cache
@require_POST
@access.require("password_reset.approve")
def password_reset_decide(request, pk):
    reset = get_object_or_404(PasswordReset.objects.select_related("account"), pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        second = accounts.password_reset_decide(user=request.user, reset=reset, approve=approve,
                                                reason=request.POST.get("reason", "")[:500])
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("password_reset_list")
    if not approve:
        messages.success(request, _("已拒绝该密码重置申请。"))
        return redirect("password_reset_list")
    return render(request, "appraisal/password_reset_done.html", {"account": reset.account, "second_half": second})


@access.require("roles.manage")
def role_list(request):
    form = RoleAssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.role_assign(user=request.user, account=form.cleaned_data["account"],
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
    accounts.role_revoke(user=request.user, assignment=assignment, reason=request.POST.get("reason", "")[:500])
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
    return render(request, "appraisal/audit_log.html", {
        "form": form, "page": page, "events": audit_display.present(page.object_list), "chain": chain,
        "sealed_actions": audit.BALLOT_ACTIONS})


@never_cache
@require_POST
@access.require("audit.read")
def audit_trace(request, pk):
    """Trace one ballot (SECURITY.md item 12): the audit administrator states why, the reading is
    itself an audit event, and only this one event's values are shown."""
    event = get_object_or_404(AuditEvent, pk=pk)
    reason = request.POST.get("reason", "").strip()[:500]
    if len(reason) < 4:
        messages.error(request, _("追溯测评记录须填写原因（至少 4 个字）。"))
        return redirect("audit_log")
    audit.record("ballot.trace", object_type="appraisal.AuditEvent", object_repr=str(event)[:200],
                 new={"event": event.pk, "action": event.action}, reason=reason,
                 organisation_id=event.organisation_id)
    return render(request, "appraisal/audit_trace.html", {"event": audit_display.present_sealed(event),
                                                          "reason": reason})
