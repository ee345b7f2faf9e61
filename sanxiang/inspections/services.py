"""双随机、一公开 services: the only writers of targets, plans, draws and results.

Rules:
* targets, plans, draws: handlers, the agency head or an administrator of the agency itself;
  supervisors see (scoping) but do not act;
* a plan is edited only in draft; ratios are whole percents 0–100; at least two inspectors
  per task (two certified officers for every inspection);
* the draw (摇号) is reproducible: a 32-byte seed from ``secrets``; each risk class's
  candidates are ranked by HMAC-SHA256(seed, "target:" + USCI) and the first
  ceil(ratio × count / 100) are taken; the certified officers are ranked by
  HMAC-SHA256(seed, "officer:" + id) and dealt round-robin to the tasks. The seed, the
  candidate snapshots and their SHA-256 are stored and written to the ledger, so
  ``replay_draw`` (or anyone with the snapshots) recomputes the same result;
* a task's result is recorded once, by one of its inspectors or the agency head;
* a plan is completed when every task has a result, and then published (head).
"""

from __future__ import annotations

import csv
import hashlib
import io

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sanxiang.catalog.models import CatalogKind, InspectionItem
from sanxiang.catalog.services import applicable_versions
from sanxiang.core import clock
from sanxiang.core import draw as draw_rules
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.core.ids import usci_error
from sanxiang.ledger.events import EventType
from sanxiang.ledger.personal import digest
from sanxiang.ledger.services import append, canonical_sha256
from sanxiang.org.models import CertificateStatus, Officer, Role
from sanxiang.org.permissions import require_role, require_same_agency

from .models import Plan, PlanStatus, RiskClass, Target, Task, TaskResult

MANAGER_ROLES = (Role.HANDLER, Role.HEAD, Role.ADMIN)
PUBLISHER_ROLES = (Role.HEAD, Role.ADMIN)
MIN_INSPECTORS = 2
ALGORITHM = "HMAC-SHA256 rank, ceil(ratio*count/100) per class, round-robin inspectors (v1)"


# --------------------------------------------------------------------------- permissions


def _acts_for(user, agency, roles):
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser and user.agency_id is None:
        return True
    return user.agency_id == agency.pk and user.role in roles


def can_manage(user, agency):
    """May ``user`` keep the target register and plan/draw/complete for ``agency``?"""
    return _acts_for(user, agency, MANAGER_ROLES)


def can_publish(user, agency):
    return _acts_for(user, agency, PUBLISHER_ROLES)


def require_manage(user, agency):
    require_role(
        user,
        *MANAGER_ROLES,
        message=_("只有承办人、机关负责人或管理员可以办理双随机抽查。"),
    )
    require_same_agency(user, agency.pk, message=_("您只能办理本机关的双随机抽查。"))


def require_publish(user, agency):
    require_role(user, *PUBLISHER_ROLES, message=_("只有机关负责人或管理员可以公示抽查结果。"))
    require_same_agency(user, agency.pk, message=_("您只能公示本机关的抽查结果。"))


