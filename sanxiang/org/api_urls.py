"""REST API of the org app (mounted under /api/org/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

app_name = "org_api"
router = SimpleRouter()
router.register("agencies", api.AgencyViewSet, basename="agency")
router.register("officers", api.OfficerViewSet, basename="officer")
router.register("certificates", api.CertificateViewSet, basename="certificate")
urlpatterns = [path("may-enforce/", api.MayEnforceView.as_view(), name="may-enforce"), *router.urls]
