"""A/V rules: 3 upload overdue (2 working days), 4 a listed act without A/V."""

from __future__ import annotations

from .base import Finding, Rule, case_link, ids_of, link


def _cases_with_activities(agency_scope):
    from sanxiang.cases.models import Case, CaseEvent, EventKind

    case_ids = (
        CaseEvent.objects.filter(case__agency_id__in=ids_of(agency_scope), kind=EventKind.ACTIVITY)
        .exclude(activity="")
        .values("case_id")
    )
    return Case.objects.filter(pk__in=case_ids).order_by("id")


class UploadOverdue(Rule):
    number = 3
    code = "av_upload_overdue"
    title = "音像记录逾期未上传"
    basis = (
        "《行政执法全过程记录办法》（种子文件 004）第十七条：音像记录应当在执法活动结束后"
        "2个工作日内上传存储；期限取音像记录模块自身的计算（records.requirements）。"
    )
    severity = "medium"
    description = (
        "须音像记录的执法活动超过上传期限仍无记录（且无待批或已批的书面说明），或记录逾期上传。"
    )

    def find(self, agency_scope, today):
        from sanxiang.records.models import Recording
        from sanxiang.records.requirements import missing_recordings

        for case in _cases_with_activities(agency_scope):
            for item in missing_recordings(case, today):
                if not item["overdue"] or item["waiver_pending"]:
                    continue
                yield Finding(
                    case.agency_id,
                    "case:{}:av:{}:{}".format(case.pk, item["activity"], item["date"].isoformat()),
                    case.number or case.title,
                    item["message"],
                    links=[case_link(case), link("音像记录", "records:case", case.pk)],
                )
        late = Recording.objects.filter(
            agency_id__in=ids_of(agency_scope), upload_due__isnull=False
        ).select_related("case")
        for rec in late.order_by("id"):
            if not rec.is_late:
                continue
            label = f"{rec.case.number or rec.case.title} {rec.get_activity_display()}"
            yield Finding(
                rec.agency_id,
                f"recording:{rec.pk}",
                label,
                f"音像记录“{rec.original_name}”应于 {rec.upload_due} 前上传，逾期上传。",
                links=[link(label, "records:detail", rec.pk), case_link(rec.case)],
            )


class ListedActWithoutAV(Rule):
    number = 4
    code = "listed_act_without_av"
    title = "音像记录清单事项作出决定时仍无音像记录"
    basis = (
        "《行政执法全过程记录办法》第十一条、本机关音像记录事项清单"
        "（catalog.RecordingRequirement）：清单所列执法活动应当进行全程音像记录。"
    )
    severity = "high"
    description = "案件已作出决定，但清单要求音像记录的执法活动既无记录也无经批准的书面说明。"

    def find(self, agency_scope, today):
        from sanxiang.records.requirements import missing_recordings

        for case in _cases_with_activities(agency_scope).filter(decision_at__isnull=False):
            for item in missing_recordings(case, today):
                yield Finding(
                    case.agency_id,
                    "case:{}:act:{}:{}".format(case.pk, item["activity"], item["date"].isoformat()),
                    case.number or case.title,
                    "已作出决定；{}".format(item["message"]),
                    links=[case_link(case), link("音像记录", "records:case", case.pk)],
                )
