"""REST API of the publicity app (mounted under /api/publicity/): open data, read-only."""

from django.urls import path

from . import api

app_name = "publicity_api"
urlpatterns = [
    path("decisions/", api.DecisionList.as_view(), name="decisions"),
    path("decisions/<int:publication_id>/", api.DecisionDetail.as_view(), name="decision"),
    path("withdrawn/", api.WithdrawnList.as_view(), name="withdrawn"),
]
