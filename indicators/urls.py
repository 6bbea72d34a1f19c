from django.urls import path

from . import assess_views, views

app_name = "indicators"

urlpatterns = [
    path("", views.plan_home, name="home"),
    path("mine/", views.my_table, name="my_table"),
    path("<int:year_pk>/", views.tree, name="tree"),
    path("<int:year_pk>/new/", views.indicator_edit, name="indicator_create"),
    path("<int:year_pk>/copy/", views.plan_copy, name="plan_copy"),
    path("scores/", assess_views.score_home, name="score_home"),
    path("<int:year_pk>/scores/", assess_views.score_grid, name="score_entry"),
    path("<int:year_pk>/scores/preview/", assess_views.score_preview, name="score_preview"),
    path("<int:year_pk>/scores/review/", assess_views.score_review, name="score_review"),
    path("<int:year_pk>/assessors/<int:department_pk>/add/", assess_views.designation_add, name="designation_add"),
    path("<int:year_pk>/assessors/<int:pk>/revoke/", assess_views.designation_revoke, name="designation_revoke"),
    path("<int:year_pk>/common-scores/", assess_views.common_grid, name="common_score_entry"),
    path("<int:year_pk>/export/", views.plan_export, name="plan_export"),
    path("<int:year_pk>/import/", views.plan_import, name="plan_import"),
    path("<int:year_pk>/actuals/", views.actuals_import, name="actuals_import"),
    path("<int:year_pk>/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("<int:year_pk>/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("<int:year_pk>/<int:pk>/weights/", views.weights_edit, name="weights_edit"),
    path("<int:year_pk>/departments/<int:department_pk>/", views.department_table, name="department_table"),
    path("<int:year_pk>/people/<int:person_pk>/", views.person_table, name="person_table"),
]
