"""Workbench pages of the review app (mounted under /review/)."""

from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.review_list, name="list"),
    path("queue/", views.queue, name="queue"),
    path("stats/", views.stats, name="stats"),
    path("extensions/", views.extensions, name="extensions"),
    path("cases/<int:case_id>/", views.case_page, name="case"),
    path("cases/<int:case_id>/submit/", views.submit, name="submit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/diff/", views.diff, name="diff"),
    path("<int:pk>/opinion.pdf", views.opinion_pdf, name="opinion_pdf"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
    path("materials/<int:pk>/", views.material_file, name="material"),
]
