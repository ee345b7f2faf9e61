"""Which protection every model of the platform has — the one list (issue #11 item 10).

Every concrete model of a ``sanxiang.*`` app is in exactly one of:

``APPEND_ONLY``
    Rows are refused UPDATE/DELETE by database triggers (``append_only.py``; for
    ``documents.Document`` the conditional "issued" triggers of documents migration 0002).
    The system check ``sanxiang.E101`` (``ledger/checks.py``) reports every trigger listed
    here that is missing or disabled in the database (a SQLite table rebuild drops them).
``RECONCILED``
    Rows may change, but every change is ledgered and a reconciliation compares the row
    with the latest leaves about it (issue #11 item 8, ``ledger/reconcile.py`` and
    ``ledger/reconcile_rules.py``). Recordings, issued documents and review opinions are
    reconciled too, as a second line behind their triggers, and listed in ``APPEND_ONLY``;
    ``cases.Case`` refuses DELETE by trigger and is reconciled for its decision fields.
``NO_LEGAL_WEIGHT``
    Caches, counters, queues and messages: losing or editing them changes no record.
``KNOWN_GAPS``
    Rows with legal weight that are neither: the gap is stated here, with why it is not
    closed yet, so it stays visible (``docs/ledger.md`` lists them).

``tests/ledger/test_protection.py`` fails for a model that is in none (or more than one) of
these, so a new model cannot ship without a decision.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AppendOnly:
    """A trigger-protected table. ``allow_update_columns``: the columns the triggers let
    change (``None``: every UPDATE refused; ``custom="no_delete"``: every UPDATE allowed, only
    DELETE refused — a workflow row whose changes are ledgered). ``custom``: the triggers are not the shared
    helper's (their names are given by ``append_only.trigger_names``)."""

    reason: str
    allow_update_columns: tuple | None = None
    custom: str = ""
    # SQL condition on OLD while the row is still a draft (any change allowed), e.g.
    # ``OLD."status" = 'draft'``; once false, the row is append-only (issue #11 item 10)
    mutable_while: str = ""
    # SQL condition on OLD while ``allow_update_columns`` may still be filled in, e.g.
    # ``OLD."result" = ''``; once false no column changes (the other columns never do)
    allowed_while: str = ""


_DECISION = ("status", "decided_by_id", "decided_at", "decision_note")
# columns a published snapshot's workflow still fills in (search_vector: PostgreSQL's
# generated column, recomputed by the database itself)
SNAPSHOT_WORKFLOW = (
    "state", "published_at", "visible_until", "withdrawn_on", "withdrawal_kind",
    "withdrawal_reason", "ledger_index", "updated_at", "search_vector",
)  # fmt: skip
# a complaint's handling columns (code_hash: the 查询码 digest, a credential, not content)
COMPLAINT_WORKFLOW = (
    "agency_id", "status", "clock_start", "decided_at", "reject_reason", "concluded_at",
    "result", "reply", "transfers", "history", "code_hash",
)  # fmt: skip

# a catalogue version is a draft until published; then only the day it stops applying
# (set when the next version is published) may be filled in
_CATALOG_DRAFT = """OLD."status" = 'draft'"""
# a catalogue item (or a discretion tier) changes only while its version is a draft
_ITEM_OF_DRAFT = (
    "NOT EXISTS (SELECT 1 FROM catalog_catalogversion v "
    """WHERE v.id = OLD."version_id" AND v.status <> 'draft')"""
)
_TIER_OF_DRAFT = (
    "NOT EXISTS (SELECT 1 FROM catalog_discretionbenchmark b JOIN catalog_catalogversion v "
    """ON v.id = b.version_id WHERE b.id = OLD."benchmark_id" AND v.status <> 'draft')"""
)


def _catalog_item(reason):
    return AppendOnly(f"{reason}：草稿版本内可改可删；版本发布后冻结", mutable_while=_ITEM_OF_DRAFT)


