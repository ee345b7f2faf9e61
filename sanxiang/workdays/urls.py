"""Workbench pages of the workdays app (mounted under /workdays/)."""

from django.urls import path

from . import views

app_name = "workdays"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_schedule, name="import"),
    path("<int:year>/", views.year_detail, name="year"),
    path("<int:year>/override/", views.add_override, name="add_override"),
    path("<int:year>/override/<str:day>/delete/", views.remove_override, name="remove_override"),
    path("<int:year>/complete/", views.complete_year, name="complete"),
    path("<int:year>/reopen/", views.reopen_year, name="reopen"),
]
