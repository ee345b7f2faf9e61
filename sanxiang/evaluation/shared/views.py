"""View helpers both workbenches use: refusals shown as messages, round actions, the
summary CSV download and the 整改通知 page with its report / accept / return actions."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.org.models import Role
from sanxiang.org.scoping import scope

from . import services as shared
from .forms import NoticeForm, ReportForm, ReturnForm
from .models import RectificationStatus


def scoped_get(user, qs, pk):
    """The row ``pk`` of ``qs`` if ``user`` may see it, else 404."""
    return get_object_or_404(scope(qs, user), pk=pk)


def nav(label, url_name):
    """The navigation entry of an app, for supervisors and the agencies' handlers and heads."""

    def entry(request):
        user = request.user
        if not user.is_authenticated or user.agency_id is None:
            return []
        if user.role not in (Role.SUPERVISOR, *shared.REPORTER_ROLES):
            return []
        return [(str(label), reverse(url_name))]

    return entry


def panel(request, scheme, name, related):
    """The workbench panel (``<app>/panel.html``): an organiser's open rounds and reports
    awaiting review; an agency's open notices (as ``name``, with ``related`` selected) by
    deadline."""
    user = request.user
    if not user.is_authenticated or user.agency_id is None:
        return None
    round_model, notice_model = scheme.models
    if scheme.is_organiser(user, user.agency):
        rounds = scope(round_model.objects.exclude(status="concluded"), user)
        reported = notice_model.objects.filter(status=RectificationStatus.REPORTED)
        ctx = {
            "supervisor": True,
            "rounds": list(rounds.order_by("-id")[:5]),
            "reported": scope(reported, user).count(),
        }
    elif user.role in shared.REPORTER_ROLES:
        notices = notice_model.objects.exclude(status=RectificationStatus.CLOSED)
        notices = scope(notices, user).select_related(related).order_by("deadline")
        ctx = {name: list(notices[:5]), "today": clock.today()}
    else:
        return None
    return {"title": str(scheme.name), "template": f"{scheme.app}/panel.html", "context": ctx}


def replay_ok(rnd, replay):
    """None before the draw; else whether ``replay(rnd)`` gives the stored result."""
    if not rnd.seed:
        return None
    try:
        return replay(rnd) == rnd.sample_result
    except DomainError:
        return False


def summary_of(rnd, build):
    """The stored summary of a concluded round, else ``build(rnd)`` now."""
    return rnd.summary if rnd.status == "concluded" else build(rnd)


def raise_if_permission(exc):
    if exc.code == ErrorCode.PERMISSION_DENIED:
        raise exc


def attempt(request, action, success):
    """Run ``action()``; its success or its refusal (not a permission's) as a message."""
    try:
        result = action()
    except DomainError as exc:
        raise_if_permission(exc)
        messages.error(request, str(exc))
        return None
    messages.success(request, success)
    return result


def round_action(request, rnd, action, success, url_name):
    attempt(request, lambda: action(rnd, request.user), success)
    return redirect(url_name, pk=rnd.pk)


def round_action_view(get_round, action, success, url_name):
    """A POST-only page that runs ``action(round, user)`` and returns to the round."""

    @login_required
    @require_POST
    def view(request, pk):
        return round_action(request, get_round(request.user, pk), action, success, url_name)

    return view


def submit_score(request, form, submit, success):
    """``submit(deductions, comment)`` from a valid ``ScoreForm``; True once done (with
    ``success`` as a message), else the refusal is on the form."""
    if not form.is_valid():
        return False
    try:
        submit(form.deductions(), form.cleaned_data["comment"])
    except DomainError as exc:
        raise_if_permission(exc)
        form.add_error(None, str(exc))
        return False
    messages.success(request, success)
    return True


def issue_notice(request, issue, back, notice_url):
    """A posted ``NoticeForm`` through ``issue(requirements=…, workdays=…)``: to the new
    notice's page (``notice_url``), or refused (a message) to ``back``."""
    form = NoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写整改要求和整改期限（1至120个工作日）。"))
        return back
    notice = attempt(request, lambda: issue(**form.cleaned_data), _("整改通知已发出。"))
    return redirect(notice_url, pk=notice.pk) if notice else back


def summary_csv_response(body, filename):
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass(frozen=True)
class NoticePages:
    """The 整改通知 page of an app and its actions (``report``, ``accept``, ``return``).

    ``scheme``: the app's ``shared.Scheme``; ``services``: its module (``submit_report``,
    ``accept_report``, ``return_report``); ``template``, ``url_name``; ``name``: the
    notice's name in the template context; ``context(request, notice)``: the app's own
    part of it."""

    scheme: shared.Scheme
    services: object
    template: str
    url_name: str
    name: str
    context: Callable

    def page(self, request, notice, report_form=None, return_form=None, status=200):
        user = request.user
        return render(
            request,
            self.template,
            {
                self.name: notice,
                "today": clock.today(),
                "overdue": notice.is_overdue(clock.today()),
                "can_report": shared.can_report(user, notice),
                "can_decide": self.scheme.can_decide(user, notice),
                "can_return": shared.can_return(notice),
                "report_form": report_form or ReportForm(),
                "return_form": return_form or ReturnForm(),
                **self.context(request, notice),
            },
            status=status,
        )

    def act(self, request, notice, action):
        user, svc = request.user, self.services
        if action == "report":
            form = ReportForm(request.POST)
            if not form.is_valid():
                return self.page(request, notice, report_form=form, status=400)
            report = form.cleaned_data["report"]
            step = (lambda: svc.submit_report(notice, user, report=report), _("整改报告已报送。"))
        elif action == "accept":
            step = (lambda: svc.accept_report(notice, user), _("整改已销号。"))
        elif action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                return self.page(request, notice, return_form=form, status=400)
            reason = form.cleaned_data["reason"]
            step = (lambda: svc.return_report(notice, user, reason=reason), _("整改报告已退回。"))
        else:
            step = (self._unknown, "")
        attempt(request, *step)
        return redirect(self.url_name, pk=notice.pk)

    @staticmethod
    def _unknown():
        raise DomainError(_("未知操作。"), ErrorCode.NOT_FOUND)
