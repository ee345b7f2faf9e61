from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.index, name="index"),
    path("read/", views.mark_read, name="read"),
    path("todo/", views.todos, name="todos"),
]
