"""REST API of the appeals app (mounted under /api/appeals/)."""

from rest_framework.routers import SimpleRouter

from . import api

app_name = "appeals_api"
router = SimpleRouter()
router.register("appeals", api.AppealViewSet, basename="appeal")
urlpatterns = router.urls
