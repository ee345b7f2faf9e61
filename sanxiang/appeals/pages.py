"""What the workbench pages of 复议/诉讼 and 移送 share (``transfers.views`` uses it too):
who sees them, the record form of a case, and the step forms of a row's page (one form a
step, posted with its name as ``action``). The rules stay in the services."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.org.models import Role
from sanxiang.org.scoping import scope

VIEWER_ROLES = (Role.SUPERVISOR, Role.HANDLER, Role.REVIEWER, Role.HEAD)


def may_see(user) -> bool:
    """An agency's supervisor, handler, reviewer or head sees the lists and the panel."""
    return user.is_authenticated and user.agency_id is not None and user.role in VIEWER_ROLES


def nav_entry(request, label, url_name) -> list:
    return [(str(label), reverse(url_name))] if may_see(request.user) else []


def raise_if_permission(exc):
    """A refusal for want of a right is the 403 page, not a form error."""
    if exc.code == ErrorCode.PERMISSION_DENIED:
        raise exc


def case_for(user, pk):
    from sanxiang.cases.models import Case

    return get_object_or_404(scope(Case.objects.select_related("agency"), user), pk=pk)


def record_page(request, case, form, record, *, done, detail, template):
    """The page that records a row for ``case`` through ``record(case, user, **data)``;
    saved, it goes to the row's ``detail`` page with ``done``."""
    if request.method == "POST" and form.is_valid():
        try:
            row = record(case, request.user, **form.cleaned_data)
        except DomainError as exc:
            raise_if_permission(exc)
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect(detail, row.pk)
    return render(request, template, {"form": form, "case": case})


def step_forms(request, row, actions, *, detail):
    """``(forms, response)`` for a row's page: ``actions`` maps a step's name to ``(form
    class, fn(row, user, cleaned data))``. ``forms``: each step's form (a posted one with
    its errors); ``response``: the redirect to ``detail`` after a step was saved (or an
    unknown step posted), else ``None``."""
    forms = {name: cls(prefix=name) for name, (cls, _fn) in actions.items()}
    if request.method != "POST":
        return forms, None
    action = request.POST.get("action")
    if action not in actions:
        return forms, redirect(detail, row.pk)
    cls, fn = actions[action]
    form = cls(request.POST, request.FILES, prefix=action)
    forms[action] = form
    if form.is_valid():
        try:
            fn(row, request.user, form.cleaned_data)
        except DomainError as exc:
            raise_if_permission(exc)
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存。"))
            return forms, redirect(detail, row.pk)
    return forms, None
