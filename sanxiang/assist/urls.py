from django.urls import path

from . import views

app_name = "assist"
urlpatterns = [
    path("cases/<int:case_id>/accept/", views.accept, name="accept"),
]
