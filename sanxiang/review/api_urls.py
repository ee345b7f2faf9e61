"""REST API of the review app (mounted under /api/review/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

app_name = "review_api"
router = SimpleRouter()
router.register("reviews", api.ReviewViewSet, basename="review")
router.register("extensions", api.ExtensionViewSet, basename="extension")
router.register("disputes", api.DisputeViewSet, basename="dispute")
urlpatterns = [
    path("cases/<int:case_id>/scope/", api.CaseScopeView.as_view(), name="case-scope"),
    path("cases/<int:case_id>/gate/", api.CaseGateView.as_view(), name="case-gate"),
    path("cases/<int:case_id>/submit/", api.CaseSubmitView.as_view(), name="case-submit"),
    path("flags/", api.FlagsView.as_view(), name="flags"),
    path("stats/", api.StatsView.as_view(), name="stats"),
    *router.urls,
]
