from django.urls import path

from sanxiang.apitokens import views as tokens_views

from . import dashboard, views

app_name = "core"
urlpatterns = [
    path("", views.workbench, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("tokens/", tokens_views.index, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens_views.revoke, name="token-revoke"),
]
