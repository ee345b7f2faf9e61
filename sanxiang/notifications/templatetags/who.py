"""Who did what, in the audit trails: ``{% who user stored_name %}`` renders
「姓名（角色，账号 username）」 so two people of the same name are never confused; when the
account is gone (or the act was the system's) it falls back to the name recorded then.

``{{ value|party_type_label }}`` words a party type code (当事人类别) in Chinese;
``{{ value|stamp }}`` shows a time stored as ISO text as local 「2026-11-21 10:35」."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()

SYSTEM_NAMES = {"", "system", "系统"}


def describe(user, fallback: str = "") -> str:
    if user is None or not getattr(user, "pk", None):
        return _("系统") if (fallback or "") in SYSTEM_NAMES else fallback
    name = getattr(user, "display_name", "") or user.get_username()
    role = user.get_role_display() if hasattr(user, "get_role_display") else ""
    if role:
        return _("%(name)s（%(role)s，账号 %(account)s）") % {
            "name": name,
            "role": role,
            "account": user.get_username(),
        }
    return _("%(name)s（账号 %(account)s）") % {"name": name, "account": user.get_username()}


@register.simple_tag
def who(user=None, fallback=""):
    return describe(user, fallback)


@register.filter
def party_type_label(value):
    from sanxiang.core.fields import PartyType

    try:
        return PartyType(value).label
    except ValueError:
        return value or ""


@register.filter
def publication_label(pub):
    """A publication as people name it: its 文号, else 案由 and decision date (never the
    internal source key)."""
    if getattr(pub, "document_number", ""):
        return pub.document_number
    title = (getattr(pub, "source", None) or {}).get("title") or _("未编文号的决定")
    d = getattr(pub, "decision_date", None)
    if d:
        return _("%(t)s（%(y)s年%(m)s月%(d)s日决定）") % {
            "t": title,
            "y": d.year,
            "m": d.month,
            "d": d.day,
        }
    return title


# How each answer of the review checklist reads after its question: 「符合」 after
# 「违法行为是否涉嫌犯罪、需要移送司法机关」 would read as "yes, a crime".
_ANSWERS = {
    "crime": {
        "ok": "未发现涉嫌犯罪，无需移送",
        "problem": "涉嫌犯罪，需要移送司法机关",
        "na": "不适用",
    },
}
_DEFAULT_ANSWERS = {"ok": "符合", "problem": "存在问题", "na": "不适用"}


@register.simple_tag
def finding_answer(point, result):
    """The wording of answer ``result`` to checklist question ``point``."""
    text = _ANSWERS.get(str(point), _DEFAULT_ANSWERS).get(str(result))
    return _(text) if text else ""


@register.filter
def stamp(value):
    """A time stored as ISO text (JSON fields) as people read it: local 「2026-11-21 10:35」,
    never 「2026-11-21T02:35:00+00:00」. Text that is not a time is shown as it is."""
    import datetime as dt

    from django.utils import timezone

    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        return value if value is not None else ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")
