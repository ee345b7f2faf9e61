"""REST API of the workdays app (mounted under /api/workdays/)."""

from django.urls import path

from . import api

app_name = "workdays_api"
urlpatterns = [
    path("is", api.IsWorkdayView.as_view(), name="is"),
    path("add", api.AddWorkdaysView.as_view(), name="add"),
    path("between", api.WorkdaysBetweenView.as_view(), name="between"),
    path("years", api.YearsView.as_view(), name="years"),
]
