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
from sanxiang.ledger import personal
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append_event

from .models import (
    Agency,
    AgencyKind,
    AgencyLevel,
    Certificate,
    CertificateEvent,
    CertificateStatus,
    Officer,
    Role,
    User,
)
from .permissions import require_agency_access, require_role


def _validate_fields(fields):
    valid = set(EnforcementField.values)
    bad = [f for f in fields if f not in valid]
    if bad:
        raise DomainError(
            _("未知的执法领域：%(f)s。") % {"f": "、".join(bad)}, code=ErrorCode.BAD_CHOICE
        )
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
        raise DomainError(error, code=ErrorCode.BAD_FORMAT)
    usci = usci.strip().upper()
    if Agency.objects.filter(usci=usci).exists():
        raise DomainError(
            _("统一社会信用代码 %(c)s 已被其他机关使用。") % {"c": usci}, ErrorCode.CONFLICT
        )
    if not name or not name.strip():
        raise DomainError(_("机关名称不能为空。"), code=ErrorCode.REQUIRED)
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
    append_event(EventType.AGENCY_CREATED, f"agency:{agency.pk}", _agency_payload(agency), actor)
    return agency


def _agency_payload(agency):
    """Every editable field of a new agency, its USCI and path: what the reconciliation
    (``ledger/reconcile_rules.py``) compares the row with; the later leaves hold the
    changes (``org.agency_changed``)."""
    data = {"usci": agency.usci, "path": agency.path}
    for name in AGENCY_EDITABLE:
        data[name] = agency.parent_id if name == "parent" else getattr(agency, name)
    return data


# Fields an administrator may change (the USCI and the path are fixed; the tree moves
# through ``parent``).
AGENCY_EDITABLE = (
    "parent",
    "level",
    "kind",
    "name",
    "short_name",
    "region",
    "fields",
    "address",
    "phone",
    "email",
    "complaint_channel",
    "office_hours",
    "review_all_general_penalties",
    "is_active",
)


def _plain(value):
    """A value as it goes into a ledger payload (model instances by primary key)."""
    if hasattr(value, "pk"):
        return value.pk
    return value


def _diff(obj, changes, editable, digested=()):
    """{field: {"before", "after"}} of the fields ``changes`` really changes.

    Fields in ``digested`` (personal data) are recorded as SHA-256 digests, not values.
    """
    from sanxiang.ledger.services import canonical_sha256

    unknown = sorted(set(changes) - set(editable))
    if unknown:
        raise DomainError(
            _("不能修改以下字段：%(f)s。") % {"f": "、".join(unknown)}, code=ErrorCode.UNKNOWN_FIELD
        )
    out = {}
    for name, after in changes.items():
        before = getattr(obj, f"{name}_id") if hasattr(obj, f"{name}_id") else getattr(obj, name)
        after_plain = _plain(after)
        if before == after_plain:
            continue
        if name in digested:
            entry = {
                "before_sha256": canonical_sha256(before or ""),
                "after_sha256": canonical_sha256(after_plain or ""),
            }
        else:
            entry = {"before": before, "after": after_plain}
        out[name] = entry
    return out


@transaction.atomic
def update_agency(agency, *, actor, changes):
    """Change an agency's particulars; one ``org.agency_changed`` leaf with before/after.

    Moving an agency (``parent``) rewrites the materialised path of its whole subtree.
    """
    require_role(actor, Role.ADMIN, message=_("只有系统管理员可以修改执法主体信息。"))
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    require_agency_access(actor, agency.pk)
    changes = dict(changes)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        if not changes["name"]:
            raise DomainError(_("机关名称不能为空。"), code=ErrorCode.REQUIRED)
    if "fields" in changes:
        changes["fields"] = _validate_fields(list(changes["fields"] or []))
    if "level" in changes and changes["level"] not in AgencyLevel.values:
        raise DomainError(_("机关层级无效。"), code=ErrorCode.BAD_CHOICE)
    if "kind" in changes and changes["kind"] not in AgencyKind.values:
        raise DomainError(_("机关类别无效。"), code=ErrorCode.BAD_CHOICE)
    diff = _diff(agency, changes, AGENCY_EDITABLE)
    if not diff:
        return agency
    old_path = agency.path
    if "parent" in diff:
        parent = changes["parent"]
        if parent is not None and parent.path.startswith(old_path):
            raise DomainError(
                _("不能把机关移到其自身或其下级机关之下。"), ErrorCode.ILLEGAL_TRANSITION
            )
    for name in diff:
        setattr(agency, name, changes[name])
    agency.full_clean(exclude=["path", "usci"])
    if "parent" in diff:
        parent = changes["parent"]
        new_path = f"{parent.path if parent else '/'}{agency.pk}/"
        for node in Agency.objects.select_for_update().filter(path__startswith=old_path):
            if node.pk != agency.pk:
                node.path = new_path + node.path[len(old_path) :]
                node.save(update_fields=["path"])
        agency.path = new_path
        diff["path"] = {"before": old_path, "after": new_path}
    agency.save()
    append_event(
        EventType.AGENCY_CHANGED,
        f"agency:{agency.pk}",
        {"usci": agency.usci, "name": agency.name, "changes": diff},
        actor,
    )
    return agency


