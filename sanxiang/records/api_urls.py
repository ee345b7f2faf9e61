"""REST API of the records app (mounted under /api/records/)."""

from django.urls import path

from . import api

app_name = "records_api"
urlpatterns = [
    path("uploads/", api.UploadCreateView.as_view(), name="upload-create"),
    path("uploads/<uuid:upload_id>/", api.UploadView.as_view(), name="upload"),
    path("recordings/", api.RecordingList.as_view(), name="recording-list"),
    path("recordings/<int:pk>/", api.RecordingDetail.as_view(), name="recording-detail"),
    path(
        "recordings/<int:pk>/download/", api.RecordingDownload.as_view(), name="recording-download"
    ),
    path("access-requests/", api.AccessRequestList.as_view(), name="access-request-list"),
    path(
        "access-requests/<int:pk>/approve/",
        api.AccessRequestApprove.as_view(),
        name="access-request-approve",
    ),
    path(
        "access-requests/<int:pk>/reject/",
        api.AccessRequestReject.as_view(),
        name="access-request-reject",
    ),
]
