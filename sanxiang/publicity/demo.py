"""Demo publicity data: approved 事前公开 content of every demo agency, the decisions the
cases demo issued (confirmed and published by their handlers), a few more published
decisions (licensing, inspection, a natural person, the previous year), one withdrawn
and one corrected decision, and the previous year's annual reports.

Everything goes through the services; deterministic content.
"""

import datetime as dt

from sanxiang.core.errors import DomainError
from sanxiang.core.fields import ActType, CaseActType, PartyType, PenaltyKind
from sanxiang.core.ids import ric_check_char, usci_check_char
from sanxiang.org.models import Role, User

from . import portal, reports, services
from .models import Publication, PublicationStatus


def _ric(body17):
    return body17 + ric_check_char(body17)


def _usci(body17):
    return body17 + usci_check_char(body17)


def _handler(agency):
    return (
        User.objects.filter(agency=agency, role=Role.HANDLER, is_active=True).order_by("id").first()
    )


EXTRA = {
    "scj": [
        {
            "category": ActType.LICENSING,
            "case_act_type": CaseActType.LICENSING,
            "title": "食品经营许可（新办）",
            "days_ago": 12,
            "party": {
                "party_type": PartyType.LEGAL_PERSON,
                "name": "青禾县禾丰餐饮管理有限公司",
                "usci": ("91339921MA2QH8", "001"),
                "legal_representative": "周建华",
                "address": "青禾县城关镇政通路18号",
            },
            "conclusion": "准予行政许可，核发食品经营许可证。",
            "licensing": {
                "name": "食品经营许可证",
                "licence_number": "JY13399210000168",
                "category": "普通",
                "content": "食品销售经营者（预包装食品销售）；餐饮服务经营者（热食类食品制售）",
                "valid_years": 5,
            },
        },
        {
            "category": ActType.PENALTY,
            "case_act_type": CaseActType.PENALTY_GENERAL,
            "title": "经营标签不符合规定的预包装食品",
            "days_ago": 420,
            "party": {
                "party_type": PartyType.NATURAL_PERSON,
                "name": "刘海燕",
                "id_number": ("33992119850612", "042"),
                "address": "青禾县城南镇幸福里5幢2单元301室",
                "phone": "13857012345",
            },
            "penalty": {
                "kinds": [PenaltyKind.WARNING, PenaltyKind.FINE],
                "fine": "2000",
                "violation_type": "经营标签不符合规定的预包装食品",
                "facts": "当事人刘海燕（身份证号码{id}，住{address}，电话{phone}）在城南农贸市场"
                "摊位销售无中文标签的进口饼干20盒。",
                "basis": "《中华人民共和国食品安全法》第一百二十五条第一款第二项",
                "content": "警告，并处罚款人民币2000元",
            },
        },
    ],
    "sthj": [
        {
            "category": ActType.INSPECTION,
            "case_act_type": CaseActType.INSPECTION,
            "title": "重点排污单位“双随机”监督检查",
            "days_ago": 20,
            "party": {
                "party_type": PartyType.LEGAL_PERSON,
                "name": "青禾县绿源印染有限公司",
                "usci": ("91339921MA2QH8", "120"),
                "legal_representative": "徐志强",
                "address": "青禾县工业园区纬二路9号",
            },
            "conclusion": "检查未发现问题：污染防治设施正常运行，在线监测数据达标。",
        }
    ],
}


