from django.urls import path

from . import api

app_name = "field_api"
urlpatterns = [
    path("session/", api.SessionView.as_view(), name="session"),
    path("tasks/", api.TasksView.as_view(), name="tasks"),
    path("acts/", api.ActView.as_view(), name="acts"),
]
