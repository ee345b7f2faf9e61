from django.urls import path

from . import views

app_name = "discretion"
urlpatterns = [
    path("cases/<int:case_id>/", views.case_page, name="case"),
]
