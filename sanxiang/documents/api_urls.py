"""REST API of the documents app (mounted under /api/documents/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

app_name = "documents_api"

router = SimpleRouter()
router.register("documents", api.DocumentViewSet, basename="document")

urlpatterns = [
    path("kinds/", api.KindListView.as_view(), name="kinds"),
    *router.urls,
]
