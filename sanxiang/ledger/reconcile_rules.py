"""Reconciliation rules of the rows that change in place (issue #11 items 8 and 10).

``reconcile.py`` holds the machinery and the rules of the rows frozen at creation
(recordings, issued documents, opinions) plus the decision fields of a case. The rows
here are edited through their services, each edit a leaf: the row must say what the
*latest* leaves about it say (``which="last"`` when every leaf holds the whole state,
``"merge"`` when a creation leaf is followed by leaves holding only what changed).

Each rule's ``note`` is what ``docs/ledger.md`` section 3 lists as compared.
"""

from __future__ import annotations

from .events import EventType
from .reconcile import REMOVED, Rule, _dec, _int, _payload_pk, _str, _subject_pk

__all__ = ["MORE_RULES"]


def _list(value):
    return list(value) if isinstance(value, list | tuple) else value


def _bool(value):
    return bool(value) if value is not None else None


def _date(value):
    if value in (None, ""):
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _norm(fields: dict, data: dict) -> dict:
    """{field: normalise(data[field])} for the fields of ``fields`` present in ``data``."""
    return {name: norm(data[name]) for name, norm in fields.items() if name in data}


def _after(changes) -> dict:
    """{field: after} of a ``changes`` diff ({field: {"before", "after"}})."""
    out = {}
    for name, entry in (changes or {}).items():
        if isinstance(entry, dict) and "after" in entry:
            out[name] = entry["after"]
    return out


# --- org.Agency: created with every field, then leaves holding the changes -------------

# (``path`` is not compared: it follows ``parent``, and moving an agency rewrites the
# paths of its whole subtree under the one leaf of the agency moved)
_AGENCY = {
    "name": _str, "usci": _str, "parent": _int, "level": _str, "kind": _str,
    "short_name": _str, "region": _str, "fields": _list, "address": _str, "phone": _str,
    "email": _str, "complaint_channel": _str, "office_hours": _str,
    "review_all_general_penalties": _bool, "is_active": _bool,
}  # fmt: skip


def _agency_row(a):
    data = {name: getattr(a, name) for name in _AGENCY if name != "parent"}
    data["parent"] = a.parent_id
    return _norm(_AGENCY, data)


def _agency_leaf(content):
    payload = content.get("payload") or {}
    if content.get("event_type") == EventType.AGENCY_CREATED.value:
        return _norm(_AGENCY, payload)
    data = {k: payload[k] for k in ("usci", "name") if k in payload}
    data.update(_after(payload.get("changes")))
    return _norm(_AGENCY, data)


# --- org.User: every leaf holds the account's whole state --------------------------------

_USER = {
    "username": _str, "full_name": _str, "role": _str, "agency": _int, "is_active": _bool,
    "is_staff": _bool, "is_superuser": _bool, "phone": _str, "email": _str,
}  # fmt: skip


def _user_row(u):
    data = {name: getattr(u, name) for name in _USER if name != "agency"}
    data["agency"] = u.agency_id
    return _norm(_USER, data)


def _user_needs_leaf(u):
    # ``createsuperuser`` (the first administrator of a deployment, no agency) writes no
    # leaf; every other account is created by org.services.create_user
    return not (u.is_superuser and u.agency_id is None)


# --- org.Officer -----------------------------------------------------------------------

_OFFICER = {
    "agency": _int, "user": _int, "name": _str, "gender": _str, "id_number": _str,
    "position": _str, "unit": _str, "is_active": _bool,
}  # fmt: skip


def _officer_row(o):
    data = {name: getattr(o, name) for name in _OFFICER if name not in ("agency", "user")}
    data.update(agency=o.agency_id, user=o.user_id)
    return _norm(_OFFICER, data)


# --- org.Certificate: keyed by its number (the leaves' subject) ------------------------

_CERTIFICATE = {
    "number": _str, "officer": _int, "agency": _int, "fields": _list, "region": _str,
    "issued_on": _date, "expires_on": _date, "status": _str, "status_reason": _str,
}  # fmt: skip


def _certificate_row(c):
    data = {name: getattr(c, name) for name in _CERTIFICATE if name not in ("officer", "agency")}
    data.update(officer=c.officer_id, agency=c.agency_id)
    return _norm(_CERTIFICATE, data)


def _certificate_leaf(content):
    payload = dict(content.get("payload") or {})
    if "reason" in payload:
        payload["status_reason"] = payload.pop("reason")
    return _norm(_CERTIFICATE, payload)


def _certificate_key(content):
    subject = content.get("subject", "")
    return subject[len("certificate:") :] if subject.startswith("certificate:") else None


# --- workdays: the holiday table -------------------------------------------------------


def _holiday_year_leaf(content):
    payload = content.get("payload") or {}
    action = payload.get("action")
    if action == "year_completed":
        return {
            "complete": True,
            "notice": _str(payload.get("notice")),
            "source": _str(payload.get("source")),
        }
    if action == "year_reopened":
        return {"complete": False}
    return None  # "imported" is followed by its own "year_completed" leaf


def _holiday_year_key(content):
    subject = content.get("subject", "")
    return _int(subject[len("holiday-year:") :]) if subject.startswith("holiday-year:") else None


def _overrides_expected(leaves):
    """The holiday table the leaves describe: ``override_set`` / ``override_removed`` of
    one day, and ``imported`` (a year's file replaces every override dated in that year,
    and the days of the previous December it lists)."""
    found = {}
    for index, content in leaves:
        payload = content.get("payload") or {}
        action = payload.get("action")
        if action == "override_set":
            found[payload.get("date")] = (
                index,
                {"kind": (payload.get("kind"), index), "name": (payload.get("name"), index)},
            )
        elif action == "override_removed":
            found[payload.get("date")] = (index, REMOVED)
        elif action == "imported":
            prefix = f"{payload.get('year')}-"
            for day in [d for d in found if str(d).startswith(prefix)]:
                found[day] = (index, REMOVED)
            for day in payload.get("days") or []:
                found[day.get("date")] = (
                    index,
                    {"kind": (day.get("kind"), index), "name": (day.get("name"), index)},
                )
    return found


