"""Demo catalogues of the four demo agencies and the county 司法局's region-wide catalogues.

Everything goes through the real importer (CSV built here, or the real Jiangmen discretion
table slice in demo_data/) and is published with effective_from 2026-01-01.
"""

import csv
import datetime as dt
import io
import pathlib

from sanxiang.core import clock
from sanxiang.org.models import Role, User

from . import imports, services
from .columns import headers
from .demo_data.powers import POWERS, PROCEDURE, TIME_LIMITS, UNITS
from .models import CatalogKind

EFFECTIVE = dt.date(2026, 1, 1)


def _effective() -> dt.date:
    """1 January 2026, or earlier when the demo is loaded before 23 November 2026 (the demo
    replays an office as of the last 23 November, see org.demo)."""
    real = clock.today()
    anchor_year = real.year - (1 if (real.month, real.day) < (11, 23) else 0)
    return min(EFFECTIVE, dt.date(anchor_year, 1, 1))


DATA = pathlib.Path(__file__).parent / "demo_data"
NATURAL = "自然人、个体工商户"
ORG = "法人、非法人组织"
HEARING_QUOTE = (
    "直接关系当事人或者第三人重大权益，经过听证程序的（《中华人民共和国行政处罚法》第五十八条）"
)


def _csv(kind, rows):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers(kind))
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers(kind)])
    return buffer.getvalue().encode("utf-8")


def _publish(agency, kind, rows, actor, note):
    version = imports.import_catalog(
        agency, kind, _csv(kind, rows), f"demo-{kind}.csv", actor, note
    )
    return services.publish_version(version, actor, effective_from=_effective())


# --------------------------------------------------------------------------- rows


def power_rows(key):
    prefix, items, field = POWERS[key]
    rows = []
    for n, (name, act, basis) in enumerate(items, start=1):
        days, note = TIME_LIMITS[act]
        rows.append(
            {
                "事项编码": f"{prefix}-{n:03d}",
                "事项名称": name,
                "执法类别": act,
                "执法领域": field,
                "设定依据": basis,
                "实施程序": PROCEDURE[act],
                "法定期限(工作日)": "" if days is None else str(days),
                "期限说明": note,
                "承办机构": UNITS[key][act],
            }
        )
    return rows


def power_code(key, fragment):
    prefix, items, _field = POWERS[key]
    for n, (name, _act, _basis) in enumerate(items, start=1):
        if fragment in name:
            return f"{prefix}-{n:03d}"
    raise KeyError(fragment)


def _tier(
    code,
    violation,
    basis,
    power,
    order,
    name,
    cond,
    standard,
    lo,
    hi,
    kinds="",
    how="固定金额",
    base="",
):
    return {
        "基准编码": code,
        "违法行为": violation,
        "法律依据": basis,
        "对应事项编码": power,
        "档次序号": str(order),
        "裁量档次": name,
        "适用情形": cond,
        "处罚标准": standard,
        "罚款计算方式": how,
        "计算基数": base,
        "罚款下限": lo,
        "罚款上限": hi,
        "其他处罚种类": kinds,
    }


