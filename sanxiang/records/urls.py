"""Workbench pages of the records app (mounted under /records/)."""

from django.urls import path

from . import views

app_name = "records"
urlpatterns = [
    path("", views.recording_list, name="list"),
    path("case/<int:case_id>/", views.case_recordings, name="case"),
    path("case/<int:case_id>/upload/", views.upload_page, name="upload"),
    path("case/<int:case_id>/request/", views.request_new, name="request_new"),
    path("case/<int:case_id>/waiver/", views.waiver_new, name="waiver_new"),
    path("case/<int:case_id>/long-term/", views.long_term, name="long_term"),
    path("<int:pk>/", views.recording_detail, name="detail"),
    path("<int:pk>/view/", views.view_recording, name="view"),
    path("<int:pk>/download/", views.download, name="download"),
    path("stream/<str:token>/", views.stream, name="stream"),
    path("requests/", views.requests_page, name="requests"),
    path("requests/<int:pk>/decide/", views.request_decide, name="decide"),
    path("waivers/<int:pk>/decide/", views.waiver_decide, name="waiver_decide"),
    path("alerts/", views.alerts, name="alerts"),
]
