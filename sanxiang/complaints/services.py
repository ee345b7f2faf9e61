"""投诉举报 services: the only writers of complaints.

Rules:
* anyone may submit (public portal): content required, at most 2000 characters; a 投诉
  needs the complainant's name and phone (a reply is owed), a 举报 or 意见建议 may be
  anonymous; a phone must be a mainland mobile or landline number;
* the 受理编号 is ``TS`` + date + a 5-digit serial, gap-free per day (``core.numbering``);
  the 查询码 is random, shown once, and only its HMAC-SHA256 is stored;
* submitted → accepted | rejected (reason required); accepted → concluded (reply and
  result required); transfer (转办) from submitted or accepted restarts the acceptance clock
  at the receiving agency; concluded and rejected complaints never change; nothing is deleted;
* handlers and the head of the handling agency accept, reject and conclude; only its head or
  a supervisor (监督人员) whose scope covers it transfers; reviewers have no access;
* deadlines in working days (``sanxiang.workdays``): acceptance decided within
  ``ACCEPT_WORKDAYS`` of submission/transfer, conclusion within ``CONCLUDE_WORKDAYS`` of
  acceptance (local-policy defaults, settings ``COMPLAINT_ACCEPT_WORKDAYS`` /
  ``COMPLAINT_CONCLUDE_WORKDAYS``);
* every change appends a ledger leaf; the complainant's name/phone, the content, the
  reason and the reply appear there only as HMAC-SHA256 digests;
* 回避 (recusal): a complaint that names an officer — the officer's name (or the name of
  the officer's login account), or the number of one of the officer's 执法证, in its content
  or its 文号/证号 field — is hidden from that officer everywhere (list, detail, API, panel,
  actions; a hidden complaint answers 404 like a missing one), and while it names an officer
  of the handling agency only that agency's head (机关负责人) accepts, rejects or concludes
  it; other handlers see it read-only with the notice. When the head is the one named, the
  complaint is hidden from the head too and a supervisor transfers it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core import clock, numbering
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.core.keyfiles import create_file_once
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append
from sanxiang.notifications import events as notify_events
from sanxiang.org.models import Agency, AgencyKind, Role
from sanxiang.org.permissions import require_agency_access, require_role
from sanxiang.org.scoping import can_see_agency, scope

from .models import (
    FINAL_STATUSES,
    Complaint,
    ComplaintKind,
    ComplaintResult,
    ComplaintStatus,
)

# Local-policy defaults: the national rules leave these periods to the provinces.
ACCEPT_WORKDAYS = getattr(settings, "COMPLAINT_ACCEPT_WORKDAYS", 5)
CONCLUDE_WORKDAYS = getattr(settings, "COMPLAINT_CONCLUDE_WORKDAYS", 30)
CONTENT_MAX = 2000
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 10

READER_ROLES = (Role.HANDLER, Role.HEAD, Role.SUPERVISOR, Role.ADMIN)
HANDLER_ROLES = (Role.HANDLER, Role.HEAD)

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


HMAC_KEY_FILE = "complaints_hmac.key"


def _hmac_key() -> bytes:
    """The platform's own key for complaint digests, created once under ``KEYS_DIR``.

    Not ``SECRET_KEY``: rotating Django's secret (a routine measure) must not make every
    stored 查询码 unverifiable or change what the ledger digests mean."""
    path = Path(settings.KEYS_DIR) / HMAC_KEY_FILE
    if not path.exists():
        create_file_once(path, secrets.token_hex(32).encode())
    return path.read_bytes().strip()


def _digest(*parts) -> str:
    """HMAC-SHA256 (the complaints key) of personal or free-text data, for ledger payloads."""
    text = "\x1f".join(str(p) for p in parts)
    return hmac.new(_hmac_key(), b"complaints:" + text.encode(), hashlib.sha256).hexdigest()


def code_hash(number: str, code: str) -> str:
    key = _hmac_key()
    msg = f"complaint-code:{number}:{code.strip().upper()}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------- permissions


def can_read(user):
    """Handlers, heads, supervisors and administrators; reviewers and others not at all."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser and user.agency_id is None:
        return True
    return user.agency_id is not None and user.role in READER_ROLES


