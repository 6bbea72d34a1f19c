from django.urls import include, path

from .admin_site import admin_site
from .views import administration, auth, exchange, health, home, organisation, otp, periods

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("login/verify/", otp.otp_verify, name="otp_verify"),
    path("account/two-factor/", otp.otp_setup, name="otp_setup"),
    path("security/two-factor/", otp.otp_policy, name="otp_policy"),
    path("i18n/setlang/", auth.set_language, name="set_language"),
    path("departments/", organisation.department_list, name="department_list"),
    path("departments/new/", organisation.department_edit, name="department_create"),
    path("departments/<int:pk>/", organisation.department_detail, name="department_detail"),
    path("departments/<int:pk>/edit/", organisation.department_edit, name="department_edit"),
    path("people/", organisation.person_list, name="person_list"),
    path("people/new/", organisation.person_edit, name="person_create"),
    path("people/<int:pk>/", organisation.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", organisation.person_edit, name="person_edit"),
    path("roster/<str:kind>/import/", organisation.roster_import, name="roster_import"),
    path("roster/<str:kind>/export/", organisation.roster_export, name="roster_export"),
    path("years/", periods.year_list, name="year_list"),
    path("years/workbook/", exchange.workbook_import, name="workbook_import"),
    path("years/workbook/template/", exchange.workbook_template, name="workbook_template"),
    path("years/workbook/jobs/<int:pk>/", exchange.workbook_job, name="workbook_job"),
    path("years/workbook/jobs/<int:pk>/status/", exchange.workbook_job_status, name="workbook_job_status"),
    path("years/workbook/jobs/<int:pk>/import/", exchange.workbook_confirm, name="workbook_confirm"),
    path("years/workbook/jobs/<int:pk>/download/", exchange.workbook_job_download, name="workbook_job_download"),
    path("years/<int:year_pk>/workbook/export/", exchange.year_workbook_export, name="year_workbook_export"),
    path("years/<int:pk>/", periods.year_detail, name="year_detail"),
    path("years/<int:pk>/scheme/", periods.scheme_edit, name="scheme_edit"),
    path("periods/<int:pk>/transition/", periods.period_transition, name="period_transition"),
    path("periods/<int:pk>/move/<str:to_state>/", periods.period_move, name="period_move"),
    path("system/accounts/", administration.account_list, name="account_list"),
    path("system/accounts/<int:pk>/active/", administration.account_active, name="account_active"),
    path("system/accounts/<int:pk>/password-reset/", administration.account_password_reset,
         name="account_password_reset"),
    path("security/password-resets/", administration.password_reset_list, name="password_reset_list"),
    path("security/password-resets/<int:pk>/decide/", administration.password_reset_decide,
         name="password_reset_decide"),
    path("security/roles/", administration.role_list, name="role_list"),
    path("security/roles/<int:pk>/revoke/", administration.role_revoke, name="role_revoke"),
    path("audit/", administration.audit_log, name="audit_log"),
    path("audit/<int:pk>/trace/", administration.audit_trace, name="audit_trace"),
    path("people/<int:pk>/account/", organisation.person_account, name="person_account"),
    path("indicators/", include("indicators.urls")),
    path("tracelog/", include("tracelog.urls")),
    path("scoring/", include("scoring.urls")),
    path("results/", include("rewards.urls")),
    path("periods/", include("periods.urls")),
    path("admin/", admin_site.urls),
]

handler400 = "appraisal.views.auth.bad_request"
handler403 = "appraisal.views.auth.permission_denied"
handler404 = "appraisal.views.auth.page_not_found"
handler500 = "appraisal.views.auth.server_error"
