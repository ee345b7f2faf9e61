from django.urls import path

from . import views

app_name = "transfers"
urlpatterns = [
    path("", views.index, name="index"),
    path("case/<int:case_id>/new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
]
