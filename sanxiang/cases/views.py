"""Workbench pages of the cases app: list, new case, on-the-spot decision, case page with
timeline and warnings, one form per transition, case-file export. Views are thin: every
change goes through ``services`` (via ``actions``), every query through ``scope``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST
from rest_framework import serializers as drf

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, PermissionDenied
from sanxiang.core.fields import CaseActType
from sanxiang.core.lists import Column, agency_name, filter_list
from sanxiang.org.models import Role
from sanxiang.org.scoping import scope

from . import actions, flows, services
from .forms import OnTheSpotForm, OpenCaseForm
from .listing import filter_cases, keyset_page, scoped_cases
from .models import Case, Stage
from .services import effects

# The next step of the procedure, shown first and highlighted.
PRIMARY_ACTIONS = {
    "approve_opening",
    "start_investigation",
    "finish_investigation",
    "send_prior_notice",
    "schedule_hearing",
    "hold_hearing",
    "decide",
    "serve",
    "record_payment",
    "file_simple_decision",
    "close_case",
    "archive_case",
}

# a step already taken stays available (a new 告知 after changed facts, a rescheduled
# hearing) but is no longer the next step the page points to
DONE_WHEN = {
    "send_prior_notice": "notice_at",
    "schedule_hearing": "hearing_at",
}


def is_primary(case, code) -> bool:
    """The highlighted next step(s) on the case page."""
    done = DONE_WHEN.get(code)
    return code in PRIMARY_ACTIONS and not (done and getattr(case, done, None))


def _case(request, pk):
    qs = scope(Case.objects.select_related("agency", "power"), request.user).prefetch_related(
        "parties", "handlers__officer"
    )
    return get_object_or_404(qs, pk=pk)


# --------------------------------------------------------------------------- list

CASE_COLUMNS = [
    Column(_lazy("案件编号"), lambda c: c.number or _("（待审批）"), 24),
    Column(_lazy("案由"), lambda c: c.title, 40),
    Column(_lazy("类别"), lambda c: c.get_act_type_display()),
    Column(_lazy("环节"), lambda c: c.get_stage_display()),
    Column(_lazy("执法主体"), lambda c: agency_name(c.agency), 24),
    Column(_lazy("立案/登记"), lambda c: (c.opened_at or c.created_at).date()),
    Column(_lazy("办案期限"), lambda c: c.deadline),
]


@login_required
def case_list(request):
    qs = scoped_cases(request.user, Case.objects.select_related("agency")).only(
        "id",
        "number",
        "title",
        "act_type",
        "stage",
        "opening_status",
        "agency__name",
        "agency__short_name",
        "opened_at",
        "created_at",
        "deadline",
        "decision_outcome",
    )
    qs = filter_cases(qs, request.GET)
    lf = filter_list(
        request,
        qs,
        status_field="stage",
        status_choices=Stage.choices,
        status_param="stage",
        status_label=_("环节"),
        date_field="opened_at",
        date_label=_("立案日期"),
        date_fields=[("closed", "closed_at", _("结案日期"))],
        extra_params=("act_type", "q"),
    )
    if lf.wants_export:
        return lf.export(
            CASE_COLUMNS, lf.qs.order_by("-id"), title=_("执法案件"), filename="cases.xlsx"
        )
    qs = lf.qs
    rows, next_cursor = keyset_page(qs, request.GET.get("cursor"))
    params = request.GET.copy()
    next_url = None
    if next_cursor:
        params["cursor"] = str(next_cursor)
        next_url = "?" + params.urlencode()
    return render(
        request,
        "cases/list.html",
        {
            "cases": rows,
            "next_url": next_url,
            "is_first_page": not request.GET.get("cursor"),
            "lf": lf,
            "stages": Stage.choices,
            "act_types": CaseActType.choices,
            "f": {k: request.GET.get(k, "") for k in ("stage", "act_type", "q")},
            "can_open": request.user.role in (Role.HANDLER, Role.HEAD) and request.user.agency_id,
        },
    )


# --------------------------------------------------------------------------- create


@login_required
def case_new(request):
    user = request.user
    if user.role not in (Role.HANDLER, Role.HEAD) or not user.agency_id:
        raise PermissionDenied(_("只有执法机关的承办人或负责人可以立案。"))
    # A link from another record (e.g. a random-inspection task that found a lead) may
    # prefill the form; the user still reviews and submits it.
    initial = {k: v for k, v in request.GET.items() if k in OpenCaseForm.PREFILL_FIELDS}
    form = OpenCaseForm(request.POST or None, agency=user.agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(agency=user.agency, actor=user, **form.service_kwargs())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已登记案源并提请立案审批。"))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/new.html", {"form": form, "title": _("登记案源 / 提请立案")})


@login_required
def on_the_spot(request):
    user = request.user
    if user.role not in (Role.HANDLER, Role.HEAD) or not user.agency_id:
        raise PermissionDenied(_("只有执法机关的执法人员可以当场处罚。"))
    form = OnTheSpotForm(request.POST or None, agency=user.agency)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.decide_on_the_spot(
                agency=user.agency, actor=user, **form.service_kwargs()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已当场作出行政处罚决定：%(n)s。") % {"n": case.number})
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/new.html",
        {
            "form": form,
            "title": _("简易程序：当场处罚"),
            "hint": _(
                "适用于违法事实确凿并有法定依据，对公民处 200 元以下、对法人或者其他组织处 "
                "3000 元以下罚款或者警告的行政处罚（《行政处罚法》第五十一条）。"
            ),
        },
    )


# --------------------------------------------------------------------------- detail


@login_required
def case_detail(request, pk):
    case = _case(request, pk)
    available = services.available_actions(case, request.user)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "progress": flows.stage_progress(case.act_type, case.stage),
            "alerts": services.case_alerts(case),
            "actions": sorted(
                (
                    {
                        "code": a.code,
                        "label": a.label,
                        "danger": a.danger,
                        "primary": is_primary(case, a.code),
                        "inline": actions.RUNNERS[a.code][0] is actions.CaseEmptyIn,
                    }
                    for a in available
                ),
                key=lambda a: (not a["primary"], a["danger"]),
            ),
            "timeline": services.timeline(case),
            "parties": list(case.parties.all()),
            "handlers": list(case.handlers.all()),
            "discussions": list(case.discussions.all()),
            "can_export": request.user.agency_id == case.agency_id
            or request.user.role == Role.SUPERVISOR
            or request.user.is_superuser,
            "may_upload_recording": request.user.agency_id == case.agency_id
            and (
                request.user.role == Role.HEAD
                or case.handlers.filter(officer__user=request.user).exists()
            ),
        },
    )


# --------------------------------------------------------------------------- actions


def _widget(field):
    if isinstance(field, drf.ManyRelatedField):
        return "checkboxes", [(str(k), v) for k, v in field.child_relation.choices.items()]
    if isinstance(field, drf.MultipleChoiceField):
        return "checkboxes", [(str(k), v) for k, v in field.choices.items()]
    if isinstance(field, drf.BooleanField):
        if field.allow_null:
            return "nullbool", [("", _("未确定")), ("true", _("是")), ("false", _("否"))]
        return "checkbox", []
    if isinstance(field, drf.ChoiceField):
        return "select", [(str(k), v) for k, v in field.choices.items()]
    if isinstance(field, drf.RelatedField):
        return "select", [(str(k), v) for k, v in field.choices.items()]
    if isinstance(field, drf.DateTimeField):
        return "datetime", []
    if isinstance(field, (drf.DecimalField, drf.IntegerField)):
        return "number", []
    if field.style.get("base_template") == "textarea.html":
        return "textarea", []
    return "text", []


def form_fields(serializer, data=None, errors=None, initial=None):
    rows = []
    initial = initial or {}
    for name, field in serializer.fields.items():
        widget, choices = _widget(field)
        if data is not None:
            value = data.getlist(name) if widget == "checkboxes" else data.get(name, "")
        else:
            value = [] if widget == "checkboxes" else ""
            if widget == "checkbox":
                value = "on" if field.default is True else ""
            elif widget == "select" and not field.required and field.default is drf.empty:
                value = ""
            elif field.default not in (drf.empty, None) and not callable(field.default):
                value = str(field.default).lower() if widget == "nullbool" else field.default
            if initial.get(name) not in (None, "", []):
                value = initial[name]
        rows.append(
            {
                "name": name,
                "label": field.label or name,
                "widget": widget,
                "choices": choices,
                "value": value,
                "values": [str(v) for v in value] if isinstance(value, list) else [],
                "required": field.required,
                "help": field.help_text or "",
                "errors": (errors or {}).get(name, []),
                "optional_select": widget == "select" and not field.required,
            }
        )
    return rows


def _initial(case, code):
    """Prefill the decision form with what the prior notice proposed and the case's 决定书
    (the head may change them)."""
    if code != "decide":
        return {}
    draft = actions.decision_documents(case).first()  # the 决定书 that went through 法制审核
    return {
        "penalty_kinds": [str(k) for k in case.proposed_penalty_kinds or []],
        "fine": case.proposed_fine,
        "confiscated": case.confiscation_value,
        "document": str(draft.pk) if draft else None,
    }


@login_required
def case_action(request, pk, code):
    case = _case(request, pk)
    if code not in actions.RUNNERS:
        raise Http404
    allowed = {a.code for a in services.available_actions(case, request.user)}
    action = services.ACTIONS_BY_CODE[code]
    errors, non_field, error_links = None, [], []
    if request.method == "POST":
        ser = actions.serializer_for(code, case, request.POST)
        if ser.is_valid() and code == "decide" and (page := _ask_decide(request, case)):
            return page
        if ser.is_valid():
            try:
                actions.run(code, case, request.user, ser.validated_data)
            except DomainError as exc:
                non_field = [exc.message, *[d for d in exc.details if d != str(exc.message)]]
                error_links = exc.links
            else:
                messages.success(request, _("已办理：%(a)s。") % {"a": action.label})
                return redirect("cases:detail", pk=case.pk)
        else:
            errors = ser.errors
            non_field = list(errors.get("non_field_errors", []))
        fields = form_fields(actions.serializer_for(code, case), request.POST, errors)
    else:
        if code not in allowed:
            messages.warning(request, _("当前不能办理“%(a)s”。") % {"a": action.label})
            return redirect("cases:detail", pk=case.pk)
        fields = form_fields(actions.serializer_for(code, case), initial=_initial(case, code))
    blockers = []
    if code == "decide":
        blockers = services.decision_blockers(case, clock.today())
        try:  # what the legal-review gate says now, as a hint
            effects.review_gate(case, None, request.user)
        except DomainError as exc:
            blockers.append(exc.message)
    return render(
        request,
        "cases/action.html",
        {
            "case": case,
            "action": action,
            "fields": fields,
            "non_field_errors": non_field,
            "error_links": error_links,
            "blockers": blockers,
            "has_time": any(f["widget"] == "datetime" and not f["required"] for f in fields),
        },
    )


def _ask_decide(request, case):
    """作出决定 is irreversible: confirm first (notifications.confirm)."""
    from sanxiang.notifications.confirm import ask

    label = f"{case.number} {case.title}".strip()
    return ask(
        request,
        act=_("作出决定"),
        consequence=_(
            "将以机关名义对案件“%(c)s”作出决定，签发决定书并记入可信存证账本；"
            "决定作出后不能修改或删除，只能依法撤销、确认违法或责令重作。"
        )
        % {"c": label},
        back_url=reverse("cases:action", args=[case.pk, "decide"]),
    )


# --------------------------------------------------------------------------- export


@login_required
@require_POST
def case_export(request, pk):
    from .archive import open_case_bag_zip

    case = _case(request, pk)
    user = request.user
    if not (user.agency_id == case.agency_id or user.role == Role.SUPERVISOR or user.is_superuser):
        raise PermissionDenied(_("您无权导出该案卷。"))
    handle, name = open_case_bag_zip(case, actor=user)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def detail_url(case):
    return reverse("cases:detail", args=[case.pk])
