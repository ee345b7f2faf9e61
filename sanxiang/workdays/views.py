"""Workbench pages for administrators: the holiday table per year, edits and import."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.org.models import Role

from . import calendar, services
from .forms import AddCalcForm, BetweenCalcForm, CompleteForm, ImportForm, OverrideForm, ReopenForm
from .importing import format_error
from .models import HolidayOverride


def is_admin(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.ADMIN)
    )


def _require_admin(request):
    if not is_admin(request.user):
        raise PermissionDenied(_("只有系统管理员可以维护节假日安排。"))


def nav_items(request):
    if is_admin(request.user):
        return [(_("节假日安排"), reverse("workdays:index"))]
    return []


def workbench_panel(request):
    if not is_admin(request.user):
        return None
    today = clock.today()
    statuses = services._statuses([today.year, today.year + 1])
    return {
        "title": _("节假日安排"),
        "template": "workdays/panel.html",
        "context": {"statuses": statuses, "url": reverse("workdays:index")},
    }


def _parse_year(year: int) -> int:
    if not services.MIN_YEAR <= year <= services.MAX_YEAR:
        raise Http404
    return year


@login_required
@require_GET
def index(request):
    _require_admin(request)
    context = {"years": services.year_overview()}
    add_form = AddCalcForm(request.GET if "n" in request.GET else None)
    between_form = BetweenCalcForm(request.GET if "end" in request.GET else None)
    if add_form.is_bound and add_form.is_valid():
        d, n = add_form.cleaned_data["date"], add_form.cleaned_data["n"]
        try:
            context["add_result"] = calendar.deadline(d, n)
        except DomainError as exc:
            context["calc_error"] = exc.message
    if between_form.is_bound and between_form.is_valid():
        try:
            start, end = between_form.cleaned_data["start"], between_form.cleaned_data["end"]
            context["between_result"] = calendar.workdays_between(start, end)
            context["between_note"] = calendar.provisional_note(
                calendar.between_provisional_years(start, end)
            )
        except DomainError as exc:
            context["calc_error"] = exc.message
    context.update(add_form=add_form, between_form=between_form)
    return render(request, "workdays/index.html", context)


@login_required
@require_GET
def year_detail(request, year):
    _require_admin(request)
    year = _parse_year(year)
    return _render_year(request, year)


def _render_year(request, year, status=200, **forms):
    status_row = services.year_status(year)
    overrides = list(HolidayOverride.objects.filter(date__year=year).order_by("date"))
    override_dates = {o.date for o in overrides}
    context = {
        "year": year,
        "status": status_row,
        "overrides": overrides,
        "builtin_days": [d for d in services.builtin_days(year) if d.date not in override_dates],
        "override_form": forms.get("override_form")
        or OverrideForm(initial={"date": dt.date(year, 1, 1)}),
        "complete_form": forms.get("complete_form")
        or CompleteForm(
            initial={
                "notice": status_row.record.notice if status_row.record else "",
                "source": status_row.record.source if status_row.record else "",
            }
        ),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "weekday_names": calendar.WEEKDAY_NAMES,
    }
    return render(request, "workdays/year.html", context, status=status)


def _apply(request, form, year, action, form_key):
    """Run ``action(cleaned_data)``; on a rule violation show the form again with the message."""
    if form.is_valid():
        try:
            message = action(form.cleaned_data)
        except DomainError as exc:
            if exc.code == "permission_denied":
                raise
            form.add_error(None, exc.message)
        else:
            messages.success(request, message)
            return redirect("workdays:year", year=year)
    return _render_year(request, year, status=400, **{form_key: form})


@login_required
@require_POST
def add_override(request, year):
    _require_admin(request)
    year = _parse_year(year)

    def action(data):
        if data["date"].year != year:
            raise DomainError(
                _("日期不在%(year)s年内，请到对应年份的页面录入。") % {"year": year},
                code=ErrorCode.OUT_OF_RANGE,
            )
        o = services.set_override(request.user, data["date"], data["kind"], data["name"])
        return _("已录入：%(o)s") % {"o": o}

    return _apply(request, OverrideForm(request.POST), year, action, "override_form")


@login_required
@require_POST
def remove_override(request, year, day):
    _require_admin(request)
    year = _parse_year(year)
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404
    try:
        services.remove_override(request.user, date)
    except DomainError as exc:
        if exc.code == "permission_denied":
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除 %(date)s 的调整。") % {"date": date.isoformat()})
    return redirect("workdays:year", year=year)


@login_required
@require_POST
def complete_year(request, year):
    _require_admin(request)
    year = _parse_year(year)

    def action(data):
        row = services.mark_year_complete(request.user, year, data["notice"], data["source"])
        for item in row.moved:
            messages.info(request, item.line())
        return _("%(year)s年节假日安排已标记为完整录入；已重算%(n)s个暂定期限。") % {
            "year": year,
            "n": len(row.moved),
        }

    return _apply(request, CompleteForm(request.POST), year, action, "complete_form")


@login_required
@require_POST
def reopen_year(request, year):
    _require_admin(request)
    year = _parse_year(year)

    def action(data):
        services.reopen_year(request.user, year, data["reason"])
        return _("已撤销%(year)s年的“已完整录入”标记。") % {"year": year}

    return _apply(request, ReopenForm(request.POST), year, action, "reopen_form")


@login_required
def import_schedule(request):
    _require_admin(request)
    errors = []
    summary = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.import_schedule(
                    request.user,
                    upload.read(),
                    filename=upload.name,
                    year=form.cleaned_data["year"],
                    notice=form.cleaned_data["notice"],
                    source=form.cleaned_data["source"],
                )
            except DomainError as exc:
                if exc.code == "permission_denied":
                    raise
                summary = exc.message
                errors = [format_error(e) for e in exc.details if isinstance(e, dict)]
                status = 400
            else:
                return render(request, "workdays/import_done.html", {"result": result})
        else:
            status = 400
    else:
        form = ImportForm(initial={"year": request.GET.get("year") or None})
    return render(
        request,
        "workdays/import.html",
        {"form": form, "errors": errors, "summary": summary},
        status=status,
    )


def banner(request):
    """From 1 November, while next year's schedule is missing: administrators get the import
    link, supervisors the notice (they cannot import themselves)."""
    from .periodic import missing_next_year

    user = request.user
    if not user.is_authenticated or not (is_admin(user) or user.role == Role.SUPERVISOR):
        return []
    year = missing_next_year()
    if year is None:
        return []
    text = _(
        "%(year)s年的节假日安排尚未录入：涉及%(year)s年的期限暂按法定节假日推算，"
        "显示为“暂定”，录入后自动重算。"
    ) % {"year": year}
    if is_admin(user):
        return [
            {
                "text": text,
                "url": reverse("workdays:import") + f"?year={year}",
                "link": _("导入%(year)s年节假日安排") % {"year": year},
            }
        ]
    return [{"text": text + _("请联系系统管理员导入。"), "url": "", "link": ""}]
