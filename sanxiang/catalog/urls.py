"""Workbench pages of the catalog app (mounted under /catalog/)."""

from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("template/<str:kind>.csv", views.template, name="template"),
    path("agency/<int:agency_id>/<str:kind>/", views.kind_page, name="kind"),
    path("agency/<int:agency_id>/<str:kind>/import/", views.import_file, name="import"),
    path("agency/<int:agency_id>/<str:kind>/new-draft/", views.new_draft, name="new_draft"),
    path("version/<int:pk>/", views.version_page, name="version"),
    path("version/<int:pk>/publish/", views.publish, name="publish"),
    path("version/<int:pk>/delete/", views.delete_draft, name="delete"),
    path("version/<int:pk>/export/<str:fmt>/", views.export, name="export"),
]
