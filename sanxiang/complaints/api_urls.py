"""REST API of the complaints app (mounted under /api/complaints/)."""

from rest_framework.routers import SimpleRouter

from . import api

app_name = "complaints_api"
router = SimpleRouter()
router.register("complaints", api.ComplaintViewSet, basename="complaint")
urlpatterns = router.urls