APPEND_ONLY: dict[str, AppendOnly] = {
    # the ledger itself (ledger 0002)
    "ledger.Leaf": AppendOnly("账本叶子：事件原文与哈希"),
    "ledger.NodeHash": AppendOnly("账本子树哈希"),
    "ledger.SignedTreeHead": AppendOnly("已签名树头"),
    "ledger.LogParameters": AppendOnly("账本参数（哈希算法，随第一片叶子写入，不得更改）"),
    # organisation (org 0002)
    "org.CertificateEvent": AppendOnly("执法证状态变更记录"),
    # documents (documents 0002, 0003)
    "documents.Document": AppendOnly(
        "草稿可改；已签发文书（OLD.status='issued'）拒绝 UPDATE/DELETE", custom="issued"
    ),
    "documents.DocumentCorrection": AppendOnly("文书更正记录"),
    "documents.DocumentFixityRun": AppendOnly("文书完整性校验批次"),
    "documents.DocumentFixityAlert": AppendOnly("文书完整性告警"),
    # records (records 0002, 0003)
    "records.Recording": AppendOnly("音像记录及其标注"),
    "records.LongTermMark": AppendOnly("长期保存标记"),
    "records.Purge": AppendOnly("到期清除记录"),
    "records.AccessLog": AppendOnly("调阅/下载日志"),
    "records.AccessRefusal": AppendOnly("拒绝调阅日志"),
    "records.FixityRun": AppendOnly("音像完整性校验批次"),
    "records.FixityAlert": AppendOnly("音像完整性告警"),
    "records.AccessRequest": AppendOnly(
        "调阅申请：只有审批栏目和有效期可以填写", allow_update_columns=(*_DECISION, "valid_until")
    ),
    "records.RecordingWaiver": AppendOnly(
        "免予音像记录说明：只有审批栏目可以填写", allow_update_columns=_DECISION
    ),
    # cases (cases 0002, 0004, 0005)
    "cases.Case": AppendOnly(
        "案件：不可删除（#11.10）；决定栏目与决定叶子核对（ledger/reconcile.py），其余栏目的修改"
        "经 cases.services 记入账本",
        custom="no_delete",
    ),
    "cases.CaseEvent": AppendOnly("案件时间轴"),
    "cases.CollectiveDiscussion": AppendOnly("集体讨论记录"),
    # legal review (review 0002)
    "review.ReviewScope": AppendOnly("法制审核范围评估"),
    "review.ReviewMaterial": AppendOnly("送审材料"),
    "review.ReviewAssignment": AppendOnly("审核人员分配"),
    "review.Opinion": AppendOnly("法制审核意见"),
    "review.ChecklistFinding": AppendOnly("审核要点结论"),
    "review.Dispute": AppendOnly("对审核意见的异议"),
    "review.DisputeDiscussion": AppendOnly("异议的集体讨论决定"),
    "review.Transfer": AppendOnly("涉嫌犯罪移送"),
    # appeals (appeals 0002)
    "appeals.AppealDocument": AppendOnly("复议/诉讼结果文书"),
    # discretion consistency (discretion 0002)
    "discretion.Assessment": AppendOnly(
        "裁量一致性核对及书面理由：只有账本序号可以补填", allow_update_columns=("ledger_index",)
    ),
    # witness (witness 0002, issue #16)
    "witness.Cosignature": AppendOnly("见证方的见证签名历史"),
    "witness.WitnessAlert": AppendOnly("见证方拒绝检查点的完整性告警"),
    "witness.CosignedCheckpoint": AppendOnly("本平台收到的已见证检查点"),
    # complaint attachments (complaints 0003, issue #13 item 12)
    "complaints.ComplaintAttachment": AppendOnly("投诉举报附件（证据材料）"),
    # what the public saw, complaints, inspections, uploads, evaluation (#11.10): rows
    # that are drafts first, then frozen; only their workflow columns change afterwards
    "publicity.Snapshot": AppendOnly(
        "公示快照：预览可重写；公开后内容冻结，只有状态、公示期和撤下栏目可以填写",
        allow_update_columns=SNAPSHOT_WORKFLOW,
        mutable_while="""OLD."state" = 'preview'""",
    ),
    "complaints.Complaint": AppendOnly(
        "投诉举报：内容、投诉人和提交时间冻结；只有办理栏目可以填写",
        allow_update_columns=COMPLAINT_WORKFLOW,
    ),
    "inspections.Plan": AppendOnly(
        "抽查计划：草稿可改；摇号后种子、候选名单和结果冻结，只有完成和公示栏目可以填写",
        allow_update_columns=("status", "completed_at", "published_at", "public_snapshot"),
        mutable_while="""OLD."status" = 'draft'""",
    ),
    "inspections.Task": AppendOnly(
        "抽查任务：摇号结果（对象、顺序）不可改；检查结果只能登记一次，登记后整行冻结",
        allow_update_columns=("result", "note", "recorded_at", "recorded_by_id"),
        allowed_while="""OLD."result" = ''""",
    ),
    "inspections.TaskOfficer": AppendOnly("抽查任务的检查人员：摇号抽中后不可更换、不可删除"),
    "records.UploadSession": AppendOnly(
        "上传任务：案件、上传人、大小、申报哈希和标注冻结；只有进度和结果可以填写",
        allow_update_columns=(
            "offset",
            "unverified_tail",
            "status",
            "error",
            "recording_id",
            "updated_at",
        ),  # fmt: skip
    ),
    "evaluation.Sheet": AppendOnly(
        "案卷评查表：提交后冻结", mutable_while='OLD."submitted_at" IS NULL'
    ),
    # assist (assist 0003): who accepted which suggested article for which case
    "assist.AcceptedArticle": AppendOnly("采纳、撤回推荐条款的记录"),
    # catalogues (catalog 0002): a published version and its items are frozen; a change
    # is a new version (the version's leaf holds the content hash of all its items)
    "catalog.CatalogVersion": AppendOnly(
        "目录清单版本：草稿可改可删；发布后冻结，只有失效日期（发布下一版时）可以填写",
        allow_update_columns=("effective_to",),
        mutable_while=_CATALOG_DRAFT,
    ),
    "catalog.Power": _catalog_item("执法事项"),
    "catalog.DiscretionBenchmark": _catalog_item("裁量基准"),
    "catalog.DiscretionTier": AppendOnly(
        "裁量档次：所属基准的版本为草稿时可改可删；版本发布后冻结", mutable_while=_TIER_OF_DRAFT
    ),
    "catalog.MajorDecisionRule": _catalog_item("重大执法决定法制审核目录条目"),
    "catalog.RecordingRequirement": _catalog_item("音像记录事项"),
    "catalog.InspectionItem": _catalog_item("随机抽查事项"),
    "catalog.ServiceGuide": _catalog_item("执法服务指南"),
    "catalog.Remedy": _catalog_item("救济渠道"),
    "catalog.Contact": _catalog_item("联系方式"),
    # parties and handlers of a case (cases 0007): registered once, never edited
    "cases.Party": AppendOnly("当事人：登记后不可修改、删除"),
    "cases.CaseHandler": AppendOnly("办案人员指定：指定后不可修改、删除"),
    # witness (witness 0004): the trusted log key is frozen; the latest size and root
    # follow each cosignature (whose history is append-only in witness.Cosignature)
    # annual statistics report (publicity 0005): published once; ledger_index filled in once
    # right after its leaf; also reconciled (data SHA-256 in the leaves written since #11.10)
    "publicity.AnnualReport": AppendOnly(
        "年度统计报告：发布后不可修改、删除；只有账本序号可以补填一次",
        allow_update_columns=("ledger_index",),
        allowed_while='OLD."ledger_index" IS NULL',
    ),
    "witness.WitnessedLog": AppendOnly(
        "受见证的账本：来源、公钥、哈希算法冻结；只有最新见证的树大小和根哈希可以更新",
        allow_update_columns=("tree_size", "root_hash", "updated_at"),
    ),
}

