"""Request-wide concerns: who is acting (for audit), session time limits, deny-by-default access."""
from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import access
from .audit import RequestContext, current_request
from .otp import OTP_STATE, VERIFY
from .proxies import client_ip


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(RequestContext(user=getattr(request, "user", None), ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


class SessionTimeoutMiddleware:
    """30 minutes idle, 12 hours absolute (SECURITY.md item 4)."""

    IDLE_KEY = "_last_activity"
    START_KEY = "_session_started"

    def __init__(self, get_response):
        self.get_response = get_response

    @classmethod
    def start(cls, request) -> None:
        now = timezone.now().isoformat()
        request.session[cls.START_KEY] = now
        request.session[cls.IDLE_KEY] = now

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            last = request.session.get(self.IDLE_KEY)
            started = request.session.get(self.START_KEY)
            expired = (
                (last and now - datetime.fromisoformat(last) > settings.SESSION_IDLE_TIMEOUT)
                or (started and now - datetime.fromisoformat(started) > settings.SESSION_ABSOLUTE_TIMEOUT)
            )
            if expired:
                logout(request)
                messages.info(request, _("会话已超时，请重新登录。"))
                return redirect_to_login(request.get_full_path())
            request.session[self.IDLE_KEY] = now.isoformat()
            if not started:
                request.session[self.START_KEY] = now.isoformat()
        return self.get_response(request)


class AccessMiddleware:
    """Deny by default: a view that names no access rule is refused (SECURITY.md item 6)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    # pages an account that must change its password (or finish signing in) may still open
    SETUP_URLS = {"password_change", "logout", "set_language", "healthz"}
    OTP_URLS = {"otp_verify", "otp_setup", "logout", "set_language", "healthz"}

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        in_admin = match is not None and match.namespace == "admin"
        rule = access.rule_of_view(view_func)
        if rule == access.PUBLIC and not in_admin:
            return None
        otp_state = request.session.get(OTP_STATE) if request.user.is_authenticated else None
        if otp_state and (match is None or match.url_name not in self.OTP_URLS or in_admin):
            # the second factor before anything else, the admin included (appraisal.otp)
            target = "otp_verify" if otp_state == VERIFY else "otp_setup"
            if otp_state == VERIFY:
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
            return redirect(target)
        if request.user.is_authenticated and request.session.get("must_change_password") \
                and (match is None or match.url_name not in self.SETUP_URLS or in_admin):
            # every path, the admin included: the flag is set at any login (appraisal.signals)
            messages.warning(request, _("请先修改管理员设置的初始密码。"))
            return redirect("password_change")
        if in_admin:
            return None  # the admin site checks roles itself (appraisal.admin_site)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if rule is None or not access.can(request.user, rule):
            raise PermissionDenied(rule or "no access rule declared")
        return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if rule is None or not access.can(request.user, rule):
            raise PermissionDenied(rule or "no access rule declared")
        if request.session.get("must_change_password") and match is not None \
                and match.url_name not in {"password_change", "logout"}:
            messages.warning(request, _("首次登录请先修改初始密码。"))
            return redirect("password_change")
        return None



class BadInputMiddleware:
    """A NUL byte in the path, the query string or a form field is refused with a clean 400 page
    before any view or admin filter hands it to the database (PostgreSQL cannot store it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _has_nul(querydict) -> bool:
        return any("\x00" in key or any("\x00" in value for value in values) for key, values in querydict.lists())

    def __call__(self, request):
        bad = "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or self._has_nul(request.GET)
        if not bad and request.method == "POST" and request.content_type in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            bad = self._has_nul(request.POST)
        if bad:
            return render(request, "errors/400.html", status=400)
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages shown to a signed-in user carry scores, ballots and personal data: no browser or proxy
    keeps them (SECURITY.md item 4). One mechanism for every page, score pages included; responses
    that set their own Cache-Control keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
