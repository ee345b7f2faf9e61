"""Document services: drafting, issuing (文号, PDF/DOCX, SHA-256, ledger) and corrections.

Public functions (stable, called by cases / review):

    create_draft(case, kind, content, actor, *, agency=None) -> Document
    update_draft(doc, content, actor) -> Document
    discard_draft(doc, actor) -> None
    issue_document(doc, actor) -> Document
    correct_document(doc, content, reason, actor) -> Document     (the new version)
    draft_content_hash(doc) -> str
    prefill(case, kind) -> dict
    render_pdf(doc) -> bytes, render_docx(doc) -> bytes           (re-exported from rendering)
    is_case_main_decision(doc) -> bool
    verify_document(doc) -> list[str]                              (integrity problems)
    check_sealed_file(data) -> dict       (文书验签 of a file someone holds: seal + record)
    issued_for_case(case, kind=None) -> QuerySet                   (current issued documents)

Permissions: drafting/editing by the case's handlers (or any handler of the agency while
the case has none assigned) and the agency head; the 法制审核意见书 by reviewers and the
head; decisions (决定书) are issued only by the head; other agencies are refused.
"""

import datetime as dt
import hashlib
import logging
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core import clock, numbering
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.ledger import personal
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append_event, canonical_sha256
from sanxiang.org.models import Role
from sanxiang.org.permissions import require_role, require_same_agency

from . import seal, signals
from .kinds import DocumentKind, missing_elements, spec
from .models import Document, DocumentCorrection, DocumentStatus
from .rendering import render_docx, render_docx_bytes, render_pdf, render_pdf_bytes

__all__ = [
    "is_case_main_decision",
    "verify_document",
    "issued_for_case",
    "create_draft",
    "update_draft",
    "discard_draft",
    "issue_document",
    "correct_document",
    "draft_content_hash",
    "prefill",
    "render_pdf",
    "render_docx",
]

logger = logging.getLogger(__name__)

# documents whose 证据 field the next one starts from (告知书 → 决定书)
EVIDENCE_KINDS = (DocumentKind.PRIOR_NOTICE, DocumentKind.PENALTY_DECISION)
MAX_VALUE_LENGTH = 20000
# documents served on the party (送达回证 refers to the latest of them)
SERVABLE_KINDS = (
    DocumentKind.PENALTY_DECISION,
    DocumentKind.PRIOR_NOTICE,
    DocumentKind.HEARING_NOTICE,
    DocumentKind.SEIZURE_DECISION,
    DocumentKind.PRESERVATION_NOTICE,
    DocumentKind.OTHER,
)


# ----------------------------------------------------------------------------- permissions


def _is_case_handler(case, user):
    handlers = getattr(case, "handlers", None)
    if handlers is None:
        return True
    qs = handlers.all()
    if not qs.exists():
        # nobody assigned yet (e.g. the filing approval form): any handler of the agency
        return True
    return qs.filter(officer__user=user).exists()


def check_may_write(actor, kind, agency_id, case=None):
    """May ``actor`` draft, edit, issue or correct a document of ``kind``?"""
    s = spec(kind)
    require_role(
        actor,
        *s.roles,
        message=_("只有本机关的承办人或机关负责人可以制作、签发此类文书。")
        if "handler" in s.roles
        else _("只有法制审核人员或机关负责人可以制作、签发此类文书。"),
    )
    require_same_agency(actor, agency_id, message=_("您只能制作、签发本机关的文书。"))
    if case is not None:
        if case.agency_id != agency_id:
            raise PermissionDenied(_("文书与案件不属于同一机关。"))
        if actor.role == Role.HANDLER and not _is_case_handler(case, actor):
            raise PermissionDenied(_("您不是本案的办案人员，不能制作或签发本案文书。"))
        if getattr(case, "stage", None) == "archived":
            raise DomainError(
                _("案件已归档，不能再制作或签发文书。"), code=ErrorCode.ILLEGAL_TRANSITION
            )


