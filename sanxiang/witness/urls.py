"""Witness pages (mounted under /witness/); public, plain text (see views.py)."""

from django.urls import path

from . import views

app_name = "witness"
urlpatterns = [
    path("add-checkpoint", views.add_checkpoint, name="add-checkpoint"),
    path("key", views.witness_key, name="key"),
    path("verifier/sanxiang_verify.py", views.verifier_download, name="verifier"),
]