def discretion_rows(key):
    if key == "scj":
        v1 = "生产经营不符合食品安全标准的食品（货值金额不足一万元）"
        b1 = "《中华人民共和国食品安全法》第一百二十四条第一款"
        p1 = power_code("scj", "不符合食品安全标准的食品")
        v2 = "经营者不执行明码标价规定"
        b2 = "《中华人民共和国价格法》第四十二条；《明码标价和禁止价格欺诈规定》第二十一条"
        p2 = power_code("scj", "明码标价")
        v3 = "生产经营不符合食品安全标准的食品（货值金额一万元以上）"
        return [
            _tier(
                "SCJ-CL-001",
                v1,
                b1,
                p1,
                1,
                "一般",
                "首次发现，货值金额较小，及时召回并主动消除危害后果",
                "没收违法所得和违法生产经营的食品，并处五万元以上八万元以下罚款",
                "50000",
                "80000",
                "没收违法所得、没收非法财物",
            ),
            _tier(
                "SCJ-CL-001",
                v1,
                b1,
                p1,
                2,
                "较重",
                "两年内再次违法，或者涉及婴幼儿、老年人等特定人群食品",
                "没收违法所得和违法生产经营的食品，并处八万元以上十一万元以下罚款",
                "80000",
                "110000",
                "没收违法所得、没收非法财物",
            ),
            _tier(
                "SCJ-CL-001",
                v1,
                b1,
                p1,
                3,
                "严重",
                "造成食源性疾病或者拒不召回",
                "没收违法所得和违法生产经营的食品，并处十一万元以上十五万元以下罚款；情节严重的吊销许可证",
                "110000",
                "150000",
                "没收违法所得、没收非法财物、吊销许可证件",
            ),
            _tier(
                "SCJ-CL-002",
                v3,
                b1,
                p1,
                1,
                "一般",
                "首次发现，及时召回",
                "并处货值金额十倍以上十五倍以下罚款",
                "10",
                "15",
                "没收违法所得、没收非法财物",
                "倍数",
                "货值金额",
            ),
            _tier(
                "SCJ-CL-002",
                v3,
                b1,
                p1,
                2,
                "严重",
                "造成食源性疾病或者拒不召回",
                "并处货值金额十五倍以上二十倍以下罚款",
                "15",
                "20",
                "没收违法所得、没收非法财物、吊销许可证件",
                "倍数",
                "货值金额",
            ),
            _tier(
                "SCJ-CL-003",
                v2,
                b2,
                p2,
                1,
                "轻微",
                "首次违法且及时改正，没有造成危害后果",
                "依法不予行政处罚，责令改正",
                "",
                "",
                "",
                "无数值幅度",
            ),
            _tier(
                "SCJ-CL-003",
                v2,
                b2,
                p2,
                2,
                "一般",
                "经责令改正后仍未明码标价",
                "可以处五千元以下罚款",
                "0",
                "5000",
                "没收违法所得",
            ),
        ]
    if key == "cg":
        v1 = "施工单位未采取有效扬尘防治措施"
        b1 = "《中华人民共和国大气污染防治法》第一百一十五条"
        p1 = power_code("cg", "扬尘")
        v2 = "运输建筑垃圾过程中沿途丢弃、遗撒建筑垃圾"
        b2 = "《城市建筑垃圾管理规定》第二十三条"
        p2 = power_code("cg", "沿途丢弃")
        return [
            _tier(
                "CG-CL-001",
                v1,
                b1,
                p1,
                1,
                "轻微",
                "首次发现，面积较小，当场改正",
                "责令改正，处一万元以上三万元以下罚款",
                "10000",
                "30000",
            ),
            _tier(
                "CG-CL-001",
                v1,
                b1,
                p1,
                2,
                "一般",
                "未及时改正或者涉及面积较大",
                "责令改正，处三万元以上六万元以下罚款",
                "30000",
                "60000",
            ),
            _tier(
                "CG-CL-001",
                v1,
                b1,
                p1,
                3,
                "严重",
                "拒不改正或者重污染天气期间违法",
                "处六万元以上十万元以下罚款；拒不改正的，责令停工整治",
                "60000",
                "100000",
                "责令停产停业",
            ),
            _tier(
                "CG-CL-002",
                v2,
                b2,
                p2,
                1,
                "一般",
                "遗撒面积在10平方米以下并及时清理",
                "处五千元以上一万元以下罚款",
                "5000",
                "10000",
            ),
            _tier(
                "CG-CL-002",
                v2,
                b2,
                p2,
                2,
                "较重",
                "遗撒面积10平方米以上或者未及时清理",
                "处一万元以上三万元以下罚款",
                "10000",
                "30000",
            ),
            _tier(
                "CG-CL-002",
                v2,
                b2,
                p2,
                3,
                "严重",
                "造成交通事故或者拒不清理",
                "处三万元以上五万元以下罚款",
                "30000",
                "50000",
            ),
        ]
    # jt
    v1 = "未取得道路运输经营许可擅自从事道路旅客运输经营"
    b1 = "《中华人民共和国道路运输条例》第六十三条"
    p1 = power_code("jt", "道路旅客运输经营的")
    v2 = "不按照规定携带道路运输证"
    b2 = "《中华人民共和国道路运输条例》第六十八条"
    p2 = power_code("jt", "携带道路运输证")
    return [
        _tier(
            "JT-CL-001",
            v1,
            b1,
            p1,
            1,
            "一般",
            "有违法所得",
            "没收违法所得，处违法所得二倍以上十倍以下的罚款",
            "2",
            "10",
            "没收违法所得",
            "倍数",
            "违法所得",
        ),
        _tier(
            "JT-CL-001",
            v1,
            b1,
            p1,
            2,
            "较重",
            "没有违法所得或者违法所得不足二万元",
            "处二万元以上十万元以下的罚款",
            "20000",
            "100000",
        ),
        _tier(
            "JT-CL-002",
            v2,
            b2,
            p2,
            1,
            "轻微",
            "首次违法，当场出示电子证照或者及时补正",
            "责令改正，依法不予处罚",
            "",
            "",
            "",
            "无数值幅度",
        ),
        _tier(
            "JT-CL-002",
            v2,
            b2,
            p2,
            2,
            "一般",
            "未能当场提供有效证明",
            "处警告或者二十元以上二百元以下的罚款",
            "20",
            "200",
            "警告",
        ),
    ]