# --------------------------------------------------------------------------- users


@transaction.atomic
def create_user(*, username, password, role, agency=None, full_name="", actor=None, **extra):
    if actor is not None:
        require_role(actor, Role.ADMIN)
    if role not in Role.values:
        raise DomainError(_("未知角色：%(r)s。") % {"r": role}, code=ErrorCode.BAD_CHOICE)
    if role != Role.ADMIN and agency is None:
        raise DomainError(_("除系统管理员外，用户必须属于一个机关。"), code=ErrorCode.INCONSISTENT)
    if role == Role.SUPERVISOR and agency is not None and agency.kind != AgencyKind.SUPERVISOR:
        raise DomainError(_("监督人员必须属于司法行政部门。"), code=ErrorCode.INCONSISTENT)
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
    append_event(EventType.USER_CREATED, f"user:{user.pk}", _user_payload(user), actor)
    return user


def _user_payload(user, **more):
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "agency": user.agency_id,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        # personal contact data: keyed digests only (#11.4), compared by the reconciliation
        "phone": personal.digest(user.phone),
        "email": personal.digest(user.email),
    }
    data.update(more)
    return data


USER_EDITABLE = (
    "username",
    "full_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "agency",
    "role",
    "is_active",
    "is_staff",
    "is_superuser",
)
_USER_DIGESTED = ("phone", "email")  # personal contact data: digests only in the ledger


@transaction.atomic
def update_user(user, *, actor, changes):
    """Change an account (role, agency, rights, particulars); one ``org.user_changed`` leaf."""
    require_role(actor, Role.ADMIN, message=_("只有系统管理员可以修改用户账号。"))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.agency_id is not None:
        require_agency_access(actor, user.agency_id)
    changes = dict(changes)
    diff = _diff(user, changes, USER_EDITABLE, _USER_DIGESTED)
    if not diff:
        return user
    if "agency" in diff and changes["agency"] is not None:
        require_agency_access(actor, changes["agency"].pk)
    for name in diff:
        setattr(user, name, changes[name])
    if user.role not in Role.values:
        raise DomainError(_("未知角色：%(r)s。") % {"r": user.role}, code=ErrorCode.BAD_CHOICE)
    if user.role != Role.ADMIN and user.agency_id is None:
        raise DomainError(_("除系统管理员外，用户必须属于一个机关。"), code=ErrorCode.INCONSISTENT)
    if user.role == Role.SUPERVISOR and user.agency.kind != AgencyKind.SUPERVISOR:
        raise DomainError(_("监督人员必须属于司法行政部门。"), code=ErrorCode.INCONSISTENT)
    if user.is_superuser and user.agency_id is not None and user.role != Role.ADMIN:
        raise DomainError(
            _("只有系统管理员账号可以拥有超级用户权限。"), code=ErrorCode.INCONSISTENT
        )
    if user.pk == actor.pk and ("is_active" in diff or "is_superuser" in diff or "role" in diff):
        raise DomainError(
            _("不能停用或降低自己的账号权限，请由其他管理员操作。"),
            code=ErrorCode.LEGAL_REQUIREMENT,
        )
    if (
        "username" in diff
        and User.objects.filter(username=user.username).exclude(pk=user.pk).exists()
    ):
        raise DomainError(_("用户名 %(u)s 已存在。") % {"u": user.username}, ErrorCode.CONFLICT)
    user.full_clean(exclude=["password"])
    user.save()
    append_event(
        EventType.USER_CHANGED, f"user:{user.pk}", _user_payload(user, changes=diff), actor
    )
    return user


@transaction.atomic
def record_password_set(user, *, actor):
    """An administrator set (or disabled) another user's password: ledger the fact only."""
    require_role(actor, Role.ADMIN, message=_("只有系统管理员可以重设用户密码。"))
    append_event(
        EventType.USER_CHANGED,
        f"user:{user.pk}",
        _user_payload(user, changes={"password": {"reset_by_admin": True}}),
        actor,
    )
    from sanxiang.apitokens.services import revoke_all

    revoke_all(user, actor=actor, reason="password_reset_by_admin")


