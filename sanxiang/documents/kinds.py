"""Document kinds (文书种类): title, number code, structured fields and templates.

Each kind declares the fields of its structured content (``Document.content``). Fields
marked ``required`` are the mandatory elements (必备要素): issuing a document with one of
them empty is refused, naming the missing elements in Chinese. Fields marked ``auto`` are
filled by ``issue_document`` (the date of issue) and are not edited in the draft form.

The penalty decision (行政处罚决定书) carries every element of 行政处罚法 art. 59:
party name and address (+ identity code), facts and evidence, the kind of penalty and its
legal basis, manner and time limit of performance, remedies (复议/诉讼 channels and time
limits), the agency's name and the date, and the agency's seal.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    FILING_APPROVAL = "filing_approval", _("立案审批表")
    INSPECTION_RECORD = "inspection_record", _("现场检查（勘验）笔录")
    INTERVIEW_RECORD = "interview_record", _("询问笔录")
    PRESERVATION_NOTICE = "preservation_notice", _("先行登记保存通知书")
    SEIZURE_DECISION = "seizure_decision", _("查封（扣押）决定书")
    PRIOR_NOTICE = "prior_notice", _("行政处罚事先告知书")
    HEARING_NOTICE = "hearing_notice", _("听证通知书")
    HEARING_RECORD = "hearing_record", _("听证笔录")
    PENALTY_DECISION = "penalty_decision", _("行政处罚决定书")
    SERVICE_RECEIPT = "service_receipt", _("送达回证")
    CLOSING_REPORT = "closing_report", _("结案报告")
    REVIEW_OPINION = "review_opinion", _("法制审核意见书")
    OTHER = "other", _("其他文书")


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    widget: str = "text"  # text | textarea | date | datetime
    required: bool = False
    auto: bool = False  # filled when the document is issued
    help: str = ""


@dataclass(frozen=True)
class KindSpec:
    code: str
    number_code: str  # 文号 kind code, e.g. 罚决 (青市监罚决〔2026〕12号)
    fields: tuple = ()
    sealed: bool = True  # carries the agency seal (印章)
    decision: bool = False  # a decision (决定) in the sense of cases.gates
    roles: tuple = ("handler", "head")  # roles that may draft and issue it
    party_signs: bool = False  # the party / interviewee signs (笔录、回证)
    stage_hint: str = ""

    @property
    def title(self):
        return DocumentKind(self.code).label

    def get_field(self, key):
        for f in self.fields:
            if f.key == key:
                return f
        return None

    @property
    def required_fields(self):
        return [f for f in self.fields if f.required]

    @property
    def editable_fields(self):
        return [f for f in self.fields if not f.auto]

    @property
    def html_template(self):
        return f"documents/pdf/{self.code}.html"

    @property
    def docx_template(self):
        return f"{self.code}.docx"


# ------------------------------------------------------------------ common field groups

AGENCY = FieldSpec("agency_name", _("行政机关名称"), required=True)
SEAL = FieldSpec("seal_name", _("印章"), required=True, help=_("加盖印章的机关名称（电子印章）。"))
DATE = FieldSpec("document_date", _("日期"), widget="date", required=True, auto=True)
CASE_NAME = FieldSpec("case_name", _("案由"))
CASE_NUMBER = FieldSpec("case_number", _("案件编号"))


def party(required=True, id_required=True):
    return (
        FieldSpec("party_name", _("当事人姓名或者名称"), required=required),
        FieldSpec(
            "party_id_number",
            _("统一社会信用代码或身份证件号码"),
            required=required and id_required,
        ),
        FieldSpec("party_address", _("当事人地址"), required=required),
        FieldSpec("party_legal_rep", _("法定代表人（负责人）")),
        FieldSpec("party_phone", _("联系电话")),
    )


HANDLERS = FieldSpec("handlers", _("执法人员及执法证号"), widget="textarea", required=True)
CONTACT = FieldSpec("agency_contact", _("机关地址及联系电话"))

# ------------------------------------------------------------------ the kinds

_SPECS = [
    KindSpec(
        DocumentKind.FILING_APPROVAL,
        "立审",
        (
            AGENCY,
            CASE_NUMBER,
            CASE_NAME,
            FieldSpec("case_source", _("案件来源"), required=True),
            *party(id_required=False),
            FieldSpec("brief_facts", _("简要案情及立案理由"), "textarea", required=True),
            FieldSpec("legal_basis", _("涉嫌违反的法律规定"), "textarea", required=True),
            HANDLERS,
            FieldSpec("handler_opinion", _("承办人意见"), "textarea", required=True),
            FieldSpec("approver_opinion", _("机关负责人审批意见"), "textarea", required=True),
            SEAL,
            DATE,
        ),
        sealed=False,
        stage_hint="opening",
    ),
    KindSpec(
        DocumentKind.INSPECTION_RECORD,
        "检",
        (
            AGENCY,
            CASE_NUMBER,
            FieldSpec("inspection_time", _("检查（勘验）时间"), "datetime", required=True),
            FieldSpec("inspection_place", _("检查（勘验）地点"), required=True),
            *party(id_required=False),
            FieldSpec("present_person", _("现场负责人（在场人）"), required=True),
            HANDLERS,
            FieldSpec("recorder", _("记录人"), required=True),
            FieldSpec(
                "identity_shown",
                _("出示证件及告知事项"),
                "textarea",
                required=True,
            ),
            FieldSpec("record", _("检查（勘验）情况"), "textarea", required=True),
            FieldSpec("party_signature_note", _("当事人核对意见"), "textarea"),
            SEAL,
            DATE,
        ),
        sealed=False,
        party_signs=True,
        stage_hint="investigation",
    ),
    KindSpec(
        DocumentKind.INTERVIEW_RECORD,
        "询",
        (
            AGENCY,
            CASE_NUMBER,
            FieldSpec("interview_time", _("询问时间"), "datetime", required=True),
            FieldSpec("interview_place", _("询问地点"), required=True),
            FieldSpec("interviewee_name", _("被询问人姓名"), required=True),
            FieldSpec("interviewee_id_number", _("被询问人身份证件号码"), required=True),
            FieldSpec("interviewee_relation", _("与当事人关系（职务）")),
            FieldSpec("interviewee_address", _("被询问人住址")),
            HANDLERS,
            FieldSpec("recorder", _("记录人"), required=True),
            FieldSpec(
                "identity_shown",
                _("出示证件及告知事项"),
                "textarea",
                required=True,
            ),
            FieldSpec("record", _("询问内容（问答）"), "textarea", required=True),
            FieldSpec("party_signature_note", _("被询问人核对意见"), "textarea"),
            SEAL,
            DATE,
        ),
        sealed=False,
        party_signs=True,
        stage_hint="investigation",
    ),
    KindSpec(
        DocumentKind.PRESERVATION_NOTICE,
        "登保",
        (
            AGENCY,
            CASE_NUMBER,
            *party(),
            FieldSpec("reason", _("先行登记保存的理由"), "textarea", required=True),
            FieldSpec("legal_basis", _("法律依据"), "textarea", required=True),
            FieldSpec("items", _("先行登记保存物品清单"), "textarea", required=True),
            FieldSpec("storage_place", _("保存地点及方式"), required=True),
            FieldSpec("period", _("保存期限"), required=True),
            FieldSpec("party_obligations", _("当事人注意事项"), "textarea"),
            CONTACT,
            SEAL,
            DATE,
        ),
        stage_hint="investigation",
    ),
    KindSpec(
        DocumentKind.SEIZURE_DECISION,
        "强",
        (
            AGENCY,
            CASE_NUMBER,
            *party(),
            FieldSpec("reason", _("查封（扣押）的理由"), "textarea", required=True),
            FieldSpec("legal_basis", _("查封（扣押）的依据"), "textarea", required=True),
            FieldSpec(
                "items", _("查封（扣押）场所、设施或者财物的名称、数量"), "textarea", required=True
            ),
            FieldSpec("period", _("查封（扣押）的期限"), required=True),
            FieldSpec(
                "remedies", _("申请行政复议或者提起行政诉讼的途径和期限"), "textarea", required=True
            ),
            CONTACT,
            SEAL,
            DATE,
        ),
        decision=True,
        stage_hint="investigation",
    ),
    KindSpec(
        DocumentKind.PRIOR_NOTICE,
        "罚告",
        (
            AGENCY,
            CASE_NUMBER,
            *party(),
            FieldSpec("facts", _("违法事实"), "textarea", required=True),
            FieldSpec("evidence", _("证据"), "textarea", required=True),
            FieldSpec("legal_basis", _("处罚理由及依据"), "textarea", required=True),
            FieldSpec("proposed_penalty", _("拟作出的行政处罚内容"), "textarea", required=True),
            FieldSpec(
                "rights",
                _("当事人依法享有的陈述、申辩、要求听证等权利"),
                "textarea",
                required=True,
            ),
            CONTACT,
            SEAL,
            DATE,
        ),
        stage_hint="decision",
    ),
    KindSpec(
        DocumentKind.HEARING_NOTICE,
        "听通",
        (
            AGENCY,
            CASE_NUMBER,
            CASE_NAME,
            *party(),
            FieldSpec("hearing_time", _("听证时间"), "datetime", required=True),
            FieldSpec("hearing_place", _("听证地点"), required=True),
            FieldSpec("hearing_public", _("是否公开举行"), required=True),
            FieldSpec("host", _("听证主持人"), required=True),
            FieldSpec("clerk", _("书记员"), required=True),
            FieldSpec("rights", _("当事人权利及注意事项"), "textarea", required=True),
            CONTACT,
            SEAL,
            DATE,
        ),
        stage_hint="decision",
    ),
    KindSpec(
        DocumentKind.HEARING_RECORD,
        "听录",
        (
            AGENCY,
            CASE_NUMBER,
            CASE_NAME,
            FieldSpec("hearing_time", _("听证时间"), "datetime", required=True),
            FieldSpec("hearing_place", _("听证地点"), required=True),
            FieldSpec("hearing_public", _("是否公开举行"), required=True),
            FieldSpec("host", _("听证主持人"), required=True),
            FieldSpec("clerk", _("书记员"), required=True),
            *party(id_required=False),
            FieldSpec("agents", _("委托代理人")),
            FieldSpec("investigators", _("案件调查人员"), required=True),
            FieldSpec(
                "investigator_statement",
                _("调查人员提出的违法事实、证据和处罚建议"),
                "textarea",
                required=True,
            ),
            FieldSpec("party_defence", _("当事人陈述、申辩和质证意见"), "textarea", required=True),
            FieldSpec("final_statements", _("最后陈述"), "textarea"),
            FieldSpec(
                "party_signature_note",
                _("当事人核对意见（拒绝签字的，由主持人注明）"),
                "textarea",
            ),
            SEAL,
            DATE,
        ),
        sealed=False,
        party_signs=True,
        stage_hint="decision",
    ),
    KindSpec(
        DocumentKind.PENALTY_DECISION,
        "罚决",
        (
            AGENCY,
            CASE_NUMBER,
            *party(),
            FieldSpec("facts", _("违反法律、法规、规章的事实"), "textarea", required=True),
            FieldSpec("evidence", _("证据"), "textarea", required=True),
            FieldSpec("statement_review", _("陈述申辩（听证）情况及采纳情况"), "textarea"),
            FieldSpec("violated_provisions", _("违反的法律规定"), "textarea"),
            FieldSpec("legal_basis", _("行政处罚的依据"), "textarea", required=True),
            FieldSpec("penalty", _("行政处罚的种类和内容"), "textarea", required=True),
            FieldSpec("performance", _("行政处罚的履行方式和期限"), "textarea", required=True),
            FieldSpec(
                "remedies",
                _("申请行政复议、提起行政诉讼的途径和期限"),
                "textarea",
                required=True,
            ),
            CONTACT,
            SEAL,
            DATE,
        ),
        decision=True,
        stage_hint="decision",
    ),
    KindSpec(
        DocumentKind.SERVICE_RECEIPT,
        "送",
        (
            AGENCY,
            CASE_NUMBER,
            FieldSpec("served_document", _("送达文书名称及文号"), "textarea", required=True),
            FieldSpec("recipient", _("受送达人"), required=True),
            FieldSpec("service_place", _("送达地点"), required=True),
            FieldSpec("service_method", _("送达方式"), required=True),
            FieldSpec("service_time", _("送达时间"), "datetime", required=True),
            FieldSpec("servers", _("送达人"), required=True),
            FieldSpec("receiver_signature_note", _("受送达人签收情况"), "textarea"),
            FieldSpec("witness", _("见证人（留置送达时）")),
            FieldSpec("remarks", _("备注"), "textarea"),
            SEAL,
            DATE,
        ),
        party_signs=True,
        stage_hint="service",
    ),
    KindSpec(
        DocumentKind.CLOSING_REPORT,
        "结",
        (
            AGENCY,
            CASE_NUMBER,
            CASE_NAME,
            *party(id_required=False),
            FieldSpec("case_summary", _("案件办理情况"), "textarea", required=True),
            FieldSpec("decision_summary", _("处理决定及文号"), "textarea", required=True),
            FieldSpec("execution", _("执行情况"), "textarea", required=True),
            FieldSpec("closing_reason", _("结案理由"), "textarea", required=True),
            HANDLERS,
            FieldSpec("approver_opinion", _("机关负责人审批意见"), "textarea", required=True),
            SEAL,
            DATE,
        ),
        sealed=False,
        stage_hint="closing",
    ),
    KindSpec(
        DocumentKind.REVIEW_OPINION,
        "法审",
        (
            AGENCY,
            CASE_NUMBER,
            CASE_NAME,
            *party(required=False),
            FieldSpec("submitted_materials", _("送审材料"), "textarea", required=True),
            FieldSpec("review_items", _("审核内容"), "textarea"),
            FieldSpec("opinion", _("审核意见"), required=True),
            FieldSpec("reasoning", _("理由及建议"), "textarea", required=True),
            FieldSpec("reviewer", _("审核人员"), required=True),
            SEAL,
            DATE,
        ),
        roles=("reviewer", "head"),
        stage_hint="decision",
    ),
    KindSpec(
        DocumentKind.OTHER,
        "文",
        (
            AGENCY,
            CASE_NUMBER,
            FieldSpec("title", _("文书标题"), required=True),
            FieldSpec("addressee", _("主送")),
            FieldSpec("body", _("正文"), "textarea", required=True),
            SEAL,
            DATE,
        ),
    ),
]

SPECS = {s.code: s for s in _SPECS}


def spec(kind) -> KindSpec:
    try:
        return SPECS[str(kind)]
    except KeyError:
        from sanxiang.core.errors import DomainError, ErrorCode

        raise DomainError(_("未知的文书种类：%(k)s。") % {"k": kind}, code=ErrorCode.BAD_CHOICE)


def missing_elements(kind, content) -> list:
    """Labels (zh) of the mandatory elements that are empty in ``content``."""
    missing = []
    for f in spec(kind).required_fields:
        value = content.get(f.key)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(str(f.label))
    return missing
