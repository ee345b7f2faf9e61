"""Demo data of field mode: two phones of the market-regulation bureau (scj) handlers,
one of them revoked by the head as lost. Deterministic (``ctx["rng"]``)."""

import uuid

from sanxiang.org.models import Role, User

from . import services


def load(ctx):
    agency = (ctx.get("agencies") or {}).get("scj")
    if agency is None:
        return
    rng = ctx["rng"]
    handlers = list(
        User.objects.filter(agency=agency, role=Role.HANDLER, is_active=True).order_by("pk")[:2]
    )
    head = User.objects.filter(agency=agency, role=Role.HEAD, is_active=True).first()
    devices = []
    for user, label in zip(
        handlers, ("执法记录手机（华为）", "执法记录手机（小米）"), strict=False
    ):
        device_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        devices.append(services.register_device(user, device_id, label))
    if head is not None and len(devices) == 2:
        services.revoke_device(head, devices[1].pk, "执法人员报告手机在检查途中遗失")
    ctx["field_devices"] = devices