# ----------------------------------------------------------------------------- content


def _clean_content(kind, content, *, base=None):
    """Merge ``content`` into ``base`` after validating keys and values."""
    if content is None:
        content = {}
    if not isinstance(content, dict):
        raise DomainError(_("文书内容格式无效。"), code=ErrorCode.BAD_FORMAT)
    s = spec(kind)
    known = {f.key: f for f in s.fields}
    unknown = [k for k in content if k not in known]
    if unknown:
        raise DomainError(
            _("文书内容包含未知项目：%(k)s。") % {"k": "、".join(map(str, unknown))},
            details=unknown,
            code=ErrorCode.UNKNOWN_FIELD,
        )
    out = dict(base or {})
    for key, value in content.items():
        f = known[key]
        if f.auto:
            continue  # filled when issued
        if value is None:
            value = ""
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            raise DomainError(
                _("“%(f)s”的内容格式无效。") % {"f": f.label}, code=ErrorCode.BAD_FORMAT
            )
        value = str(value).strip()
        if len(value) > MAX_VALUE_LENGTH:
            raise DomainError(_("“%(f)s”内容过长。") % {"f": f.label}, code=ErrorCode.OUT_OF_RANGE)
        if value and f.widget == "date":
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise DomainError(
                    _("“%(f)s”不是有效日期（YYYY-MM-DD）。") % {"f": f.label},
                    code=ErrorCode.BAD_FORMAT,
                )
        if value and f.widget == "datetime":
            try:
                dt.datetime.fromisoformat(value)
            except ValueError:
                raise DomainError(
                    _("“%(f)s”不是有效时间（YYYY-MM-DDTHH:MM）。") % {"f": f.label},
                    code=ErrorCode.BAD_FORMAT,
                )
        out[key] = value
    return out


def draft_content_hash(doc) -> str:
    """SHA-256 (hex) of the canonical JSON of a document's content.

    The legal-review app stores it when a draft is approved and compares it later to
    detect a draft changed after approval."""
    return canonical_sha256(doc.content or {})


# ----------------------------------------------------------------------------- prefill

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ["", "拾", "佰", "仟"]
_SECTIONS = ["", "万", "亿", "万亿"]