def can_record(user, task):
    """An inspector of the task (through the officer's login) or the agency head."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.agency_id != task.agency_id:
        return False
    if user.role == Role.HEAD:
        return True
    return task.officers.filter(user=user).exists()


# --------------------------------------------------------------------------- targets


def _clean_usci(value):
    return (value or "").strip().upper()


def _risk_class(value):
    """Accept "A", "a", "A 守信/低风险" or the Chinese label; None when unknown."""
    value = (value or "").strip()
    if not value:
        return None
    for choice in RiskClass:
        if value.upper() == choice.value or value == str(choice.label):
            return choice.value
    head = value[0].upper()
    return head if head in RiskClass.values and (len(value) == 1 or value[1] == " ") else None


def _target_errors(agency, name, usci, risk_class):
    errors = []
    if not (name or "").strip():
        errors.append(_("名称不能为空"))
    elif len(name.strip()) > 200:
        errors.append(_("名称不能超过200个字"))
    problem = usci_error(usci)
    if problem:
        errors.append(problem.rstrip("。"))
    if risk_class is None:
        errors.append(_("信用风险分类应为A、B、C或D"))
    return errors


@transaction.atomic
def add_target(agency, actor, *, name, usci, address="", risk_class=RiskClass.B, is_active=True):
    require_manage(actor, agency)
    usci = _clean_usci(usci)
    risk = _risk_class(risk_class)
    errors = _target_errors(agency, name, usci, risk)
    if not errors and Target.objects.filter(agency=agency, usci=usci).exists():
        errors.append(_("统一社会信用代码%(u)s已在名录库中") % {"u": usci})
    if errors:
        raise DomainError("；".join(str(e) for e in errors) + "。", code=ErrorCode.VALIDATION_ERROR)
    target = Target.objects.create(
        agency=agency,
        name=name.strip(),
        usci=usci,
        address=(address or "").strip()[:255],
        risk_class=risk,
        is_active=bool(is_active),
        created_by=actor,
    )
    append(
        EventType.INSPECTION_TARGETS_CHANGED,
        f"agency:{agency.pk}",
        {"added": [{"usci": usci, "name": target.name, "risk_class": risk}]},
        actor,
    )
    return target


@transaction.atomic
def set_target_active(target, actor, is_active):
    require_manage(actor, target.agency)
    target.is_active = bool(is_active)
    target.save(update_fields=["is_active"])
    append(
        EventType.INSPECTION_TARGETS_CHANGED,
        f"agency:{target.agency_id}",
        {"usci": target.usci, "is_active": target.is_active},
        actor,
    )
    return target


IMPORT_COLUMNS = ["名称", "统一社会信用代码", "地址", "信用风险分类"]
ACTIVE_COLUMN = "是否在册"
TRUE_WORDS = {"", "是", "在册", "1", "true", "y", "yes"}
FALSE_WORDS = {"否", "不在册", "停用", "0", "false", "n", "no"}


def _fail(message, details):
    raise DomainError(message, ErrorCode.IMPORT_FAILED, details=details)


def parse_targets_csv(data: bytes):
    """Rows of a UTF-8 CSV as dicts; raises with "第N行：原因" for every bad row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _fail(_("文件不是UTF-8编码，请另存为“CSV UTF-8”后重新导入。"), [])
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        _fail(_("CSV格式错误（%(e)s）。") % {"e": exc}, [])
    if not rows or not any(cell.strip() for cell in rows[0]):
        _fail(_("文件为空。"), [_("第1行：缺少表头")])
    header = [cell.strip() for cell in rows[0]]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        _fail(
            _("表头缺少必填列。"),
            [_("第1行：缺少列：%(c)s") % {"c": "、".join(missing)}],
        )
    index = {name: header.index(name) for name in header if name}
    records = []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue

        def get(col, cells=cells):
            pos = index.get(col)
            return cells[pos].strip() if pos is not None and pos < len(cells) else ""

        records.append(
            (
                line,
                {
                    "name": get("名称"),
                    "usci": _clean_usci(get("统一社会信用代码")),
                    "address": get("地址"),
                    "risk_raw": get("信用风险分类"),
                    "active_raw": get(ACTIVE_COLUMN),
                },
            )
        )
    if not records:
        _fail(_("文件中没有数据行。"), [_("第2行：没有数据")])
    return records


