"""Workbench pages of the org app (mounted under /org/)."""

from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency"),
    path("certificates/<str:number>/", views.certificate_detail, name="certificate"),
    path("certificates/<str:number>/status/", views.certificate_status, name="certificate_status"),
    path("enforce-check/", views.enforce_check, name="enforce_check"),
]
