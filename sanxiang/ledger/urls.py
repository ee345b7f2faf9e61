"""Pages of the ledger app (mounted under /ledger/). ``heads/`` is public (no login)."""

from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("heads/", views.heads_feed, name="heads-feed"),
]
