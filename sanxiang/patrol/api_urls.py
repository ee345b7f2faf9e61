"""REST API of the patrol app (mounted under /api/patrol/)."""

from rest_framework.routers import SimpleRouter

from . import api

app_name = "patrol_api"
router = SimpleRouter()
router.register("rounds", api.RoundViewSet, basename="patrol-round")
router.register("items", api.ItemViewSet, basename="patrol-item")
router.register("notices", api.NoticeViewSet, basename="patrol-notice")
urlpatterns = router.urls