@transaction.atomic
def import_targets(agency, data: bytes, actor):
    """All-or-nothing import of the target register from a UTF-8 CSV. Returns the count."""
    require_manage(actor, agency)
    records = parse_targets_csv(data)
    existing = set(Target.objects.filter(agency=agency).values_list("usci", flat=True))
    first_line, bad, rows = {}, [], []
    for line, rec in records:
        risk = _risk_class(rec["risk_raw"])
        errors = _target_errors(agency, rec["name"], rec["usci"], risk)
        if len(rec["address"]) > 255:
            errors.append(_("地址不能超过255个字"))
        active_raw = rec["active_raw"].lower()
        if active_raw not in TRUE_WORDS and active_raw not in FALSE_WORDS:
            errors.append(_("“是否在册”应为“是”或“否”"))
        usci = rec["usci"]
        if usci and usci in first_line:
            errors.append(
                _("统一社会信用代码%(u)s与第%(n)s行重复") % {"u": usci, "n": first_line[usci]}
            )
        elif usci in existing:
            errors.append(_("统一社会信用代码%(u)s已在名录库中") % {"u": usci})
        first_line.setdefault(usci, line)
        if errors:
            bad.append(_("第%(n)s行：%(r)s") % {"n": line, "r": "；".join(str(e) for e in errors)})
            continue
        rows.append(
            Target(
                agency=agency,
                name=rec["name"],
                usci=usci,
                address=rec["address"],
                risk_class=risk,
                is_active=active_raw not in FALSE_WORDS,
                created_by=actor,
            )
        )
    if bad:
        _fail(_("导入失败：%(n)s行有误，未导入任何数据。") % {"n": len(bad)}, bad)
    try:
        with transaction.atomic():
            Target.objects.bulk_create(rows)
    except IntegrityError:
        raise DomainError(_("名录库已被他人同时修改，请重新导入。"), ErrorCode.CONFLICT) from None
    append(
        EventType.INSPECTION_TARGETS_CHANGED,
        f"agency:{agency.pk}",
        {
            "imported": len(rows),
            "sha256": hashlib.sha256(data).hexdigest(),
            "uscis": sorted(t.usci for t in rows),
        },
        actor,
    )
    return len(rows)


# --------------------------------------------------------------------------- inspectors


def certified_officers(agency, on_date=None):
    """检查人员名录: the agency's officers on duty with a valid certificate on ``on_date``."""
    on_date = on_date or clock.today()
    return (
        Officer.objects.filter(
            agency=agency,
            is_active=True,
            certificates__status=CertificateStatus.VALID,
            certificates__issued_on__lte=on_date,
            certificates__expires_on__gte=on_date,
        )
        .distinct()
        .order_by("id")
    )


# --------------------------------------------------------------------------- plans


def inspection_items(agency, on_date=None):
    """Items of the published random-inspection catalogues in force (own and ancestors')."""
    versions = applicable_versions(agency, CatalogKind.INSPECTION, on_date)
    return InspectionItem.objects.filter(version__in=versions).order_by("version_id", "code")


PLAN_FIELDS = (
    "item",
    "title",
    "start_date",
    "end_date",
    "ratio_a",
    "ratio_b",
    "ratio_c",
    "ratio_d",
    "inspectors_per_task",
)


def _check_plan(agency, data):
    errors = []
    item = data.get("item")
    if item is None or not inspection_items(agency).filter(pk=item.pk).exists():
        errors.append(_("抽查事项须选自本机关现行的随机抽查事项清单"))
    if not (data.get("title") or "").strip():
        errors.append(_("计划名称不能为空"))
    start, end = data.get("start_date"), data.get("end_date")
    if start is None or end is None:
        errors.append(_("请填写抽查期间"))
    elif end < start:
        errors.append(_("结束日期不能早于开始日期"))
    for cls in RiskClass.values:
        value = data.get(f"ratio_{cls.lower()}")
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
            errors.append(_("%(c)s类抽查比例应为0至100之间的整数") % {"c": cls})
    per_task = data.get("inspectors_per_task")
    if not isinstance(per_task, int) or per_task < MIN_INSPECTORS:
        errors.append(_("每项检查任务的执法人员不得少于%(n)s名") % {"n": MIN_INSPECTORS})
    elif per_task > 20:
        errors.append(_("每项检查任务的执法人员不宜超过20名"))
    if errors:
        raise DomainError("；".join(str(e) for e in errors) + "。", code=ErrorCode.VALIDATION_ERROR)
    data["title"] = data["title"].strip()


@transaction.atomic
def create_plan(agency, actor, **data):
    require_manage(actor, agency)
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise DomainError(
            _("未知字段：%(f)s。") % {"f": "、".join(sorted(unknown))}, code=ErrorCode.UNKNOWN_FIELD
        )
    for name in ("ratio_a", "ratio_b", "ratio_c", "ratio_d", "inspectors_per_task"):
        data.setdefault(name, Plan._meta.get_field(name).default)
    _check_plan(agency, data)
    return Plan.objects.create(agency=agency, created_by=actor, **data)


def _locked(plan):
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _require_status(plan, status, message):
    if plan.status != status:
        raise DomainError(message, ErrorCode.ILLEGAL_TRANSITION)