def require_read(user, complaint=None):
    if not can_read(user):
        raise PermissionDenied(_("只有承办人、机关负责人或监督人员可以查看投诉举报。"))
    if complaint is not None:
        require_agency_access(user, complaint.agency_id, _("您无权查看其他机关的投诉举报。"))
        if names_user(complaint, user):
            raise DomainError(_("投诉举报不存在。"), ErrorCode.NOT_FOUND)


# --------------------------------------------------------------------------- 回避 (recusal)

NAME_MIN_LENGTH = 2  # a one-character "name" would match almost any text


def _officer_terms(officer, user=None):
    """The strings that name an officer: names (≥ 2 characters) and 执法证 numbers."""
    terms = set()
    names = [officer.name if officer else "", user.full_name if user else ""]
    for name in names:
        name = (name or "").strip()
        if len(name) >= NAME_MIN_LENGTH:
            terms.add(name)
    if officer is not None:
        terms.update(n for n in officer.certificates.values_list("number", flat=True) if n)
    return terms


def recusal_terms(user) -> set[str]:
    """What names ``user`` in a complaint: the user's officer record (name, 执法证号) and the
    account's full name."""
    from sanxiang.org.models import Officer

    if not user or not user.is_authenticated:
        return set()
    officer = Officer.objects.filter(user_id=user.pk).first()
    return _officer_terms(officer, user)


def _names_q(terms):
    from django.db.models import Q

    q = Q()
    for term in terms:
        q |= Q(content__contains=term) | Q(reference__contains=term)
    return q


def _text_names(complaint, terms) -> bool:
    text = f"{complaint.content}\n{complaint.reference}"
    return any(term in text for term in terms)


def names_user(complaint, user) -> bool:
    """True when ``complaint`` names ``user`` (who must then recuse: 回避)."""
    terms = recusal_terms(user)
    return bool(terms) and _text_names(complaint, terms)


def named_officers(complaint):
    """Officers of the handling agency that ``complaint`` names (the reason to route it to
    the head)."""
    from sanxiang.org.models import Officer

    officers = Officer.objects.filter(agency_id=complaint.agency_id).select_related("user")
    return [o for o in officers if _text_names(complaint, _officer_terms(o, o.user))]


def head_only(complaint) -> bool:
    """A complaint naming an officer of the handling agency is handled by its head."""
    return bool(named_officers(complaint))


def visible_complaints(user):
    """The complaints ``user`` may read (raises when the user may read none); never the
    complaints that name ``user`` (回避)."""
    require_read(user)
    qs = scope(Complaint.objects.select_related("agency", "original_agency"), user)
    terms = recusal_terms(user)
    if terms:
        qs = qs.exclude(_names_q(terms))
    return qs


def can_handle(user, complaint):
    """Accept, reject, conclude: a handler or the head of the handling agency; only the
    head when the complaint names an officer of the agency; never a named officer."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.agency_id != complaint.agency_id or user.role not in HANDLER_ROLES:
        return False
    if names_user(complaint, user):
        return False
    return user.role == Role.HEAD or not head_only(complaint)


def handleable(user, complaints) -> list:
    """``can_handle`` over a list of complaints, reading the user's officer record and the
    agency's officers once instead of once per complaint (the to-do list)."""
    from sanxiang.org.models import Officer

    if not user or not user.is_authenticated or not user.is_active:
        return []
    if user.role not in HANDLER_ROLES:
        return []
    terms = recusal_terms(user)
    officer_terms = None
    out = []
    for complaint in complaints:
        if user.agency_id != complaint.agency_id:
            continue
        if terms and _text_names(complaint, terms):
            continue
        if user.role != Role.HEAD:
            if officer_terms is None:
                officers = Officer.objects.filter(agency_id=user.agency_id).select_related("user")
                officer_terms = [_officer_terms(o, o.user) for o in officers]
            if any(_text_names(complaint, t) for t in officer_terms):
                continue
        out.append(complaint)
    return out