def amount_in_words(amount) -> str:
    """人民币大写: 5000.50 -> 伍仟元伍角; 100010000 -> 壹亿零壹万元整."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount < 0:
        return "负" + amount_in_words(-amount)
    yuan = int(amount)
    jiao = int(amount * 10) % 10
    fen = int(amount * 100) % 10
    words = ""
    if yuan:
        digits = str(yuan)
        n = len(digits)
        zero = False
        for i, ch in enumerate(digits):
            d = int(ch)
            pos = n - 1 - i
            if d == 0:
                zero = True
            else:
                if zero:
                    words += "零"
                    zero = False
                words += _DIGITS[d] + _UNITS[pos % 4]
            if pos % 4 == 0 and pos > 0 and int(digits[max(0, i - 3) : i + 1]):
                words += _SECTIONS[pos // 4]
        words += "元"
    if jiao == 0 and fen == 0:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    return words


def _money(value):
    if value in (None, ""):
        return ""
    value = Decimal(value)
    return f"人民币{value:,.2f}元（大写：{amount_in_words(value)}）"


def _party_fields(case):
    parties = list(case.parties.all()) if case is not None else []
    if not parties:
        return {}
    p = parties[0]
    data = {
        "party_name": "、".join(x.name for x in parties),
        "party_id_number": p.usci or p.id_number,
        "party_address": p.address,
        "party_legal_rep": p.legal_representative,
        "party_phone": p.phone,
    }
    return {k: v or "" for k, v in data.items()}


def _handlers_text(case):
    lines = []
    for h in case.handlers.select_related("officer").all():
        officer = h.officer
        cert = (
            officer.certificates.filter(status="valid").order_by("-expires_on").first()
            if hasattr(officer, "certificates")
            else None
        )
        lines.append(f"{officer.name}（执法证号：{cert.number}）" if cert else officer.name)
    return "、".join(lines)


def _legal_basis(case):
    if case.power_id and getattr(case.power, "legal_basis", ""):
        return case.power.legal_basis
    return (case.power_snapshot or {}).get("legal_basis", "")


def _penalty_text(kinds, fine, confiscated):
    from sanxiang.core.fields import PenaltyKind

    parts = []
    for code in kinds or []:
        try:
            label = str(PenaltyKind(code).label)
        except ValueError:
            label = str(code)
        if code == PenaltyKind.FINE and fine not in (None, ""):
            label = f"罚款{_money(fine)}"
        elif code in (PenaltyKind.CONFISCATE_INCOME, PenaltyKind.CONFISCATE_PROPERTY) and (
            confiscated not in (None, "")
        ):
            label = f"{label}{_money(confiscated)}"
        parts.append(label)
    if not parts and fine not in (None, ""):
        parts.append(f"罚款{_money(fine)}")
    if len(parts) == 1:
        return parts[0] + "。"
    return "；".join(f"{i}. {p}" for i, p in enumerate(parts, 1)) + "。"


def remedies_text(agency) -> str:
    region = agency.region or ""
    return _(
        "如不服本决定，可以在收到本决定书之日起六十日内依法向%(gov)s申请行政复议，"
        "也可以在收到本决定书之日起六个月内依法向%(court)s提起行政诉讼。"
        "申请行政复议或者提起行政诉讼期间，本决定不停止执行，法律另有规定的除外。"
    ) % {"gov": f"{region}人民政府", "court": f"{region}人民法院"}


def performance_text(has_fine: bool) -> str:
    if has_fine:
        return _(
            "当事人应当自收到本决定书之日起十五日内，到指定银行或者通过电子支付系统缴纳罚没款。"
            "到期不缴纳罚款的，本机关将依照《中华人民共和国行政处罚法》第七十二条第一款第（一）项"
            "的规定，每日按罚款数额的百分之三加处罚款，加处罚款的数额不超过罚款的数额；"
            "并可依法申请人民法院强制执行。"
        )
    return _("本决定自送达之日起生效，当事人应当自收到本决定书之日起十五日内履行。")


def _agency_fields(agency):
    contact = "；".join(
        x
        for x in (
            f"地址：{agency.address}" if agency.address else "",
            f"联系电话：{agency.phone}" if agency.phone else "",
        )
        if x
    )
    return {"agency_name": agency.name, "seal_name": agency.name, "agency_contact": contact}


def prefill_for_agency(agency, kind) -> dict:
    s = spec(kind)
    keys = {f.key for f in s.fields}
    return {k: v for k, v in _agency_fields(agency).items() if k in keys}


def _evidence_text(case) -> str:
    """证据 as the case already holds it (issue #13 item 3: typed once, not per document):
    the newest issued document of the case that lists evidence (告知书), else the evidence
    recorded with each enforcement activity, one numbered line each, oldest first."""
    previous = (
        Document.objects.current()
        .filter(case=case, kind__in=EVIDENCE_KINDS)
        .order_by("-id")
        .only("content")
    )
    for doc in previous[:5]:
        if (doc.content or {}).get("evidence"):
            return doc.content["evidence"]
    from sanxiang.cases.models import EventKind

    lines = []
    for event in case.events.filter(kind=EventKind.ACTIVITY).order_by("at", "pk"):
        label = event.get_activity_display() if event.activity else _("执法活动")
        day = timezone.localtime(event.at).strftime("%Y年%m月%d日")
        for item in (event.data or {}).get("evidence") or []:
            lines.append(f"{len(lines) + 1}. {day}{label}：{item}")
    return "\n".join(lines)


def prefill(case, kind) -> dict:
    """Structured content of a new ``kind`` document filled from the case data."""
    s = spec(kind)
    agency = case.agency
    data = _agency_fields(agency)
    data.update(_party_fields(case))
    data["case_number"] = case.number or ""
    data["case_name"] = case.title or ""
    data["handlers"] = _handlers_text(case)
    basis = _legal_basis(case)
    data["legal_basis"] = basis
    facts = case.facts or ""
    data["facts"] = facts
    data["brief_facts"] = facts
    if any(f.key == "evidence" for f in s.fields):
        data["evidence"] = _evidence_text(case)
    data["case_source"] = case.get_source_display() if getattr(case, "source", "") else ""
    place = getattr(case, "place", "") or ""
    data["inspection_place"] = place
    data["interview_place"] = ""
    data["identity_shown"] = _(
        "执法人员已向当事人出示执法证件，告知了检查（询问）的事由、依据，"
        "当事人享有的陈述、申辩及申请回避的权利。当事人对执法人员身份无异议，不申请回避。"
    )
    decided = bool(getattr(case, "penalty_kinds", None))
    kinds = case.penalty_kinds if decided else case.proposed_penalty_kinds
    fine = case.fine if decided else case.proposed_fine
    confiscated = case.confiscated if decided else case.confiscation_value
    penalty = _penalty_text(kinds, fine, confiscated) if (kinds or fine) else ""
    has_fine = fine not in (None, "") and Decimal(fine) > 0
    if kind == DocumentKind.PENALTY_DECISION:
        data["statement_review"] = _statement_review(case)
        data["penalty"] = penalty or (case.decision_summary or "")
        data["performance"] = performance_text(has_fine)
        data["remedies"] = remedies_text(agency)
        data["violated_provisions"] = ""
        # the draft starts from the case: notified facts, accepted articles, discretion tier,
        # the catalogue's remedies (sanxiang.assist.drafting, issue #14 item 6)
        from sanxiang.assist.drafting import decision_draft

        data.update(decision_draft(case, data))
    elif kind == DocumentKind.PRIOR_NOTICE:
        data["proposed_penalty"] = penalty
        rights = [
            _(
                "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，当事人享有陈述、申辩的权利。"
                "请在收到本告知书之日起%(n)s内提出陈述、申辩意见，逾期未提出的，视为放弃此权利。"
            )
            % {"n": _statement_window(case)}
        ]
        if getattr(case, "hearing_eligible", False):
            rights.append(
                _(
                    "根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，当事人有权要求举行听证。"
                    "要求听证的，应当在收到本告知书之日起五日内提出，逾期未提出的，视为放弃此权利。"
                )
            )
        data["rights"] = "\n".join(str(r) for r in rights)
    elif kind == DocumentKind.HEARING_NOTICE or kind == DocumentKind.HEARING_RECORD:
        if case.hearing_at:
            data["hearing_time"] = timezone.localtime(case.hearing_at).strftime("%Y-%m-%dT%H:%M")
        data["hearing_place"] = case.hearing_place or ""
        data["hearing_public"] = _("公开举行")
        data["rights"] = _(
            "一、当事人可以亲自参加听证，也可以委托一至二人代理；委托代理人参加听证的，"
            "应当提交授权委托书。\n二、当事人认为主持人与本案有直接利害关系的，有权申请回避。\n"
            "三、当事人及其代理人无正当理由拒不出席听证或者未经许可中途退出听证的，"
            "视为放弃听证权利，本机关终止听证。\n四、请携带身份证明及有关证据材料准时参加。"
        )
        data["investigators"] = data["handlers"]
    elif kind == DocumentKind.PRESERVATION_NOTICE:
        data["legal_basis"] = _(
            "《中华人民共和国行政处罚法》第五十六条：在证据可能灭失或者以后难以取得的情况下，"
            "经行政机关负责人批准，可以先行登记保存。"
        )
        data["period"] = _("七日（本机关将在七日内作出处理决定）")
        data["party_obligations"] = _(
            "在先行登记保存期间，当事人或者有关人员不得损毁、销毁或者转移证据。"
        )
    elif kind == DocumentKind.SEIZURE_DECISION:
        data["period"] = _(
            "三十日（情况复杂的，经本机关负责人批准可以延长，但延长期限不得超过三十日）"
        )
        data["remedies"] = remedies_text(agency)
    elif kind == DocumentKind.SERVICE_RECEIPT:
        served = (
            Document.objects.current()
            .filter(case=case, kind__in=SERVABLE_KINDS)
            .order_by("-issued_at", "-id")
            .first()
        )
        if served is not None:
            data["served_document"] = f"《{served.title}》（{served.number}）"
        data["recipient"] = data.get("party_name", "")
        data["service_place"] = data.get("party_address", "")
        data["servers"] = data["handlers"]
    elif kind == DocumentKind.CLOSING_REPORT:
        data["case_summary"] = facts
        if case.decision_number:
            data["decision_summary"] = (
                f"{case.decision_summary or penalty}（{case.decision_number}）"
            )
        else:
            data["decision_summary"] = case.decision_summary or penalty
    keys = {f.key for f in s.fields if not f.auto}
    return {k: ("" if v is None else str(v)) for k, v in data.items() if k in keys}


def _cn_date(value):
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def _statement_review(case):
    """陈述申辩（听证）情况 as far as the case records it (the handler completes the
    review of the party's arguments and whether they were adopted)."""
    parts = []
    notice = (
        Document.objects.current()
        .filter(case=case, kind=DocumentKind.PRIOR_NOTICE)
        .order_by("-issued_at")
        .first()
    )
    if getattr(case, "notice_at", None) or notice is not None:
        when = _cn_date(getattr(case, "notice_at", None) or notice.issued_at)
        ref = f"《行政处罚事先告知书》（{notice.number}）" if notice else "《行政处罚事先告知书》"
        parts.append(
            _(
                "本机关于%(d)s向当事人送达了%(r)s，告知当事人拟作出的行政处罚内容及事实、理由、依据，"
                "以及当事人依法享有的陈述、申辩%(h)s权利。"
            )
            % {
                "d": when,
                "r": ref,
                "h": "、要求听证" if getattr(case, "hearing_eligible", False) else "",
            }
        )
    if getattr(case, "statement_waived", False):
        parts.append(_("当事人书面放弃陈述、申辩权利。"))
    elif getattr(case, "statement_received", False):
        parts.append(_("当事人在规定期限内提出了陈述、申辩意见，本机关已进行复核。"))
    if getattr(case, "hearing_held", False):
        parts.append(_("本机关于%(d)s依法举行了听证。") % {"d": _cn_date(case.hearing_at) or ""})
    elif getattr(case, "hearing_waived", False):
        parts.append(_("当事人书面放弃听证权利。"))
    return "\n".join(str(p) for p in parts)


def _statement_window(case):
    if getattr(case, "statement_deadline", None):
        d = case.statement_deadline
        return f"（{d.year}年{d.month}月{d.day}日前）"
    return _("三个工作日")


# ----------------------------------------------------------------------------- drafts


@transaction.atomic
def create_draft(case, kind, content, actor, *, agency=None) -> Document:
    """A new draft of ``kind`` for ``case`` (or, with ``case=None``, for ``agency`` /
    the actor's agency). ``content`` overrides the fields prefilled from the case."""
    if kind not in DocumentKind.values:
        raise DomainError(_("未知的文书种类：%(k)s。") % {"k": kind}, code=ErrorCode.BAD_CHOICE)
    if case is not None:
        agency = case.agency
    elif agency is None:
        agency = getattr(actor, "agency", None)
        if agency is None:
            raise DomainError(_("请指定制作文书的机关。"), code=ErrorCode.REQUIRED)
    check_may_write(actor, kind, agency.pk, case)
    base = prefill(case, kind) if case is not None else prefill_for_agency(agency, kind)
    clean = _clean_content(kind, content, base=base)
    s = spec(kind)
    return Document.objects.create(
        agency=agency,
        case=case,
        kind=kind,
        title=(clean.get("title") or str(s.title))[:100]
        if kind == DocumentKind.OTHER
        else str(s.title),
        content=clean,
        created_by=actor,
    )


def _locked(doc):
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("agency", "case")
        .get(pk=doc.pk if isinstance(doc, Document) else doc)
    )


def _refuse_issued(doc):
    if not doc.is_draft:
        raise DomainError(
            _("文书已签发（%(n)s），不得修改；如需更正，请制作更正文书。") % {"n": doc.number},
            code=ErrorCode.IMMUTABLE,
        )


@transaction.atomic
def update_draft(doc, content, actor) -> Document:
    """Change fields of a draft (keys not given stay as they are)."""
    doc = _locked(doc)
    _refuse_issued(doc)
    check_may_write(actor, doc.kind, doc.agency_id, doc.case)
    doc.content = _clean_content(doc.kind, content, base=doc.content)
    if doc.kind == DocumentKind.OTHER and doc.content.get("title"):
        doc.title = doc.content["title"][:100]
    doc.save(update_fields=["content", "title", "updated_at"])
    return doc


@transaction.atomic
def discard_draft(doc, actor) -> None:
    doc = _locked(doc)
    _refuse_issued(doc)
    check_may_write(actor, doc.kind, doc.agency_id, doc.case)
    try:
        with transaction.atomic():
            doc.delete()
    except ProtectedError as exc:
        raise DomainError(
            _("草稿已被其他记录（如法制审核）引用，不能删除。"), code=ErrorCode.CONFLICT
        ) from exc


# ----------------------------------------------------------------------------- issuing


def _store(data: bytes, ext: str) -> tuple[str, str]:
    """Save ``data`` content-addressed: documents/<h[:2]>/<h>.<ext>. Returns (name, h).

    An existing file under the name is reused only if its bytes still hash to ``h``; a
    damaged one is replaced (the name says what the content must be)."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"documents/{digest[:2]}/{digest}.{ext}"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as existing:
            if hashlib.sha256(existing.read()).hexdigest() == digest:
                return name, digest
        logger.warning("content-addressed file %s was damaged; rewriting it", name)
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:  # a concurrent writer stored the same bytes first
        default_storage.delete(saved)
    return name, digest


def _kind_checks(doc, content, issued_date):
    """Rules of particular kinds checked when issuing."""
    if doc.kind == DocumentKind.HEARING_NOTICE and content.get("hearing_time"):
        hearing = dt.datetime.fromisoformat(content["hearing_time"]).date()
        if (hearing - issued_date).days < 7:
            raise DomainError(
                _(
                    "听证通知应当在举行听证的七日前送达当事人（行政处罚法第六十四条），"
                    "听证时间距今不足七日。"
                ),
                code=ErrorCode.DEADLINE,
            )


def is_case_main_decision(doc) -> bool:
    """The document is the decision that closes the case's decision stage (the penalty
    decision of a penalty case; the decision of a coercion case). Such a document is
    issued by ``cases.services.decide`` (head, decision gates, case record), not from
    the documents workbench directly."""
    if doc.case_id is None or not doc.spec.decision:
        return False
    act_type = getattr(doc.case, "act_type", "")
    if doc.kind == DocumentKind.PENALTY_DECISION:
        return True
    return not str(act_type).startswith("penalty")


def require_may_issue(doc, actor):
    """Decisions (决定书) are issued by the agency head (行政处罚法 第五十七条,
    行政强制法 第十八条); other documents by the case's handlers or the head."""
    check_may_write(actor, doc.kind, doc.agency_id, doc.case)
    if doc.spec.decision and actor.role != Role.HEAD:
        raise PermissionDenied(_("决定类文书须由机关负责人签发。"))