# --- cases.CasePolicy: the first leaf holds every setting, later ones the changes ------

_POLICY = {
    "number_prefix": _str, "statement_window_workdays": _int, "hearing_fine_person": _dec,
    "hearing_fine_org": _dec, "hearing_confiscation_person": _dec,
    "hearing_confiscation_org": _dec, "decision_days": _int,
    "warn_days_before_deadline": _int, "simple_filing_workdays": _int,
    "simple_single_officer_basis": _str,
}  # fmt: skip


# --- review.DeadlineExtension: the request, then the head's decision ---------------------


def _actor_id(content):
    actor = content.get("actor")
    return actor.get("id") if isinstance(actor, dict) else None


def _extension_row(e):
    return {
        "review": e.review_id,
        "new_deadline": _date(e.new_deadline),
        "reason": e.reason,
        "status": e.status,
        "requested_by": e.requested_by_id,
        "decided_by": e.decided_by_id,
        "decision_note": e.decision_note,
    }


_EXTENSION_STATUS = {
    EventType.REVIEW_EXTENSION_REQUESTED.value: "pending",
    EventType.REVIEW_EXTENDED.value: "approved",
    EventType.REVIEW_EXTENSION_REJECTED.value: "rejected",
}


def _extension_leaf(content):
    payload = content.get("payload") or {}
    event = content.get("event_type")
    out = _norm({"review": _int, "new_deadline": _date}, payload)
    out["status"] = _EXTENSION_STATUS[event]
    if event == EventType.REVIEW_EXTENSION_REQUESTED.value:
        out["requested_by"] = _actor_id(content)
        if "reason" in payload:
            out["reason"] = payload["reason"]
    else:
        out["decided_by"] = _actor_id(content)
        if "note" in payload:
            out["decision_note"] = payload["note"]
    return out


# --- publicity.PublicationPolicy: every leaf holds the whole policy ---------------------


def _publication_policy_row(p):
    return {
        "require_confirmation": bool(p.require_confirmation),
        "windows": dict(p.windows or {}),
        "low_fine_threshold": _dec(p.low_fine_threshold),
        "updated_by": p.updated_by_id,
    }


def _publication_policy_leaf(content):
    payload = content.get("payload") or {}
    out = _norm(
        {"require_confirmation": _bool, "windows": dict, "low_fine_threshold": _dec}, payload
    )
    out["updated_by"] = _actor_id(content)
    return out


# --- inspections.Target: the register, one leaf per addition, import or (de)activation ---


def _targets_expected(leaves):
    """{(agency id, usci): (index, fields)} from the ``inspections.targets_changed`` leaves
    (subject ``agency:<id>``): ``added`` (usci, name, risk class), ``uscis`` of an import
    (the rows' other columns are only in the file's SHA-256), ``usci`` + ``is_active``."""
    found = {}

    def put(key, index, fields):
        old = found.get(key, (index, {}))[1]
        found[key] = (index, {**old, **{k: (v, index) for k, v in fields.items()}})

    for index, content in leaves:
        agency = _subject_pk("agency:")(content)
        payload = content.get("payload") or {}
        for item in payload.get("added") or []:
            put((agency, item.get("usci")), index, _norm({"name": _str, "risk_class": _str}, item))
        for usci in payload.get("uscis") or []:
            put((agency, usci), index, {})
        if "usci" in payload and "is_active" in payload:
            put((agency, payload["usci"]), index, {"is_active": bool(payload["is_active"])})
    return found


# --- evaluation.Round and patrol.PatrolRound: created, sampled, concluded ----------------

# the columns each app's creation leaf holds besides agency, title, period, agencies and
# the checklist version; and the sampling parameters its sampling leaf repeats
_ROUND_PARAMETERS = {
    "evaluation": {"ratio": _int, "min_per_agency": _int},
    "patrol": {"year": _int, "quarter": _int, "sample_size": _int},
}


def _round_row(app):
    def committed(r):
        from .services import canonical_sha256

        out = {
            "agency": r.agency_id,
            "title": r.title,
            "period": [_date(r.period_start), _date(r.period_end)],
            "agencies": sorted(r.agencies.values_list("pk", flat=True)),
            "checklist_version": r.checklist_version,
            # "scoring" is "sampled" with a first entry submitted (that entry's own leaf)
            "status": "sampled" if r.status == "scoring" else r.status,
            "created_by": r.created_by_id,
            "seed": r.seed,
            "candidates_sha256": r.candidates_sha256,
            "sample_result": r.sample_result,
            "sampled_by": r.sampled_by_id,
            "summary_sha256": r.summary_sha256,
            "summary": canonical_sha256(r.summary) if r.summary_sha256 else "",
            "concluded_by": r.concluded_by_id,
        }
        out.update({name: getattr(r, name) for name in _ROUND_PARAMETERS[app]})
        return out

    return committed


