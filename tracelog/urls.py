from django.urls import path

from . import views

app_name = "tracelog"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("new/", views.entry_new, name="entry_new"),
    path("department/", views.entry_list, name="entry_list"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/submit/", views.entry_submit, name="entry_submit"),
    path("entries/<int:pk>/review/", views.entry_review, name="entry_review"),
    path("entries/<int:pk>/return/", views.entry_return, name="entry_return"),
    path("department/review/", views.entry_review_batch, name="entry_review_batch"),
    path("entries/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("department/missing/", views.missing, name="missing"),
    path("department/statistics/", views.statistics, name="statistics"),
    path("department/statistics/export/", views.statistics_export, name="statistics_export"),
    path("department/settings/", views.deadline_settings, name="deadline_settings"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
]
