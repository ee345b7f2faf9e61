"""办案规范 at each stage (issue #14 item 5): what the 行政处罚法 and the catalogue's procedure
guide require next on a case, with the article text.

``stage_guidance(case)`` returns, for the case's current stage, the steps with their documents
(``documents.DocumentKind``), the articles of 《中华人民共和国行政处罚法》 (2021 revision) they
rest on, whether the case already shows the step done, and the agency's own guide
(``catalog.ServiceGuide`` for the case's power, and ``catalog.Power.procedure``).

The article *numbers* are kept here (checked against the 2021 text); the article *text* comes
from the platform's law corpus (``assist.Article``) when it is installed and holds the article,
otherwise only the number is shown. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from sanxiang.core.fields import ActType, CaseActType

LAW = "中华人民共和国行政处罚法"


@dataclass(frozen=True)
class Step:
    title: str
    articles: tuple = ()  # ("第四十四条", ...) of LAW
    documents: tuple = ()  # DocumentKind values
    note: str = ""
    done: object = None  # callable(case) -> bool, or None (cannot tell)
    when: object = None  # callable(case) -> bool: the step applies (default: always)
    law: str = LAW


def _decided(case):
    return bool(case.decision_at)


def _hearing_applies(case):
    return bool(case.hearing_eligible)


GENERAL = {
    "opening": (
        Step(
            _("符合立案标准的，及时立案（机关负责人批准）"),
            ("第五十四条",),
            ("filing_approval",),
            done=lambda c: c.opening_status == "approved",
        ),
        Step(_("指定两名以上具有行政执法资格的执法人员"), ("第四十二条",)),
    ),
    "investigation": (
        Step(
            _("主动出示执法证件，执法人员不少于两人"),
            ("第四十二条", "第五十五条"),
        ),
        Step(
            _("全面、客观、公正地调查，收集证据；证据须经查证属实"),
            ("第五十四条", "第四十六条"),
            ("inspection_record", "interview_record"),
        ),
        Step(
            _("证据可能灭失或以后难以取得的，经负责人批准先行登记保存，七日内处理"),
            ("第五十六条",),
            ("preservation_notice",),
        ),
        Step(_("对启动、调查取证等执法全过程文字、音像记录"), ("第四十七条",)),
    ),
    "decision": (
        Step(
            _("作出决定前告知拟处罚的内容及事实、理由、依据和当事人的权利"),
            ("第四十四条",),
            ("prior_notice",),
            done=lambda c: bool(c.notice_at),
        ),
        Step(
            _("充分听取陈述、申辩，复核当事人的事实、理由和证据；不得因申辩加重处罚"),
            ("第四十五条",),
            done=lambda c: c.statement_received or c.statement_waived,
        ),
        Step(
            _("当事人要求听证的，组织听证；听证结束后根据听证笔录作出决定"),
            ("第六十三条", "第六十四条", "第六十五条"),
            ("hearing_notice", "hearing_record"),
            done=lambda c: c.hearing_held or c.hearing_waived,
            when=_hearing_applies,
        ),
        Step(
            _("法制审核（重大执法决定等情形）在负责人作出决定之前完成"),
            ("第五十八条",),
            ("review_opinion",),
        ),
        Step(
            _("负责人审查调查结果作出决定；情节复杂或重大违法的，集体讨论决定"),
            ("第五十七条",),
            done=_decided,
        ),
        Step(
            _("制作行政处罚决定书，载明事实、依据、处罚内容、履行方式和救济途径"),
            ("第五十九条",),
            ("penalty_decision",),
            done=_decided,
        ),
        Step(
            _("未告知或拒绝听取陈述、申辩的，不得作出处罚决定"),
            ("第六十二条",),
        ),
        Step(_("自立案之日起九十日内作出决定"), ("第六十条",), done=_decided),
    ),
    "service": (
        Step(
            _("宣告后当场交付；当事人不在场的，七日内送达"),
            ("第六十一条",),
            ("service_receipt",),
            done=lambda c: bool(c.served_at),
        ),
    ),
    "execution": (
        Step(_("当事人在决定书载明的期限内履行"), ("第六十六条",), done=lambda c: c.execution_done),
        Step(_("罚缴分离：罚款由指定的收缴机构收缴"), ("第六十七条",)),
        Step(
            _("逾期不履行的，加处罚款或申请人民法院强制执行"),
            ("第七十二条",),
        ),
        Step(_("申请复议或提起诉讼期间，处罚不停止执行"), ("第七十三条",)),
    ),
    "closing": (
        Step(
            _("执行完毕后结案，执法全过程记录归档保存"),
            ("第四十七条",),
            ("closing_report",),
            done=lambda c: bool(c.closed_at),
        ),
    ),
    "archived": (Step(_("案卷归档保存"), ("第四十七条",), done=lambda c: bool(c.archived_at)),),
}

SIMPLE = {
    "decision": (
        Step(
            _("违法事实确凿并有法定依据，警告或较小数额罚款的，可以当场作出决定"),
            ("第五十一条",),
        ),
        Step(
            _("出示执法证件，填写预定格式、编有号码的决定书，当场交付当事人"),
            ("第五十二条",),
            ("penalty_decision",),
            done=_decided,
        ),
        Step(_("当场作出的决定报所属行政机关备案"), ("第五十二条",)),
    ),
    "service": GENERAL["service"],
    "execution": (
        Step(
            _("当事人依照第六十七条至第六十九条的规定履行；符合条件的可以当场收缴罚款"),
            ("第五十三条", "第六十八条"),
        ),
        *GENERAL["execution"][2:],
    ),
    "closing": GENERAL["closing"],
    "archived": GENERAL["archived"],
}


# --------------------------------------------------------------------------- law text


def article_text(law: str, number: str) -> str:
    """Text of (law, 第X条) from the platform's law corpus, or "" when it is not there.

    Uses ``sanxiang.assist.services.article_text(title, number)`` (→ dict with "text", or
    None); a law missing from the corpus shows only the numbers."""
    from sanxiang.assist import services as assist_services

    try:
        found = assist_services.article_text(law, number)
    except Exception:  # noqa: BLE001 - the corpus is an aid; a miss shows only the number
        return ""
    if isinstance(found, dict):
        return found.get("text") or ""
    return found or ""


# --------------------------------------------------------------------------- guidance


@dataclass
class GuidanceStep:
    title: str
    documents: list = field(default_factory=list)
    articles: list = field(default_factory=list)  # [{"law", "number", "text"}]
    done: bool | None = None
    note: str = ""


def _table(case):
    if case.act_type == CaseActType.PENALTY_SIMPLE:
        return SIMPLE
    if CaseActType.category(case.act_type) == ActType.PENALTY:
        return GENERAL
    return {}


def _doc_label(kind):
    from sanxiang.documents.kinds import DocumentKind

    try:
        return str(DocumentKind(kind).label)
    except ValueError:
        return kind


def catalogue_guide(case):
    """The agency's procedure guide of the case's power: (title, steps, procedure text)."""
    code = (case.power_snapshot or {}).get("code") or (case.power.code if case.power_id else "")
    if not code:
        return None
    from sanxiang.catalog.models import CatalogKind, ServiceGuide
    from sanxiang.catalog.services import applicable_versions

    versions = applicable_versions(case.agency, CatalogKind.GUIDES, None)
    guide = (
        ServiceGuide.objects.filter(version__in=versions, power_code=code).order_by("-id").first()
    )
    procedure = case.power.procedure if case.power_id else ""
    if guide is None and not procedure:
        return None
    return {
        "title": guide.title if guide else "",
        "steps": guide.step_list if guide else [],
        "time_limit": guide.time_limit if guide else "",
        "procedure": procedure,
    }


def stage_guidance(case, stage=None) -> dict:
    """{"stage", "stage_label", "steps": [GuidanceStep], "guide": {...} | None}."""
    stage = stage or case.stage
    steps = []
    cache = {}
    for s in _table(case).get(stage, ()):
        if s.when is not None and not s.when(case):
            continue
        articles = []
        for number in s.articles:
            key = (s.law, number)
            if key not in cache:
                cache[key] = article_text(*key)
            articles.append({"law": s.law, "number": number, "text": cache[key]})
        steps.append(
            GuidanceStep(
                title=str(s.title),
                documents=[_doc_label(k) for k in s.documents],
                articles=articles,
                done=bool(s.done(case)) if s.done is not None else None,
                note=str(s.note),
            )
        )
    return {
        "stage": stage,
        "stage_label": case.get_stage_display(),
        "steps": steps,
        "guide": catalogue_guide(case),
        "corpus": any(a["text"] for st in steps for a in st.articles),
    }
