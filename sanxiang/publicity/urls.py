"""Workbench pages of the publicity app (mounted under /publicity/)."""

from django.urls import path

from . import views

app_name = "publicity"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/marks/", views.save_marks, name="marks"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/remove/", views.remove, name="remove"),
    path("policy/", views.policy, name="policy"),
    path("pages/", views.pages, name="pages"),
    path("pages/prepare/", views.prepare, name="prepare"),
    path("pages/<int:pk>/", views.page_detail, name="page"),
    path("pages/<int:pk>/approve/", views.approve, name="approve"),
    path("pages/<int:pk>/reject/", views.reject, name="reject"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/<int:pk>/redeliver/", views.redeliver, name="redeliver"),
    path("reports/", views.reports, name="reports"),
]
