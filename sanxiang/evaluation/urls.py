"""Workbench pages of 案卷评查 (mounted under /evaluation/)."""

from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/sample/", views.round_sample, name="round_sample"),
    path("rounds/<int:pk>/conclude/", views.round_conclude, name="round_conclude"),
    path("rounds/<int:pk>/summary/", views.round_summary, name="summary"),
    path("rounds/<int:pk>/summary.csv", views.round_summary_csv, name="summary_csv"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path("sheets/<int:pk>/rectify/", views.sheet_rectify, name="sheet_rectify"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification"),
    path("rectifications/<int:pk>/<str:action>/", views.rectification_act, name="rect_act"),
]