def _fine(code, parties, amount, inclusive, quote, act="行政处罚"):
    return {
        "条目编码": code,
        "执法类别": act,
        "审核条件": "罚款数额",
        "当事人类别": parties,
        "金额(元)": str(amount),
        "含本数": "是" if inclusive else "否",
        "原文": quote,
    }


def _conf(code, amount, inclusive, quote, parties=""):
    return {
        "条目编码": code,
        "执法类别": "行政处罚",
        "审核条件": "没收违法所得、非法财物价值",
        "当事人类别": parties,
        "金额(元)": str(amount),
        "含本数": "是" if inclusive else "否",
        "原文": quote,
    }


def _kind(code, penalty, act="行政处罚"):
    return {"条目编码": code, "执法类别": act, "审核条件": "处罚种类", "处罚种类": penalty}


def _flag(code, flag, act=""):
    return {"条目编码": code, "执法类别": act, "审核条件": "特定情形", "特定情形": flag}


COERCION_AND_LICENSING = [
    _flag("{p}-Q01", "拍卖或依法处理查封、扣押的财物，价值较大", "行政强制"),
    _flag("{p}-Q02", "查封场所、设施或财物致生产经营难以正常进行", "行政强制"),
    {"条目编码": "{p}-X01", "执法类别": "行政许可", "审核条件": "经过听证"},
    _flag("{p}-X02", "拟不予许可、不予变更、不予延续或撤销许可", "行政许可"),
]


def major_rows(key):
    p = key.upper()
    if key in ("scj", "sthj"):
        # modelled on 北京市通州区 (原生态环境局下放职权): 以上(含)
        quote = "拟对公民处以5000元以上(含)的罚款,对法人或者组织处以50000元以上(含)的罚款,或者没收违法所得、没收非法财物价值达到上述金额的事项"
        rows = [
            _fine(f"{p}-F01", "自然人", 5000, True, quote),
            _fine(f"{p}-F02", ORG, 50000, True, quote),
            _conf(f"{p}-F03", 5000, True, quote, "自然人"),
            _conf(f"{p}-F04", 50000, True, quote, ORG),
        ]
    elif key == "cg":
        # modelled on 北京市通州区 (原城管执法局下放职权): (不含)以上
        quote = "拟对个人处5000元(不含)以上、对法人或者其他组织处50000元(不含)以上罚款的"
        rows = [
            _fine(f"{p}-F01", NATURAL, 5000, False, quote),
            _fine(f"{p}-F02", ORG, 50000, False, quote),
        ]
    else:
        # modelled on 益阳市: 以上(含)
        quote = "对公民处以2万元以上(含2万元)的罚款,对单位处以5万元以上(含5万元)的罚款"
        rows = [
            _fine(f"{p}-F01", NATURAL, 20000, True, quote),
            _fine(f"{p}-F02", ORG, 50000, True, quote),
        ]
    rows += [
        _kind(f"{p}-K01", "吊销许可证件"),
        _kind(f"{p}-K02", "责令停产停业"),
        _kind(f"{p}-K03", "降低资质等级"),
        _flag(f"{p}-D01", "拟减轻、从轻或超出裁量基准作出处罚", "行政处罚"),
    ]
    rows += [
        {k: v.format(p=p) if k == "条目编码" else v for k, v in r.items()}
        for r in COERCION_AND_LICENSING
    ]
    return rows


