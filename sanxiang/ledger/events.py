"""Enumeration of ledger event types, grouped by domain.

Every state change that matters is appended to the ledger with one of these types.
Add new types here (never rename or reuse a value: stored leaves refer to it).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    # organisation
    AGENCY_CREATED = "org.agency_created", _("执法主体创建")
    AGENCY_CHANGED = "org.agency_changed", _("执法主体信息变更")
    CERTIFICATE_ISSUED = "org.certificate_issued", _("执法证核发")
    CERTIFICATE_SUSPENDED = "org.certificate_suspended", _("执法证暂扣")
    CERTIFICATE_REINSTATED = "org.certificate_reinstated", _("执法证恢复")
    CERTIFICATE_REVOKED = "org.certificate_revoked", _("执法证吊销")
    # catalogues and calendar
    CATALOG_VERSION_PUBLISHED = "catalog.version_published", _("目录清单版本发布")
    CATALOG_IMPORTED = "catalog.imported", _("目录清单导入")
    HOLIDAY_CHANGED = "workdays.holiday_changed", _("节假日安排变更")
    # cases (whole-process recording)
    CASE_OPENED = "case.opened", _("立案")
    CASE_TRANSITION = "case.transition", _("案件环节变更")
    CASE_EVENT = "case.event", _("案件事项记录")
    DOCUMENT_ISSUED = "case.document_issued", _("文书签发")
    DOCUMENT_CORRECTED = "case.document_corrected", _("文书更正")
    DECISION_ISSUED = "case.decision_issued", _("作出决定")
    CASE_ARCHIVED = "case.archived", _("归档")
    # records (A/V and evidence)
    RECORDING_INGESTED = "records.ingested", _("音像记录入库")
    RECORDING_ACCESS_REQUESTED = "records.access_requested", _("调阅申请")
    RECORDING_ACCESS_DECIDED = "records.access_decided", _("调阅审批")
    RECORDING_ACCESSED = "records.accessed", _("调阅/下载")
    RECORDING_PURGED = "records.purged", _("到期清除")
    RECORDING_RETENTION_CHANGED = "records.retention_changed", _("保存期限变更")
    FIXITY_ALERT = "records.fixity_alert", _("完整性校验告警")
    # legal review
    REVIEW_SUBMITTED = "review.submitted", _("提交法制审核")
    REVIEW_ASSIGNED = "review.assigned", _("分配审核人员")
    REVIEW_EXTENDED = "review.extended", _("审核期限延长")
    REVIEW_OPINION = "review.opinion", _("出具审核意见")
    REVIEW_COLLECTIVE_DISCUSSION = "review.collective_discussion", _("集体讨论决定")
    REVIEW_TRANSFERRED = "review.transferred", _("移送司法机关")
    REVIEW_SCOPE_ASSESSED = "review.scope_assessed", _("法制审核范围评估")
    REVIEW_ACCEPTED = "review.accepted", _("受理法制审核")
    REVIEW_EXTENSION_REQUESTED = "review.extension_requested", _("申请延长审核期限")
    REVIEW_EXTENSION_REJECTED = "review.extension_rejected", _("不予批准延长审核期限")
    REVIEW_DISPUTED = "review.disputed", _("对审核意见提出异议")
    REVIEW_WITHDRAWN = "review.withdrawn", _("撤回法制审核")
    # publicity
    PUBLICATION_CONTENT_APPROVED = "publicity.content_approved", _("公示内容审批")
    PUBLICATION_PUBLISHED = "publicity.published", _("决定公示")
    PUBLICATION_WITHDRAWN = "publicity.withdrawn", _("公示撤下")
    PUBLICATION_CORRECTED = "publicity.corrected", _("公示更正")
    PUBLICATION_EXPIRED = "publicity.expired", _("公示期满下线")
    PUBLICATION_PREVIEW_WRITTEN = "publicity.preview_written", _("生成脱敏预览")
    PUBLICATION_OVERDUE = "publicity.overdue", _("公示逾期提醒")
    PUBLICATION_POLICY_CHANGED = "publicity.policy_changed", _("公示规则变更")
    PUBLICATION_REMOVED_EARLY = "publicity.removed_early", _("信用修复提前停止公示")
    PUBLICATION_REPORT_PUBLISHED = "publicity.report_published", _("年度统计报告发布")
    # random inspections (双随机、一公开)
    INSPECTION_TARGETS_CHANGED = "inspections.targets_changed", _("检查对象名录库变更")
    INSPECTION_DRAWN = "inspections.drawn", _("双随机摇号")
    INSPECTION_RESULT_RECORDED = "inspections.result_recorded", _("记录抽查结果")
    INSPECTION_COMPLETED = "inspections.completed", _("抽查计划办结")
    INSPECTION_PUBLISHED = "inspections.published", _("抽查结果公示")
    # case-file evaluation (案卷评查)
    EVALUATION_ROUND_CREATED = "evaluation.round_created", _("创建评查批次")
    EVALUATION_SAMPLED = "evaluation.sampled", _("评查案卷随机抽取")
    EVALUATION_SHEET_SUBMITTED = "evaluation.sheet_submitted", _("提交案卷评分表")
    EVALUATION_RECTIFICATION_ISSUED = "evaluation.rectification_issued", _("发出整改通知")
    EVALUATION_RECTIFICATION_REPORTED = "evaluation.rectification_reported", _("报送整改报告")
    EVALUATION_RECTIFICATION_RETURNED = "evaluation.rectification_returned", _("退回整改报告")
    EVALUATION_RECTIFICATION_CLOSED = "evaluation.rectification_closed", _("整改销号")
    EVALUATION_CONCLUDED = "evaluation.concluded", _("评查批次办结")
    # ledger itself
    TREE_HEAD_SIGNED = "ledger.tree_head_signed", _("树头签名")
    OTHER = "other", _("其他")