@transaction.atomic
def issue_document(doc, actor) -> Document:
    """Issue a draft: check the mandatory elements, assign the 文号, render the PDF and
    DOCX with it, store them content-addressed, hash the PDF and append
    ``DOCUMENT_ISSUED`` to the ledger — all in this transaction (a failure writes
    nothing and uses no number)."""
    doc = _locked(doc)
    _refuse_issued(doc)
    require_may_issue(doc, actor)
    if doc.case_id is not None and doc.spec.decision:
        # 法制审核: whichever path issues a decision (cases.decide runs it first)
        from sanxiang.review import services as review

        review.gate(doc.case, doc, actor)
    s = spec(doc.kind)
    now = clock.now()
    today = timezone.localdate(now)
    content = dict(doc.content or {})
    content["document_date"] = today.isoformat()
    missing = missing_elements(doc.kind, content)
    if missing:
        raise DomainError(
            _("文书缺少必备要素，不能签发：%(m)s。") % {"m": "、".join(missing)},
            details=missing,
            code=ErrorCode.MISSING_MATERIAL,
        )
    _kind_checks(doc, content, today)
    serial, number = numbering.next_number("document", doc.agency, s.number_code, today.year)
    doc.content = content
    pdf = render_pdf_bytes(doc, number=number, issued_date=today, draft=False)
    if s.sealed:  # 电子签章: the agency's PAdES signature over the file as issued
        pdf = seal.sign_pdf(doc.agency, pdf, reason=f"签发 {s.title} {number}")
    docx = render_docx_bytes(doc, number=number, issued_date=today, draft=False)
    pdf_name, pdf_hash = _store(pdf, "pdf")
    docx_name, docx_hash = _store(docx, "docx")
    leaf = append_event(
        EventType.DOCUMENT_ISSUED,
        doc.subject,
        {
            "document_id": doc.pk,
            "case_id": doc.case_id,
            "agency_id": doc.agency_id,
            "kind": doc.kind,
            "title": doc.title,
            "number": number,
            "version": doc.version,
            "previous_id": doc.previous_id,
            "sha256": pdf_hash,
            "docx_sha256": docx_hash,
            "content_sha256": canonical_sha256(content),
            "issued_at": now.isoformat(),
        },
        actor,
    )
    doc.status = DocumentStatus.ISSUED
    doc.number = number
    doc.number_code = s.number_code
    doc.year = today.year
    doc.serial = serial
    doc.issued_at = now
    doc.issued_by = actor
    doc.issued_by_name = actor.display_name
    doc.sha256 = pdf_hash
    doc.pdf.name = pdf_name
    doc.docx_sha256 = docx_hash
    doc.docx.name = docx_name
    doc.ledger_index = getattr(leaf, "index", None)
    try:
        with transaction.atomic():
            doc.save()
    except IntegrityError as exc:  # unique number: only if the sequence was tampered with
        raise DomainError(_("文号冲突，签发失败，请重试。"), code=ErrorCode.CONFLICT) from exc
    signals.document_issued.send(sender=Document, document=doc, actor=actor)
    return doc


