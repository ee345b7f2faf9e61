"""REST API of the cases app (mounted under /api/cases/)."""

from django.urls import path

from . import api

app_name = "cases_api"
urlpatterns = [
    path("", api.CaseListCreate.as_view(), name="list"),
    path("on-the-spot/", api.OnTheSpot.as_view(), name="on_the_spot"),
    path("<int:pk>/", api.CaseDetail.as_view(), name="detail"),
    path("<int:pk>/export/", api.CaseExport.as_view(), name="export"),
    *[
        path(f"<int:pk>/{code}/", view.as_view(), name=code)
        for code, view in api.ACTION_VIEWS.items()
    ],
]
