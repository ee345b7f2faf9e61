"""REST API of the evaluation app (mounted under /api/evaluation/)."""

from rest_framework.routers import SimpleRouter

from . import api

app_name = "evaluation_api"
router = SimpleRouter()
router.register("rounds", api.RoundViewSet, basename="round")
router.register("sheets", api.SheetViewSet, basename="sheet")
router.register("rectifications", api.RectificationViewSet, basename="rectification")
urlpatterns = router.urls