# model label -> how its rows are reconciled with the ledger (issue #11 item 8); the
# rules are in ledger/reconcile_rules.py, the fields compared in docs/ledger.md section 3
RECONCILED: dict[str, str] = {
    "org.Agency": "every edit through org.services (admin too); the row is compared with its "
    "creation leaf and the later org.agency_changed leaves",
    "org.User": "changes on every login (last_login, password hash: no legal weight); role, "
    "agency, rights and particulars compared with the latest account leaf",
    "org.Officer": "compared with the latest org.officer_created/changed leaf (ID number by "
    "keyed digest); an officer registered without the service has no leaf and is not named",
    "org.Certificate": "compared with the latest certificate leaf (status, reason, validity); "
    "each status change is also an append-only CertificateEvent",
    "workdays.HolidayYear": "complete/notice/source compared with the holiday_changed leaves",
    "workdays.HolidayOverride": "each day compared with the holiday_changed leaves replayed in "
    "order (set, removed, whole-year import)",
    "cases.CasePolicy": "per-agency amounts and time limits compared with the policy_changed "
    "leaves (the first holds every setting)",
    "alerts.Alert": "workflow row; every transition is a leaf holding the state, compared in "
    "order (last_seen_at, a run counter, is not)",
    "review.DeadlineExtension": "request then decision, each a leaf; compared with both "
    "(status, new deadline, reason and note by digest, requester and approver)",
    "publicity.PublicationPolicy": "edited in place; each change a leaf holding the whole "
    "policy, compared with the latest",
    "inspections.Target": "register; every target must have a leaf (added or imported), name "
    "and risk class of an added one and each is_active change compared",
    "evaluation.Rectification": "整改通知 workflow; its leaves (issued, reported, returned, "
    "closed, deadline recomputed) replayed and compared",
    "patrol.PatrolNotice": "整改通知 workflow shared with evaluation; its leaves replayed and "
    "compared",
    "evaluation.Round": "workflow row; created, sampled and concluded leaves merged and "
    "compared (the summary's hash recomputed)",
    "appeals.Appeal": "workflow row (recorded → accepted → extended → outcome); its leaves "
    "merged in order and compared (typed notes by keyed digest)",
    "publicity.PortalPage": "an approved version is compared with its approval leaf (content "
    "hash recomputed); drafts and rejected versions were never public",
    "patrol.PatrolRound": "workflow row; created, sampled and concluded leaves merged and "
    "compared like evaluation.Round",
    "publicity.Publication": "workflow row (pending → published → withdrawn/removed/expired) "
    "whose content is the append-only Snapshot; agency, source, category, status, lateness, "
    "window end, withdrawal kind and version compared with its leaves merged in order",
    "review.Review": "workflow row (submitted → assigned → in review → concluded → disputed "
    "→ settled, or withdrawn); its leaves and the holiday recomputation of its deadline "
    "replayed in order and compared (a row without its submission leaf is named)",
    "transfers.PoliceTransfer": "workflow row (移送 → 立案/不予立案 → 复议 → 立案监督 → 移交/退回); "
    "its leaves merged in order (the police's reply and 复议 decision map to filed/not_filed), "
    "typed reasons and notes by keyed digest",
    "patrol.PatrolItem": "fixed once submitted; a submitted item is compared with its scoring "
    "leaf (the automatic checks' hash recomputed); before that its checks are in the leaves",
}