def region_major_rows():
    # 长治市市场监督管理局 thresholds, (不含本数), as the county-wide floor
    quote = "拟对自然人或个体工商户处以万元以上(不含本数)、对法人或者其他组织处以十万元以上(不含本数)罚款或者没收相当于前述数额违法所得、非法财物的行政处罚决定"
    return [
        _fine("QH-F01", NATURAL, 10000, False, quote),
        _fine("QH-F02", ORG, 100000, False, quote),
        _conf("QH-F03", 10000, False, quote, NATURAL),
        _conf("QH-F04", 100000, False, quote, ORG),
        {
            "条目编码": "QH-H01",
            "执法类别": "行政处罚",
            "审核条件": "经过听证",
            "原文": HEARING_QUOTE,
        },
        _flag("QH-S01", "涉及重大公共利益"),
        _flag("QH-S02", "直接关系当事人或第三人重大权益"),
        _flag("QH-S03", "案件情况疑难复杂、涉及多个法律关系"),
        _flag("QH-S04", "可能造成重大社会影响或引发社会风险"),
        _flag("QH-S05", "涉嫌犯罪需移送司法机关"),
        _kind("QH-K01", "责令关闭"),
        _kind("QH-K02", "限制从业"),
    ]


RECORDING = [
    ("", "现场检查（勘验）", "执法人员到达现场后即开启执法记录仪，全程记录检查、勘验过程"),
    ("", "先行登记保存证据", "记录登记保存物品的名称、数量、封存及当事人签字过程"),
    ("行政强制", "查封、扣押", "全程音像记录，记录查封扣押财物清点、贴封条及交付决定书、清单过程"),
    ("", "听证", "听证会全过程同步录音录像"),
    ("", "留置送达", "记录送达人、见证人、留置地点及文书内容"),
    ("", "公告送达", "记录公告张贴地点、时间及内容"),
    ("行政处罚（简易程序）", "当场收缴罚款", "记录当场收缴罚款及出具罚款收据过程"),
    ("", "当场没收、销毁物品", "记录没收、销毁物品的名称、数量和销毁方式"),
    ("", "易引发争议或当事人阻挠执法的现场", "全程不间断记录；中断的，恢复记录时说明原因"),
]
RECORDING_EXTRA = {
    "scj": [("", "抽样取证", "记录抽样地点、样品封样及当事人签字过程")],
    "sthj": [("", "抽样取证", "记录采样点位、采样过程、样品封存及现场监测数据")],
    "cg": [("行政强制", "强制拆除", "强制拆除全过程音像记录，拆除前后现场全景留存")],
    "jt": [("行政强制", "强制执行", "记录暂扣、扣留车辆的交接及停放过程")],
}
RECORDING_BASIS = "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》（国办发〔2018〕118号）"


def recording_rows(key):
    rows = []
    for n, (act, activity, req) in enumerate(RECORDING + RECORDING_EXTRA[key], start=1):
        rows.append(
            {
                "事项编码": f"{key.upper()}-AV{n:02d}",
                "执法行为类别": act,
                "执法环节": activity,
                "记录要求": req,
                "依据": RECORDING_BASIS,
            }
        )
    return rows