def _round_leaf(app):
    created, sampled, concluded = (
        f"{app}.{step}" for step in ("round_created", "sampled", "concluded")
    )
    parameters = _ROUND_PARAMETERS[app]

    def recorded(content):
        payload = content.get("payload") or {}
        event = content.get("event_type")
        actor = _actor_id(content)
        if event == created:
            out = _norm(
                {"agency": _int, "title": _str, "period": _list, "agencies": _list}, payload
            )
            out.update(_norm({"checklist_version": _str, **parameters}, payload))
            out.update(status="draft", created_by=actor)
            return out
        if event == sampled:
            out = _norm({"seed": _str, "candidates_sha256": _str, "period": _list}, payload)
            out.update(_norm(parameters, payload))
            if "result" in payload:
                out["sample_result"] = payload["result"]
            out.update(status="sampled", sampled_by=actor)
            return out
        if event == concluded:
            digest = _str(payload.get("summary_sha256"))
            return {
                "summary_sha256": digest,
                "summary": digest,
                "status": "concluded",
                "concluded_by": actor,
            }
        return None

    return recorded


def _round_rule(label, app, note):
    return Rule(
        label,
        tuple(f"{app}.{step}" for step in ("round_created", "sampled", "concluded")),
        _payload_pk("round"),
        _round_row(app),
        _round_leaf(app),
        which="merge",
        note=note,
    )


_ROUND_NOTE = (
    "批次：组织机关、名称（摘要）、期间、被抽取机关、抽取参数、标准版本、状态、创建人；抽取"
    "种子、候选哈希、抽取结果、抽取人；汇总（重新计算 SHA-256）与汇总哈希、办结人"
)


# --- patrol.PatrolItem: scored once, then fixed -----------------------------------------


def _patrol_item_row(i):
    from .services import canonical_sha256

    return {
        "round": i.round_id,
        "publication": i.publication_id,
        "deductions": {
            code: {"deduction": v.get("deduction"), "note": v.get("note", "")}
            for code, v in (i.deductions or {}).items()
        },
        "score": i.score,
        "grade": i.grade,
        "checks_sha256": canonical_sha256(i.checks),
        "evaluator": i.evaluator_id,
    }


def _patrol_item_leaf(content):
    payload = content.get("payload") or {}
    out = _norm(
        {
            "round": _int, "publication": _int, "score": _int, "grade": _str,
            "checks_sha256": _str,
        },
        payload,
    )  # fmt: skip
    if isinstance(payload.get("deductions"), dict):
        out["deductions"] = payload["deductions"]
    out["evaluator"] = _actor_id(content)
    return out


def _submitted_patrol_items():
    from django.apps import apps

    return apps.get_model("patrol.PatrolItem")._default_manager.filter(submitted_at__isnull=False)


# --- 整改通知 of 案卷评查 and 网上巡查 (one workflow: evaluation.shared) ------------------


def _notice_row(n):
    import hashlib

    return {
        "agency": n.agency_id,
        "requirements": n.requirements,
        "workdays": n.workdays,
        "deadline": _date(n.deadline),
        "status": n.status,
        "issued_by": n.issued_by_id,
        "report_sha256": hashlib.sha256(n.report.encode("utf-8")).hexdigest() if n.report else "",
        "reported_by": n.reported_by_id,
        "return_reason": n.return_reason,
        "returned_count": n.returned_count,
        "closed_by": n.closed_by_id,
    }


def _notice_expected(app, key, deadline_kind):
    """The notices as their leaves tell them, in order: issued (agency, requirements,
    working days, deadline), reported (report SHA-256), returned (reason; counted),
    closed; and a deadline moved by the holiday recomputation (``deadline_recomputed``
    of ``deadline_kind``)."""
    prefix = f"{app}_{key}:"
    steps = {
        f"{app}.{key}_issued": "issued",
        f"{app}.{key}_reported": "reported",
        f"{app}.{key}_returned": "returned",
        f"{app}.{key}_closed": "closed",
    }

    def expected(leaves):
        found = {}
        for index, content in leaves:
            payload = content.get("payload") or {}
            if content.get("event_type") == EventType.DEADLINE_RECOMPUTED.value:
                if payload.get("kind") != deadline_kind:
                    continue
                pk, fields = _int(payload.get("object_id")), {"deadline": payload.get("new")}
            else:
                step = steps.get(content.get("event_type"))
                pk = _subject_pk(prefix)(content)
                if step is None or pk is None:
                    continue
                fields = {"status": step}
                actor = _actor_id(content)
                if step == "issued":
                    fields.update(_norm({"agency": _int, "workdays": _int}, payload))
                    fields.update(
                        requirements=payload.get("requirements", ""),
                        deadline=payload.get("deadline"),
                        issued_by=actor,
                    )
                elif step == "reported":
                    fields.update(report_sha256=payload.get("report_sha256"), reported_by=actor)
                elif step == "returned":
                    old = found.get(pk, (index, {}))[1].get("returned_count", (0, index))[0]
                    fields.update(return_reason=payload.get("reason", ""), returned_count=old + 1)
                else:
                    fields.update(closed_by=actor)
            previous = found.get(pk, (index, {}))[1]
            found[pk] = (index, {**previous, **{k: (v, index) for k, v in fields.items()}})
        return found

    return expected


def _notice_rule(label, app, key, deadline_kind, note):
    return Rule(
        label,
        tuple(f"{app}.{key}_{step}" for step in ("issued", "reported", "returned", "closed"))
        + (EventType.DEADLINE_RECOMPUTED.value,),
        None,
        _notice_row,
        None,
        expected=_notice_expected(app, key, deadline_kind),
        note=note,
    )


_NOTICE_NOTE = (
    "整改通知：被通知机关、整改要求（摘要）、工作日数与整改期限（含节假日重算叶子）、状态、"
    "发出人、整改报告（SHA-256）与报送人、退回理由（摘要）与退回次数、销号人"
)


# --- publicity.PortalPage (approved versions) and publicity.AnnualReport ----------------


def _portal_page_row(p):
    from .services import canonical_sha256

    return {
        "agency": p.agency_id,
        "version": p.version,
        "content_sha256": p.content_sha256,
        "content": canonical_sha256(p.content),
        "changes": list(p.changes or []),
        "status": p.status,
        "approved_by": p.approved_by_id,
        "ledger_index": p.ledger_index,
    }