NO_LEGAL_WEIGHT: dict[str, str] = {
    # assist (智能辅助): reference texts re-importable from their source files, derived links
    "assist.Law": "law text imported from a public source file (source line kept); re-importable",
    "assist.Article": "article text of an imported law; re-importable from the same file",
    "assist.CatalogArticleLink": "derived from the catalogue's legal basis; rebuilt by `laws links`",
    # alerts: counters of one rule-engine run (the alerts themselves are ledgered)
    "alerts.AlertRun": "run counters; each alert raised or closed is its own leaf",
    "assist.CorpusGeneration": "cache-invalidation counter of the in-process indexes",
    "ledger.TreeState": "cache of the tree size and frontier; `ledger verify` recomputes it",
    "witness.SubmissionStatus": "retry queue of witness submissions; the cosignatures are "
    "in CosignedCheckpoint",
    "workdays.CalendarRevision": "cache-invalidation token; holds no data",
    "workdays.TrackedDeadline": "index of the open deadlines for the holiday recomputation; "
    "the deadline itself is the domain row's date field (ledgered with it), each date the "
    "recomputation moves is a workdays.deadline_recomputed leaf",
    "notifications.Notification": "in-app messages derived from ledgered events",
    "publicity.WebhookDelivery": "push queue; the pushed content is the ledgered snapshot",
    "publicity.WebhookEndpoint": "configuration of an external receiver",
    "apitokens.ApiToken": "credential (only a hash of the secret); creation and revocation "
    "are ledgered (auth.api_token_created / auth.api_token_revoked)",
    "field.FieldSubmission": "sync receipt of an act from a phone; the act is the ledgered "
    "CaseEvent (its leaf carries device, capture and sync times)",
    "field.Device": "device registration; its revocation is ledgered (field.device_revoked)",
    "jobs.TaskRun": "idempotency key of a background task; what the task did is in its "
    "own ledgered rows",
    "discretion.DecidedFine": "derived index of issued fines (case, tier, amount) for the "
    "comparables; rebuilt from the cases by discretion.services.index_decision",
}