@transaction.atomic
def update_plan(plan, actor, **data):
    require_manage(actor, plan.agency)
    plan = _locked(plan)
    _require_status(plan, PlanStatus.DRAFT, _("抽查计划已摇号，不能再修改。"))
    merged = {name: getattr(plan, name) for name in PLAN_FIELDS}
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise DomainError(
            _("未知字段：%(f)s。") % {"f": "、".join(sorted(unknown))}, code=ErrorCode.UNKNOWN_FIELD
        )
    merged.update(data)
    _check_plan(plan.agency, merged)
    for name, value in merged.items():
        setattr(plan, name, value)
    plan.save()
    return plan


# --------------------------------------------------------------------------- the draw


sample_size = draw_rules.share  # ceil(ratio × count / 100): a non-empty class gets ≥ 1


def compute_draw(seed_hex, target_candidates, officer_candidates, ratios, per_task):
    """The deterministic draw. Inputs are the stored snapshots:

    * ``target_candidates``: ``[{"usci", "risk_class"}, ...]``;
    * ``officer_candidates``: ``[officer_id, ...]``;
    * ``ratios``: ``{"A": percent, ...}``; ``per_task``: inspectors per task.

    Returns ``[{"usci", "risk_class", "officers": [id, ...]}, ...]`` (class A first, then by
    rank). Officers are dealt round-robin from their ranked order, so every task gets
    ``per_task`` distinct officers and loads differ by at most one.
    """
    seed = bytes.fromhex(seed_hex)
    selected = []
    for cls in RiskClass.values:
        members = [t for t in target_candidates if t["risk_class"] == cls]
        members = draw_rules.ranked(
            members, seed, lambda t: "target:" + t["usci"], lambda t: t["usci"]
        )
        selected.extend(members[: sample_size(int(ratios.get(cls, 0)), len(members))])
    pool = draw_rules.ranked(officer_candidates, seed, lambda o: f"officer:{o}", lambda o: o)
    result = []
    for i, target in enumerate(selected):
        assigned = [pool[(i * per_task + j) % len(pool)] for j in range(per_task)]
        result.append(
            {"usci": target["usci"], "risk_class": target["risk_class"], "officers": assigned}
        )
    return result


@transaction.atomic
def draw(plan, actor, *, seed_hex=None):
    """摇号: draw targets and inspectors, create the tasks, record everything in the ledger.

    ``seed_hex`` exists for tests only; the workbench and API never pass it.
    """
    require_manage(actor, plan.agency)
    plan = _locked(plan)
    _require_status(plan, PlanStatus.DRAFT, _("该抽查计划已摇号，不能重复摇号。"))
    per_task = plan.inspectors_per_task
    officers = list(certified_officers(plan.agency).values_list("id", flat=True))
    if len(officers) < per_task:
        raise DomainError(
            _("本机关持有效执法证的执法人员只有%(n)s名，少于每项任务所需的%(k)s名，不能摇号。")
            % {"n": len(officers), "k": per_task},
            ErrorCode.CERTIFICATE,
        )
    targets = list(
        Target.objects.filter(agency=plan.agency, is_active=True)
        .order_by("usci")
        .values("id", "usci", "name", "risk_class")
    )
    if not targets:
        raise DomainError(
            _("检查对象名录库中没有在册的检查对象，不能摇号。"), code=ErrorCode.EMPTY_SAMPLE
        )
    target_candidates = [{"usci": t["usci"], "risk_class": t["risk_class"]} for t in targets]
    seed_hex = seed_hex or draw_rules.new_seed()
    result = compute_draw(seed_hex, target_candidates, officers, plan.ratios, per_task)
    if not result:
        raise DomainError(
            _("按当前抽查比例未抽中任何检查对象，请调整抽查比例。"), code=ErrorCode.EMPTY_SAMPLE
        )
    by_usci = {t["usci"]: t for t in targets}
    plan.seed = seed_hex
    plan.target_candidates = target_candidates
    plan.officer_candidates = officers
    plan.targets_sha256 = canonical_sha256(target_candidates)
    plan.officers_sha256 = canonical_sha256(officers)
    plan.draw_result = result
    plan.status = PlanStatus.DRAWN
    plan.drawn_at = clock.now()
    plan.drawn_by = actor
    plan.save()
    for order, row in enumerate(result, start=1):
        target = by_usci[row["usci"]]
        task = Task.objects.create(
            plan=plan,
            agency=plan.agency,
            order=order,
            target_id=target["id"],
            target_name=target["name"],
            target_usci=target["usci"],
            risk_class=target["risk_class"],
        )
        task.officers.set(row["officers"])
    append(
        EventType.INSPECTION_DRAWN,
        f"inspection_plan:{plan.pk}",
        {
            "plan": plan.pk,
            "agency": plan.agency_id,
            "item": {"id": plan.item_id, "code": plan.item.code, "name": plan.item.name},
            "algorithm": ALGORITHM,
            "seed": seed_hex,
            "ratios": plan.ratios,
            "inspectors_per_task": per_task,
            "targets_count": len(target_candidates),
            "targets_sha256": plan.targets_sha256,
            "officers_count": len(officers),
            "officers_sha256": plan.officers_sha256,
            "result": result,
            "result_sha256": canonical_sha256(result),
        },
        actor,
    )
    return plan


