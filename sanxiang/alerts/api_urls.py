"""REST API of the alerts app (mounted under /api/alerts/)."""

from rest_framework.routers import SimpleRouter

from . import api

app_name = "alerts_api"
router = SimpleRouter()
router.register("alerts", api.AlertViewSet, basename="alert")
urlpatterns = router.urls