# Legal weight but neither append-only by trigger nor reconciled yet (none left since the
# review, the police transfer and the annual report were closed, issue #11 item 10).
KNOWN_GAPS: dict[str, str] = {}


def classification() -> dict[str, list[str]]:
    """{model label: [the lists it is in]} over all four lists."""
    out: dict[str, list[str]] = {}
    for name, entries in (
        ("APPEND_ONLY", APPEND_ONLY),
        ("RECONCILED", RECONCILED),
        ("NO_LEGAL_WEIGHT", NO_LEGAL_WEIGHT),
        ("KNOWN_GAPS", KNOWN_GAPS),
    ):
        for label in entries:
            out.setdefault(label, []).append(name)
    return out


def required_triggers(vendor: str) -> list[tuple[str, str, str]]:
    """[(model label, table, trigger name)] that must exist on ``vendor``."""
    from django.apps import apps

    from .append_only import trigger_names

    out = []
    for label, entry in APPEND_ONLY.items():
        table = apps.get_model(label)._meta.db_table
        for name in trigger_names(vendor, table, entry.custom, bool(entry.allowed_while)):
            out.append((label, table, name))
    return out


def repair_triggers(connection, labels) -> list[str]:
    """Re-create the triggers of the ``APPEND_ONLY`` models ``labels``; returns the tables."""
    import importlib

    from django.apps import apps
    from django.db import transaction

    from .append_only import install_sql, no_delete_sql

    done = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for label in labels:
            entry = APPEND_ONLY[label]
            table = apps.get_model(label)._meta.db_table
            if entry.custom == "issued":
                migration = importlib.import_module(
                    "sanxiang.documents.migrations.0002_immutable_issued"
                )
                statements = migration.sql_for(connection.vendor)
            elif entry.custom == "no_delete":
                statements = no_delete_sql(connection, table)
            else:
                allowed = entry.allow_update_columns
                statements = install_sql(
                    connection,
                    table,
                    list(allowed) if allowed is not None else None,
                    entry.mutable_while or None,
                    entry.allowed_while or None,
                )
            for sql in statements:
                cursor.execute(sql)
            done.append(table)
    return done
