"""Demo data of 案卷评查: one concluded round of the county 司法局 over the second half of the
demo year, scored by the supervisor ``sfj_jd01``, with one open rectification notice for the
market-regulation bureau (scj).

Eligible files: the cases demo closes and archives one general-procedure case per agency
(结案 30 days, 归档 28 days before the demo day), so the round samples one file per agency
(ratio 10 %, at least 1). Built through the services; the seed comes from ``ctx["rng"]``.
"""

import datetime as dt

from sanxiang.org.models import User

from . import services

# agency key → {item code: (deduction, note)} and the comment
SCORES = {
    "scj": (
        {
            "facts": (8, "现场检查笔录与照片未能相互印证，过期食品数量前后不一致。"),
            "procedure": (10, "事先告知书送达回证缺当事人签名。"),
            "recording": (6, "现场检查未按规定上传音像记录。"),
            "documents": (4, "结案报告未注明执行情况。"),
        },
        "证据和程序存在明显问题，须限期整改。",
    ),
    "sthj": ({"documents": (3, "文书编号格式不统一。")}, "案卷规范。"),
    "cg": ({"discretion": (5, "未说明裁量理由。"), "documents": (5, "卷内目录缺页码。")}, ""),
    "jt": ({}, "案卷完整规范。"),
}


def load(ctx):
    sfj = ctx.get("supervisor_agency")
    evaluator = User.objects.filter(username="sfj_jd01").first()
    if sfj is None or evaluator is None:
        return
    today = ctx.get("today") or dt.date(2026, 11, 23)
    keys = {agency.pk: key for key, agency in ctx["agencies"].items()}
    rnd = services.create_round(
        sfj,
        evaluator,
        title=f"{today.year}年下半年行政执法案卷评查",
        period_start=dt.date(today.year, 7, 1),
        period_end=today,
        agencies=list(ctx["agencies"].values()),
        ratio=10,
        min_per_agency=1,
    )
    if not services.eligible_cases(rnd).exists():
        return
    seed = ctx["rng"].getrandbits(256).to_bytes(32, "big").hex()
    services.sample(rnd, evaluator, seed_hex=seed)
    for sheet in rnd.sheets.order_by("order"):
        deductions, comment = SCORES.get(keys.get(sheet.agency_id), ({}, ""))
        sheet = services.submit_sheet(sheet, evaluator, deductions=deductions, comment=comment)
        if keys.get(sheet.agency_id) == "scj":
            services.issue_rectification(
                sheet,
                evaluator,
                requirements="一、补正事先告知书送达回证；二、补充上传现场检查音像记录；"
                "三、组织办案人员学习证据规则，并报送整改报告。",
            )
    services.conclude(rnd, evaluator)
    ctx["evaluation_round"] = rnd
