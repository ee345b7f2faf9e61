"""REST API of the transfers app (mounted under /api/transfers/)."""

from rest_framework.routers import SimpleRouter

from . import api

app_name = "transfers_api"
router = SimpleRouter()
router.register("transfers", api.TransferViewSet, basename="transfer")
urlpatterns = router.urls