def _portal_page_leaf(content):
    payload = content.get("payload") or {}
    out = _norm({"version": _int, "content_sha256": _str, "changes": _list}, payload)
    if "sha256" in payload:
        out["content_sha256"] = out["content"] = _str(payload["sha256"])
    agency = _subject_pk("agency:")(content)
    out.update(
        agency=agency,
        status="approved",
        approved_by=_actor_id(content),
        ledger_index=content.get("index"),
    )
    return out


def _approved_portal_pages():
    from django.apps import apps

    return apps.get_model("publicity.PortalPage")._default_manager.filter(status="approved")


def _annual_report_row(r):
    from .services import canonical_sha256

    return {
        "agency": r.agency_id,
        "year": r.year,
        "total": (r.data or {}).get("total"),
        "data": canonical_sha256(r.data),
        "ledger_index": r.ledger_index,
    }


def _annual_report_leaf(content):
    payload = content.get("payload") or {}
    out = _norm({"agency": _int, "year": _int}, payload)
    if "total" in payload:
        out["total"] = payload["total"]
    # the SHA-256 of all the statistics (reports.generate, since issue #11 item 10); a
    # report published before has none in its leaf: its data is held by the trigger only
    if "data_sha256" in payload:
        out["data"] = _str(payload["data_sha256"])
    out["ledger_index"] = content.get("index")
    return out


# --- publicity.Publication: preview written, published, corrected, withdrawn, removed, expired

# (not compared: ``due_date``, recomputed when the holiday calendar changes; the decision's
# own fields, which a pending publication's correction rewrites without a leaf; the typed
# withdrawal/removal reasons, whose leaf digest is of the full text while the row keeps its
# first 500 characters)
_PUBLICATION = {
    "agency": _int, "source_key": _str, "category": _str, "status": _str,
    "published_late": _bool, "visible_until": _date, "withdrawal_kind": _str, "version": _int,
}  # fmt: skip
_PUBLICATION_STATUS = {
    EventType.PUBLICATION_PREVIEW_WRITTEN.value: "pending",
    EventType.PUBLICATION_PUBLISHED.value: "published",
    EventType.PUBLICATION_WITHDRAWN.value: "withdrawn",
    EventType.PUBLICATION_REMOVED_EARLY.value: "removed",
    EventType.PUBLICATION_EXPIRED.value: "expired",
}


def _publication_row(p):
    data = {name: getattr(p, name) for name in _PUBLICATION if name != "agency"}
    return _norm(_PUBLICATION, {**data, "agency": p.agency_id})


def _publication_leaf(content):
    payload = content.get("payload") or {}
    event = content.get("event_type")
    data = {}
    if event == EventType.PUBLICATION_PREVIEW_WRITTEN.value:
        data = {
            "agency": payload.get("agency"),
            "source_key": payload.get("source"),
            "category": payload.get("category"),
            "published_late": False,
            "version": 1,
        }
    elif event == EventType.PUBLICATION_PUBLISHED.value:
        data = {
            "visible_until": payload.get("visible_until"),
            "published_late": payload.get("late"),
        }
    elif event == EventType.PUBLICATION_CORRECTED.value:
        data = {"version": payload.get("version")}
    elif event == EventType.PUBLICATION_WITHDRAWN.value:
        data = {"withdrawal_kind": payload.get("kind")}
    out = _norm(_PUBLICATION, {k: v for k, v in data.items() if v is not None})
    if event in _PUBLICATION_STATUS:
        out["status"] = _PUBLICATION_STATUS[event]
    return out


# --- appeals.Appeal: recorded, accepted, extended, decided -------------------------------

_APPEAL = {
    "kind": _str, "body": _str, "reference": _str, "prior": _int, "known_on": _date,
    "applied_on": _date, "application_deadline": _date, "late_application": _bool,
    "simple_procedure": _bool, "accepted_on": _date, "decision_deadline": _date,
    "extension_days": _int, "outcome": _str, "redo_ordered": _bool, "decided_on": _date,
    "decided_late": _bool, "status": _str, "recorded_by": _int,
}  # fmt: skip
_APPEAL_STATUS = {
    EventType.APPEAL_RECORDED.value: "pending",
    EventType.APPEAL_ACCEPTED.value: "accepted",
    EventType.APPEAL_DECIDED.value: "decided",
}


def _appeal_row(a):
    data = {name: getattr(a, name) for name in _APPEAL if name not in ("prior", "recorded_by")}
    out = _norm(_APPEAL, {**data, "prior": a.prior_id, "recorded_by": a.recorded_by_id})
    out.update(
        extension_note=a.extension_note,
        outcome_note=a.outcome_note,
        changed_conclusion=a.changed_conclusion,
    )
    return out


def _appeal_leaf(content):
    payload = dict(content.get("payload") or {})
    event = content.get("event_type")
    if event == EventType.APPEAL_EXTENDED.value:
        payload = {
            "extension_days": payload.get("total"),
            "decision_deadline": payload.get("deadline"),
            "extension_note": payload.get("note", ""),
        }
    out = _norm(_APPEAL, payload)
    if event in _APPEAL_STATUS:
        out["status"] = _APPEAL_STATUS[event]
    if event == EventType.APPEAL_RECORDED.value:
        out["recorded_by"] = _actor_id(content)
    # the typed text, as keyed digests: 延长理由, 结果说明, 变更后的处理结果
    for leaf_name, row_name in (
        ("extension_note", "extension_note"),
        ("note", "outcome_note"),
        ("changed_conclusion", "changed_conclusion"),
    ):
        if leaf_name in payload:
            out[row_name] = payload[leaf_name]
    return out


