"""Workbench pages of the cases app (mounted under /cases/)."""

from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("on-the-spot/", views.on_the_spot, name="on_the_spot"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/export/", views.case_export, name="export"),
    path("<int:pk>/act/<str:code>/", views.case_action, name="action"),
]
