"""Organisation services: the only writers of agencies, users' roles and certificates.

Each service checks the rule and the actor's permission, writes the change and appends
the ledger event in one transaction.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import EnforcementField
from sanxiang.core.ids import usci_error
from sanxiang.ledger.events import EventType

from .models import (
    Agency,
    AgencyKind,
    Certificate,
    CertificateEvent,
    CertificateStatus,
    Role,
    User,
)
from .permissions import require_role


def _ledger(event_type, subject, payload, actor):
    from sanxiang.ledger.services import append

    return append(event_type, subject, payload, actor)


def _validate_fields(fields):
    valid = set(EnforcementField.values)
    bad = [f for f in fields if f not in valid]
    if bad:
        raise DomainError(_("未知的执法领域：%(f)s。") % {"f": "、".join(bad)})
    return list(dict.fromkeys(fields))


# --------------------------------------------------------------------------- agencies


@transaction.atomic
def create_agency(
    *,
    name,
    level,
    usci,
    region,
    kind=AgencyKind.ENFORCEMENT,
    parent=None,
    fields=(),
    actor=None,
    **extra,
):
    """Create an agency node; validates the USCI (GB 32100-2015) and the tree."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    error = usci_error(usci)
    if error:
        raise DomainError(error)
    usci = usci.strip().upper()
    if Agency.objects.filter(usci=usci).exists():
        raise DomainError(
            _("统一社会信用代码 %(c)s 已被其他机关使用。") % {"c": usci}, ErrorCode.CONFLICT
        )
    if not name or not name.strip():
        raise DomainError(_("机关名称不能为空。"))
    agency = Agency(
        name=name.strip(),
        level=level,
        usci=usci,
        region=region,
        kind=kind,
        parent=parent,
        fields=_validate_fields(list(fields)),
        **extra,
    )
    agency.full_clean(exclude=["path"])
    agency.save()
    agency.path = f"{parent.path if parent else '/'}{agency.pk}/"
    agency.save(update_fields=["path"])
    _ledger(
        EventType.AGENCY_CREATED,
        f"agency:{agency.pk}",
        {
            "name": agency.name,
            "usci": agency.usci,
            "kind": agency.kind,
            "level": agency.level,
            "parent": parent.pk if parent else None,
        },
        actor,
    )
    return agency


# --------------------------------------------------------------------------- users


@transaction.atomic
def create_user(*, username, password, role, agency=None, full_name="", actor=None, **extra):
    if actor is not None:
        require_role(actor, Role.ADMIN)
    if role not in Role.values:
        raise DomainError(_("未知角色：%(r)s。") % {"r": role})
    if role != Role.ADMIN and agency is None:
        raise DomainError(_("除系统管理员外，用户必须属于一个机关。"))
    if role == Role.SUPERVISOR and agency is not None and agency.kind != AgencyKind.SUPERVISOR:
        raise DomainError(_("监督人员必须属于司法行政部门。"))
    if User.objects.filter(username=username).exists():
        raise DomainError(_("用户名 %(u)s 已存在。") % {"u": username}, ErrorCode.CONFLICT)
    user = User(username=username, role=role, agency=agency, full_name=full_name, **extra)
    user.set_password(password)
    if role == Role.ADMIN:
        user.is_staff = True
        user.is_superuser = agency is None
    elif role in (Role.HEAD, Role.SUPERVISOR):
        user.is_staff = True  # Django admin (scoped) for organisation and catalogues
    user.save()
    return user


# --------------------------------------------------------------------------- certificates


def _cert_payload(cert, **more):
    data = {
        "number": cert.number,
        "officer": cert.officer_id,
        "officer_name": cert.officer.name,
        "agency": cert.agency_id,
        "fields": cert.fields,
        "region": cert.region,
        "issued_on": cert.issued_on.isoformat(),
        "expires_on": cert.expires_on.isoformat(),
        "status": cert.status,
    }
    data.update(more)
    return data


def _actor_name(actor):
    return actor.display_name if actor is not None else "system"


@transaction.atomic
def issue_certificate(*, officer, number, fields, region, issued_on, expires_on, actor=None):
    if actor is not None:
        require_role(actor, Role.ADMIN, Role.SUPERVISOR)
    number = (number or "").strip()
    if not number:
        raise DomainError(_("执法证号不能为空。"))
    if Certificate.objects.filter(number=number).exists():
        raise DomainError(_("执法证号 %(n)s 已存在。") % {"n": number}, ErrorCode.CONFLICT)
    if expires_on <= issued_on:
        raise DomainError(_("有效期截止日期必须晚于发证日期。"))
    fields = _validate_fields(list(fields))
    if not fields:
        raise DomainError(_("执法证至少应载明一个执法类别。"))
    cert = Certificate.objects.create(
        number=number,
        officer=officer,
        agency=officer.agency,
        fields=fields,
        region=region,
        issued_on=issued_on,
        expires_on=expires_on,
    )
    CertificateEvent.objects.create(
        certificate=cert,
        action="issue",
        to_status=cert.status,
        actor=actor,
        actor_name=_actor_name(actor),
    )
    _ledger(EventType.CERTIFICATE_ISSUED, f"certificate:{cert.number}", _cert_payload(cert), actor)
    return cert