def _extra(agency, spec, today, actor):
    party = dict(spec["party"])
    if isinstance(party.get("usci"), tuple):
        party["usci"] = _usci("".join(party["usci"]))
    if isinstance(party.get("id_number"), tuple):
        party["id_number"] = _ric("".join(party["id_number"]))
    decided = today - dt.timedelta(days=spec["days_ago"])
    penalty = dict(spec.get("penalty") or {}) or None
    if penalty and "{id}" in penalty.get("facts", ""):
        penalty["facts"] = penalty["facts"].format(
            id=party["id_number"], address=party["address"], phone=party["phone"]
        )
    licensing = dict(spec.get("licensing") or {}) or None
    if licensing:
        years = licensing.pop("valid_years")
        licensing["valid_from"] = decided
        licensing["valid_to"] = decided.replace(year=decided.year + years) - dt.timedelta(days=1)
    full_text = []
    if penalty:
        full_text = [
            (
                "当事人",
                f"{party['name']}，身份证号码{party.get('id_number', '')}，住{party['address']}",
            ),
            ("违法事实", penalty["facts"]),
            ("处罚依据", penalty["basis"]),
            ("处罚内容", penalty["content"]),
            (
                "救济途径",
                "如不服本决定，可在收到本决定书之日起六十日内申请行政复议，或者六个月内提起行政诉讼。",
            ),
        ]
    number_kind = {"licensing": "许", "inspection": "检", "penalty": "罚决"}[spec["category"]]
    pub = services.publish_decision(
        agency=agency,
        source_key=f"demo:{agency.pk}:{spec['title']}",
        category=spec["category"],
        case_act_type=spec["case_act_type"],
        decision_date=decided,
        document_number=f"{agency.short_name or agency.name}{number_kind}〔{decided.year}〕{spec['days_ago']}号",
        parties=[party],
        title=spec["title"],
        conclusion=spec.get("conclusion", ""),
        outcome="准予许可" if licensing else ("检查未发现问题" if not penalty else "给予行政处罚"),
        penalty=penalty,
        licensing=licensing,
        full_text=full_text,
        handler_ids=[actor.pk],
        actor=actor,
    )
    if pub.status == PublicationStatus.PENDING:
        services.confirm_publication(pub, actor)
    return pub


def load(ctx):
    today = ctx.get("today") or dt.date(2026, 11, 23)
    agencies = ctx.get("agencies") or {}
    heads = ctx.get("heads") or {}
    # 1. 事前公开: prepared and approved by each head
    for key, agency in agencies.items():
        head = heads.get(key)
        if head is None:
            continue
        try:
            page = portal.prepare_page(agency, head, note="演示数据：首次公开")
            portal.approve_page(page, head)
        except DomainError:
            pass
    # 2. decisions the cases demo issued: the handlers confirm the redacted previews,
    #    except the newest one per agency (left pending to show the deadline flag)
    for agency in agencies.values():
        pending = list(
            Publication.objects.filter(agency=agency, status=PublicationStatus.PENDING).order_by(
                "decision_date", "id"
            )
        )
        for pub in pending[:-1]:
            user = User.objects.filter(pk__in=pub.handler_ids or []).first() or _handler(agency)
            if user is None:
                continue
            try:
                services.confirm_publication(pub, user)
            except DomainError:
                continue
    # 3. a few more published decisions through the service
    made = []
    for key, specs in EXTRA.items():
        agency = agencies.get(key)
        actor = _handler(agency) if agency else None
        if actor is None:
            continue
        for spec in specs:
            made.append(_extra(agency, spec, today, actor))
    # 4. one withdrawn and one corrected decision
    published = list(Publication.objects.filter(status=PublicationStatus.PUBLISHED).order_by("id"))
    heads_by_agency = {a.pk: heads.get(k) for k, a in agencies.items()}
    if published:
        victim = published[0]
        head = heads_by_agency.get(victim.agency_id)
        if head is not None:
            services.withdraw_publication(
                victim,
                kind="revoked",
                reason="经云州市人民政府行政复议决定撤销（云政复决字〔2026〕12号）",
                actor=head,
            )
    if len(published) > 1:
        target = published[-1]
        head = heads_by_agency.get(target.agency_id)
        if head is not None:
            services.correct_publication(
                target,
                changes={"title": ((target.source or {}).get("title") or "") + "（更正）"},
                note="更正事由表述",
                actor=head,
            )
    # 5. the previous year's annual reports
    reports.generate(today.year - 1)
    ctx["publications"] = made
