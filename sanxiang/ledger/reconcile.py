"""Reconciliation of domain rows with the ledger leaves that recorded them (issue #11 item 8).

A rogue DBA can drop a trigger and rewrite a recording's file *and* its ``sha256`` row
together: fixity then agrees with the row, and ``ledger verify`` (which checks only the
ledger's own tables) agrees too. What the DBA cannot rewrite without breaking the Merkle
tree is the leaf that recorded the row when it was created. This module compares every
row with legal weight with that leaf and reports each difference by table, id and field.

The registry ``RULES`` (rows frozen at creation, here) and ``reconcile_rules.MORE_RULES``
(rows that change in place: ``all_rules()`` is both) names, per model:

* the event type(s) of the leaves that committed to the row, how to find the row's key
  in a leaf (subject or payload) and which leaf counts when there are several (the
  first, for rows that never change; the latest, for fields a later decision may
  rewrite; all of them merged in order, for a creation leaf followed by leaves holding
  only what changed — or a rule's own ``expected`` replay, for a leaf about many rows);
* ``committed(row)``: the row's fields in the leaf's vocabulary; ``recorded(content)``:
  the fields the leaf holds. Only the fields present in the leaf are compared; what a
  leaf does not hold cannot be reconciled and is listed in ``docs/ledger.md``. Free text
  and personal data (a recording's place, what it proves, its file name) are in the leaf
  only as a keyed digest (``ledger.personal``, #11.4): the row's value is digested and
  compared (``_agrees``), so an edit of the row is still found without the leaf holding
  the text;
* whether a leaf without its row (the row was deleted) is a mismatch, and which rows must
  have a leaf at all (a row inserted by hand has none).

The leaves are read by event type in index order, one pass per rule (constant per-leaf
work, memory proportional to the rows of that model). The leaf content itself is what
``verify_ledger`` proves; run both (``manage.py ledger verify`` does).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.apps import apps

from . import personal
from .events import EventType
from .models import Leaf

log = logging.getLogger("sanxiang.ledger.reconcile")

__all__ = ["REMOVED", "RULES", "Mismatch", "Rule", "all_rules", "reconcile", "reconciled_models"]


@dataclasses.dataclass(frozen=True)
class Mismatch:
    table: str
    pk: object
    field: str
    row_value: object = None
    leaf_value: object = None
    leaf_index: int | None = None
    problem: str = "differs"  # differs | no_leaf | no_row | removed

    def describe(self) -> str:
        where = f"{self.table} id={self.pk}"
        if self.problem == "no_leaf":
            return f"{where}: 账本中没有记录该行的叶子 (no ledger leaf recorded this row)"
        if self.problem == "no_row":
            return (
                f"{where}: 行已不存在，但账本叶子 #{self.leaf_index} 记录了它 "
                f"(row missing, recorded by leaf {self.leaf_index})"
            )
        if self.problem == "removed":
            return (
                f"{where}: 账本叶子 #{self.leaf_index} 记录该行已删除，但行仍存在 "
                f"(row present, leaf {self.leaf_index} recorded its removal)"
            )
        return (
            f"{where}: {self.field} 行={self.row_value!r} ≠ 账本叶子 #{self.leaf_index}="
            f"{self.leaf_value!r} (row differs from its leaf)"
        )


# --- normalisation: both sides to the same plain value ----------------------------------


def _dt(value):
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return str(value)


def _dec(value):
    if value in (None, ""):
        return None
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except InvalidOperation:
        return str(value)


def _int(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _str(value):
    return "" if value is None else str(value)


def _json(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _interruptions(items):
    out = []
    for item in items or []:
        item = dict(item) if isinstance(item, dict) else {"value": item}
        for key in ("stopped_at", "restarted_at"):
            if key in item:
                item[key] = _dt(item[key])
        out.append(item)
    return out


_EMBEDDED = "〔" + personal.PREFIX
_EMBEDDED_RE = re.compile("〔(" + re.escape(personal.PREFIX) + "[0-9a-f]+)〕")


def _embedded_agrees(row: str, leaf: str) -> bool:
    """Does ``row`` say what ``leaf`` does, where the leaf replaced a party's name, ID
    number, phone or address quoted in the text by ``〔digest〕`` (``personal.protect``,
    e.g. a transfer's list of materials)? The literal parts must be equal and each
    digest must be the digest of the text the row holds in its place."""
    parts = _EMBEDDED_RE.split(leaf)  # literal, digest, literal, digest, …, literal
    literals, digests = parts[0::2], parts[1::2]

    def match(pos, i):
        if not row.startswith(literals[i], pos):
            return False
        pos += len(literals[i])
        if i == len(digests):
            return pos == len(row)
        return any(
            personal.digest(row[pos:end]) == digests[i] and match(end, i + 1)
            for end in range(pos + 1, len(row) + 1)
        )

    return match(0, 0)


def _agrees(row_value, leaf_value) -> bool:
    """Does the row's (normalised) value say what the leaf recorded? A leaf holds free
    text and personal data as a keyed digest (#11.4): that is compared through
    ``personal.matches`` (which also accepts the clear text of older leaves); lists and
    dicts are compared item by item, everything else by equality."""
    if isinstance(leaf_value, str) and leaf_value.startswith(personal.PREFIX):
        return personal.matches(row_value, leaf_value)
    if isinstance(leaf_value, str) and _EMBEDDED in leaf_value:
        return isinstance(row_value, str) and _embedded_agrees(row_value, leaf_value)
    if isinstance(leaf_value, dict):
        return (
            isinstance(row_value, dict)
            and set(row_value) == set(leaf_value)
            and all(_agrees(row_value[k], v) for k, v in leaf_value.items())
        )
    if isinstance(leaf_value, list):
        return (
            isinstance(row_value, list)
            and len(row_value) == len(leaf_value)
            and all(_agrees(r, v) for r, v in zip(row_value, leaf_value, strict=True))
        )
    return row_value == leaf_value


def _subject_pk(prefix):
    def key(content):
        subject = content.get("subject", "")
        if subject.startswith(prefix):
            return _int(subject[len(prefix) :])
        return None

    return key


def _payload_pk(name):
    def key(content):
        return _int((content.get("payload") or {}).get(name))

    return key


def _actor(content):
    actor = content.get("actor")
    return actor.get("id") if isinstance(actor, dict) else None


def _pick(source: dict, fields: dict) -> dict:
    """{field: normalise(source[name])} for the fields present in ``source``."""
    return {field: norm(source[name]) for field, (name, norm) in fields.items() if name in source}


# --- the registry -------------------------------------------------------------------------


REMOVED = "__removed__"  # ``recorded(content)`` of a leaf that says the row was deleted


@dataclasses.dataclass(frozen=True)
class Rule:
    label: str  # model label, e.g. "records.Recording"
    event_type: str | tuple  # one event type, or several (a row's creation and its changes)
    key_of_leaf: Callable[[dict], object]
    committed: Callable[[object], dict]
    recorded: Callable[[dict], dict]
    rows: Callable[[], object] = None  # queryset of the rows that must have a leaf
    # which leaf per key: "first"; "last"; "merge" — every leaf in order, a later leaf's
    # fields overriding an earlier one's (a creation leaf, then leaves holding only what
    # changed); a leaf whose ``recorded`` is ``{REMOVED: True}`` says the row is gone
    which: str = "first"
    row_may_vanish: bool = False  # a leaf without its row is legitimate
    note: str = ""
    row_key: Callable[[object], object] = None  # the row's key in the leaves (default: pk)
    # a row of ``rows`` without a leaf is a mismatch (a callable: for the rows it accepts)
    leaf_required: bool | Callable[[object], bool] = True
    # ``expected(leaves) -> {key: (index, {field: (value, index)} or REMOVED)}`` over the
    # rule's leaves ``[(index, content)]`` in index order, for a leaf about many rows
    expected: Callable = None

    @property
    def model(self):
        return apps.get_model(self.label)

    @property
    def event_types(self) -> tuple:
        return (self.event_type,) if isinstance(self.event_type, str) else tuple(self.event_type)

    def queryset(self):
        return self.rows() if self.rows is not None else self.model._default_manager.all()

    def key(self, row):
        return self.row_key(row) if self.row_key is not None else row.pk


_RECORDING_LABELS = {
    "activity": ("activity", _str),
    "recorded_start": ("recorded_start", _dt),
    "recorded_end": ("recorded_end", _dt),
    "place": ("place", _str),
    "collector_id": ("collector", _int),
    "proves": ("proves", _str),
    "interruptions": ("interruptions", _interruptions),
    "is_evidence": ("is_evidence", bool),
    "original_name": ("filename", _str),
    "kind": ("kind", _str),
}
_RECORDING_PAYLOAD = {
    "case_id": ("case", _int),
    "case_number": ("case_number", _str),
    "sha256": ("sha256", _str),
    "size": ("size", _int),
    "content_type": ("content_type", _str),
    "storage_key": ("storage_key", _str),
}


def _recording_row(r):
    return {
        "case_id": r.case_id,
        "case_number": _str(r.case_number),
        "sha256": r.sha256,
        "size": r.size,
        "content_type": r.content_type,
        "storage_key": r.storage_key,
        "activity": r.activity,
        "recorded_start": _dt(r.recorded_start),
        "recorded_end": _dt(r.recorded_end),
        "place": r.place,
        "collector_id": r.collector_id,
        "proves": r.proves,
        "interruptions": _interruptions(r.interruptions),
        "is_evidence": bool(r.is_evidence),
        "original_name": r.original_name,
        "kind": r.kind,
        "uploaded_by_id": r.uploaded_by_id,
    }


def _recording_leaf(content):
    payload = content.get("payload") or {}
    out = _pick(payload, _RECORDING_PAYLOAD)
    out.update(_pick(payload.get("labels") or {}, _RECORDING_LABELS))
    if _actor(content) is not None:
        out["uploaded_by_id"] = _actor(content)
    return out


_DOCUMENT_PAYLOAD = {
    "case_id": ("case_id", _int),
    "agency_id": ("agency_id", _int),
    "kind": ("kind", _str),
    "title": ("title", _str),
    "number": ("number", _str),
    "version": ("version", _int),
    "previous_id": ("previous_id", _int),
    "sha256": ("sha256", _str),
    "docx_sha256": ("docx_sha256", _str),
    "content_sha256": ("content_sha256", _str),
    "issued_at": ("issued_at", _dt),
}


def _document_row(d):
    from .services import canonical_sha256

    return {
        "case_id": d.case_id,
        "agency_id": d.agency_id,
        "kind": d.kind,
        "title": d.title,
        "number": _str(d.number),
        "version": d.version,
        "previous_id": d.previous_id,
        "sha256": _str(d.sha256),
        "docx_sha256": _str(d.docx_sha256),
        "content_sha256": canonical_sha256(d.content or {}),
        "issued_at": _dt(d.issued_at),
        "issued_by_id": d.issued_by_id,
    }


def _document_leaf(content):
    out = _pick(content.get("payload") or {}, _DOCUMENT_PAYLOAD)
    if _actor(content) is not None:
        out["issued_by_id"] = _actor(content)
    out["ledger_index"] = content.get("index")
    return out


def _document_row_with_index(d):
    row = _document_row(d)
    row["ledger_index"] = d.ledger_index
    return row


_OPINION_PAYLOAD = {
    "review_id": ("review", _int),
    "kind": ("kind", _str),
    "draft_hash": ("draft_hash", _str),
    "document_id": ("document", _int),
    "pdf_sha256": ("pdf_sha256", _str),
    "signature": ("signature", _str),
    "key_fingerprint": ("key_fingerprint", _str),
    "late": ("late", bool),
}


def _opinion_row(o):
    return {
        "review_id": o.review_id,
        "kind": o.kind,
        "draft_hash": o.draft_hash,
        "document_id": o.document_id,
        "pdf_sha256": _str(o.pdf_sha256),
        "signature": _str(o.signature),
        "key_fingerprint": _str(o.key_fingerprint),
        "late": bool(o.late),
    }


_DECISION_DATA = {
    "decision_outcome": ("outcome", _str),
    "penalty_kinds": ("penalty_kinds", lambda v: _json(sorted(v or []))),
    "fine": ("fine", _dec),
    "confiscated": ("confiscated", _dec),
}


def _decision_row(c):
    return {
        "number": _str(c.number),
        "decision_at": _dt(c.decision_at),
        "decision_outcome": _str(c.decision_outcome),
        "penalty_kinds": _json(sorted(c.penalty_kinds or [])),
        "fine": _dec(c.fine),
        "confiscated": _dec(c.confiscated),
        "decided_by_id": c.decided_by_id,
    }


def _decision_leaf(content):
    payload = content.get("payload") or {}
    out = _pick(payload, {"number": ("number", _str)})
    if "at" in payload:
        out["decision_at"] = _dt(payload["at"])
    out.update(_pick(payload.get("data") or {}, _DECISION_DATA))
    if _actor(content) is not None:
        out["decided_by_id"] = _actor(content)
    return out


def _issued_documents():
    return apps.get_model("documents.Document")._default_manager.filter(status="issued")


def _decided_cases():
    return apps.get_model("cases.Case")._default_manager.filter(decision_at__isnull=False)


RULES: tuple[Rule, ...] = (
    Rule(
        "records.Recording",
        EventType.RECORDING_INGESTED.value,
        _subject_pk("recording:"),
        _recording_row,
        _recording_leaf,
        note="每个文件的 SHA-256、大小、类型、存储键与全部标注（时间、地点、采集人、证明事项、中断说明）",
    ),
    Rule(
        "documents.Document",
        EventType.DOCUMENT_ISSUED.value,
        _payload_pk("document_id"),
        _document_row_with_index,
        _document_leaf,
        rows=_issued_documents,
        note="已签发文书：文号、PDF/DOCX 的 SHA-256、内容哈希、签发时间与签发人、账本序号",
    ),
    Rule(
        "review.Opinion",
        EventType.REVIEW_OPINION.value,
        _payload_pk("opinion"),
        _opinion_row,
        lambda c: _pick(c.get("payload") or {}, _OPINION_PAYLOAD),
        note="法制审核意见：意见类别、所审代拟稿哈希、PDF 哈希、签名与公钥指纹、是否超期",
    ),
    Rule(
        "cases.Case",
        EventType.DECISION_ISSUED.value,
        _payload_pk("case"),
        _decision_row,
        _decision_leaf,
        rows=_decided_cases,
        which="last",
        row_may_vanish=True,  # a withdrawn decision clears the fields (DELETE: trigger)
        note="已作出决定的案件：决定时间、结果、处罚种类、罚没金额、决定人（以最近一次决定叶子为准）",
    ),
)


def all_rules() -> tuple[Rule, ...]:
    """``RULES`` and the rules of the rows that change in place (``reconcile_rules.py``)."""
    from .reconcile_rules import MORE_RULES

    return RULES + MORE_RULES


def reconciled_models() -> dict[str, str]:
    """{model label: what is compared}; a model with several rules gets every rule's note."""
    out: dict[str, str] = {}
    for rule in all_rules():
        out[rule.label] = f"{out[rule.label]}; {rule.note}" if rule.label in out else rule.note
    return out


def _leaf_contents(rule):
    qs = (
        Leaf.objects.filter(event_type__in=rule.event_types)
        .order_by("index")
        .values_list("index", "content")
    )
    for index, text in qs.iterator(chunk_size=2000):
        try:
            yield index, json.loads(text)
        except ValueError:
            continue  # a damaged leaf: verify_ledger reports it


def _leaves_by_key(rule):
    """{key: (index of the deciding leaf, {field: (value, index)} or REMOVED)}."""
    if rule.expected is not None:
        return rule.expected(_leaf_contents(rule))
    found = {}
    for index, content in _leaf_contents(rule):
        key = rule.key_of_leaf(content)
        if key is None:
            continue
        if rule.which == "first" and key in found:
            continue
        recorded = rule.recorded(content)
        if recorded is None:
            continue  # a leaf of this type that says nothing about the row
        if recorded.get(REMOVED):
            found[key] = (index, REMOVED)
            continue
        fields = {name: (value, index) for name, value in recorded.items()}
        if rule.which == "merge" and key in found and found[key][1] is not REMOVED:
            fields = {**found[key][1], **fields}
        found[key] = (index, fields)
    return found


def check_rule(rule) -> list[Mismatch]:
    leaves = _leaves_by_key(rule)
    model = rule.model
    table = model._meta.db_table
    out = []
    seen = set()
    for row in rule.queryset().order_by("pk").iterator(chunk_size=2000):
        key = rule.key(row)
        seen.add(key)
        entry = leaves.get(key)
        if entry is None:
            needs = rule.leaf_required
            if callable(needs):
                needs = needs(row)
            if needs:
                out.append(Mismatch(table, row.pk, "", problem="no_leaf"))
            continue
        index, recorded = entry
        if recorded is REMOVED:
            out.append(Mismatch(table, row.pk, "", leaf_index=index, problem="removed"))
            continue
        committed = rule.committed(row)
        for field, (leaf_value, field_index) in recorded.items():
            if field in committed and not _agrees(committed[field], leaf_value):
                out.append(
                    Mismatch(table, row.pk, field, committed[field], leaf_value, field_index)
                )
    if not rule.row_may_vanish:
        missing = sorted(
            (k for k, (_i, rec) in leaves.items() if k not in seen and rec is not REMOVED),
            key=str,
        )
        if missing:
            if rule.row_key is None:
                exists = set(
                    model._default_manager.filter(pk__in=missing).values_list("pk", flat=True)
                )
            else:
                exists = {rule.key(r) for r in model._default_manager.all()}
            for key in missing:
                if key not in exists:
                    out.append(
                        Mismatch(table, key, "", leaf_index=leaves[key][0], problem="no_row")
                    )
    return out


def reconcile(labels=None) -> list[Mismatch]:
    """Compare every registered model's rows with their leaves; returns the mismatches
    (empty when all agree), ordered by table and id."""
    out = []
    for rule in all_rules():
        if labels is None or rule.label in labels:
            out.extend(check_rule(rule))
    return out


def alert(mismatches, stdout=None) -> None:
    """ERROR log line per mismatch, the job's output, and one notification to the platform
    administrators (what the periodic job does when the reconciliation fails)."""
    if not mismatches:
        return
    for m in mismatches:
        log.error("LEDGER RECONCILIATION MISMATCH %s", m.describe())
        if stdout is not None:
            stdout.write(f"ledger: reconciliation mismatch {m.describe()}\n")
    try:
        from django.db.models import Q

        from sanxiang.notifications.services import notify
        from sanxiang.org.models import Role, User

        admins = User.objects.filter(Q(is_superuser=True) | Q(role=Role.ADMIN), is_active=True)
        tables = sorted({f"{m.table} id={m.pk}" for m in mismatches})
        notify(
            admins,
            f"账本对账发现 {len(mismatches)} 处不一致",
            "以下记录与账本中记录它们的叶子不一致（可能被绕过系统直接修改）："
            + "；".join(tables[:50]),
        )
    except Exception:  # the alert must never hide the log lines above
        log.exception("could not notify the administrators of the reconciliation mismatch")
