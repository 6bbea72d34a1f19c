from django.urls import path

from . import job_views, views

app_name = "scoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", job_views.system_health, name="health"),
    path("peer/", views.peer_ballot, name="peer_ballot"),
    path("peer-results/", views.peer_results, name="peer_results"),
    path("workload/", views.workload_edit, name="workload_edit"),
    path("workload/<int:period_pk>/<int:department_pk>/publish/", views.workload_publish, name="workload_publish"),
    path("workload/published/", views.workload_list, name="workload_list"),
    path("satisfaction/", views.satisfaction_list, name="satisfaction_list"),
    path("satisfaction/<int:pk>/", views.satisfaction_detail, name="satisfaction_detail"),
    path("satisfaction/<int:pk>/raters/", views.satisfaction_raters_add, name="satisfaction_raters_add"),
    path("satisfaction/<int:pk>/links/", views.satisfaction_links_create, name="satisfaction_links_create"),
    path("satisfaction/<int:pk>/close/", views.satisfaction_close, name="satisfaction_close"),
    path("satisfaction/ballots/", views.satisfaction_mine, name="satisfaction_mine"),
    path("satisfaction/ballots/<int:pk>/", views.satisfaction_ballot, name="satisfaction_ballot"),
    path("satisfaction/ballots/<int:pk>/evidence/<int:evidence_pk>/", views.satisfaction_evidence,
         name="satisfaction_evidence"),
    # external 360° raters: no account, a single-use link
    path("s/done/", views.satisfaction_done, name="satisfaction_done"),
    path("s/<str:token>/", views.satisfaction_link, name="satisfaction_link"),
    path("s/<str:token>/evidence/<int:evidence_pk>/", views.satisfaction_link_evidence,
         name="satisfaction_link_evidence"),
]
