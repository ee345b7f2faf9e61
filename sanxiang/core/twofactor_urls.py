from django.urls import path

from . import twofactor_views as views

app_name = "twofactor"
urlpatterns = [
    path("", views.manage, name="manage"),
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("users/", views.users, name="users"),
    path("users/<int:user_id>/reset/", views.reset, name="reset"),
]
