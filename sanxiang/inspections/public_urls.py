"""Public pages of 双随机抽查结果 (mounted at /gs/sj/): published plans only."""

from django.urls import path

from . import public_views as v

app_name = "gs_sj"
urlpatterns = [
    path("", v.plans, name="plans"),
    path("<int:pk>/", v.plan, name="plan"),
]