INSPECTIONS = {
    "scj": [
        (
            "食品经营者监督检查",
            "《中华人民共和国食品安全法》第一百一十条",
            "辖区内持证食品经营者",
            "不低于5%",
            "双随机抽查，现场检查",
            "每年1次",
            "许可条件保持、进货查验、贮存条件、从业人员健康管理",
        ),
        (
            "企业公示信息抽查",
            "《企业信息公示暂行条例》第十四条",
            "辖区内企业",
            "不低于3%",
            "双随机抽查，书面检查与实地核查结合",
            "每年1次",
            "年度报告及即时公示信息的真实性",
        ),
        (
            "工业产品质量监督抽查",
            "《中华人民共和国产品质量法》第十五条",
            "辖区内工业产品生产企业",
            "不低于5%",
            "双随机抽查，抽样检验",
            "每年1次",
            "产品质量是否符合标准",
        ),
    ],
    "sthj": [
        (
            "重点排污单位监督检查",
            "《中华人民共和国环境保护法》第二十四条",
            "排污许可重点管理单位",
            "每年不低于20%",
            "双随机抽查，现场检查与监测",
            "每季度1次",
            "污染防治设施运行、排污许可执行、自行监测",
        ),
        (
            "一般排污单位监督检查",
            "《排污许可管理条例》第二十六条",
            "排污许可简化管理及登记管理单位",
            "每年不低于5%",
            "双随机抽查，现场检查",
            "每年1次",
            "排污许可证执行情况",
        ),
    ],
    "cg": [
        (
            "建筑工地扬尘污染防治检查",
            "《中华人民共和国大气污染防治法》第二十九条",
            "辖区在建工地",
            "不低于10%",
            "双随机抽查，现场检查",
            "每季度1次",
            "围挡、覆盖、冲洗、硬化等扬尘防治措施",
        ),
        (
            "户外广告设施设置检查",
            "《城市市容和环境卫生管理条例》第十一条",
            "已审批户外广告设施",
            "不低于5%",
            "双随机抽查，现场检查",
            "每半年1次",
            "设置位置、规格、安全状况与审批一致",
        ),
    ],
    "jt": [
        (
            "道路运输企业经营行为检查",
            "《中华人民共和国道路运输条例》第五十八条",
            "辖区道路客货运输企业",
            "不低于5%",
            "双随机抽查，书面检查与现场检查结合",
            "每年1次",
            "经营资质、车辆技术状况、驾驶员从业资格",
        ),
        (
            "机动车维修企业检查",
            "《中华人民共和国道路运输条例》第五十八条",
            "辖区机动车维修经营者",
            "不低于5%",
            "双随机抽查，现场检查",
            "每年1次",
            "维修配件、维修合同、竣工出厂合格证",
        ),
    ],
}


def inspection_rows(key):
    _prefix, _items, field = POWERS[key]
    return [
        {
            "事项编码": f"{key.upper()}-SC{n:02d}",
            "抽查事项": name,
            "执法领域": field,
            "抽查依据": basis,
            "抽查对象": targets,
            "抽查比例": ratio,
            "抽查方式": method,
            "抽查频次": freq,
            "检查内容": content,
        }
        for n, (name, basis, targets, ratio, method, freq, content) in enumerate(
            INSPECTIONS[key], start=1
        )
    ]


GUIDE_STEPS = {
    "行政处罚": "案件来源登记\n立案审批\n调查取证（两名以上执法人员）\n案件审核与法制审核\n告知陈述、申辩、听证权利\n作出处罚决定\n送达处罚决定书\n执行与结案\n立卷归档",
    "行政强制": "报机关负责人批准\n出示执法证件、通知当事人到场\n告知理由、依据和权利\n听取陈述申辩\n制作现场笔录、清单\n送达决定书\n在法定期限内作出处理决定",
    "行政检查": "制定检查计划并随机抽取检查对象、执法人员\n出示执法证件\n现场检查并制作笔录\n告知检查结果\n依法处理\n检查结果公示",
    "行政许可": "提出申请\n受理或不予受理\n审查（必要时现场核查、听证）\n作出许可决定\n送达并公开",
}


def guide_rows(key, agency):
    rows = []
    for n, act in enumerate(GUIDE_STEPS, start=1):
        prefix, items, _field = POWERS[key]
        examples = [name for name, a, _b in items if a == act][:1]
        rows.append(
            {
                "指南编码": f"{key.upper()}-ZN{n:02d}",
                "指南名称": f"{act}服务指南",
                "执法类别": act,
                "对应事项编码": power_code(key, examples[0]) if examples else "",
                "办理依据": "《中华人民共和国行政处罚法》"
                if act == "行政处罚"
                else {
                    "行政强制": "《中华人民共和国行政强制法》",
                    "行政许可": "《中华人民共和国行政许可法》",
                    "行政检查": "《优化营商环境条例》第五十九条",
                }[act],
                "办理条件": "依申请或依职权启动，具体见各执法事项",
                "所需材料": "申请书、身份证明、营业执照副本及相关证明材料"
                if act == "行政许可"
                else "无需当事人提交",
                "办理流程": GUIDE_STEPS[act],
                "办理时限": TIME_LIMITS[act][1],
                "收费标准": "不收费",
                "办理地点": agency.address or "",
                "咨询电话": agency.phone or "",
            }
        )
    return rows