@transaction.atomic
def correct_document(doc, content, reason, actor) -> Document:
    """更正: issue a new version of an issued document with corrected ``content``.

    The original stays untouched; the new document points to it (``previous``), gets its
    own 文号, and a ``DocumentCorrection`` row records the reason (append-only)."""
    original = _locked(doc)
    if not original.is_issued:
        raise DomainError(_("草稿无需更正，请直接修改草稿。"), code=ErrorCode.ILLEGAL_TRANSITION)
    check_may_write(actor, original.kind, original.agency_id, original.case)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写更正理由。"), code=ErrorCode.REASON_REQUIRED)
    if DocumentCorrection.objects.filter(original=original).exists():
        newer = original.superseded_by
        raise DomainError(
            _("该文书已被更正（%(n)s），请对最新版本进行更正。") % {"n": newer.number},
            code=ErrorCode.CONFLICT,
        )
    base = {k: v for k, v in (original.content or {}).items() if k != "document_date"}
    new_content = _clean_content(original.kind, content, base=base)
    if new_content == base:
        raise DomainError(_("更正内容与原文书相同。"), code=ErrorCode.NO_CHANGE)
    new = Document.objects.create(
        agency=original.agency,
        case=original.case,
        kind=original.kind,
        version=original.version + 1,
        previous=original,
        title=original.title,
        content=new_content,
        created_by=actor,
    )
    new = issue_document(new, actor)
    leaf = append_event(
        EventType.DOCUMENT_CORRECTED,
        original.subject,
        {
            "original_id": original.pk,
            "original_number": original.number,
            "original_sha256": original.sha256,
            "correction_id": new.pk,
            "correction_number": new.number,
            "correction_sha256": new.sha256,
            "reason": personal.digest(reason),  # typed text: a keyed digest (#11.4)
        },
        actor,
    )
    try:
        with transaction.atomic():
            DocumentCorrection.objects.create(
                original=original,
                correction=new,
                reason=reason,
                actor=actor,
                actor_name=actor.display_name,
                ledger_index=getattr(leaf, "index", None),
            )
    except IntegrityError as exc:
        raise DomainError(_("该文书已被更正。"), code=ErrorCode.CONFLICT) from exc
    signals.document_corrected.send(
        sender=Document, original=original, correction=new, reason=reason, actor=actor
    )
    return new


