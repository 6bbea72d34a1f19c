"""Second-factor pages: the code at sign-in, enrolment (QR code, backup codes), and the security
administrator's policy. See appraisal/otp.py."""
import django_otp
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .. import access, otp
from ..errors import ApplicationError

FAILURES_KEY = "otp_failures"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "home"


@never_cache
@access.require("authenticated")
def otp_verify(request):
    if request.session.get(otp.OTP_STATE) != otp.VERIFY:
        return redirect("home")
    error = None
    if request.method == "POST":
        device = otp.verify(user=request.user, token=request.POST.get("token", ""))
        if device is not None:
            django_otp.login(request, device)
            request.session.pop(otp.OTP_STATE, None)
            request.session.pop(FAILURES_KEY, None)
            return redirect(_next(request))
        failures = request.session.get(FAILURES_KEY, 0) + 1
        request.session[FAILURES_KEY] = failures
        if failures >= otp.MAX_FAILURES:
            logout(request)
            messages.error(request, _("验证码连续输入错误，请重新登录。"))
            return redirect("login")
        error = _("验证码不正确（还可尝试 %(n)d 次）。") % {"n": otp.MAX_FAILURES - failures}
    return render(request, "registration/otp_verify.html", {"error": error, "next": request.GET.get("next", "")})


@never_cache
@access.require("authenticated")
def otp_setup(request):
    user = request.user
    codes, error = None, None
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action == "confirm":
            codes, device = otp.enrol_confirm(user=user, token=request.POST.get("token", ""))
            django_otp.login(request, device)
            request.session.pop(otp.OTP_STATE, None)
        elif action == "renew":
            codes = otp.backup_codes_renew(user=user)
        elif action == "remove":
            otp.remove(user=user)
            messages.success(request, _("已关闭二次验证。"))
            return redirect("otp_setup")
    except ApplicationError as failure:
        error = failure.message
    enrolled = otp.has_device(user)
    context = {"enrolled": enrolled, "codes": codes, "error": error, "required": otp.is_required(user),
               "must_enrol": request.session.get(otp.OTP_STATE) == otp.ENROL}
    if not enrolled:
        device = otp.pending_device(user)
        context.update(qr_svg=otp.qr_svg(device), manual_key=otp.manual_key(device))
    return render(request, "appraisal/otp_setup.html", context)


@access.require("roles.manage")
def otp_policy(request):
    current = otp.required_roles()
    if request.method == "POST":
        chosen = {role for role in request.POST.getlist("required") if role in otp.POLICY_ROLES}
        try:
            otp.policy_set(user=request.user, required=chosen, reason=request.POST.get("reason", "")[:500])
        except ApplicationError as failure:
            messages.error(request, failure.message)
        else:
            messages.success(request, _("二次验证策略已保存，自下次登录起生效。"))
            return redirect("otp_policy")
    rows = [{"role": role, "label": access.ROLE_LABELS[role], "required": role in current} for role in otp.POLICY_ROLES]
    return render(request, "appraisal/otp_policy.html", {"rows": rows})
