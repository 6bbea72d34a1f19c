"""Audit events for authentication (SECURITY.md items 3 and 15)."""
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit, otp
from .models import AccountFlag
from .middleware import SessionTimeoutMiddleware
from .proxies import client_ip


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        SessionTimeoutMiddleware.start(request)
        # any way of signing in (login page, tests' force_login, …) carries the first-login flag
        if AccountFlag.objects.filter(user=user, must_change_password=True).exists():
            request.session["must_change_password"] = True
        # the second factor (appraisal.otp): a code if the account has a device, enrolment if required
        state = otp.state_at_login(user)
        if state:
            request.session[otp.OTP_STATE] = state
    audit.record("auth.login", actor=user, ip=client_ip(request) if request else None,
                 object_type="auth.User", object_repr=user.get_username())


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record("auth.logout", actor=user, ip=client_ip(request) if request else None,
                     object_type="auth.User", object_repr=user.get_username())


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit.record("auth.login_failed", ip=client_ip(request) if request else None,
                 object_type="auth.User", object_repr=username)


@receiver(user_locked_out)
def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    audit.record("auth.lockout", ip=ip_address or (client_ip(request) if request else None),
                 object_type="auth.User", object_repr=str(username or "")[:150],
                 reason="连续 5 次登录失败，账号锁定 30 分钟")
