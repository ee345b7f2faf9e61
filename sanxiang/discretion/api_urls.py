"""REST API of the discretion app (mounted under /api/discretion/)."""

from django.urls import path

from . import api

app_name = "discretion_api"
urlpatterns = [
    path("cases/<int:case_id>/check/", api.CaseCheckView.as_view(), name="case-check"),
]
