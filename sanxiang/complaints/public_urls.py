"""Public pages of 投诉举报 (mounted at /gs/ts/): submit, and look up by number + 查询码."""

from django.urls import path

from . import public_views as v

app_name = "gs_ts"
urlpatterns = [
    path("", v.submit, name="submit"),
    path("cx/", v.status, name="status"),
]
