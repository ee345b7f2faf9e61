"""Workbench pages of 双随机、一公开 (mounted under /inspections/)."""

from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/draw/", views.plan_draw, name="plan_draw"),
    path("plans/<int:pk>/complete/", views.plan_complete, name="plan_complete"),
    path("plans/<int:pk>/publish/", views.plan_publish, name="plan_publish"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("targets/", views.targets, name="targets"),
    path("targets/add/", views.target_add, name="target_add"),
    path("targets/import/", views.target_import, name="target_import"),
    path("targets/template.csv", views.target_template, name="target_template"),
    path("targets/<int:pk>/active/", views.target_active, name="target_active"),
]
