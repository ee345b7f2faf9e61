from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from sanxiang.core import views as core_views
from sanxiang.core.passwords_views import LogoutView, PasswordChangeView

APPS = [
    "org",
    "catalog",
    "workdays",
    "ledger",
    "cases",
    "documents",
    "records",
    "review",
    "publicity",
    "inspections",
    "complaints",
    "evaluation",
    "notifications",
    "assist",
    "discretion",
    "appeals",
    "transfers",
    "alerts",
    "patrol",
    "witness",
    "field",
]

urlpatterns = [
    path("", core_views.home, name="root"),
    # The public portal first: Django tries the patterns in order, and the portal takes most
    # of the traffic (issue #12: resolving a /gs/ page after every app's patterns cost ~50
    # pattern matches a request). The prefixes do not overlap, so the order changes nothing
    # else. The publicity app mounts its public pages under /gs/ in its public_urls.
    path("gs/sj/", include("sanxiang.inspections.public_urls")),
    path("gs/ts/", include("sanxiang.complaints.public_urls")),
    path("gs/", include("sanxiang.publicity.public_urls")),
    path("workbench/", include("sanxiang.core.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="core/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path("accounts/2fa/", include("sanxiang.core.twofactor_urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/auth/", include("sanxiang.core.api_urls")),
]
for _app in APPS:
    urlpatterns += [
        path(f"{_app}/", include(f"sanxiang.{_app}.urls")),
        path(f"api/{_app}/", include(f"sanxiang.{_app}.api_urls")),
    ]

# Django's own 404/403/500 answer {"code", "detail"} JSON under /api/ (core.api)
handler404 = "sanxiang.core.api.not_found"
handler403 = "sanxiang.core.api.permission_denied"
handler500 = "sanxiang.core.api.server_error"
