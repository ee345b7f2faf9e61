"""Workbench pages of 网上巡查 (mounted under /patrol/)."""

from django.urls import path

from . import views

app_name = "patrol"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/sample/", views.round_sample, name="round_sample"),
    path("rounds/<int:pk>/conclude/", views.round_conclude, name="round_conclude"),
    path("rounds/<int:pk>/summary.csv", views.round_summary_csv, name="summary_csv"),
    path("rounds/<int:pk>/notice/<int:agency_id>/", views.round_notice, name="round_notice"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/recheck/", views.item_recheck, name="item_recheck"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/<str:action>/", views.notice_act, name="notice_act"),
]
