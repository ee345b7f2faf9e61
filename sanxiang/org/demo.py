"""Demo organisation: 云州市 → 青禾县 (fictional) with its 司法局 and four enforcement agencies.

Deterministic: the same names, codes and certificates on every run.
"""

import datetime as dt

from sanxiang.core import clock
from sanxiang.core.fields import EnforcementField
from sanxiang.core.ids import usci_check_char

from . import services
from .models import AgencyKind, AgencyLevel, Role

DEMO_PASSWORD = "Sanxiang@2026"  # noqa: S105 - the demo accounts' published password (README)
REGION = "云州市青禾县"
REGION_CODE = "339921"  # fictional

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "晓东",
    "海燕",
    "文博",
    "思远",
    "嘉怡",
    "子涵",
]

# (key, name, short, field, org-code seed)
AGENCIES = [
    ("scj", "青禾县市场监督管理局", "县市场监管局", EnforcementField.MARKET, "MA2QH0011"),
    ("sthj", "云州市生态环境局青禾分局", "生态环境分局", EnforcementField.ENVIRONMENT, "MA2QH0022"),
    ("cg", "青禾县城市管理综合行政执法局", "县城管执法局", EnforcementField.URBAN, "MA2QH0033"),
    ("jt", "青禾县交通运输局", "县交通运输局", EnforcementField.TRANSPORT, "MA2QH0044"),
]


def make_usci(prefix: str, region_code: str, org_code: str) -> str:
    body = prefix + region_code + org_code
    return body + usci_check_char(body)


def person_name(i: int) -> str:
    return SURNAMES[(i * 7) % len(SURNAMES)] + GIVEN[(i * 11) % len(GIVEN)]


def demo_logins():
    """(role label, username, agency) — one demo login per role, printed by `make run`."""
    return [
        (str(Role.HANDLER.label), "scj_zf01", "青禾县市场监督管理局"),
        (str(Role.REVIEWER.label), "scj_fz01", "青禾县市场监督管理局"),
        (str(Role.HEAD.label), "scj_fzr", "青禾县市场监督管理局"),
        (str(Role.SUPERVISOR.label), "sfj_jd01", "青禾县司法局"),
        (str(Role.ADMIN.label), "admin", "（全部）"),
    ]


def load(ctx):
    city_sfj = services.create_agency(
        name="云州市司法局",
        short_name="市司法局",
        level=AgencyLevel.CITY,
        kind=AgencyKind.SUPERVISOR,
        usci=make_usci("11", "339900", "MB1YU0001"),
        region="云州市",
        address="云州市政务中心B座",
        phone="0570-12345601",
    )
    sfj = services.create_agency(
        name="青禾县司法局",
        short_name="县司法局",
        level=AgencyLevel.COUNTY,
        kind=AgencyKind.SUPERVISOR,
        parent=city_sfj,
        usci=make_usci("11", REGION_CODE, "MB1QH0001"),
        region=REGION,
        address="青禾县城关镇人民路18号",
        phone="0570-8123001",
        complaint_channel="12345政务服务便民热线；青禾县司法局行政执法监督科 0570-8123009",
        office_hours="工作日 8:30-12:00，14:30-17:30",
    )
    ctx["supervisor_agency"] = sfj
    ctx["city_supervisor_agency"] = city_sfj
    agencies = {}
    for n, (key, name, short, field, org_code) in enumerate(AGENCIES, start=1):
        agencies[key] = services.create_agency(
            name=name,
            short_name=short,
            level=AgencyLevel.COUNTY,
            parent=sfj,
            usci=make_usci("11", REGION_CODE, org_code),
            region=REGION,
            fields=[field],
            address=f"青禾县城关镇政通路{10 + n * 2}号",
            phone=f"0570-81230{n}0",
            complaint_channel=f"12345热线；{short}法制科 0570-81230{n}9",
            office_hours="工作日 8:30-12:00，14:30-17:30",
        )
    ctx["agencies"] = agencies

    admin = services.create_user(
        username="admin", password=DEMO_PASSWORD, role=Role.ADMIN, full_name="系统管理员"
    )
    services.create_user(
        username="sfj_jd01",
        password=DEMO_PASSWORD,
        role=Role.SUPERVISOR,
        agency=sfj,
        full_name="周明远",
    )
    services.create_user(
        username="sfj_jd02",
        password=DEMO_PASSWORD,
        role=Role.SUPERVISOR,
        agency=sfj,
        full_name="钱晓岚",
    )
    services.create_user(
        username="sj_jd01",
        password=DEMO_PASSWORD,
        role=Role.SUPERVISOR,
        agency=city_sfj,
        full_name="孔令华",
    )

    officers = {}
    i = 0
    # The demo replays an office as of 23 November: of 2026 when loaded in 2026-11-23 …
    # 2027-11-22, and shifted by whole years on other days, so that it loads on any date.
    real = clock.today()
    shift = real.year - 2026 - (1 if (real.month, real.day) < (11, 23) else 0)
    today = dt.date(2026 + shift, 11, 23)
    for key, agency in agencies.items():
        field = agency.fields[0]
        officers[key] = []
        head = services.create_user(
            username=f"{key}_fzr",
            password=DEMO_PASSWORD,
            role=Role.HEAD,
            agency=agency,
            # person_name repeats every 300 indexes: 251… keeps the heads' names distinct
            # from the officers' (1…44), so the audit trail never shows two people as one
            full_name=person_name(250 + len(officers)),
        )
        ctx.setdefault("heads", {})[key] = head
        # 11 officers per agency: 9 handlers + 2 legal reviewers (reviewers ≥ 5 % of officers)
        for k in range(1, 12):
            i += 1
            role = Role.REVIEWER if k > 9 else Role.HANDLER
            username = f"{key}_fz{k - 9:02d}" if role == Role.REVIEWER else f"{key}_zf{k:02d}"
            user = services.create_user(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                agency=agency,
                full_name=person_name(i),
            )
            officer = services.create_officer(
                agency=agency,
                actor=admin,
                user=user,
                name=user.full_name,
                gender="男" if i % 3 else "女",
                position="法制审核员" if role == Role.REVIEWER else "执法队员",
                unit="法制科" if role == Role.REVIEWER else f"执法{(k - 1) // 3 + 1}中队",
            )
            # Certificates valid on the demo's day, whatever year it is loaded in.
            issued = dt.date(2023 + shift + (k % 3), 1 + (k % 12), 10)
            expires = dt.date(issued.year + 5, issued.month, 9)
            if k == 8:  # an expired certificate
                issued, expires = dt.date(2020 + shift, 7, 1), dt.date(2025 + shift, 6, 30)
            cert = services.issue_certificate(
                officer=officer,
                number=f"ZJ{REGION_CODE}{list(agencies).index(key) + 1:02d}{k:04d}",
                fields=[field],
                region=REGION,
                issued_on=issued,
                expires_on=expires,
            )
            if k == 9 and key in ("scj", "cg"):
                services.change_certificate_status(
                    cert, "revoke", reason="调离执法岗位，依规注销执法证"
                )
            elif k == 7 and key == "jt":
                services.change_certificate_status(
                    cert, "suspend", reason="年度考核不合格，暂扣执法证待培训"
                )
            officers[key].append(officer)
    ctx["officers"] = officers
    ctx["today"] = today
    assert sum(len(v) for v in officers.values()) >= 40  # noqa: S101 - demo data sanity
