from django.urls import path

from . import job_views, views
from .leadership import member_views as leadership_members
from .leadership import views as leadership
from .routine import file_views as routine_files
from .routine import group_views as routine_groups
from .routine import views as routine

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
    # the leadership appraisal (班子考核)
    path("leadership/", leadership.office, name="leadership_office"),
    path("leadership/<int:year_pk>/team/", leadership.office_team, name="leadership_team"),
    path("leadership/<int:year_pk>/override/", leadership.office_override, name="leadership_override"),
    path("leadership/<int:year_pk>/poll/", leadership.office_poll_open, name="leadership_poll_open"),
    path("leadership/<int:year_pk>/export/", leadership.office_export, name="leadership_export"),
    path("leadership/<int:year_pk>/form/<int:member_pk>/", leadership.appraisal_form, name="leadership_form"),
    path("leadership/poll/<int:pk>/superiors/", leadership.office_superiors, name="leadership_superiors"),
    path("leadership/poll/<int:pk>/links/", leadership.office_links, name="leadership_links"),
    path("leadership/poll/<int:pk>/close/", leadership.office_poll_close, name="leadership_poll_close"),
    path("leadership/ballots/", leadership_members.ballots, name="leadership_ballots"),
    path("leadership/ballots/<int:pk>/", leadership_members.ballot, name="leadership_ballot"),
    path("leadership/mine/", leadership_members.mine, name="leadership_mine"),
    path("l/<str:token>/", leadership_members.link, name="leadership_link"),
    # routine appraisal by quarters, year-end 述职, the development file (docs/routine.md)
    path("routine/", routine.mine, name="routine_mine"),
    path("routine/peers/", routine.peers, name="routine_peers"),
    path("routine/review/", routine.review, name="routine_review"),
    path("routine/summaries/<int:pk>/", routine.summary, name="routine_summary"),
    path("routine/talks/", routine.talks, name="routine_talks"),
    path("routine/talks/<int:pk>/", routine.talk, name="routine_talk"),
    path("routine/office/", routine.office, name="routine_office"),
    path("routine/groups/", routine_groups.group_list, name="routine_groups"),
    path("routine/groups/<int:pk>/", routine_groups.group_edit, name="routine_group"),
    path("routine/groups/<int:pk>/delete/", routine_groups.group_delete, name="routine_group_delete"),
    path("routine/report/", routine_files.report, name="routine_report"),
    path("routine/reports/", routine_files.report_list, name="routine_reports"),
    path("routine/file/", routine_files.file_self, name="routine_file_self"),
    path("routine/file/<int:pk>/", routine_files.file, name="routine_file"),
    # external 360° raters: no account, a single-use link
    path("s/done/", views.satisfaction_done, name="satisfaction_done"),
    path("s/<str:token>/", views.satisfaction_link, name="satisfaction_link"),
    path("s/<str:token>/evidence/<int:evidence_pk>/", views.satisfaction_link_evidence,
         name="satisfaction_link_evidence"),
]