def issued_for_case(case, kind=None):
    """Current (not superseded) issued documents of a case, oldest first."""
    qs = Document.objects.current().filter(case=case).order_by("issued_at", "id")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def verify_document(doc) -> list:
    """Integrity problems of an issued document (empty list: intact): the stored PDF
    still hashes to ``sha256``, carries a valid agency seal (sealed kinds) and the ledger
    leaf records the same hash and number."""
    from .integrity import read_stored

    problems = []
    if not doc.is_issued:
        return [_("文书尚未签发。")]
    data = read_stored(doc, "pdf")
    if data is None:
        return [_("PDF 文件缺失或无法读取。")]
    if hashlib.sha256(data).hexdigest() != doc.sha256:
        problems.append(_("PDF 文件的 SHA-256 与签发记录不一致。"))
    if spec(doc.kind).sealed:
        check = seal.check_pdf(data)
        if not check.ok:
            problems.append(_("电子签章无效：%(p)s") % {"p": check.problem})
    from sanxiang.ledger.models import Leaf

    leaf = Leaf.objects.filter(index=doc.ledger_index).first()
    if leaf is None:
        problems.append(_("账本中没有该文书的签发记录。"))
    else:
        payload = leaf.payload
        if payload.get("sha256") != doc.sha256 or payload.get("number") != doc.number:
            problems.append(_("账本记录的哈希或文号与文书不一致。"))
    return problems