# --- alerts.Alert: every leaf holds the alert's state; the typed text as a digest --------

_ALERT = {
    "rule": _str, "record_key": _str, "agency": _int, "severity": _str, "status": _str,
    "raised_on": _date, "detail_sha256": _str,
}  # fmt: skip


def _alert_row(a):
    import hashlib

    data = {name: getattr(a, name) for name in ("rule", "record_key", "severity", "status")}
    data.update(
        agency=a.agency_id,
        raised_on=a.raised_on,
        detail_sha256=hashlib.sha256((a.detail or "").encode("utf-8")).hexdigest(),
    )
    out = _norm(_ALERT, data)
    out.update(
        acknowledge_note=a.acknowledge_note,
        acknowledged_by=a.acknowledged_by_id,
        close_reason=a.close_reason,
        closed_by=a.closed_by_id,
    )
    return out


def _alert_leaf(content):
    payload = content.get("payload") or {}
    out = _norm(_ALERT, payload)
    event = content.get("event_type")
    actor = content.get("actor")
    actor_id = actor.get("id") if isinstance(actor, dict) else None
    if event == EventType.ALERT_ACKNOWLEDGED.value:
        out["acknowledged_by"] = actor_id
        if "note" in payload:
            out["acknowledge_note"] = payload["note"]
    elif event in (EventType.ALERT_RESOLVED.value, EventType.ALERT_DISMISSED.value):
        out["closed_by"] = actor_id
        if "reason" in payload:
            out["close_reason"] = payload["reason"]
    elif event == EventType.ALERT_AUTO_RESOLVED.value:
        out["closed_by"] = None
    return out


# --- review.Review: submitted, assigned, accepted, extended, concluded, disputed, settled ---

_REVIEW_STEPS = {
    EventType.REVIEW_SUBMITTED.value: "submitted",
    EventType.REVIEW_WITHDRAWN.value: "withdrawn",
    EventType.REVIEW_ASSIGNED.value: "assigned",
    EventType.REVIEW_ACCEPTED.value: "accepted",
    EventType.REVIEW_EXTENDED.value: "extended",
    EventType.REVIEW_OPINION.value: "opinion",
    EventType.REVIEW_DISPUTED.value: "disputed",
    EventType.REVIEW_COLLECTIVE_DISCUSSION.value: "settled",
}
# the holiday recomputation of the 审核期限 (review/deadline_kinds.py)
_REVIEW_DEADLINE_KIND = "review.deadline"


def _review_row(r):
    discretion = r.discretion if isinstance(r.discretion, dict) else {}
    return {
        "case": r.case_id,
        "version": r.version,
        "previous": r.previous_id,
        "document": r.document_id,
        "draft_hash": r.draft_hash,
        "discretion.within": discretion.get("within"),
        "discretion.version": discretion.get("version"),
        "discretion_out_of_range": bool(r.discretion_out_of_range),
        "submitted_by": r.submitted_by_id,
        "status": r.status,
        "reviewer": r.reviewer_id,
        "accepted_at": r.accepted_at is not None,
        "accepted_on": _date(r.accepted_on),
        "deadline": _date(r.deadline),
        "extended_deadline": _date(r.extended_deadline),
        "outcome": r.outcome,
        "concluded_at": r.concluded_at is not None,
    }


def _reviews_expected(leaves):
    """The reviews as their leaves tell them, in order. ``review.submitted`` (under the
    case's subject) holds the draft, the discretion check and the submitter, and starts
    every workflow column empty; the previous review is the one submitted last for the
    same case. ``assigned`` sets the reviewer (the first assignment moves ``submitted``
    to ``assigned``; a reassignment keeps the status), ``accepted`` the day and the
    deadline (status ``in_review``), ``extended`` the extended deadline, ``opinion`` the
    outcome (``concluded``), ``disputed`` and ``collective_discussion`` the status, and
    ``withdrawn`` ends it; ``workdays.deadline_recomputed`` of ``review.deadline`` moves
    the deadline. Extension requests and refusals, transfers and scope assessments change
    no column of the review (their own rows are reconciled or append-only)."""
    found = {}
    last_of_case = {}

    for index, content in leaves:
        payload = content.get("payload") or {}
        event = content.get("event_type")
        if event == EventType.DEADLINE_RECOMPUTED.value:
            if payload.get("kind") != _REVIEW_DEADLINE_KIND:
                continue
            pk, fields = _int(payload.get("object_id")), {"deadline": payload.get("new")}
        else:
            step = _REVIEW_STEPS.get(event)
            pk = _int(payload.get("review"))
            if step is None or pk is None:
                continue
            actor = _actor_id(content)
            if step == "submitted":
                case = _subject_pk("case:")(content)
                fields = {
                    "case": case,
                    "version": _int(payload.get("version")),
                    "previous": last_of_case.get(case),
                    "document": _int(payload.get("document")),
                    "draft_hash": _str(payload.get("draft_hash")),
                    "discretion.within": payload.get("discretion_within"),
                    "discretion.version": payload.get("version_ref"),
                    "discretion_out_of_range": bool(payload.get("out_of_range")),
                    "submitted_by": actor,
                    "status": "submitted",
                    "reviewer": None,
                    "accepted_at": False,
                    "accepted_on": None,
                    "deadline": None,
                    "extended_deadline": None,
                    "outcome": "",
                    "concluded_at": False,
                }
                last_of_case[case] = pk
            elif step == "assigned":
                fields = {"reviewer": _int(payload.get("reviewer"))}
                if payload.get("previous_reviewer") is None:
                    fields["status"] = "assigned"
            elif step == "accepted":
                fields = {
                    "status": "in_review",
                    "accepted_at": True,
                    "accepted_on": payload.get("accepted_on"),
                    "deadline": payload.get("deadline"),
                }
            elif step == "extended":
                fields = {"extended_deadline": payload.get("new_deadline")}
            elif step == "opinion":
                fields = {
                    "status": "concluded",
                    "outcome": _str(payload.get("kind")),
                    "concluded_at": True,
                }
            else:  # withdrawn, disputed, settled
                fields = {"status": step}
        previous = found.get(pk, (index, {}))[1]
        found[pk] = (index, {**previous, **{k: (v, index) for k, v in fields.items()}})
    return found