def can_transfer(user, complaint):
    """The head of the handling agency, or a supervisor whose scope covers it (never an
    officer the complaint names)."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if names_user(complaint, user):
        return False
    if user.role == Role.HEAD and user.agency_id == complaint.agency_id:
        return True
    return user.role == Role.SUPERVISOR and can_see_agency(user, complaint.agency_id)


def _require_handle(user, complaint):
    require_role(user, *HANDLER_ROLES, message=_("只有承办人或机关负责人可以办理投诉举报。"))
    if user.agency_id != complaint.agency_id:
        raise PermissionDenied(_("您只能办理本机关承办的投诉举报。"))
    if names_user(complaint, user):
        # 回避: the named officer learns nothing, not even that the complaint exists
        raise DomainError(_("投诉举报不存在。"), ErrorCode.NOT_FOUND)
    if user.role != Role.HEAD and head_only(complaint):
        raise PermissionDenied(_("该投诉举报涉及本机关执法人员，依回避规定由机关负责人办理。"))


def _require_open(complaint, *allowed):
    if complaint.status in FINAL_STATUSES:
        raise DomainError(
            _("该投诉举报已%(s)s，不能再变更。") % {"s": complaint.get_status_display()},
            ErrorCode.ILLEGAL_TRANSITION,
        )
    if complaint.status not in allowed:
        raise DomainError(
            _("当前状态（%(s)s）不允许此操作。") % {"s": complaint.get_status_display()},
            ErrorCode.ILLEGAL_TRANSITION,
        )


def refuse_delete(sender, instance, **kwargs):
    """pre_delete guard: complaints are records, never deleted."""
    raise DomainError(_("投诉举报记录不能删除。"), ErrorCode.IMMUTABLE)


def refuse_final_change(sender, instance, **kwargs):
    """pre_save guard: a concluded or rejected complaint is never changed, whatever the path."""
    if instance.pk and Complaint.objects.filter(pk=instance.pk, status__in=FINAL_STATUSES).exists():
        raise DomainError(_("已办结或不予受理的投诉举报不可更改。"), ErrorCode.IMMUTABLE)


# --------------------------------------------------------------------------- validation


def normalise_phone(value) -> str:
    return re.sub(r"[\s()（）]", "", value or "").replace("—", "-").replace("－", "-")


def phone_error(value):
    """None when ``value`` is a mainland mobile (11 digits) or landline with area code."""
    phone = normalise_phone(value)
    if MOBILE.match(phone) or LANDLINE.match(phone):
        return None
    return _("联系电话格式不正确：请填写11位手机号码，或带区号的固定电话（如 0571-87654321）。")


def submission_errors(*, kind, agency, content, name, phone, reference=""):
    """Field errors as {field: message}; empty when the submission is acceptable."""
    errors = {}
    if kind not in ComplaintKind.values:
        errors["kind"] = _("请选择类别（投诉、举报或意见建议）。")
    if agency is None or agency.kind != AgencyKind.ENFORCEMENT or not agency.is_active:
        errors["agency"] = _("请选择被投诉举报的执法机关。")
    text = (content or "").strip()
    if not text:
        errors["content"] = _("请填写投诉举报内容。")
    elif len(text) > CONTENT_MAX:
        errors["content"] = _("内容不能超过%(n)s个字（当前%(m)s个字）。") % {
            "n": CONTENT_MAX,
            "m": len(text),
        }
    if len((reference or "").strip()) > 60:
        errors["reference"] = _("文号或执法证号不能超过60个字。")
    name = (name or "").strip()
    if len(name) > 50:
        errors["name"] = _("姓名不能超过50个字。")
    if kind == ComplaintKind.COMPLAINT:
        if not name:
            errors["name"] = _("投诉须留下姓名，以便答复。举报可以匿名。")
        if not (phone or "").strip():
            errors["phone"] = _("投诉须留下联系电话，以便答复。举报可以匿名。")
    if (phone or "").strip() and "phone" not in errors:
        problem = phone_error(phone)
        if problem:
            errors["phone"] = problem
    return errors


# --------------------------------------------------------------------------- numbering


def next_number(day) -> str:
    """Gap-free 受理编号 of ``day``, e.g. TS2026112300001; call inside the transaction
    (``core.numbering``'s daily counter ``complaint:<YYYYMMDD>``)."""
    return f"TS{day:%Y%m%d}{numbering.next_daily_serial('complaint', day):05d}"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


# --------------------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class Deadline:
    label: str  # 受理期限 / 办结期限
    due: object  # date or None when the calendar lacks the year
    remaining: int | None  # working days left (negative: overdue by that many)
    problem: str = ""

    @property
    def overdue(self):
        return self.remaining is not None and self.remaining < 0

    @property
    def overdue_days(self):
        return -self.remaining if self.overdue else 0

    @property
    def provisional(self) -> bool:
        from sanxiang.workdays.calendar import date_is_provisional

        return date_is_provisional(self.due)


def deadline(complaint, today=None) -> Deadline | None:
    """The running deadline of an open complaint (None once decided/concluded)."""
    from sanxiang.workdays.calendar import add_workdays, workdays_between

    if complaint.status == ComplaintStatus.SUBMITTED:
        label, days = _("受理期限"), ACCEPT_WORKDAYS
    elif complaint.status == ComplaintStatus.ACCEPTED:
        label, days = _("办结期限"), CONCLUDE_WORKDAYS
    else:
        return None
    today = today or clock.today()
    try:
        due = add_workdays(complaint.clock_start, days)
        remaining = workdays_between(today, due)
    except DomainError as exc:  # a year without a holiday schedule: never guessed
        return Deadline(label, None, None, str(exc))
    if remaining == 0 and today > due:  # non-working days after the due date
        remaining = -1
    return Deadline(label, due, remaining)


# --------------------------------------------------------------------------- writes


def _log(complaint, action, actor, note=""):
    complaint.history = list(complaint.history) + [
        {
            "at": timezone.localtime(clock.now()).strftime("%Y-%m-%d %H:%M"),
            "action": action,
            "agency": complaint.agency.name,
            "actor": (actor.display_name if actor else ""),
            "actor_id": actor.pk if actor else None,  # who did it, shown with role and account
            "note": note,
        }
    ]


def _payload(complaint, **extra):
    data = {
        "number": complaint.number,
        "kind": complaint.kind,
        "agency": complaint.agency_id,
        "status": complaint.status,
    }
    data.update(extra)
    return data


@transaction.atomic
def submit(*, kind, agency, content, name="", phone="", reference="", attachments=None):
    """Public submission. Returns (complaint, code): the code is shown once, never stored.
    ``attachments``: uploaded files (photos, PDFs), checked by ``attachments.read_checked``."""
    from . import attachments as attachment_files

    errors = submission_errors(
        kind=kind, agency=agency, content=content, name=name, phone=phone, reference=reference
    )
    if errors:
        raise DomainError(
            "".join(str(e) for e in errors.values()),
            details=list(errors.items()),
            code=ErrorCode.VALIDATION_ERROR,
        )
    files, file_errors = attachment_files.read_checked(attachments)
    if file_errors:
        raise DomainError(
            "".join(file_errors),
            details=[("attachments", e) for e in file_errors],
            code=ErrorCode.BAD_FILE,
        )
    now = clock.now()
    day = timezone.localdate(now)
    number = next_number(day)
    code = new_code()
    name = (name or "").strip()
    phone = normalise_phone(phone)
    complaint = Complaint(
        number=number,
        kind=kind,
        agency=agency,
        original_agency=agency,
        reference=(reference or "").strip(),
        content=content.strip(),
        name=name,
        phone=phone,
        code_hash=code_hash(number, code),
        submitted_at=now,
        clock_start=day,
    )
    _log(complaint, _("提交"), None)
    complaint.save()
    for item in files:
        complaint.attachments.create(
            original_name=item["name"],
            content_type=item["content_type"],
            size=len(item["data"]),
            sha256=item["sha256"],
            storage_key=attachment_files.store(item),
            uploaded_at=now,
        )
    append(
        EventType.COMPLAINT_SUBMITTED,
        f"complaint:{number}",
        _payload(
            complaint,
            content_hmac=_digest(complaint.content),
            complainant_hmac=_digest(name, phone) if (name or phone) else None,
            reference=complaint.reference,
            attachments=[item["sha256"] for item in files],
        ),
        None,
    )
    notify_events.complaint_arrived(complaint)
    return complaint, code


def _locked(complaint):
    """Lock the row and bring ``complaint`` (the caller's instance) up to date."""
    Complaint.objects.select_for_update().filter(pk=complaint.pk).values("pk").get()
    complaint.refresh_from_db()
    return complaint


@transaction.atomic
def accept(complaint, actor):
    c = _locked(complaint)
    _require_handle(actor, c)
    _require_open(c, ComplaintStatus.SUBMITTED)
    now = clock.now()
    c.status = ComplaintStatus.ACCEPTED
    c.decided_at = now
    c.clock_start = timezone.localdate(now)
    _log(c, _("受理"), actor)
    c.save()
    append(EventType.COMPLAINT_ACCEPTED, f"complaint:{c.number}", _payload(c), actor)
    return c


@transaction.atomic
def reject(complaint, actor, reason):
    c = _locked(complaint)
    _require_handle(actor, c)
    _require_open(c, ComplaintStatus.SUBMITTED)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("不予受理须说明理由。"), code=ErrorCode.REASON_REQUIRED)
    c.status = ComplaintStatus.REJECTED
    c.decided_at = clock.now()
    c.reject_reason = reason
    c.reply = reason
    _log(c, _("不予受理"), actor, reason)
    c.save()
    append(
        EventType.COMPLAINT_REJECTED,
        f"complaint:{c.number}",
        _payload(c, reason_hmac=_digest(reason)),
        actor,
    )
    return c