# --------------------------------------------------------------------------- officers

OFFICER_EDITABLE = (
    "agency",
    "user",
    "name",
    "gender",
    "id_number",
    "position",
    "unit",
    "is_active",
)
_OFFICER_DIGESTED = ("id_number",)


def _officer_payload(officer, **more):
    data = {
        "agency": officer.agency_id,
        "user": officer.user_id,
        "name": officer.name,
        "gender": officer.gender,
        "id_number": personal.digest(officer.id_number),  # keyed digest only (#11.4)
        "position": officer.position,
        "unit": officer.unit,
        "is_active": officer.is_active,
    }
    data.update(more)
    return data


def _check_officer(officer):
    from sanxiang.core.ids import is_valid_ric

    officer.name = (officer.name or "").strip()
    if not officer.name:
        raise DomainError(_("执法人员姓名不能为空。"), code=ErrorCode.REQUIRED)
    officer.id_number = (officer.id_number or "").strip().upper()
    if officer.id_number and not is_valid_ric(officer.id_number):
        raise DomainError(
            _("居民身份证号码 %(n)s 无效。") % {"n": officer.id_number}, code=ErrorCode.BAD_CHOICE
        )
    if officer.user_id is not None:
        if officer.user.agency_id != officer.agency_id:
            raise DomainError(_("登录账号必须属于执法人员所在机关。"), code=ErrorCode.NOT_IN_SCOPE)
        taken = Officer.objects.filter(user_id=officer.user_id).exclude(pk=officer.pk).exists()
        if taken:
            raise DomainError(_("该登录账号已关联其他执法人员。"), ErrorCode.CONFLICT)


@transaction.atomic
def create_officer(*, agency, name, actor, user=None, **extra):
    """Register an enforcement officer; one ``org.officer_created`` leaf."""
    require_role(actor, Role.ADMIN, message=_("只有系统管理员可以登记执法人员。"))
    unknown = sorted(set(extra) - set(OFFICER_EDITABLE))
    if unknown:
        raise DomainError(
            _("不能填写以下字段：%(f)s。") % {"f": "、".join(unknown)}, code=ErrorCode.UNKNOWN_FIELD
        )
    require_agency_access(actor, agency.pk)
    officer = Officer(agency=agency, name=name, user=user, **extra)
    _check_officer(officer)
    officer.full_clean()
    officer.save()
    append_event(
        EventType.OFFICER_CREATED, f"officer:{officer.pk}", _officer_payload(officer), actor
    )
    return officer


@transaction.atomic
def update_officer(officer, *, actor, changes):
    """Change an officer's particulars; one ``org.officer_changed`` leaf with before/after."""
    require_role(actor, Role.ADMIN, message=_("只有系统管理员可以修改执法人员信息。"))
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    require_agency_access(actor, officer.agency_id)
    diff = _diff(officer, dict(changes), OFFICER_EDITABLE, _OFFICER_DIGESTED)
    if not diff:
        return officer
    if "agency" in diff:
        require_agency_access(actor, changes["agency"].pk)
    for name in diff:
        setattr(officer, name, changes[name])
    _check_officer(officer)
    officer.full_clean()
    officer.save()
    append_event(
        EventType.OFFICER_CHANGED,
        f"officer:{officer.pk}",
        _officer_payload(officer, changes=diff),
        actor,
    )
    return officer


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
        raise DomainError(_("执法证号不能为空。"), code=ErrorCode.REQUIRED)
    if Certificate.objects.filter(number=number).exists():
        raise DomainError(_("执法证号 %(n)s 已存在。") % {"n": number}, ErrorCode.CONFLICT)
    if expires_on <= issued_on:
        raise DomainError(_("有效期截止日期必须晚于发证日期。"), code=ErrorCode.BAD_DATE)
    fields = _validate_fields(list(fields))
    if not fields:
        raise DomainError(_("执法证至少应载明一个执法类别。"), code=ErrorCode.OUT_OF_RANGE)
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
    append_event(
        EventType.CERTIFICATE_ISSUED, f"certificate:{cert.number}", _cert_payload(cert), actor
    )
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
        raise DomainError(_("未知操作：%(a)s。") % {"a": action}, code=ErrorCode.BAD_CHOICE)
    if not reason or not reason.strip():
        raise DomainError(
            _("%(a)s执法证必须填写原因。") % {"a": _ACTION_LABELS[action]},
            code=ErrorCode.REASON_REQUIRED,
        )
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
    append_event(
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