_REVIEW_NOTE = (
    "法制审核：案件、送审次序、上一次送审、代拟稿与其内容哈希、裁量基准核对结论与版本、是否"
    "超出裁量基准、送审人；状态、审核人员（首次分配与改派）、是否已受理、受理日期、审核期限"
    "（含节假日重算叶子）、延长后的期限、审核意见、是否已出具意见；各环节叶子依次重放"
)


# --- transfers.PoliceTransfer: 移送 → 立案/不予立案 → 复议 → 立案监督 → 移交/退回 ------

# the fields of the police's notice (transfers.services._police_notice writes the same
# payload for its 立案/不予立案 reply and for its 复议 decision; the latter are prefixed)
_POLICE_NOTICE = {"decision": _str, "notified_on": _date, "police_late": _bool}
_TRANSFER_RECORDED = {
    "review_transfer": _int, "police_authority": _str, "reported_on": _date,
    "approved_on": _date, "transferred_on": _date, "received_on": _date,
    "materials": _list, "approval_late": _bool, "transfer_late": _bool,
}  # fmt: skip
# the columns a later step fills in, empty when the transfer is recorded
_TRANSFER_LATER = {
    "decision": "", "notified_on": None, "reasons": "", "police_late": False,
    "reconsideration_requested_on": None, "reconsideration_decision": "",
    "reconsideration_notified_on": None, "reconsideration_reasons": "",
    "reconsideration_police_late": False, "procuratorate_on": None, "procuratorate_note": "",
    "handed_over_on": None, "handover_late": False, "returned_on": None, "return_note": "",
}  # fmt: skip
_DATE_COLUMNS = (
    "reported_on", "approved_on", "transferred_on", "received_on", "notified_on",
    "reconsideration_requested_on", "reconsideration_notified_on", "procuratorate_on",
    "handed_over_on", "returned_on",
)  # fmt: skip


def _transfer_row(t):
    names = [n for n in (*_TRANSFER_RECORDED, *_TRANSFER_LATER) if n != "review_transfer"]
    out = {name: getattr(t, name) for name in names}
    out.update(
        review_transfer=t.review_transfer_id,
        case=t.case_id,
        approved_by=t.approved_by_id,
        recorded_by=t.recorded_by_id,
        status=t.status,
        materials=_list(t.materials),
    )
    for name in _DATE_COLUMNS:
        out[name] = _date(out[name])
    for name in (
        "approval_late", "transfer_late", "police_late", "reconsideration_police_late",
        "handover_late",
    ):  # fmt: skip
        out[name] = bool(out[name])
    return out


def _police_status(decision):
    # a 立案 notice (or 复议 decision) opens the hand-over; a 不予立案 leaves the transfer
    # open for 复议, 立案监督 or the return
    return "filed" if decision == "filed" else "not_filed"


def _transfer_leaf(content):
    payload = content.get("payload") or {}
    event = content.get("event_type")
    if event == EventType.TRANSFER_RECORDED.value:
        actor = _actor_id(content)
        out = _norm(_TRANSFER_RECORDED, payload)
        out.update(_TRANSFER_LATER)
        out.update(
            case=_subject_pk("case:")(content),
            status="transferred",
            approved_by=actor,
            recorded_by=actor,
        )
        return out
    if event in (EventType.TRANSFER_REPLIED.value, EventType.TRANSFER_RECONSIDERED.value):
        prefix = "reconsideration_" if event == EventType.TRANSFER_RECONSIDERED.value else ""
        out = {prefix + name: value for name, value in _norm(_POLICE_NOTICE, payload).items()}
        if "reasons" in payload:
            out[prefix + "reasons"] = payload["reasons"]
        if "decision" in payload:
            out["status"] = _police_status(payload["decision"])
        return out
    if event == EventType.TRANSFER_RECONSIDERATION.value:
        return {
            "reconsideration_requested_on": _date(payload.get("requested_on")),
            "status": "reconsideration",
        }
    if event == EventType.TRANSFER_PROCURATORATE.value:
        return {
            "procuratorate_on": _date(payload.get("on")),
            "procuratorate_note": payload.get("note", ""),
        }
    if event == EventType.TRANSFER_HANDED_OVER.value:
        return {
            "handed_over_on": _date(payload.get("on")),
            "handover_late": bool(payload.get("late")),
            "status": "handed_over",
        }
    if event == EventType.TRANSFER_RETURNED.value:
        return {
            "returned_on": _date(payload.get("on")),
            "return_note": payload.get("note", ""),
            "status": "returned",
        }
    return None


# --- cases.Case: the columns every timeline leaf restates ---------------------------------
# ``cases.services._base.record`` writes each timeline entry's leaf with the case's
# number, agency, act type and stage *after* the act (a transition saves the new stage
# first); the latest such leaf of a case is what its row must say. Leaves of these types
# written elsewhere (without ``kind`` and ``stage``) say nothing about the row.
_CASE_TIMELINE = (
    EventType.CASE_OPENED.value,
    EventType.CASE_TRANSITION.value,
    EventType.CASE_EVENT.value,
    EventType.DECISION_ISSUED.value,
    EventType.CASE_ARCHIVED.value,
)


