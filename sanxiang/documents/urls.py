"""Workbench pages of the documents app (mounted under /documents/)."""

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new_document, name="new"),
    path("case/<int:case_id>/", views.case_documents, name="case"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/discard/", views.discard, name="discard"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/preview.pdf", views.preview_pdf, name="preview"),
    path("<int:pk>/download.<str:fmt>", views.download, name="download"),
]
