from django.urls import path

from . import views

app_name = "results"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("mine/", views.mine, name="mine"),
    path("my-department/", views.my_department, name="my_department"),
    path("people/<int:pk>/", views.person, name="person"),
    path("departments/<int:pk>/", views.department, name="department"),
    path("<int:year_pk>/compute/", views.compute, name="compute"),
    path("<int:year_pk>/job/", views.job_status, name="job_status"),
    path("<int:year_pk>/export/", views.export, name="export"),
]
