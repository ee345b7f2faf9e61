import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sanxiang.core.errors import DomainError
from sanxiang.core.fields import EnforcementField

from . import services
from .models import Certificate, Officer, Role
from .scoping import scope, visible_agencies


@login_required
def agency_list(request):
    agencies = visible_agencies(request.user).select_related("parent").order_by("path")
    return render(request, "org/agency_list.html", {"agencies": agencies})


@login_required
def agency_detail(request, pk):
    agency = get_object_or_404(visible_agencies(request.user), pk=pk)
    officers = (
        Officer.objects.filter(agency=agency)
        .select_related("user")
        .prefetch_related("certificates")
        .order_by("id")
    )
    page = Paginator(officers, 50).get_page(request.GET.get("page"))
    reviewers = agency.users.filter(role=Role.REVIEWER, is_active=True).count()
    officer_count = officers.filter(is_active=True).count()
    return render(
        request,
        "org/agency_detail.html",
        {
            "agency": agency,
            "page": page,
            "reviewers": reviewers,
            "officer_count": officer_count,
            "reviewer_ratio_ok": officer_count == 0 or reviewers * 20 >= officer_count,
        },
    )


@login_required
def certificate_detail(request, number):
    cert = get_object_or_404(
        scope(Certificate.objects.select_related("officer", "agency"), request.user), number=number
    )
    code, label = services.certificate_public_status(cert)
    can_change = request.user.role in (Role.ADMIN, Role.SUPERVISOR) or request.user.is_superuser
    return render(
        request,
        "org/certificate_detail.html",
        {
            "cert": cert,
            "status_code": code,
            "status_label": label,
            "events": cert.events.all(),
            "can_change": can_change,
        },
    )


@login_required
@require_POST
def certificate_status(request, number):
    cert = get_object_or_404(scope(Certificate.objects.all(), request.user), number=number)
    try:
        services.change_certificate_status(
            cert,
            request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
        messages.success(request, "执法证状态已变更并记入防篡改账本。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("org:certificate", number=cert.number)


@login_required
def enforce_check(request):
    """Form: may this officer enforce field F in region R on date D?"""
    officers = scope(Officer.objects.order_by("agency_id", "id"), request.user)
    result = None
    form = {
        "officer": request.GET.get("officer", ""),
        "field": request.GET.get("field", ""),
        "region": request.GET.get("region", ""),
        "date": request.GET.get("date", ""),
    }
    if form["officer"]:
        officer = get_object_or_404(officers, pk=form["officer"])
        try:
            on_date = dt.date.fromisoformat(form["date"]) if form["date"] else None
        except ValueError:
            messages.error(request, "日期格式应为 YYYY-MM-DD。")
        else:
            result = services.may_enforce(officer, form["field"], form["region"], on_date)
    return render(
        request,
        "org/enforce_check.html",
        {"officers": officers, "fields": EnforcementField.choices, "form": form, "result": result},
    )