def remedy_rows(agency):
    return [
        {
            "编码": "JJ-01",
            "救济方式": "陈述申辩",
            "受理机关": agency.name,
            "期限": "",
            "法律依据": "《中华人民共和国行政处罚法》第四十五条",
            "说明": "当事人有权在行政处罚决定作出前进行陈述和申辩。",
        },
        {
            "编码": "JJ-02",
            "救济方式": "申请听证",
            "受理机关": agency.name,
            "期限": "5",
            "期限单位": "日",
            "法律依据": "《中华人民共和国行政处罚法》第六十四条",
            "说明": "当事人要求听证的，应当在行政机关告知后五日内提出。",
        },
        {
            "编码": "JJ-03",
            "救济方式": "行政复议",
            "受理机关": "青禾县人民政府",
            "期限": "60",
            "期限单位": "日",
            "法律依据": "《中华人民共和国行政复议法》第二十条",
            "说明": "自知道或者应当知道该行政行为之日起六十日内提出行政复议申请；法律规定的申请期限超过六十日的除外。",
        },
        {
            "编码": "JJ-04",
            "救济方式": "行政诉讼",
            "受理机关": "青禾县人民法院",
            "期限": "6",
            "期限单位": "个月",
            "法律依据": "《中华人民共和国行政诉讼法》第四十六条",
            "说明": "直接向人民法院提起诉讼的，应当自知道或者应当知道作出行政行为之日起六个月内提出。",
        },
        {
            "编码": "JJ-05",
            "救济方式": "投诉举报",
            "受理机关": f"{agency.name}、12345政务服务便民热线",
            "法律依据": "《中华人民共和国行政处罚法》第七十五条",
            "说明": agency.complaint_channel or "拨打12345热线",
        },
    ]


def contact_rows(agency):
    return [
        {
            "编码": "LX-01",
            "部门/窗口": "办公室",
            "受理事项": "综合咨询、信息公开申请",
            "电话": agency.phone or "0570-8123000",
            "地址": agency.address,
            "办公时间": agency.office_hours,
        },
        {
            "编码": "LX-02",
            "部门/窗口": "法制科",
            "受理事项": "法制审核、行政复议应诉、执法监督",
            "电话": (agency.phone or "0570-8123000")[:-1] + "9",
            "地址": agency.address,
            "办公时间": agency.office_hours,
        },
        {
            "编码": "LX-03",
            "部门/窗口": "投诉举报",
            "受理事项": "对执法行为的投诉、举报",
            "电话": "12345",
            "地址": agency.address,
            "办公时间": "全天候",
        },
    ]


# --------------------------------------------------------------------------- load


def load(ctx):
    sfj = ctx["supervisor_agency"]
    sfj_actor = User.objects.filter(agency=sfj, role=Role.SUPERVISOR).order_by("id").first()
    _publish(
        sfj,
        CatalogKind.MAJOR,
        region_major_rows(),
        sfj_actor,
        "青禾县重大执法决定法制审核目录（全县通用）",
    )
    for key, agency in ctx["agencies"].items():
        head = ctx["heads"][key]
        _publish(agency, CatalogKind.POWERS, power_rows(key), head, "2026年度执法事项清单")
        if key == "sthj":
            data = (DATA / "jiangmen_eco_discretion_slice.csv").read_bytes()
            version = imports.import_jiangmen_discretion(
                agency,
                data,
                "jiangmen_eco_discretion_slice.csv",
                head,
                "参照江门市生态环境局生态环境违法行为行政处罚自由裁量权裁量标准参照表（试行）",
            )
            services.publish_version(version, head, effective_from=_effective())
        else:
            _publish(agency, CatalogKind.DISCRETION, discretion_rows(key), head, "行政处罚裁量基准")
        _publish(agency, CatalogKind.MAJOR, major_rows(key), head, "重大执法决定法制审核目录清单")
        _publish(agency, CatalogKind.RECORDING, recording_rows(key), head, "音像记录事项清单")
        _publish(agency, CatalogKind.INSPECTION, inspection_rows(key), head, "随机抽查事项清单")
        _publish(agency, CatalogKind.GUIDES, guide_rows(key, agency), head, "执法服务指南")
        _publish(agency, CatalogKind.REMEDIES, remedy_rows(agency), head, "救济渠道")
        _publish(agency, CatalogKind.CONTACTS, contact_rows(agency), head, "联系方式")
