"""REST API of the ledger app (mounted under /api/ledger/). See api.py for access rules."""

from django.urls import path

from . import api

app_name = "ledger_api"
urlpatterns = [
    path("heads/latest/", api.LatestHeadView.as_view(), name="head-latest"),
    path("heads/sign/", api.SignHeadView.as_view(), name="head-sign"),
    path("heads/<int:size>/", api.HeadAtSizeView.as_view(), name="head-at-size"),
    path("public-key/", api.PublicKeyView.as_view(), name="public-key"),
    path("proofs/inclusion/", api.InclusionProofView.as_view(), name="proof-inclusion"),
    path("proofs/consistency/", api.ConsistencyProofView.as_view(), name="proof-consistency"),
    path("leaves/<int:index>/", api.LeafView.as_view(), name="leaf"),
    path("bundles/", api.BundleView.as_view(), name="bundle"),
]
