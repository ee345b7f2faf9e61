"""Public pages of 投诉举报 under /gs/ts/. No login; CSRF on; throttled per client IP.

The status page answers only a matching 受理编号 + 查询码, and says the same "未找到" for an
unknown number and a wrong code. It shows the handling agency, never staff names.
"""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sanxiang.core.errors import DomainError

from . import services, throttle
from .forms import LookupForm, SubmitForm
from .models import FINAL_STATUSES

NOT_FOUND = _("未找到与该受理编号和查询码相符的投诉举报，请核对后重试。")


def _too_many(request, what):
    return render(request, "complaints/public/throttled.html", {"what": what}, status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    if request.method != "POST":
        return render(request, "complaints/public/submit.html", {"form": SubmitForm()})
    # Counted atomically before anything is accepted (see throttle.py); a submission
    # that is not accepted gives its use back.
    if not throttle.take("submit", request, throttle.SUBMIT_LIMIT):
        return _too_many(request, _("提交"))
    form = SubmitForm(request.POST)
    if not form.is_valid():
        throttle.give_back("submit", request)
        return render(request, "complaints/public/submit.html", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        complaint, code = services.submit(
            kind=data["kind"],
            agency=data["agency"],
            content=data["content"],
            name=data["name"],
            phone=data["phone"],
            reference=data["reference"],
            attachments=request.FILES.getlist("attachments"),
        )
    except DomainError as exc:  # an attachment refused: the form keeps what was typed
        throttle.give_back("submit", request)
        ctx = {"form": form, "attachment_errors": [m for _k, m in exc.details] or [exc.message]}
        return render(request, "complaints/public/submit.html", ctx, status=400)
    except Exception:
        throttle.give_back("submit", request)
        raise
    due = services.deadline(complaint)
    return render(
        request,
        "complaints/public/submitted.html",
        {"complaint": complaint, "code": code, "deadline": due},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def status(request):
    if request.method != "POST":
        return render(request, "complaints/public/status.html", {"form": LookupForm()})
    if not throttle.take("lookup", request, throttle.LOOKUP_LIMIT):
        return _too_many(request, _("查询"))
    form = LookupForm(request.POST)
    complaint = None
    if form.is_valid():
        complaint = services.lookup(form.cleaned_data["number"], form.cleaned_data["code"])
    if complaint is None:
        return render(
            request,
            "complaints/public/status.html",
            {"form": form, "error": NOT_FOUND},
            status=404,
        )
    answered = complaint.status in FINAL_STATUSES
    return render(
        request,
        "complaints/public/status.html",
        {
            "form": LookupForm(),
            "complaint": complaint,
            "answered": answered,
            "deadline": services.deadline(complaint),
        },
    )
