"""REST API of the catalog app (mounted under /api/catalog/)."""

from rest_framework.routers import SimpleRouter

from . import api

app_name = "catalog_api"
router = SimpleRouter()
router.register("versions", api.VersionViewSet, basename="version")
router.register("powers", api.PowerViewSet, basename="power")
router.register("discretion", api.BenchmarkViewSet, basename="benchmark")
router.register("major-rules", api.MajorRuleViewSet, basename="major-rule")
urlpatterns = router.urls
