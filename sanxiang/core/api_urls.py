from django.urls import path

from sanxiang.apitokens import api as tokens

app_name = "auth_api"
urlpatterns = [
    path("token/", tokens.ObtainTokenView.as_view(), name="token"),
    path("tokens/", tokens.TokenListCreateView.as_view(), name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.TokenRevokeView.as_view(), name="token-revoke"),
]
