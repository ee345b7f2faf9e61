"""Rule 16: a ledger, fixity or reconciliation failure."""

from __future__ import annotations

import logging

from .base import Finding, Rule, ids_of, link, local_date, setting

log = logging.getLogger("sanxiang.alerts")


def _model_for_table(table):
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.db_table == table:
            return model
    return None


class IntegrityFailure(Rule):
    number = 16
    code = "integrity_failure"
    title = "账本、文件完整性或对账异常"
    basis = (
        "《行政执法全过程记录办法》：音像记录和电子文书禁止删改；GB/T 22239-2019 数据完整性；"
        "本平台账本（RFC 9162）对账与完整性校验（records/fixity.py、documents/integrity.py、"
        "ledger/reconcile.py）。"
    )
    severity = "high"
    description = (
        "音像记录或文书的完整性告警、数据库行与账本叶子不一致、账本防篡改触发器缺失。"
        "无法归属机关的异常只有平台管理员可见。"
    )

    def find(self, agency_scope, today):
        from sanxiang.documents.models import DocumentFixityAlert
        from sanxiang.records.models import FixityAlert

        ids = ids_of(agency_scope)
        for fa in FixityAlert.objects.filter(agency_id__in=ids).select_related("recording"):
            label = f"音像记录 {fa.recording_id}"
            yield Finding(
                fa.agency_id,
                f"recording-fixity:{fa.pk}",
                label,
                f"{local_date(fa.at)} 完整性校验失败：{fa.get_problem_display()}。",
                links=[link(label, "records:detail", fa.recording_id)],
            )
        for da in DocumentFixityAlert.objects.filter(agency_id__in=ids):
            label = f"文书 {da.document_id}（{da.file_format}）"
            yield Finding(
                da.agency_id,
                f"document-fixity:{da.pk}",
                label,
                f"{local_date(da.at)} 完整性校验失败：{da.get_problem_display()}。",
                links=[link(label, "documents:detail", da.document_id)],
            )
        if setting("SANXIANG_ALERT_RECONCILE", True):
            yield from self._reconciliation(set(ids))

    def _reconciliation(self, ids):
        from django.db import connection

        from sanxiang.ledger.checks import trigger_problems
        from sanxiang.ledger.reconcile import reconcile

        try:
            mismatches = reconcile()
        except Exception:  # a broken reconciliation must not stop the other rules
            log.exception("reconciliation failed inside the alert rules")
            mismatches = []
        for m in mismatches:
            agency_id = None
            model = _model_for_table(m.table)
            if model is not None and any(f.name == "agency" for f in model._meta.fields):
                agency_id = (
                    model._default_manager.filter(pk=m.pk).values_list("agency_id", flat=True)
                ).first()
            if agency_id is not None and agency_id not in ids:
                continue
            yield Finding(
                agency_id,
                f"reconcile:{m.table}:{m.pk}:{m.field or m.problem}",
                f"{m.table} id={m.pk}",
                m.describe(),
            )
        try:
            problems = trigger_problems(connection)
        except Exception:  # e.g. a migration module that does not import
            log.exception("trigger check failed inside the alert rules")
            problems = []
        for _label, table, problem in problems:
            yield Finding(
                None,
                f"trigger:{table}",
                table,
                f"防篡改触发器异常：{problem}",
            )
