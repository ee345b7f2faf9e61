"""Demo cases: in each of the four demo agencies, cases at every stage, built through the
services with realistic (fictional) facts. Deterministic content; times are counted back
from the demo day (2026-11-23).

The acts are dated in the past but written now, so the ones dated more than
``services.dates.late_entry_days()`` days back are what the platform calls 补录 (a record
entered after the fact): they carry the reason ``LATE_REASON`` and show as 补录, and the
ledger time says when they were really written."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.core.fields import ActType, CaseActType, PartyType
from sanxiang.core.ids import ric_check_char
from sanxiang.org.demo import REGION_CODE, make_usci, person_name
from sanxiang.org.services import may_enforce

from . import services
from .models import CaseSource

LATE_REASON = "演示数据补录：演示案件按办案进程回溯录入，实际录入时间以账本时间为准。"

# per field: (title, facts, violated, basis, place, fine, kinds)
SCENARIOS = {
    "market": [
        (
            "销售超过保质期的食品",
            "当事人在其经营的超市货架上销售超过保质期的“香辣牛肉干”32袋，货值金额 480 元。",
            "《中华人民共和国食品安全法》第三十四条第十项",
            "《中华人民共和国食品安全法》第一百二十四条第一款第五项",
            "青禾县城关镇兴业路8号",
            "5000",
        ),
        (
            "发布虚假广告",
            "当事人在微信公众号发布“七天根治颈椎病”等内容的保健器械广告，无法提供证明材料。",
            "《中华人民共和国广告法》第二十八条",
            "《中华人民共和国广告法》第五十五条第一款",
            "青禾县城关镇政通路66号",
            "30000",
        ),
        (
            "未取得营业执照从事经营活动",
            "当事人未依法取得营业执照，在青禾县城南农贸市场从事水产品批发。",
            "《无证无照经营查处办法》第二条",
            "《无证无照经营查处办法》第十三条",
            "青禾县城南农贸市场12号摊位",
            "3000",
        ),
    ],
    "environment": [
        (
            "超标排放水污染物",
            "在线监测数据显示当事人废水总排口化学需氧量日均值超标0.8倍，现场采样监测结果超标。",
            "《中华人民共和国水污染防治法》第十条",
            "《中华人民共和国水污染防治法》第八十三条第二项",
            "青禾县工业园区纬三路9号",
            "150000",
        ),
        (
            "危险废物贮存不规范",
            "当事人将废矿物油等危险废物露天堆放，未设置危险废物识别标志。",
            "《中华人民共和国固体废物污染环境防治法》第七十七条",
            "《中华人民共和国固体废物污染环境防治法》第一百一十二条第一款第一项",
            "青禾县工业园区经二路17号",
            "100000",
        ),
        (
            "未批先建",
            "当事人年产5万吨饲料项目环境影响报告表未经审批即开工建设。",
            "《中华人民共和国环境影响评价法》第二十五条",
            "《中华人民共和国环境影响评价法》第三十一条第一款",
            "青禾县城北工业区",
            "80000",
        ),
    ],
    "urban": [
        (
            "擅自占用城市道路经营",
            "当事人在解放路人行道上摆设水果摊点，占用道路约6平方米，经劝导后未改正。",
            "《城市市容和环境卫生管理条例》第十四条",
            "《城市市容和环境卫生管理条例》第三十六条第二项",
            "青禾县城关镇解放路与人民路交叉口",
            "200",
        ),
        (
            "未取得建设工程规划许可证进行建设",
            "当事人在自有住宅屋顶搭建彩钢板房约45平方米，未取得建设工程规划许可证。",
            "《中华人民共和国城乡规划法》第四十条",
            "《中华人民共和国城乡规划法》第六十四条",
            "青禾县城关镇东湖小区7幢",
            "20000",
        ),
        (
            "运输渣土车辆沿途抛洒",
            "当事人所属渣土运输车辆未采取密闭措施，沿途抛洒渣土约200米。",
            "《城市市容和环境卫生管理条例》第十五条",
            "《城市市容和环境卫生管理条例》第三十四条第三项",
            "青禾县环城南路",
            "5000",
        ),
    ],
    "transport": [
        (
            "未取得道路运输经营许可擅自从事客运经营",
            "当事人驾驶小型轿车在高铁站附近招揽乘客，收取车费从事客运经营。",
            "《中华人民共和国道路运输条例》第十条",
            "《中华人民共和国道路运输条例》第六十三条",
            "青禾高铁站东广场",
            "30000",
        ),
        (
            "车辆超限运输",
            "当事人所属货车车货总重58.6吨，超过限定标准9.6吨，未办理超限运输许可。",
            "《公路安全保护条例》第三十五条",
            "《公路安全保护条例》第六十四条",
            "G330国道青禾超限检测站",
            "2000",
        ),
        (
            "未按规定维护和检测运输车辆",
            "当事人所属营运货车未按规定进行二级维护，车辆技术等级评定过期。",
            "《中华人民共和国道路运输条例》第三十条",
            "《中华人民共和国道路运输条例》第七十条第一款",
            "青禾县物流园区",
            "3000",
        ),
    ],
}

COMPANY_NAMES = {
    "market": ["青禾县惠民超市有限公司", "青禾康健医疗器械有限公司", "林某某水产经营部"],
    "environment": ["青禾县永盛化工有限公司", "青禾县顺达汽车修理有限公司", "云州丰泽饲料有限公司"],
    "urban": ["刘某某", "青禾县城关镇东湖小区业主王某某", "青禾县通畅土石方工程有限公司"],
    "transport": ["赵某某", "青禾县远达物流有限公司", "青禾县鑫盛运输有限公司"],
}


def _person(i):
    body = f"{REGION_CODE}19{70 + i % 25:02d}{1 + i % 12:02d}{10 + i % 18:02d}{100 + i:03d}"[:17]
    return body + ric_check_char(body)


def _party(field, n, i):
    name = COMPANY_NAMES[field][n % 3]
    if name.endswith("某") or "某某" in name and "公司" not in name and "经营部" not in name:
        return {
            "party_type": PartyType.NATURAL_PERSON,
            "name": person_name(300 + i),
            "id_number": _person(i),
            "address": f"青禾县城关镇幸福里{i % 40 + 1}号",
            "phone": f"1385700{i:04d}",
        }
    usci = make_usci("91", REGION_CODE, f"MA2QHC{i % 1000:03d}")
    return {
        "party_type": PartyType.LEGAL_PERSON if "公司" in name else PartyType.INDIVIDUAL_BUSINESS,
        "name": name,
        "usci": usci,
        "legal_representative": person_name(500 + i),
        "address": f"青禾县{['城关镇', '工业园区', '城南街道'][i % 3]}{i % 50 + 1}号",
        "phone": f"0570-86{i:05d}",
    }


def _findings():
    from sanxiang.review.models import CheckPoint

    return {p: "ok" for p in CheckPoint.values}


class Builder:
    def __init__(self, ctx, key):
        self.key = key
        self.n = list(ctx["agencies"]).index(key) + 1
        self.all_officers = list(ctx["officers"][key])
        self.agency = ctx["agencies"][key]
        self.head = ctx["heads"][key]
        self.field = self.agency.fields[0]
        today = ctx.get("today") or clock.today()
        anchor = timezone.make_aware(dt.datetime.combine(today, dt.time(8, 30)))
        self.now = min(anchor, clock.now())
        self.officers = [
            o
            for o in ctx["officers"][key]
            if o.user
            and o.user.role == "handler"
            and may_enforce(o, self.field, self.agency.region, self.now.date())
        ]
        self.handler = self.officers[0].user
        self.powers = self._powers()
        self.i = 0

    def _powers(self):
        try:
            from sanxiang.catalog.services import current_powers

            powers = list(current_powers(self.agency, self.now.date()))
        except Exception:
            powers = []
        by_type = {}
        for p in powers:
            by_type.setdefault(p.act_type, p)
        return by_type

    def ago(self, days, hours=0):
        return self.now - dt.timedelta(days=days, hours=hours)

    @staticmethod
    def late(at):
        """The 补录 reason for an act dated ``at``, when the services need one."""
        lag = (clock.today() - timezone.localtime(at).date()).days
        return LATE_REASON if lag > services.dates.late_entry_days() else ""

    def pair(self, n):
        k = (2 * n) % max(len(self.officers) - 1, 1)
        return [self.officers[k], self.officers[k + 1]]

    def open(self, n, start, act_type=CaseActType.PENALTY_GENERAL, approve=True):
        title, facts, _violated, _basis, place, _fine = SCENARIOS[self.field][n % 3]
        power = self.powers.get(CaseActType.category(act_type))
        self.i += 1
        idx = self.n * 100 + self.i
        officers = self.pair(n)
        case = services.open_case(
            agency=self.agency,
            actor=officers[0].user,
            act_type=act_type,
            title=title if act_type == CaseActType.PENALTY_GENERAL else f"{title}（检查）",
            source=[
                CaseSource.COMPLAINT,
                CaseSource.INSPECTION,
                CaseSource.PATROL,
                CaseSource.RANDOM_INSPECTION,
                CaseSource.REFERRAL,
            ][self.i % 5],
            power=power,
            place=place,
            facts=facts,
            found_at=self.ago(start + 1),
            parties=[_party(self.field, n, idx)],
            officers=officers[1:],
        )
        if approve:
            at = self.ago(start)
            case = services.approve_opening(
                case, self.head, opinion="同意立案调查。", at=at, late_reason=self.late(at)
            )
        return case, officers

    def activity(self, case, user, activity, description, at, officers, evidence=()):
        """Record an activity; when the records app asks for the A/V record first (音像记录
        事项清单), file the written reason and its approval, as an agency would."""
        kwargs = dict(
            activity=activity,
            description=description,
            at=at,
            officers=officers,
            evidence=list(evidence),
            late_reason=self.late(at),
        )
        try:
            with transaction.atomic():
                return services.record_event(case, user, **kwargs)
        except DomainError:
            from sanxiang.records import requirements as records

            waiver = records.request_waiver(
                case,
                user,
                activity,
                timezone.localtime(at).date(),
                "执法记录仪电量耗尽，未能全程音像记录，已由两名执法人员现场签字确认。",
            )
            records.approve_waiver(waiver, self.head, approve=True, note="同意，已核实。")
            return services.record_event(case, user, **kwargs)

    def investigate(self, n, start):
        case, officers = self.open(n, start)
        user = officers[0].user
        at = self.ago(start - 1)
        services.start_investigation(case, user, at=at, late_reason=self.late(at))
        _title, facts, *_ = SCENARIOS[self.field][n % 3]
        self.activity(
            case,
            user,
            "on_site_inspection",
            f"对当事人经营场所进行现场检查，{facts[:40]}……",
            self.ago(start - 1, 2),
            officers,
            ["现场检查笔录", "现场照片 8 张", "执法记录仪视频 1 段"],
        )
        self.activity(
            case,
            user,
            "interview",
            "询问当事人负责人，制作询问笔录。",
            self.ago(start - 3),
            officers,
            ["询问笔录 1 份"],
        )
        return case, officers

    def notice(self, n, start, notice_days):
        case, officers = self.investigate(n, start)
        user = officers[0].user
        _t, facts, violated, basis, _p, fine = SCENARIOS[self.field][n % 3]
        services.finish_investigation(
            case,
            user,
            report=f"经调查，{facts} 事实清楚，证据确凿，建议依法给予罚款处罚。",
            proposed_penalty_kinds=["fine"],
            proposed_fine=fine,
            at=self.ago(notice_days + 1),
            late_reason=self.late(self.ago(notice_days + 1)),
        )
        services.send_prior_notice(
            case,
            user,
            facts=facts,
            reasons=f"当事人的行为违反了{violated}的规定。",
            basis=basis,
            penalty_kinds=["fine"],
            fine=fine,
            notice_at=self.ago(notice_days),
            late_reason=self.late(self.ago(notice_days)),
        )
        return case, officers

    # what the party says and how it is received (Builder.decide's defaults)
    STATEMENT = (
        "当事人称系初次违法，已积极整改，请求从轻处罚。",
        False,
        "经复核，当事人所述情节不属于法定从轻情形，不予采纳。",
    )

    def decide(self, n, start, decided_days, *, fine=None, statement=None):
        """陈述申辩, 放弃听证 where it applies, the 决定书 draft through 法制审核, then the
        head's decision. ``fine``: the decided amount (default: the scenario's);
        ``statement``: (content, adopted, review_note)."""
        case, officers = self.notice(n, start, decided_days + 12)
        user = officers[0].user
        content, adopted, review_note = statement or self.STATEMENT
        services.record_statement(
            case,
            user,
            content=content,
            received_at=self.ago(decided_days + 11),
            late_reason=self.late(self.ago(decided_days + 11)),
            adopted=adopted,
            review_note=review_note,
        )
        case.refresh_from_db()
        if case.hearing_eligible:
            services.waive(
                case,
                user,
                what="hearing",
                note="本单位放弃听证权利。",
                signed_at=self.ago(decided_days + 10),
                late_reason=self.late(self.ago(decided_days + 10)),
            )
        fine = SCENARIOS[self.field][n % 3][5] if fine is None else fine
        case.refresh_from_db()
        doc = self._decision_draft(case, user, n)
        self._pass_review(case, user, doc)
        services.decide(
            case,
            actor=self.head,
            outcome="penalty",
            penalty_kinds=["fine"],
            fine=fine,
            summary=f"罚款人民币{fine}元。",
            decided_at=self.ago(decided_days),
            late_reason=self.late(self.ago(decided_days)),
            document=doc,
        )
        return case, officers

    def _decision_draft(self, case, user, n):
        """The draft 行政处罚决定书 (documents app)."""
        from sanxiang.documents import services as documents

        _t, facts, violated, *_rest = SCENARIOS[self.field][n % 3]
        content = documents.prefill(case, "penalty_decision")
        content.update(
            {
                "facts": content.get("facts") or facts,
                "evidence": "现场检查笔录、现场照片、询问笔录、执法记录仪视频",
                "violated_provisions": violated,
            }
        )
        return documents.create_draft(case, "penalty_decision", content, user)

    # 送审 wording (Builder._pass_review's defaults; subclasses change them)
    REVIEW_NOTE = "按本机关一般程序处罚决定一律审核的规定评估。"
    PROPOSAL = "建议依法给予罚款处罚，事实清楚、证据确凿、程序合法。"
    JUSTIFICATION = "按裁量基准一般情形确定罚款数额。"
    REASONING = "经审核，主体合法、事实清楚、证据充分、程序合法、适用依据正确，同意。"
    tier = None

    def _before_submit(self, case, user):
        """Hook: what a subclass records before 送审 (e.g. the discretion assessment)."""

    def _pass_review(self, case, user, doc):
        """法制审核 through the review app's services (its gate refuses decisions without it)."""
        from sanxiang.review import services as review

        scope = review.assess_scope(case, {}, user, document=doc, note=self.REVIEW_NOTE)
        if not scope.required:
            return None
        self._before_submit(case, user)
        ref = f"本案卷 {case.number}"
        extra = {"tier": self.tier} if self.tier is not None else {}
        item = review.submit_for_review(
            case,
            doc,
            actor=user,
            proposal=self.PROPOSAL,
            materials=[
                {"kind": "proposal", "reference": ref + " 送审说明"},
                {"kind": "closure_report", "reference": ref + " 调查终结报告"},
                {"kind": "basis_evidence", "reference": ref + " 证据目录"},
            ],
            justification=self.JUSTIFICATION,
            **extra,
        )
        reviewer = next(o.user for o in self.all_officers if o.user.role == "reviewer")
        review.assign_reviewer(item, reviewer, self.head)
        review.accept(item, reviewer)
        review.give_opinion(
            item, reviewer, kind="agree", reasoning=self.REASONING, findings=_findings()
        )
        return item

    def serve(self, n, start, decided_days):
        case, officers = self.decide(n, start, decided_days)
        services.serve(
            case,
            officers[0].user,
            method="direct",
            recipient="当事人本人",
            served_at=self.ago(decided_days - 1),
            late_reason=self.late(self.ago(decided_days - 1)),
        )
        return case, officers

    def paid(self, n, start, decided_days):
        case, officers = self.serve(n, start, decided_days)
        fine = SCENARIOS[self.field][n % 3][5]
        services.record_payment(
            case,
            officers[0].user,
            amount=fine,
            method="bank",
            paid_at=self.ago(decided_days - 5),
            late_reason=self.late(self.ago(decided_days - 5)),
            receipt_number=f"QH{self.n:02d}{self.i:05d}",
        )
        return case, officers


