"""Permission checks used by services (not only views)."""

from django.utils.translation import gettext_lazy as _

from sanxiang.core.errors import PermissionDenied

from .models import Role
from .scoping import can_see_agency


def require_role(user, *roles, message=None):
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("请先登录。"))
    if user.is_superuser and Role.ADMIN in roles:
        return
    if user.role not in roles:
        names = "、".join(str(Role(r).label) for r in roles)
        raise PermissionDenied(
            message or _("此操作需要以下角色之一：%(roles)s。") % {"roles": names}
        )


def require_agency_access(user, agency_id, message=None):
    if not can_see_agency(user, agency_id):
        raise PermissionDenied(message or _("您无权访问其他机关的数据。"))


def require_same_agency(user, agency_id, message=None):
    """Acting (not just seeing) needs membership of the agency itself."""
    if user.is_superuser and user.agency_id is None:
        return
    if user.agency_id != agency_id:
        raise PermissionDenied(message or _("您只能办理本机关的事务。"))