_TRANSITIONS = {
    "suspend": (
        CertificateStatus.VALID,
        CertificateStatus.SUSPENDED,
        EventType.CERTIFICATE_SUSPENDED,
    ),
    "reinstate": (
        CertificateStatus.SUSPENDED,
        CertificateStatus.VALID,
        EventType.CERTIFICATE_REINSTATED,
    ),
    "revoke": (None, CertificateStatus.REVOKED, EventType.CERTIFICATE_REVOKED),
}
_ACTION_LABELS = {"suspend": "暂扣", "reinstate": "恢复", "revoke": "吊销"}


@transaction.atomic
def change_certificate_status(cert, action, *, reason, actor=None):
    """suspend / reinstate / revoke a certificate with a reason, keeping its history."""
    if actor is not None:
        require_role(actor, Role.ADMIN, Role.SUPERVISOR)
    if action not in _TRANSITIONS:
        raise DomainError(_("未知操作：%(a)s。") % {"a": action})
    if not reason or not reason.strip():
        raise DomainError(_("%(a)s执法证必须填写原因。") % {"a": _ACTION_LABELS[action]})
    cert = Certificate.objects.select_for_update().get(pk=cert.pk)
    required, target, event_type = _TRANSITIONS[action]
    if cert.status == CertificateStatus.REVOKED:
        raise DomainError(
            _("执法证 %(n)s 已吊销，不能再变更状态。") % {"n": cert.number},
            ErrorCode.ILLEGAL_TRANSITION,
        )
    if required is not None and cert.status != required:
        raise DomainError(
            _("执法证 %(n)s 当前状态为“%(s)s”，不能%(a)s。")
            % {"n": cert.number, "s": cert.get_status_display(), "a": _ACTION_LABELS[action]},
            ErrorCode.ILLEGAL_TRANSITION,
        )
    old = cert.status
    cert.status = target
    cert.status_reason = reason.strip()
    cert.save(update_fields=["status", "status_reason"])
    CertificateEvent.objects.create(
        certificate=cert,
        action=action,
        from_status=old,
        to_status=target,
        reason=reason.strip(),
        actor=actor,
        actor_name=_actor_name(actor),
    )
    _ledger(
        event_type, f"certificate:{cert.number}", _cert_payload(cert, reason=reason.strip()), actor
    )
    return cert


# --------------------------------------------------------------------------- may enforce


@dataclass(frozen=True)
class EnforceCheck:
    allowed: bool
    reason: str
    certificate: Certificate | None = None

    def __bool__(self):
        return self.allowed


def region_covers(cert_region: str, region: str) -> bool:
    """A certificate's region covers ``region`` when equal or when ``region`` lies inside
    it (regions are written from large to small, e.g. "虹桥县" covers "虹桥县城关镇")."""
    cert_region = (cert_region or "").strip()
    region = (region or "").strip()
    return bool(cert_region) and (region == cert_region or region.startswith(cert_region))


def may_enforce(officer, field, region, on_date=None) -> EnforceCheck:
    """May ``officer`` enforce ``field`` in ``region`` on ``on_date``? With the reason."""
    on_date = on_date or clock.today()
    if isinstance(on_date, dt.datetime):
        on_date = on_date.date()
    if not officer.is_active:
        return EnforceCheck(False, _("%(o)s 已不在执法岗位。") % {"o": officer.name})
    certs = list(officer.certificates.all().order_by("-expires_on"))
    if not certs:
        return EnforceCheck(False, _("%(o)s 未取得执法证。") % {"o": officer.name})
    reasons = []
    field_label = EnforcementField(field).label if field in EnforcementField.values else field
    for cert in certs:
        if cert.status == CertificateStatus.REVOKED:
            reasons.append(
                _("执法证 %(n)s 已吊销（%(r)s）") % {"n": cert.number, "r": cert.status_reason}
            )
        elif cert.status == CertificateStatus.SUSPENDED:
            reasons.append(
                _("执法证 %(n)s 已暂扣（%(r)s）") % {"n": cert.number, "r": cert.status_reason}
            )
        elif on_date < cert.issued_on:
            reasons.append(
                _("执法证 %(n)s 于 %(d)s 才生效") % {"n": cert.number, "d": cert.issued_on}
            )
        elif on_date > cert.expires_on:
            reasons.append(
                _("执法证 %(n)s 已于 %(d)s 过期") % {"n": cert.number, "d": cert.expires_on}
            )
        elif field not in cert.fields:
            reasons.append(
                _("执法证 %(n)s 不含“%(f)s”执法类别") % {"n": cert.number, "f": field_label}
            )
        elif not region_covers(cert.region, region):
            reasons.append(
                _("执法证 %(n)s 的执法区域为“%(cr)s”，不含“%(r)s”")
                % {"n": cert.number, "cr": cert.region, "r": region}
            )
        else:
            return EnforceCheck(True, _("执法证 %(n)s 有效。") % {"n": cert.number}, cert)
    return EnforceCheck(
        False, _("%(o)s 不能从事该执法：") % {"o": officer.name} + "；".join(reasons) + "。"
    )


def certificate_public_status(cert, on_date=None):
    """(code, Chinese label) of a certificate as the public credential check shows it."""
    on_date = on_date or clock.today()
    if cert.status == CertificateStatus.REVOKED:
        return "revoked", _("已吊销")
    if cert.status == CertificateStatus.SUSPENDED:
        return "suspended", _("已暂扣")
    if on_date > cert.expires_on:
        return "expired", _("已过期")
    if on_date < cert.issued_on:
        return "not_yet_valid", _("尚未生效")
    return "valid", _("有效")
