"""Automatic checks of one published item (网上巡查 自动检查). Read-only.

Each check returns ``{"code", "label", "ok", "applicable", "findings": [str], "deduction"}``;
the deduction is taken from the checklist item of the same code (``checklist.py``).

* ``fields`` — what the public snapshot must carry (the fields publicity's
  ``build_public_fields`` writes): agency, decision date, category, conclusion, the target
  (not for a 双随机 plan's results, which list many); a penalty its violation, basis and
  kinds; a general-procedure penalty its document number and full text (100 %); a licence its
  decision number, name, licence number and validity start. 5 points per gap.
* ``timeliness`` — published on or before publicity's own deadline
  (``publicity.services.deadline_for``: 7 working days for licensing and penalty, 20 else).
* ``redaction`` — publicity's own detector ``redaction.find_sensitive`` (resident ID numbers,
  mobile and fixed-line numbers) over every public text, the agency's public phone excepted.
* ``portal`` — the public page as a visitor gets it, rendered in-process by resolving
  ``gs:decision`` (no network, the page cache included): a live item must answer 200 with its
  document; a withdrawn one must show the 撤下公告 and none of the original content.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.fields import ActType, CaseActType
from sanxiang.publicity import services as publicity
from sanxiang.publicity.models import PublicationStatus, SnapshotState
from sanxiang.publicity.redaction import find_sensitive

from . import checklist

FIELD_POINTS = 5
WITHDRAWN_MARKER = "撤下公告"

BASE_FIELDS = (
    ("agency_name", "执法机关名称"),
    ("decision_date", "决定日期"),
    ("category", "执法行为类别"),
    ("conclusion", "执法结论"),
)
TARGET_FIELD = ("target_name", "行政相对人名称")
NUMBER_FIELD = ("document_number", "决定文书号")
PENALTY_FIELDS = (
    ("violation_type", "违法行为类型"),
    ("basis", "处罚依据"),
    ("penalty_kinds", "处罚类别"),
)
LICENSING_FIELDS = (
    ("licence_name", "许可证书名称"),
    ("licence_number", "许可编号"),
    ("valid_from", "有效期自"),
)


def _result(version, code, ok, findings, applicable=True, deduction=None):
    item = checklist.item(version, code)
    if deduction is None:
        deduction = 0 if ok else item.points
    return {
        "code": code,
        "label": item.label,
        "ok": bool(ok),
        "applicable": applicable,
        "findings": [str(f) for f in findings],
        "deduction": min(item.points, max(0, int(deduction))),
    }


def check_fields(publication, snap, version=checklist.CURRENT_VERSION):
    if snap is None:
        return _result(version, "fields", False, [_("没有公开的公示内容")])
    details = snap.details or {}
    required = list(BASE_FIELDS)
    if not details.get("inspection"):  # a 双随机 plan's results list many targets
        required.append(TARGET_FIELD)
    if snap.case_act_type == CaseActType.PENALTY_GENERAL or snap.category == ActType.LICENSING:
        required.append(NUMBER_FIELD)  # 当场处罚 and inspections carry no 文书号 here
    missing = [label for key, label in required if not getattr(snap, key, None)]
    if snap.category == ActType.PENALTY:
        missing += [label for key, label in PENALTY_FIELDS if not details.get(key)]
        if snap.case_act_type == CaseActType.PENALTY_GENERAL and not snap.full_text:
            missing.append(_("决定书全文（一般程序处罚决定应全文公开）"))
    if snap.category == ActType.LICENSING:
        missing += [label for key, label in LICENSING_FIELDS if not details.get(key)]
    findings = [_("缺少“%(f)s”") % {"f": label} for label in missing]
    return _result(version, "fields", not missing, findings, deduction=FIELD_POINTS * len(missing))


def check_timeliness(publication, version=checklist.CURRENT_VERSION):
    from sanxiang.workdays.calendar import workdays_between

    computed, note = publicity.deadline_for(publication.category, publication.decision_date)
    if computed is None:
        return _result(version, "timeliness", True, [note], applicable=False)
    if publication.published_at is None:
        return _result(version, "timeliness", False, [_("未公示")])
    published_on = clock.local_date(publication.published_at)
    due = computed.date
    if published_on <= due:
        return _result(
            version,
            "timeliness",
            True,
            [_("%(note)s；%(p)s公示，期限%(d)s") % {"note": note, "p": published_on, "d": due}],
        )
    late = workdays_between(due, published_on)
    return _result(
        version,
        "timeliness",
        False,
        [
            _("%(note)s；应于%(d)s前公示，实际%(p)s公示，逾期%(n)s个工作日")
            % {"note": note, "d": due, "p": published_on, "n": late}
        ],
    )


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _texts(v)


def public_texts(snap):
    """Every free text of a public snapshot."""
    yield from (snap.title, snap.target_name, snap.target_legal_rep, snap.conclusion)
    yield from _texts(snap.full_text)
    yield from _texts(snap.details)


def check_redaction(publication, snap, version=checklist.CURRENT_VERSION):
    if snap is None:
        return _result(version, "redaction", True, [], applicable=False)
    keep = {publication.agency.phone or ""} - {""}
    keep |= set((publication.source or {}).get("public_numbers") or [])
    found = []
    for text in public_texts(snap):
        for hit in find_sensitive(text or ""):
            if hit not in keep and hit not in found:
                found.append(hit)
    findings = [_("公开内容含未隐去的号码：%(h)s") % {"h": _mask(h)} for h in found]
    return _result(version, "redaction", not found, findings)


def _mask(hit):
    """Never copy the leaked number itself into the patrol record."""
    digits = hit.strip()
    return digits[:3] + "*" * max(0, len(digits) - 5) + digits[-2:] if len(digits) > 5 else "***"


def fetch_public_page(publication_id):
    """(status, text) of /gs/jd/<id>/ as an anonymous visitor would get it, in-process."""
    path = reverse("gs:decision", args=[publication_id])
    match = resolve(path)
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    response = match.func(request, *match.args, **match.kwargs)
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response.status_code, response.content.decode("utf-8", "replace")


def _original_bits(publication, snap):
    """Distinctive pieces of the original content that a withdrawal notice must not show."""
    bits = []
    if snap is not None:
        bits.append(snap.conclusion)
        bits += [text for _label, text in snap.full_text or []]
    return [b for b in bits if b and len(b) >= 6]


def check_portal(publication, snap, version=checklist.CURRENT_VERSION):
    status, body = fetch_public_page(publication.pk)
    if publication.status == PublicationStatus.WITHDRAWN:
        findings = []
        if status == 200 and WITHDRAWN_MARKER not in body:
            findings.append(_("决定已撤下，公开页面仍显示原公示内容"))
        leaked = [b for b in _original_bits(publication, snap) if b in body]
        if leaked and not findings:
            findings.append(_("决定已撤下，公开页面仍可看到原公示内容"))
        if snap is not None and snap.state == SnapshotState.PUBLISHED:
            findings.append(_("决定已撤下，公示快照仍处于公示中状态"))
        ok = not findings
        if ok:
            findings.append(_("已撤下，公开页面显示撤下公告"))
        return _result(version, "portal", ok, findings)
    if publication.status == PublicationStatus.PUBLISHED:
        today = clock.today()
        if publication.visible_until and publication.visible_until < today:
            return _result(version, "portal", True, [_("公示期已满")], applicable=False)
        if status != 200:
            return _result(
                version, "portal", False, [_("已公示，但公开页面无法访问（%(s)s）") % {"s": status}]
            )
        if publication.document_number and publication.document_number not in body:
            return _result(version, "portal", False, [_("公开页面未显示该决定")])
        return _result(version, "portal", True, [_("公开页面可正常访问")])
    return _result(
        version,
        "portal",
        True,
        [publication.get_status_display()],
        applicable=False,
    )


def run_checks(publication, version=checklist.CURRENT_VERSION):
    """All automatic checks of one publication, in checklist order."""
    snap = publicity.public_snapshot_for(publication.pk)
    return [
        check_fields(publication, snap, version),
        check_timeliness(publication, version),
        check_redaction(publication, snap, version),
        check_portal(publication, snap, version),
    ]
