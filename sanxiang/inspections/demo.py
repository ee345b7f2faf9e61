"""Demo data of 双随机、一公开 for the market-regulation bureau (scj): a target register,
one completed and published plan (last quarter) and one drawn plan with open tasks.

Built through the services; the seeds come from ``ctx["rng"]`` so the demo is deterministic.
"""

import datetime as dt

from sanxiang.org.demo import make_usci

from . import services
from .models import RiskClass, TaskResult

REGION_CODE = "330000"

# (name, address street, risk class)
TARGETS = [
    ("青禾县禾丰超市有限公司", "城关镇人民路22号", RiskClass.A),
    ("青禾县百味餐饮管理有限公司", "城关镇解放街8号", RiskClass.B),
    ("青禾县清泉食品商行", "城关镇清泉路15号", RiskClass.B),
    ("青禾县好邻居便利店有限公司", "城关镇新华路3号", RiskClass.A),
    ("青禾县金穗粮油贸易有限公司", "禾溪镇粮站路1号", RiskClass.B),
    ("青禾县鲜达冷链物流有限公司", "工业园区纬二路6号", RiskClass.C),
    ("青禾县小桥面馆", "城关镇小桥街12号", RiskClass.B),
    ("青禾县优品烘焙坊有限公司", "城关镇文昌路40号", RiskClass.A),
    ("青禾县阳光学校食堂服务有限公司", "城关镇教育路2号", RiskClass.C),
    ("青禾县老街卤味店", "城关镇老街35号", RiskClass.D),
    ("青禾县惠民药房连锁有限公司", "城关镇健康路9号", RiskClass.B),
    ("青禾县山里香农产品专业合作社", "石门乡石门村", RiskClass.B),
    ("青禾县迅捷电器商城有限公司", "城关镇商贸城A区", RiskClass.A),
    ("青禾县华宇建材有限公司", "工业园区经一路18号", RiskClass.C),
    ("青禾县甜蜜饮品店", "城关镇步行街5号", RiskClass.D),
    ("青禾县绿源蔬菜批发有限公司", "禾溪镇农贸市场", RiskClass.B),
    ("青禾县福满楼酒家有限公司", "城关镇滨江路66号", RiskClass.A),
    ("青禾县康健保健品经营部", "城关镇健康路21号", RiskClass.D),
    ("青禾县顺心汽车维修有限公司", "城关镇环城东路88号", RiskClass.B),
    ("青禾县万家乐购物广场有限公司", "城关镇人民路100号", RiskClass.A),
    ("青禾县乐享儿童用品店", "城关镇新华路27号", RiskClass.C),
    ("青禾县田园茶叶有限公司", "茶山乡茶园路1号", RiskClass.A),
    ("青禾县聚鲜水产经营部", "禾溪镇农贸市场", RiskClass.B),
    ("青禾县恒通加油站有限公司", "城关镇环城西路2号", RiskClass.B),
]


def _kind(name):
    """USCI registration code: 91 company, 93 farmers' co-operative, 92 individual business."""
    if name.endswith("公司"):
        return "91"
    return "93" if name.endswith("合作社") else "92"


def _seed(ctx):
    return ctx["rng"].getrandbits(256).to_bytes(32, "big").hex()


def load(ctx):
    agency = ctx["agencies"]["scj"]
    head = ctx["heads"]["scj"]
    handler = ctx["officers"]["scj"][0].user
    today = ctx.get("today") or dt.date(2026, 11, 23)
    for n, (name, street, risk) in enumerate(TARGETS, start=1):
        services.add_target(
            agency,
            handler,
            name=name,
            usci=make_usci(_kind(name), REGION_CODE, f"MA2QH{n:04d}"),
            address=f"青禾县{street}",
            risk_class=risk,
        )
    item = services.inspection_items(agency).first()
    if item is None:  # the catalog demo publishes one; nothing to plan without it
        return

    done = services.create_plan(
        agency,
        handler,
        item=item,
        title=f"{today.year}年第三季度{item.name}双随机抽查",
        start_date=dt.date(today.year, 7, 1),
        end_date=dt.date(today.year, 9, 30),
        ratio_a=3,
        ratio_b=5,
        ratio_c=10,
        ratio_d=20,
        inspectors_per_task=2,
    )
    services.draw(done, head, seed_hex=_seed(ctx))
    outcomes = [
        (TaskResult.NO_PROBLEM, ""),
        (TaskResult.RECTIFY, "进货查验记录不全，已责令限期整改。"),
        (TaskResult.NO_PROBLEM, ""),
        (TaskResult.CASE, "发现销售超过保质期食品的违法线索，已移交办案机构立案调查。"),
        (TaskResult.NOT_FOUND, "登记住所无经营场所，经电话联系未果。"),
    ]
    for i, task in enumerate(done.tasks.order_by("order")):
        result, note = outcomes[i % len(outcomes)]
        inspector = task.officers.order_by("id").first().user
        services.record_result(task, inspector, result=result, note=note)
    services.complete_plan(done, head)
    services.publish_plan(done, head)

    current = services.create_plan(
        agency,
        handler,
        item=item,
        title=f"{today.year}年第四季度{item.name}双随机抽查",
        start_date=dt.date(today.year, 10, 1),
        end_date=dt.date(today.year, 12, 31),
        ratio_a=5,
        ratio_b=10,
        ratio_c=20,
        ratio_d=40,
        inspectors_per_task=2,
    )
    services.draw(current, handler, seed_hex=_seed(ctx))
    first = current.tasks.order_by("order").first()
    services.record_result(
        first, first.officers.order_by("id").first().user, result=TaskResult.NO_PROBLEM
    )
    ctx["inspection_plans"] = {"published": done, "drawn": current}
