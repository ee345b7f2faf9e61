"""REST API of the inspections app (mounted under /api/inspections/)."""

from rest_framework.routers import SimpleRouter

from . import api

app_name = "inspections_api"
router = SimpleRouter()
router.register("plans", api.PlanViewSet, basename="plan")
router.register("tasks", api.TaskViewSet, basename="task")
urlpatterns = router.urls
