"""Workbench pages of 投诉举报 (mounted under /complaints/)."""

from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/conclude/", views.conclude, name="conclude"),
]
