"""Login, logout, password change, language switch and the error pages."""
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from .. import access, audit
from ..forms import LoginForm
from ..models import AccountFlag

MUST_CHANGE_KEY = "must_change_password"


class LoginView(auth_views.LoginView):
    access_rule = access.PUBLIC
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm


class LogoutView(auth_views.LogoutView):
    access_rule = access.PUBLIC


class PasswordChangeView(auth_views.PasswordChangeView):
    access_rule = "authenticated"
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        # one transaction: if the audit write fails, the old password stays (SECURITY.md item 17)
        with transaction.atomic():
            form.save()
            AccountFlag.objects.filter(user=form.user).update(must_change_password=False)
            audit.record("auth.password_change", obj=form.user, object_type="auth.User")
        self.request.session.pop(MUST_CHANGE_KEY, None)
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("密码已修改。"))
        return HttpResponseRedirect(self.get_success_url())


set_language = access.require(access.PUBLIC)(django_set_language)


@never_cache
def bad_request(request, exception=None):
    """A request Django refuses before any view (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many
    fields, a bad multipart body): the Chinese 400 page, never Django's English one."""
    return render(request, "errors/400.html", {"reason": _(
        "请求内容过大或格式无效（例如提交的文字超过上限），未做任何处理。请检查输入后重试。")}, status=400)


def permission_denied(request, exception=None):
    audit.record("access.denied", object_type="url", object_repr=request.path[:200],
                 reason=str(exception or "")[:200])
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
