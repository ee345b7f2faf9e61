"""Workbench pages: recordings of a case, upload, view/download, access requests, alerts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from sanxiang.core.errors import DomainError
from sanxiang.core.fields import RecordedActivity
from sanxiang.core.lists import Column, agency_name, filter_list
from sanxiang.org.models import Officer, Role
from sanxiang.org.scoping import scope

from . import access, caseinfo, requirements, retention
from .models import (
    AccessAction,
    AccessLog,
    AccessRefusal,
    AccessRequest,
    FixityAlert,
    LongTermReason,
    Recording,
    RecordingWaiver,
    RequestStatus,
)
from .sniff import MediaKind

STREAM_SALT = "records.stream"
# Outer bound of a stream token; the session's own window (access.view_window) is checked
# by the service against the time its AccessLog row was written.
STREAM_MAX_AGE = int(access.MAX_VIEW_WINDOW.total_seconds())


def _case(request, case_id):
    from sanxiang.cases.models import Case

    return get_object_or_404(scope(Case.objects.select_related("agency"), request.user), pk=case_id)


def _recording(request, pk):
    return get_object_or_404(access.visible_recordings(request.user), pk=pk)


@login_required
def recording_list(request):
    qs = access.visible_recordings(request.user)
    q = request.GET.get("case", "").strip()
    if q:
        qs = qs.filter(case_number__icontains=q)
    lf = filter_list(
        request,
        qs,
        status_field="activity",
        status_choices=RecordedActivity.choices,
        status_param="activity",
        status_label=_("执法活动"),
        date_field="recorded_start",
        date_label=_("记录日期"),
        extra_params=("case",),
    )
    if lf.wants_export:
        return lf.export(
            RECORDING_COLUMNS,
            lf.qs.order_by("-recorded_start", "-id"),
            title=_("音像记录"),
            filename="recordings.xlsx",
        )
    page = Paginator(lf.qs, 50).get_page(request.GET.get("page"))
    return render(request, "records/list.html", {"page": page, "q": q, "lf": lf})


RECORDING_COLUMNS = [
    Column(_lazy("案件编号"), lambda r: r.case_number, 24),
    Column(_lazy("执法主体"), lambda r: agency_name(r.agency), 20),
    Column(_lazy("执法活动"), lambda r: r.get_activity_display()),
    Column(_lazy("记录开始"), lambda r: r.recorded_start, 18),
    Column(_lazy("地点"), lambda r: r.place, 24),
    Column(_lazy("采集人"), lambda r: r.collector.name if r.collector_id else ""),
    Column(_lazy("类别"), lambda r: r.get_kind_display()),
    Column(_lazy("上传时间"), lambda r: r.uploaded_at, 18),
    Column(_lazy("逾期上传"), lambda r: _("是") if r.is_late else _("否")),
]


@login_required
def case_recordings(request, case_id):
    case = _case(request, case_id)
    recs = list(
        Recording.objects.filter(case=case)
        .select_related("case", "collector", "purge")
        .order_by("recorded_start")
    )
    retention.preload_marks(recs)
    for rec in recs:
        rec.retention_text = retention.retention_label(rec)
        rec.purged = hasattr(rec, "purge")
    user = request.user
    return render(
        request,
        "records/case.html",
        {
            "case": case,
            "recordings": recs,
            "missing": requirements.missing_recordings(case),
            "waivers": RecordingWaiver.objects.filter(case=case).select_related(
                "requested_by", "decided_by"
            ),
            "is_handler": caseinfo.is_handler(case, user),
            "may_upload": user.agency_id == case.agency_id
            and (user.role == Role.HEAD or caseinfo.is_handler(case, user)),
            "activities": RecordedActivity.choices,
            "long_term_reasons": LongTermReason.choices,
        },
    )


@login_required
def upload_page(request, case_id):
    case = _case(request, case_id)
    officers = Officer.objects.filter(agency_id=case.agency_id, is_active=True).order_by("name")
    return render(
        request,
        "records/upload.html",
        {
            "case": case,
            "officers": officers,
            "activities": RecordedActivity.choices,
            "kinds": MediaKind.choices,
            "endpoint": reverse("records_api:upload-create"),
            "own_officer": getattr(request.user, "officer", None)
            if hasattr(request.user, "officer")
            else None,
        },
    )


@login_required
def recording_detail(request, pk):
    rec = _recording(request, pk)
    user = request.user
    logs = refusals = None
    if user.role in (Role.HEAD, Role.SUPERVISOR, Role.ADMIN) or caseinfo.is_handler(rec.case, user):
        logs = AccessLog.objects.filter(recording=rec).select_related("user")[:100]
    if user.role in (Role.HEAD, Role.SUPERVISOR, Role.ADMIN) or user.is_superuser:
        refusals = AccessRefusal.objects.filter(recording=rec).select_related("user")[:100]
    return render(
        request,
        "records/detail.html",
        {
            "rec": rec,
            "retention": retention.retention_label(rec),
            "purged": hasattr(rec, "purge"),
            "may_view": access.may_access(rec, user),
            "may_download": access.may_access(rec, user, AccessAction.DOWNLOAD),
            "logs": logs,
            "refusals": refusals,
            "long_term_reasons": LongTermReason.choices,
        },
    )


@login_required
@require_POST
def view_recording(request, pk):
    """Opens a viewing session (one AccessLog row + ledger leaf) and shows the player."""
    rec = _recording(request, pk)
    entry = access.record_access(rec, request.user, request.POST.get("purpose"), AccessAction.VIEW)
    token = signing.dumps({"log": entry.pk, "user": request.user.pk}, salt=STREAM_SALT)
    return render(
        request,
        "records/player.html",
        {
            "rec": rec,
            "src": reverse("records:stream", args=[token]),
            "entry": entry,
            "window_minutes": int(access.view_window(rec).total_seconds() // 60),
        },
    )


@login_required
def stream(request, token):
    """Serves the file of a viewing session opened by ``view_recording`` by byte ranges:
    always 206 with a bounded part (416 when the range is outside the file), inline."""
    try:
        data = signing.loads(token, salt=STREAM_SALT, max_age=STREAM_MAX_AGE)
    except signing.BadSignature:
        raise Http404
    if data.get("user") != request.user.pk:
        raise Http404
    part = access.view_part(data.get("log"), request.user, request.headers.get("Range"))
    if not part.satisfiable:
        response = HttpResponse(
            _("请求的字节范围超出文件大小。"), status=416, content_type="text/plain; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            part.chunks(), status=206, content_type=part.recording.content_type
        )
        response["Content-Length"] = str(part.length)
    response["Content-Range"] = part.content_range
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def download(request, pk):
    rec = _recording(request, pk)
    fh, _entry = access.open_for_viewing(
        rec, request.user, request.POST.get("purpose"), AccessAction.DOWNLOAD
    )
    return FileResponse(
        fh, as_attachment=True, filename=rec.original_name, content_type=rec.content_type
    )


@login_required
def requests_page(request):
    user = request.user
    reqs = access.visible_requests(user)
    waivers = scope(RecordingWaiver.objects.select_related("case", "requested_by"), user)
    return render(
        request,
        "records/requests.html",
        {
            "pending": reqs.filter(status=RequestStatus.PENDING),
            "decided": reqs.exclude(status=RequestStatus.PENDING)[:100],
            "pending_waivers": waivers.filter(status=RequestStatus.PENDING),
            "is_head": user.role == Role.HEAD,
            "mine": AccessRequest.objects.filter(requester=user).select_related("case")[:50],
        },
    )


def _back(request, default):
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else default)


@login_required
@require_POST
def request_new(request, case_id):
    case = _case(request, case_id)
    rec = None
    if request.POST.get("recording"):
        rec = get_object_or_404(Recording.objects.filter(case=case), pk=request.POST["recording"])
    try:
        access.request_access(
            request.user,
            case,
            request.POST.get("reason"),
            recording=rec,
            allow_download=bool(request.POST.get("allow_download")),
        )
        messages.success(request, _("调阅申请已提交，待机关负责人审批。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(request, reverse("records:requests"))


@login_required
@require_POST
def request_decide(request, pk):
    req = get_object_or_404(access.visible_requests(request.user), pk=pk)
    try:
        access.decide_access(
            req,
            request.user,
            request.POST.get("decision") == "approve",
            request.POST.get("note", ""),
            request.POST.get("valid_days") or access.DEFAULT_VALID_DAYS,
        )
        messages.success(request, _("已审批。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("records:requests")


@login_required
@require_POST
def waiver_new(request, case_id):
    case = _case(request, case_id)
    try:
        requirements.request_waiver(
            case,
            request.user,
            request.POST.get("activity"),
            request.POST.get("activity_date"),
            request.POST.get("reason"),
        )
        messages.success(request, _("书面说明已提交，待机关负责人审批。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("records:case", case.pk)


@login_required
@require_POST
def waiver_decide(request, pk):
    waiver = get_object_or_404(scope(RecordingWaiver.objects.all(), request.user), pk=pk)
    try:
        requirements.approve_waiver(
            waiver,
            request.user,
            request.POST.get("decision") == "approve",
            request.POST.get("note"),
        )
        messages.success(request, _("已审批。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(request, reverse("records:requests"))


@login_required
@require_POST
def long_term(request, case_id):
    case = _case(request, case_id)
    target = case
    if request.POST.get("recording"):
        target = get_object_or_404(
            Recording.objects.filter(case=case), pk=request.POST["recording"]
        )
    try:
        retention.mark_long_term(
            target, request.POST.get("reason"), request.user, request.POST.get("note", "")
        )
        messages.success(request, _("已标记为长期保存。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(request, reverse("records:case", args=[case.pk]))


@login_required
def alerts(request):
    qs = scope(FixityAlert.objects.select_related("recording", "run"), request.user)
    return render(request, "records/alerts.html", {"alerts": qs[:200]})
