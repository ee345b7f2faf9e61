"""Witness API (mounted under /api/witness/); public, plain text (see views.py)."""

from django.urls import path

from . import views

app_name = "witness_api"
urlpatterns = [
    path("checkpoint", views.latest_checkpoint, name="checkpoint"),
    path("consistency", views.consistency, name="consistency"),
]
