"""The public portal 行政执法公示 (mounted at /gs/): no login, snapshots only."""

from django.urls import path

from . import public_views as v

app_name = "gs"
urlpatterns = [
    path("", v.home, name="home"),
    path("jg/", v.agencies, name="agencies"),
    path("jg/<int:agency_id>/", v.agency, name="agency"),
    path("jg/<int:agency_id>/lct/<str:act_type>.svg", v.flowchart, name="flowchart"),
    path("zj/", v.credential_search, name="credential_search"),
    path("zj/<str:number>/", v.credential, name="credential"),
    path("zj/<str:number>/qr.svg", v.credential_qr, name="credential_qr"),
    path("yq/", v.seal_check, name="seal_check"),
    path("yq/ca.pem", v.seal_ca, name="seal_ca"),
    path("jd/", v.decisions, name="decisions"),
    path("jd/<int:publication_id>/", v.decision, name="decision"),
    path("jd/<int:publication_id>/v<int:version>/", v.decision_version, name="decision_version"),
    path("feed.atom", v.DecisionFeed(), name="feed"),
    path("export/<str:layout>.<str:fmt>", v.export, name="export"),
    path("ledger/", v.ledger, name="ledger"),
    path("nb/", v.reports, name="reports"),
    path("nb/<int:report_id>/", v.report, name="report"),
    path("nb/<int:report_id>/report.pdf", v.report_pdf, name="report_pdf"),
    path("nb/<int:report_id>/<str:chart>.svg", v.report_chart, name="report_chart"),
]