def replay_draw(plan):
    """Recompute the draw from the stored seed and candidate snapshots.

    Raises when a snapshot no longer matches its stored SHA-256; returns the result, which
    equals ``plan.draw_result`` for an untampered plan."""
    if not plan.seed:
        raise DomainError(_("该抽查计划尚未摇号。"), ErrorCode.ILLEGAL_TRANSITION)
    if canonical_sha256(plan.target_candidates) != plan.targets_sha256:
        raise DomainError(_("候选检查对象与摇号时记录的哈希不一致。"), ErrorCode.CONFLICT)
    if canonical_sha256(plan.officer_candidates) != plan.officers_sha256:
        raise DomainError(_("候选执法人员与摇号时记录的哈希不一致。"), ErrorCode.CONFLICT)
    return compute_draw(
        plan.seed,
        plan.target_candidates,
        plan.officer_candidates,
        plan.ratios,
        plan.inspectors_per_task,
    )


# --------------------------------------------------------------------------- results


@transaction.atomic
def record_result(task, actor, *, result, note=""):
    """Record a task's result once (an inspector of the task or the agency head)."""
    require_same_agency(actor, task.agency_id, message=_("您只能办理本机关的检查任务。"))
    if not can_record(actor, task):
        raise PermissionDenied(_("只有该任务的检查人员或机关负责人可以记录检查结果。"))
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.result:
        raise DomainError(_("检查结果已记录，不可更改。"), ErrorCode.IMMUTABLE)
    plan = task.plan
    if result not in TaskResult.values:
        raise DomainError(_("请选择检查结果。"), code=ErrorCode.REQUIRED)
    note = (note or "").strip()
    if result != TaskResult.NO_PROBLEM and not note:
        raise DomainError(_("请填写检查情况说明。"), code=ErrorCode.REQUIRED)
    task.result = result
    task.note = note
    task.recorded_at = clock.now()
    task.recorded_by = actor
    task.save(update_fields=["result", "note", "recorded_at", "recorded_by"])
    append(
        EventType.INSPECTION_RESULT_RECORDED,
        f"inspection_task:{task.pk}",
        {
            "plan": plan.pk,
            "task": task.pk,
            "target_usci": task.target_usci,
            "result": result,
            "note": digest(note),  # the inspector's text: a keyed digest only (#11.4)
        },
        actor,
    )
    return task


@transaction.atomic
def complete_plan(plan, actor):
    require_manage(actor, plan.agency)
    plan = _locked(plan)
    _require_status(plan, PlanStatus.DRAWN, _("只有已摇号的抽查计划可以办结。"))
    open_tasks = plan.tasks.filter(result="").count()
    if open_tasks:
        raise DomainError(
            _("还有%(n)s项检查任务未记录结果，不能办结。") % {"n": open_tasks},
            ErrorCode.ILLEGAL_TRANSITION,
        )
    plan.status = PlanStatus.COMPLETED
    plan.completed_at = clock.now()
    plan.save(update_fields=["status", "completed_at"])
    append(
        EventType.INSPECTION_COMPLETED,
        f"inspection_plan:{plan.pk}",
        {"plan": plan.pk, "tasks": plan.tasks.count()},
        actor,
    )
    return plan


