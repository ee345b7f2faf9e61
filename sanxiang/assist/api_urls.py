"""REST API of the assist app (mounted under /api/assist/)."""

from django.urls import path

from . import api

app_name = "assist_api"
urlpatterns = [
    path("articles/", api.ArticlesView.as_view(), name="articles"),
    path("similar/", api.SimilarView.as_view(), name="similar"),
]
