"""Demo data of 投诉举报 for the market-regulation bureau (scj): one complaint in each state,
one of them past its acceptance deadline.

Built through the services with the clock set back (``core.clock.at``) so the dates and
deadlines look like a running office; the 查询码 come from ``ctx["rng"]`` and are printed,
so the public status page can be tried.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from sanxiang.core import clock

from . import services
from .models import Complaint, ComplaintKind, ComplaintResult

TZ = ZoneInfo("Asia/Shanghai")


def _clock(day, hour=10):
    return clock.at(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ))


def _code(ctx):
    return "".join(ctx["rng"].choice(services.CODE_ALPHABET) for _ in range(services.CODE_LENGTH))


def _submit(ctx, day, **fields):
    with _clock(day):
        complaint, _ = services.submit(**fields)
    code = _code(ctx)
    Complaint.objects.filter(pk=complaint.pk).update(
        code_hash=services.code_hash(complaint.number, code)
    )
    ctx.setdefault("complaint_codes", {})[complaint.number] = code
    return complaint


def load(ctx):
    agency = ctx["agencies"]["scj"]
    head = ctx["heads"]["scj"]
    handler = ctx["officers"]["scj"][0].user

    done = _submit(
        ctx,
        dt.date(2026, 10, 12),
        kind=ComplaintKind.COMPLAINT,
        agency=agency,
        content="10月9日在城关镇老街一卤味店购买的熟食有异味，向执法人员反映后无人处理。",
        name="陈女士",
        phone="13800571234",
    )
    with _clock(dt.date(2026, 10, 13)):
        services.accept(done, handler)
    with _clock(dt.date(2026, 10, 30), 15):
        services.conclude(
            done,
            handler,
            result=ComplaintResult.SUBSTANTIATED,
            reply="经现场检查，该店销售的熟食未按规定冷藏储存，已责令改正并依法处理。感谢您的监督。",
        )

    working = _submit(
        ctx,
        dt.date(2026, 11, 2),
        kind=ComplaintKind.COMPLAINT,
        agency=agency,
        reference="青市监罚决〔2026〕3号",
        content="对行政处罚决定书送达程序有异议：决定书未当面送达，也未告知救济途径。",
        name="刘先生",
        phone="0571-86001234",
    )
    with _clock(dt.date(2026, 11, 4)):
        services.accept(working, handler)

    _submit(
        ctx,
        dt.date(2026, 11, 9),
        kind=ComplaintKind.COMPLAINT,
        agency=agency,
        content="市场检查时执法人员未出示执法证件。",
        name="王先生",
        phone="13900572345",
    )

    rejected = _submit(
        ctx,
        dt.date(2026, 11, 10),
        kind=ComplaintKind.SUGGESTION,
        agency=agency,
        content="建议延长周末办事大厅开放时间。",
    )
    with _clock(dt.date(2026, 11, 11)):
        services.reject(
            rejected,
            head,
            "所提事项属政务服务中心管理范围，不属于行政执法投诉举报，已告知向县政务服务中心反映。",
        )

    _submit(
        ctx,
        dt.date(2026, 11, 20),
        kind=ComplaintKind.REPORT,
        agency=agency,
        content="禾溪镇农贸市场有摊贩销售来源不明的冷冻肉品。",
    )
    out = ctx.get("stdout")
    if out is not None:
        for number, code in ctx["complaint_codes"].items():
            out.write(f"  投诉举报 {number} 查询码 {code}")