def _case_timeline_key(content):
    payload = content.get("payload") or {}
    if "stage" not in payload or "kind" not in payload:
        return None
    return _int(payload.get("case"))


def _case_row(c):
    return {
        "stage": _str(c.stage),
        "number": _str(c.number),
        "agency_id": c.agency_id,
        "act_type": _str(c.act_type),
    }


def _case_leaf(content):
    payload = content.get("payload") or {}
    return {
        "stage": _str(payload.get("stage")),
        "number": _str(payload.get("number")),
        "agency_id": _int(payload.get("agency")),
        "act_type": _str(payload.get("act_type")),
    }


MORE_RULES: tuple[Rule, ...] = (
    Rule(
        "cases.Case",
        _CASE_TIMELINE,
        _case_timeline_key,
        _case_row,
        _case_leaf,
        which="last",
        # a case no service recorded has no timeline leaf (the alert demo's staged cases);
        # deleting a ledgered one is refused by trigger and would be ``no_row`` here
        leaf_required=False,
        note="案件：环节、案件编号、执法主体、执法行为类别（以该案最近一条时间轴叶子为准）",
    ),
    Rule(
        "org.Agency",
        (EventType.AGENCY_CREATED.value, EventType.AGENCY_CHANGED.value),
        _subject_pk("agency:"),
        _agency_row,
        _agency_leaf,
        which="merge",
        note="执法主体：名称、统一社会信用代码、上级与路径、层级、类别、简称、管辖区域、执法领域、"
        "地址、电话、邮箱、投诉渠道、办公时间、是否全部送审、是否有效（创建叶子与其后各变更叶子）",
    ),
    Rule(
        "org.User",
        (EventType.USER_CREATED.value, EventType.USER_CHANGED.value),
        _subject_pk("user:"),
        _user_row,
        lambda c: _norm(_USER, c.get("payload") or {}),
        which="last",
        leaf_required=_user_needs_leaf,
        note="用户账号：用户名、姓名、角色、所属机关、是否有效、管理权限、超级用户、手机与邮箱"
        "（摘要）；以最近一次账号叶子为准（createsuperuser 建立的无机关超级用户没有叶子）",
    ),
    Rule(
        "org.Officer",
        (EventType.OFFICER_CREATED.value, EventType.OFFICER_CHANGED.value),
        _subject_pk("officer:"),
        _officer_row,
        lambda c: _norm(_OFFICER, c.get("payload") or {}),
        which="last",
        leaf_required=False,  # alerts/demo.py registers officers without the service
        note="执法人员：所属机关、登录账号、姓名、性别、身份证号（摘要）、职务、科室、是否在岗；"
        "以最近一次人员叶子为准",
    ),
    Rule(
        "org.Certificate",
        (
            EventType.CERTIFICATE_ISSUED.value,
            EventType.CERTIFICATE_SUSPENDED.value,
            EventType.CERTIFICATE_REINSTATED.value,
            EventType.CERTIFICATE_REVOKED.value,
        ),
        _certificate_key,
        _certificate_row,
        _certificate_leaf,
        which="last",
        row_key=lambda c: c.number,
        note="执法证：证号、持证人、机关、执法类别、区域、发证日期、有效期、状态与状态原因；"
        "以最近一次执法证叶子为准",
    ),
    Rule(
        "workdays.HolidayYear",
        EventType.HOLIDAY_CHANGED.value,
        _holiday_year_key,
        lambda y: {"complete": bool(y.complete), "notice": y.notice, "source": y.source},
        _holiday_year_leaf,
        which="merge",
        row_key=lambda y: y.year,
        note="节假日年度：是否已完整录入、通知文号、来源（确认完整与撤销确认的叶子）",
    ),
    Rule(
        "workdays.HolidayOverride",
        EventType.HOLIDAY_CHANGED.value,
        None,
        lambda o: {"kind": o.kind, "name": o.name},
        None,
        row_key=lambda o: o.date.isoformat(),
        expected=_overrides_expected,
        note="节假日调整：每一天的类型（休息/调休上班）与名称；逐日录入、删除与整年导入的叶子"
        "依次重放，叶子记录已删除的日期仍存在也报告",
    ),
    Rule(
        "cases.CasePolicy",
        EventType.CASE_POLICY_CHANGED.value,
        _payload_pk("agency"),
        lambda p: _norm(_POLICY, {name: getattr(p, name) for name in _POLICY}),
        lambda c: _norm(_POLICY, _after((c.get("payload") or {}).get("changes"))),
        which="merge",
        row_key=lambda p: p.agency_id,
        note="办案规则设置：全部金额、期限与编号代字（首个叶子记录全部设置，其后记录变更）",
    ),
    Rule(
        "review.DeadlineExtension",
        tuple(_EXTENSION_STATUS),
        _payload_pk("extension"),
        _extension_row,
        _extension_leaf,
        which="merge",
        note="法制审核延期：所属审核、申请延长至、理由（摘要）、申请人、状态、审批人、审批意见"
        "（摘要）；申请叶子与审批叶子依次合并（原期限不在叶子中）",
    ),
    Rule(
        "publicity.PublicationPolicy",
        EventType.PUBLICATION_POLICY_CHANGED.value,
        _subject_pk("agency:"),
        _publication_policy_row,
        _publication_policy_leaf,
        which="last",
        row_key=lambda p: p.agency_id,
        note="公示规则：是否须负责人确认、各类别公示期限、低额罚款标准、修改人；以最近一次规则"
        "叶子为准",
    ),
    Rule(
        "inspections.Target",
        EventType.INSPECTION_TARGETS_CHANGED.value,
        None,
        lambda t: {"name": t.name, "risk_class": t.risk_class, "is_active": bool(t.is_active)},
        None,
        row_key=lambda t: (t.agency_id, t.usci),
        expected=_targets_expected,
        note="检查对象名录库：每个对象（机关、统一社会信用代码）须有叶子；逐个录入的名称与信用"
        "风险分类、在册状态的变更（整批导入的对象只有代码在叶子中）",
    ),
    _round_rule("evaluation.Round", "evaluation", f"案卷评查{_ROUND_NOTE}"),
    _round_rule("patrol.PatrolRound", "patrol", f"网上巡查{_ROUND_NOTE}"),
    Rule(
        "patrol.PatrolItem",
        EventType.PATROL_ITEM_SCORED.value,
        _payload_pk("item"),
        _patrol_item_row,
        _patrol_item_leaf,
        rows=_submitted_patrol_items,
        note="已提交的网上巡查条目：批次、公示信息、人工扣分（理由为摘要）、得分、等次、自动检查"
        "结果（重新计算 SHA-256）、巡查人；以提交叶子为准",
    ),
    _notice_rule(
        "evaluation.Rectification",
        "evaluation",
        "rectification",
        "evaluation.rectification",
        f"案卷评查{_NOTICE_NOTE}",
    ),
    _notice_rule(
        "patrol.PatrolNotice", "patrol", "notice", "patrol.rectification", f"网上巡查{_NOTICE_NOTE}"
    ),
    Rule(
        "publicity.PortalPage",
        EventType.PUBLICATION_CONTENT_APPROVED.value,
        _payload_pk("page"),
        _portal_page_row,
        _portal_page_leaf,
        rows=_approved_portal_pages,
        note="已审定的事前公开内容：机关、版本、内容哈希（并由存储的内容重新计算）、变化说明、"
        "状态、审定人、账本序号",
    ),
    Rule(
        "publicity.AnnualReport",
        EventType.PUBLICATION_REPORT_PUBLISHED.value,
        _subject_pk("annual_report:"),
        _annual_report_row,
        _annual_report_leaf,
        note="年度统计报告：机关、年度、总数、账本序号、全部统计数据（重新计算 SHA-256；此前发布的"
        "报告的叶子没有该哈希，其数据由触发器保护）",
    ),
    Rule(
        "publicity.Publication",
        (
            EventType.PUBLICATION_PREVIEW_WRITTEN.value,
            EventType.PUBLICATION_PUBLISHED.value,
            EventType.PUBLICATION_CORRECTED.value,
            EventType.PUBLICATION_WITHDRAWN.value,
            EventType.PUBLICATION_REMOVED_EARLY.value,
            EventType.PUBLICATION_EXPIRED.value,
        ),
        _subject_pk("publication:"),
        _publication_row,
        _publication_leaf,
        which="merge",
        note="公示信息：机关、来源标识、执法行为类别、状态、是否逾期公示、公示截止日期、撤下情形、"
        "版本；生成预览、公示、更正、撤下、提前停止、期满下线的叶子依次合并（公示期限随节假日"
        "重算，撤下与停止理由的摘要是全文的，不比对）",
    ),
    Rule(
        "appeals.Appeal",
        (
            EventType.APPEAL_RECORDED.value,
            EventType.APPEAL_ACCEPTED.value,
            EventType.APPEAL_EXTENDED.value,
            EventType.APPEAL_DECIDED.value,
        ),
        _payload_pk("appeal"),
        _appeal_row,
        _appeal_leaf,
        which="merge",
        note="行政复议/诉讼：类别、复议机关/法院、案号、前一程序、知道之日、申请日与申请期限、"
        "是否超期、简易程序、登记人、受理日与决定期限、延长天数与理由（摘要）、结果、责令重作、"
        "决定日、是否超期、结果说明与变更后的处理结果（摘要）、状态",
    ),
    Rule(
        "review.Review",
        (*_REVIEW_STEPS, EventType.DEADLINE_RECOMPUTED.value),
        None,
        _review_row,
        None,
        expected=_reviews_expected,
        note=_REVIEW_NOTE,
    ),
    Rule(
        "transfers.PoliceTransfer",
        (
            EventType.TRANSFER_RECORDED.value,
            EventType.TRANSFER_REPLIED.value,
            EventType.TRANSFER_RECONSIDERATION.value,
            EventType.TRANSFER_RECONSIDERED.value,
            EventType.TRANSFER_PROCURATORATE.value,
            EventType.TRANSFER_HANDED_OVER.value,
            EventType.TRANSFER_RETURNED.value,
        ),
        _payload_pk("transfer"),
        _transfer_row,
        _transfer_leaf,
        which="merge",
        note="涉嫌犯罪案件移送：案件、法制审核移送记录、接受移送的公安机关、报告/批准/移送/接受日期、"
        "批准人与登记人、移送材料（当事人信息为摘要）、审批与移送是否超期；公安机关立案/不予立案"
        "及复议决定（决定、通知日期、理由摘要、是否逾期，状态由决定得出）、提请复议日期、建议"
        "立案监督日期与说明（摘要）、移交日期与是否超期、退回日期与处理（摘要）、状态；各环节"
        "叶子依次合并（依日期计算的各项期限与案件情况不在叶子中）",
    ),
    Rule(
        "alerts.Alert",
        (
            EventType.ALERT_RAISED.value,
            EventType.ALERT_ACKNOWLEDGED.value,
            EventType.ALERT_RESOLVED.value,
            EventType.ALERT_DISMISSED.value,
            EventType.ALERT_AUTO_RESOLVED.value,
        ),
        _subject_pk("alert:"),
        _alert_row,
        _alert_leaf,
        which="merge",
        note="监督预警：模型、记录标识、机关、等级、状态、预警日期、预警内容（SHA-256）、签收人与"
        "签收说明（摘要）、办结人与办结说明（摘要）；产生叶子与其后各环节叶子依次合并",
    ),
)
