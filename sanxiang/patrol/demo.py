"""Demo data of 网上巡查: one concluded patrol round of the county 司法局 over the current
quarter, scored by the supervisor ``sfj_jd01``, with findings and one open rectification
notice to the agency with the most findings.

The publicity demo publishes its decisions when the demo is loaded, so the round covers the
quarter of the loading day (clock.today()); several of those decisions are published late
(decided 20 and 420 days before the demo day), one is withdrawn. Built through the services;
the seed comes from ``ctx["rng"]``.
"""

from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.org.models import User

from . import services

# manual deductions by order of the item within its agency (0-based), per agency key
MANUAL = {
    "scj": {
        0: ({"accuracy": (5, "公示的罚款数额与决定书不一致。")}, "请核对决定书后更正。"),
        1: ({"standard": (4, "标题未写明违法行为。")}, ""),
    },
    "cg": {0: ({"privacy": (2, "过度隐去了法人名称。")}, "")},
}


def load(ctx):
    sfj = ctx.get("supervisor_agency")
    patroller = User.objects.filter(username="sfj_jd01").first()
    agencies = ctx.get("agencies") or {}
    if sfj is None or patroller is None or not agencies:
        return
    today = clock.today()
    try:
        rnd = services.create_round(
            sfj,
            patroller,
            year=today.year,
            quarter=(today.month - 1) // 3 + 1,
            agencies=list(agencies.values()),
            sample_size=3,
        )
    except DomainError:
        return
    if not services.eligible_publications(rnd).exists():
        return
    seed = ctx["rng"].getrandbits(256).to_bytes(32, "big").hex()
    rnd = services.sample(rnd, patroller, seed_hex=seed)
    keys = {agency.pk: key for key, agency in agencies.items()}
    position = {}
    for item in rnd.items.order_by("order"):
        n = position.get(item.agency_id, 0)
        position[item.agency_id] = n + 1
        deductions, comment = MANUAL.get(keys.get(item.agency_id), {}).get(n, ({}, ""))
        services.submit_item(item, patroller, deductions=deductions, comment=comment)
    counts = {
        agency_id: len(services.items_with_findings(rnd, agency_id)) for agency_id in position
    }
    worst = max(counts, key=lambda a: (counts[a], -a), default=None)
    if worst is not None and counts[worst]:
        services.issue_notice(
            rnd,
            next(a for a in agencies.values() if a.pk == worst),
            patroller,
            requirements="一、对逾期公示的决定说明原因，落实“7个工作日内公示”的责任人；"
            "二、更正与决定书不一致的公示内容；三、报送整改报告。",
        )
    services.conclude(rnd, patroller)
    ctx["patrol_round"] = rnd
