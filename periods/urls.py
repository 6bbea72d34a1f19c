from django.urls import path

from . import views

app_name = "periods"

urlpatterns = [
    path("objections/", views.objection_list, name="objection_list"),
    path("objections/new/<int:period_pk>/", views.objection_create, name="objection_create"),
    path("objections/<int:pk>/", views.objection_detail, name="objection_detail"),
    path("objections/<int:pk>/evidence/", views.objection_evidence, name="objection_evidence"),
    path("calendar/", views.calendar, name="calendar"),
    path("history/", views.history, name="history"),
    path("calendar/<int:pk>/delete/", views.calendar_delete, name="calendar_delete"),
]