def public_content(plan):
    """What the public page shows: no officer names, only the target and the result."""
    labels = dict(TaskResult.choices)
    return {
        "agency": {"id": plan.agency_id, "name": plan.agency.name},
        "title": plan.title,
        "item": {"code": plan.item.code, "name": plan.item.name, "basis": plan.item.basis},
        "start_date": plan.start_date.isoformat(),
        "end_date": plan.end_date.isoformat(),
        "ratios": plan.ratios,
        "inspectors_per_task": plan.inspectors_per_task,
        "seed": plan.seed,
        "algorithm": ALGORITHM,
        "targets_count": len(plan.target_candidates),
        "class_counts": {
            cls: sum(1 for t in plan.target_candidates if t["risk_class"] == cls)
            for cls in RiskClass.values
        },
        "targets_sha256": plan.targets_sha256,
        "officers_count": len(plan.officer_candidates),
        "officers_sha256": plan.officers_sha256,
        "drawn_at": plan.drawn_at.isoformat() if plan.drawn_at else None,
        "tasks": [
            {
                "name": task.target_name,
                "usci": task.target_usci,
                "risk_class": task.risk_class,
                "result": task.result,
                "result_label": str(labels.get(task.result, "")),
            }
            for task in plan.tasks.order_by("order")
        ],
    }


PUBLICATION_PREFIX = "inspection_plan:"


def publication_key(plan_id) -> str:
    """``Publication.source_key`` of a plan's results in the publicity app."""
    return f"{PUBLICATION_PREFIX}{plan_id}"


def publication_of(plan):
    """The publicity ``Publication`` of a plan's results, or None before publication."""
    from sanxiang.publicity.models import Publication

    return Publication.objects.filter(source_key=publication_key(plan.pk)).first()


def _summary(content) -> str:
    counts = {}
    for task in content["tasks"]:
        counts[task["result_label"]] = counts.get(task["result_label"], 0) + 1
    parts = "，".join(f"{label}{n}户" for label, n in counts.items() if label)
    return _("随机抽查%(n)s户") % {"n": len(content["tasks"])} + (f"：{parts}" if parts else "")


@transaction.atomic
def publish_plan(plan, actor):
    """一公开: publish a completed plan's results through the publicity app.

    The content (no officer names) becomes a ``publicity`` publication of category
    行政检查 with a redacted snapshot, published at once (the head's publication is the
    approval) and withdrawable through the publicity workbench like any decision. /gs/sj/
    reads only that snapshot. ``Plan.public_snapshot`` keeps the redacted copy.
    """

    from sanxiang.core.fields import ActType
    from sanxiang.publicity import services as publicity
    from sanxiang.publicity.models import PublicationStatus

    require_publish(actor, plan.agency)
    plan = _locked(plan)
    _require_status(plan, PlanStatus.COMPLETED, _("抽查计划办结后才能公示结果。"))
    if plan.published_at:
        raise DomainError(_("抽查结果已公示。"), ErrorCode.ILLEGAL_TRANSITION)
    content = public_content(plan)
    publication = publicity.publish_decision(
        agency=plan.agency,
        source_key=publication_key(plan.pk),
        category=ActType.INSPECTION,
        decision_date=clock.local_date(plan.completed_at) if plan.completed_at else clock.today(),
        title=plan.title,
        conclusion=_summary(content),
        public_numbers=[task["usci"] for task in content["tasks"]],
        handler_ids=[actor.pk],
        inspection=content,
        actor=actor,
    )
    if publication.status == PublicationStatus.PENDING:
        publicity.confirm_publication(publication, actor)
    snap = publicity.current_snapshot(publication)
    plan.public_snapshot = snap.details["inspection"]
    plan.published_at = snap.published_at or clock.now()
    plan.save(update_fields=["public_snapshot", "published_at"])
    append(
        EventType.INSPECTION_PUBLISHED,
        f"inspection_plan:{plan.pk}",
        {"plan": plan.pk, "publication": publication.pk, "sha256": snap.content_sha256},
        actor,
    )
    return plan
