"""Publicity rules: 1 publication overdue, 15 published decision withdrawn (被纠错)."""

from __future__ import annotations

from .base import Finding, Rule, ids_of, link, local_date


class PublicationOverdue(Rule):
    number = 1
    code = "publication_overdue"
    title = "行政执法决定逾期未公示"
    basis = (
        "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核"
        "制度的指导意见》：行政许可、行政处罚的执法决定信息在执法决定作出之日起7个工作日内"
        "公开，其他行政执法决定信息在20个工作日内公开。"
    )
    severity = "high"
    description = "待公示且已过公示期限，或已逾期公示的决定（期限取公示记录自身的期限）。"

    def find(self, agency_scope, today):
        from django.db.models import Q

        from sanxiang.publicity.models import Publication, PublicationStatus
        from sanxiang.publicity.services import clock_state

        qs = Publication.objects.filter(agency_id__in=ids_of(agency_scope)).filter(
            Q(status=PublicationStatus.PENDING, due_date__lt=today)
            | Q(status=PublicationStatus.PUBLISHED, published_late=True)
        )
        for pub in qs.order_by("id"):
            if pub.status == PublicationStatus.PENDING:
                state = clock_state(pub, today)["state"]
                if state != "overdue":
                    continue
                detail = f"决定日期 {pub.decision_date.isoformat()}，应于 {pub.due_date.isoformat()} 前公示，至今未公示。"
            elif pub.published_late:
                detail = "决定日期 {}，应于 {} 前公示，实际于 {} 公示（逾期）。".format(
                    pub.decision_date.isoformat(),
                    pub.due_date.isoformat() if pub.due_date else "—",
                    local_date(pub.published_at).isoformat(),
                )
            else:
                continue
            label = pub.document_number or f"公示记录 {pub.pk}"
            yield Finding(
                pub.agency_id,
                f"publication:{pub.pk}",
                label,
                detail,
                links=[link(label, "publicity:detail", pub.pk)],
            )


class DecisionCorrected(Rule):
    number = 15
    code = "decision_corrected"
    title = "已公示的执法决定被撤销、确认违法或责令重作（被纠错）"
    basis = (
        "《行政复议法》第六十四条至第六十六条、《行政诉讼法》第七十条、第七十四条；"
        "指导意见：已公开的行政执法决定被依法撤销、确认违法或者要求重新作出的，"
        "应当及时从信息公示平台撤下原行政执法决定信息。"
    )
    severity = "high"
    description = "公示记录因撤销、确认违法或责令重新作出而撤下。"

    def find(self, agency_scope, today):
        from sanxiang.publicity.models import Publication, PublicationStatus, WithdrawalKind

        qs = Publication.objects.filter(
            agency_id__in=ids_of(agency_scope),
            status=PublicationStatus.WITHDRAWN,
            withdrawal_kind__in=WithdrawalKind.values,
        )
        for pub in qs.order_by("id"):
            label = pub.document_number or f"公示记录 {pub.pk}"
            when = local_date(pub.withdrawn_at).isoformat() if pub.withdrawn_at else "—"
            yield Finding(
                pub.agency_id,
                f"publication:{pub.pk}",
                label,
                f"该决定于 {when} 因“{WithdrawalKind(pub.withdrawal_kind).label}”撤下：{pub.withdrawal_reason}",
                links=[link(label, "publicity:detail", pub.pk)],
            )