def _load_agency(ctx, key):
    b = Builder(ctx, key)
    if len(b.officers) < 2:
        return 0
    if ActType.PENALTY not in b.powers:
        if ctx.get("stdout"):
            ctx["stdout"].write(f"    cases: {key} has no penalty power in force; skipped")
        return 0
    head = b.head
    # 立案待批
    b.open(0, 1, approve=False)
    # 已立案未调查
    b.open(1, 2)
    # 调查取证中
    b.investigate(2, 12)
    # 审查决定：告知后陈述申辩期内
    b.notice(0, 20, 1)
    # 审查决定：大额罚款，当事人申请听证并已通知
    case, officers = b.notice(1, 40, 9)
    case.refresh_from_db()
    if case.hearing_eligible:
        user = officers[0].user
        services.request_hearing(case, user, requested_at=b.ago(8), late_reason=b.late(b.ago(8)))
        chair = next(o.user for o in ctx["officers"][key] if o.user.role == "reviewer")
        from sanxiang.workdays.calendar import add_workdays

        hearing_day = add_workdays(b.ago(7).date(), 8)
        services.schedule_hearing(
            case,
            user,
            chair=chair,
            place=f"{b.agency.short_name}听证室",
            hearing_at=timezone.make_aware(dt.datetime.combine(hearing_day, dt.time(9, 30))),
            notified_at=b.ago(7),
            late_reason=b.late(b.ago(7)),
        )
    # 送达：已作出决定待送达
    b.decide(2, 45, 2)
    # 执行：已送达待缴款
    b.serve(0, 60, 20)
    # 结案环节：已缴清待结案
    b.paid(1, 70, 30)
    # 已归档
    case, officers = b.paid(2, 85, 50)
    services.close_case(
        case,
        head,
        report="当事人已按期缴清罚款，违法行为已改正，予以结案。",
        at=b.ago(30),
        late_reason=b.late(b.ago(30)),
    )
    services.archive_case(
        case,
        officers[0].user,
        location="档案室A区",
        retention="长期",
        at=b.ago(28),
        late_reason=b.late(b.ago(28)),
    )
    # 终止：调查后终止
    case, _officers = b.investigate(0, 30)
    services.terminate_case(case, head, reason="经调查，违法事实不能成立，终止调查。")
    # 行政检查：检查完毕
    if ActType.INSPECTION in b.powers:
        case, officers = b.open(1, 15, act_type=CaseActType.INSPECTION)
        services.start_investigation(
            case, officers[0].user, at=b.ago(14), late_reason=b.late(b.ago(14))
        )
        b.activity(
            case,
            officers[0].user,
            "on_site_inspection",
            "按双随机抽查计划实施现场检查，未发现违法行为。",
            b.ago(14, 1),
            officers,
            (),
        )
        services.finish_investigation(
            case,
            officers[0].user,
            report="检查未发现问题。",
            at=b.ago(13),
            late_reason=b.late(b.ago(13)),
        )
        services.decide(
            case,
            actor=head,
            outcome="compliant",
            decided_at=b.ago(12),
            late_reason=b.late(b.ago(12)),
        )
    # 简易程序：当场处罚
    power = b.powers[ActType.PENALTY]
    officers = b.pair(1)
    fine = "200" if key == "cg" else "100"
    case = services.decide_on_the_spot(
        agency=b.agency,
        actor=officers[0].user,
        power=power,
        party=_party("urban", 0, b.n * 100 + 90),
        title="轻微违法当场处罚",
        facts="当事人违法事实确凿，情节轻微。",
        basis=power.legal_basis[:200],
        penalty_kinds=["fine"],
        fine=fine,
        officers=officers,
        place=b.agency.region,
        decided_at=b.ago(3),
        late_reason=b.late(b.ago(3)),
        paid_on_spot=True,
        receipt_number=f"DC{b.n:02d}0001",
    )
    services.file_simple_decision(case, officers[0].user, at=b.ago(2), late_reason=b.late(b.ago(2)))
    services.decide_on_the_spot(
        agency=b.agency,
        actor=officers[0].user,
        power=power,
        party=_party("urban", 0, b.n * 100 + 91),
        title="当场警告",
        facts="当事人违法情节轻微并当场改正。",
        basis=power.legal_basis[:200],
        penalty_kinds=["warning"],
        officers=officers,
        place=b.agency.region,
        decided_at=b.ago(1),
        late_reason=b.late(b.ago(1)),
    )
    return b.i + 2


def load(ctx):
    total = 0
    for key in ctx["agencies"]:
        total += _load_agency(ctx, key)
    ctx["cases_loaded"] = total