def enforcement_agencies():
    """Active enforcement agencies: who can be complained about and who can handle it."""
    return Agency.objects.filter(kind=AgencyKind.ENFORCEMENT, is_active=True)


def transfer_targets(complaint):
    return enforcement_agencies().exclude(pk=complaint.agency_id)


@transaction.atomic
def transfer(complaint, actor, to_agency, reason=""):
    c = _locked(complaint)
    if not can_transfer(actor, c):
        raise PermissionDenied(_("只有承办机关负责人或监督人员可以转办投诉举报。"))
    _require_open(c, ComplaintStatus.SUBMITTED, ComplaintStatus.ACCEPTED)
    if to_agency is None or not transfer_targets(c).filter(pk=to_agency.pk).exists():
        raise DomainError(
            _("请选择另一个有效的执法机关作为承办机关。"), code=ErrorCode.NOT_IN_SCOPE
        )
    from_agency = c.agency
    now = clock.now()
    c.agency = to_agency
    c.status = ComplaintStatus.SUBMITTED
    c.decided_at = None
    c.clock_start = timezone.localdate(now)
    c.transfers += 1
    _log(
        c,
        _("转办"),
        actor,
        _("由%(a)s转至%(b)s。%(r)s") % {"a": from_agency.name, "b": to_agency.name, "r": reason},
    )
    c.save()
    append(
        EventType.COMPLAINT_TRANSFERRED,
        f"complaint:{c.number}",
        _payload(c, from_agency=from_agency.pk, reason_hmac=_digest(reason) if reason else None),
        actor,
    )
    return c


