"""Workbench pages of the catalogues: versions, items, import, export, publish."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.org.models import Agency
from sanxiang.org.scoping import visible_agencies

from . import exports, imports, services
from .models import ITEM_MODELS, CatalogKind, CatalogVersion, VersionStatus


def _agency_choices(user):
    agencies = list(visible_agencies(user).order_by("path"))
    if user.agency_id:
        for ancestor in user.agency.ancestors():
            if ancestor not in agencies:
                agencies.insert(0, ancestor)
    return agencies


def _agency_for(user, agency_id):
    for agency in _agency_choices(user):
        if agency.pk == agency_id:
            return agency
    raise Http404(_("机关不存在或无权查看。"))


def _kind(kind):
    if kind not in CatalogKind.values:
        raise Http404(_("未知的目录类别。"))
    return CatalogKind(kind)


def _version_for(user, pk):
    return get_object_or_404(services.visible_versions(user), pk=pk)


@login_required
def index(request):
    agencies = _agency_choices(request.user)
    agency = None
    raw = request.GET.get("agency")
    if raw and raw.isdigit():
        agency = _agency_for(request.user, int(raw))
    elif request.user.agency_id:
        agency = request.user.agency
    elif agencies:
        agency = agencies[0]
    rows = []
    if agency is not None:
        versions = services.visible_versions(request.user).filter(agency=agency)
        for kind in CatalogKind:
            current = services.current_version(agency, kind)
            drafts = [v for v in versions if v.kind == kind and v.status == VersionStatus.DRAFT]
            count = ITEM_MODELS[kind].objects.filter(version=current).count() if current else 0
            rows.append({"kind": kind, "current": current, "drafts": drafts, "count": count})
    return render(
        request,
        "catalog/index.html",
        {"agencies": agencies, "agency": agency, "rows": rows},
    )


def _kind_context(request, agency, kind, **extra):
    versions = services.visible_versions(request.user).filter(agency=agency, kind=kind)
    context = {
        "agency": agency,
        "kind": kind,
        "versions": versions.order_by("-number"),
        "current": services.current_version(agency, kind),
        "can_edit": services.can_edit(request.user, agency),
        "can_publish": services.can_publish(request.user, agency),
        "headers": exports.headers(kind),
        "is_discretion": kind == CatalogKind.DISCRETION,
    }
    context.update(extra)
    return context


@login_required
def kind_page(request, agency_id, kind):
    agency = _agency_for(request.user, agency_id)
    kind = _kind(kind)
    return render(request, "catalog/kind.html", _kind_context(request, agency, kind))


@login_required
@require_POST
def import_file(request, agency_id, kind):
    agency = _agency_for(request.user, agency_id)
    kind = _kind(kind)
    upload = request.FILES.get("file")
    errors, message = [], None
    if upload is None:
        message = _("请选择要导入的CSV或XLSX文件。")
    else:
        note = request.POST.get("note", "").strip()
        try:
            if kind == CatalogKind.DISCRETION and request.POST.get("layout") == "jiangmen":
                version = imports.import_jiangmen_discretion(
                    agency, upload.read(), upload.name, request.user, note
                )
                stats = version.import_stats
                messages.success(
                    request,
                    _("已导入%(r)s个裁量档次，其中%(p)s个解析出数值化罚款幅度。")
                    % {"r": stats["rows"], "p": stats["parsed"]},
                )
            else:
                version = imports.import_catalog(
                    agency, kind, upload.read(), upload.name, request.user, note
                )
                messages.success(
                    request, _("导入成功，已生成草稿第%(n)s版。") % {"n": version.number}
                )
            return redirect("catalog:version", pk=version.pk)
        except DomainError as exc:
            if exc.code == ErrorCode.PERMISSION_DENIED:
                raise
            message, errors = exc.message, [str(d) for d in exc.details]
    context = _kind_context(request, agency, kind, import_error=message, import_errors=errors)
    return render(request, "catalog/kind.html", context, status=400)


@login_required
@require_POST
def new_draft(request, agency_id, kind):
    agency = _agency_for(request.user, agency_id)
    kind = _kind(kind)
    version = services.create_draft(agency, kind, request.user, note=request.POST.get("note", ""))
    messages.success(request, _("已新建草稿第%(n)s版。") % {"n": version.number})
    return redirect("catalog:version", pk=version.pk)


@login_required
def version_page(request, pk):
    version = _version_for(request.user, pk)
    rows = exports.table_rows(version)
    return render(
        request,
        "catalog/version.html",
        {
            "version": version,
            "headers": exports.headers(version.kind),
            "rows": rows,
            "can_edit": version.status == VersionStatus.DRAFT
            and services.can_edit(request.user, version.agency),
            "can_publish": version.status == VersionStatus.DRAFT
            and services.can_publish(request.user, version.agency),
            "today": clock.today().isoformat(),
        },
    )


@login_required
@require_POST
def publish(request, pk):
    version = _version_for(request.user, pk)
    raw = request.POST.get("effective_from", "").strip()
    effective_from = None
    if raw:
        try:
            effective_from = dt.date.fromisoformat(raw)
        except ValueError:
            raise DomainError(
                _("生效日期格式应为YYYY-MM-DD。"), code=ErrorCode.BAD_FORMAT
            ) from None
    version = services.publish_version(version, request.user, effective_from=effective_from)
    messages.success(
        request,
        _("第%(n)s版已发布，自%(d)s起生效。") % {"n": version.number, "d": version.effective_from},
    )
    return redirect("catalog:version", pk=version.pk)


@login_required
@require_POST
def delete_draft(request, pk):
    version = _version_for(request.user, pk)
    agency, kind = version.agency, version.kind
    services.delete_draft(version, request.user)
    messages.success(request, _("草稿已删除。"))
    return redirect("catalog:kind", agency_id=agency.pk, kind=kind)


@login_required
def export(request, pk, fmt):
    version = _version_for(request.user, pk)
    if fmt == "csv":
        body, ctype = exports.export_csv(version), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = exports.export_xlsx(version)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    return _download(body, ctype, exports.filename(version, fmt))


@login_required
def template(request, kind):
    kind = _kind(kind)
    return _download(
        exports.template_csv(kind), "text/csv; charset=utf-8", f"{kind.label}-导入模板.csv"
    )


def _download(body, ctype, name):
    from urllib.parse import quote

    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def catalog_panel(request):
    """Workbench panel: drafts waiting for publication (heads, editors)."""
    user = request.user
    if not user.is_authenticated or not user.agency_id:
        return None
    if not services.can_edit(user, user.agency):
        return None
    drafts = list(
        CatalogVersion.objects.filter(agency=user.agency, status=VersionStatus.DRAFT).order_by(
            "kind", "-number"
        )[:10]
    )
    missing = [k for k in CatalogKind if services.current_version(user.agency, k) is None]
    return {
        "title": _("目录清单"),
        "template": "catalog/panel.html",
        "context": {
            "drafts": drafts,
            "missing": missing,
            "agency": Agency.objects.get(pk=user.agency_id),
        },
    }