SEAL_CHECK_MAX_BYTES = 10 * 1024 * 1024


def check_sealed_file(data: bytes) -> dict:
    """文书验签 for a PDF someone holds (the public page): the seal check, the file's
    SHA-256 and, for an issued document with exactly that hash, its agency, 文号, issue
    date and ledger index — nothing else of the document. Nothing is stored."""
    if len(data) > SEAL_CHECK_MAX_BYTES:
        raise DomainError(_("文件超过 10 MB，不是本平台签发的文书。"), code=ErrorCode.BAD_FILE)
    if not data.startswith(b"%PDF-"):
        raise DomainError(_("该文件不是 PDF 文件。"), code=ErrorCode.BAD_FILE)
    sha256 = hashlib.sha256(data).hexdigest()
    doc = (
        Document.objects.filter(sha256=sha256, status=DocumentStatus.ISSUED)
        .select_related("agency")
        .first()
    )
    record = None
    if doc is not None:
        record = {
            "agency": doc.agency.name,
            "number": doc.number,
            "issued_on": timezone.localdate(doc.issued_at),
            "ledger_index": doc.ledger_index,
        }
    # a document not sealed by design (e.g. 现场检查笔录) is genuine when its exact file is
    # registered as issued: its missing seal is not a defect
    unsealed = doc is not None and not doc.spec.sealed
    check = seal.check_pdf(data)
    return {"check": check, "sha256": sha256, "record": record, "unsealed_by_design": unsealed}
