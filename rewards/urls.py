from django.urls import path

from . import explain_views, views, warning_views, window_views

app_name = "results"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("mine/", views.mine, name="mine"),
    path("my-department/", views.my_department, name="my_department"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/explain/<str:figure>/", explain_views.explain, name="explain"),
    path("departments/<int:pk>/", views.department, name="department"),
    path("window/", window_views.window, name="window"),
    path("window/departments/<int:pk>/", window_views.window_department, name="window_department"),
    path("analysis/", window_views.analysis, name="analysis"),
    path("analysis/export/", window_views.analysis_export, name="analysis_export"),
    path("trends/", window_views.trends, name="trends"),
    path("warnings/", warning_views.warnings, name="warnings"),
    path("warnings/<int:pk>/", warning_views.warning, name="warning"),
    path("warnings/<int:pk>/answer/", warning_views.warning_answer, name="warning_answer"),
    path("warnings/<int:pk>/follow-up/", warning_views.warning_follow_up, name="warning_follow_up"),
    path("warnings/<int:pk>/dismiss/", warning_views.warning_dismiss, name="warning_dismiss"),
    path("<int:year_pk>/warnings/run/", warning_views.warnings_run, name="warnings_run"),
    path("<int:year_pk>/warnings/issue/", warning_views.warnings_issue, name="warnings_issue"),
    path("<int:year_pk>/compute/", views.compute, name="compute"),
    path("<int:year_pk>/job/", views.job_status, name="job_status"),
    path("<int:year_pk>/export/", views.export, name="export"),
]