@transaction.atomic
def conclude(complaint, actor, *, result, reply):
    c = _locked(complaint)
    _require_handle(actor, c)
    _require_open(c, ComplaintStatus.ACCEPTED)
    reply = (reply or "").strip()
    if result not in ComplaintResult.values:
        raise DomainError(_("请选择办理结果。"), code=ErrorCode.REQUIRED)
    if not reply:
        raise DomainError(_("办结须填写答复内容。"), code=ErrorCode.REQUIRED)
    if len(reply) > CONTENT_MAX:
        raise DomainError(
            _("答复内容不能超过%(n)s个字。") % {"n": CONTENT_MAX}, code=ErrorCode.OUT_OF_RANGE
        )
    c.status = ComplaintStatus.CONCLUDED
    c.concluded_at = clock.now()
    c.result = result
    c.reply = reply
    _log(c, _("办结"), actor, str(ComplaintResult(result).label))
    c.save()
    append(
        EventType.COMPLAINT_CONCLUDED,
        f"complaint:{c.number}",
        _payload(c, result=result, reply_hmac=_digest(reply)),
        actor,
    )
    return c


# --------------------------------------------------------------------------- public lookup


def lookup(number, code):
    """The complaint when number and code match, else None (same answer either way)."""
    number = (number or "").strip().upper()
    code = (code or "").strip().upper()
    complaint = Complaint.objects.select_related("agency").filter(number=number).first()
    expected = complaint.code_hash if complaint else code_hash("TS0", "dummy")
    given = code_hash(number, code)
    if not hmac.compare_digest(expected, given) or complaint is None:
        return None
    return complaint
