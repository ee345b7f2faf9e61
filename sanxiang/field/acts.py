"""The forms of the on-site acts (现场笔录) captured on the phone, validated per act kind.

Each act kind of the field app is one of the case's recorded activities
(``core.fields.RecordedActivity``); the cleaned fields are stored on the case event
(``data["field"]["act"]``) and rendered into its description, so the case timeline shows them.
"""

from __future__ import annotations

import math
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import RecordedActivity

TEXT_MAX = 2000
SHORT_MAX = 200
MAX_ROWS = 50

# act kind -> the name of its form (笔录/清单) shown on the phone and stored with the act
FORMS = {
    RecordedActivity.ON_SITE_INSPECTION: gettext_lazy("现场检查（勘验）笔录"),
    RecordedActivity.INTERVIEW: gettext_lazy("询问笔录"),
    RecordedActivity.EVIDENCE_PRESERVATION: gettext_lazy("证据先行登记保存清单"),
    RecordedActivity.SEIZURE: gettext_lazy("查封（扣押）现场笔录及清单"),
}

_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _bad():
    return DomainError(_("现场笔录内容格式不正确。"), code=ErrorCode.BAD_FORMAT)


def _text(raw, key, limit=TEXT_MAX):
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)):
        raise _bad()
    return str(value).strip()[:limit]


def _required(raw, key, message, limit=TEXT_MAX):
    value = _text(raw, key, limit)
    if not value:
        raise DomainError(message, code=ErrorCode.REQUIRED)
    return value


def _rows(raw, key):
    rows = raw.get(key)
    if rows is None:
        return []
    if not isinstance(rows, list) or len(rows) > MAX_ROWS:
        raise _bad()
    out = []
    for row in rows:
        if not isinstance(row, dict):
            raise _bad()
        out.append(row)
    return out


def valid_id_number(value: str) -> bool:
    """18-digit 居民身份证号码 (GB 11643) with its check digit."""
    value = value.upper()
    if not _ID18.match(value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def _inspection(raw):
    return {
        "checked": _required(raw, "checked", _("请填写检查（勘验）的对象和内容。")),
        "findings": _required(raw, "findings", _("请填写现场检查（勘验）发现的情况。")),
    }


def _interview(raw):
    act = {
        "interviewee": _required(raw, "interviewee", _("请填写被询问人姓名。"), SHORT_MAX),
        "id_number": _text(raw, "id_number", 18).upper(),
        "relation": _required(raw, "relation", _("请填写被询问人与当事人的关系。"), SHORT_MAX),
        "qa": [],
    }
    if act["id_number"] and not valid_id_number(act["id_number"]):
        raise DomainError(
            _("被询问人身份证号码不正确（应为 18 位，末位校验码须正确），可不填。"),
            code=ErrorCode.BAD_FORMAT,
        )
    for n, row in enumerate(_rows(raw, "qa"), start=1):
        q, a = _text(row, "q"), _text(row, "a")
        if not q and not a:
            continue
        if not q:
            raise DomainError(_("第 %(n)d 组问答缺少提问。") % {"n": n}, code=ErrorCode.REQUIRED)
        if not a:
            raise DomainError(_("第 %(n)d 组问答缺少回答。") % {"n": n}, code=ErrorCode.REQUIRED)
        act["qa"].append({"q": q, "a": a})
    if not act["qa"]:
        raise DomainError(_("询问笔录请至少记录一组问答。"), code=ErrorCode.REQUIRED)
    return act


def _items(raw, fields, empty_message):
    """``fields``: (key, required message with %(n)d or None when optional)."""
    items = []
    for n, row in enumerate(_rows(raw, "items"), start=1):
        item = {key: _text(row, key, SHORT_MAX) for key, _m in fields}
        if not any(item.values()):
            continue
        for key, message in fields:
            if message and not item[key]:
                raise DomainError(message % {"n": n}, code=ErrorCode.REQUIRED)
        items.append(item)
    if not items:
        raise DomainError(empty_message, code=ErrorCode.REQUIRED)
    return items


def _evidence(raw):
    return {
        "items": _items(
            raw,
            [
                ("name", _("第 %(n)d 项证据缺少名称。")),
                ("quantity", _("第 %(n)d 项证据缺少数量。")),
                ("kept_at", _("第 %(n)d 项证据缺少保存地点。")),
            ],
            _("证据登记保存请至少登记一项证据。"),
        )
    }


def _seizure(raw):
    return {
        "items": _items(
            raw,
            [
                ("name", _("第 %(n)d 项物品缺少名称。")),
                ("spec", None),
                ("quantity", _("第 %(n)d 项物品缺少数量。")),
            ],
            _("查封扣押请至少列明一项物品。"),
        ),
        "custody_place": _required(raw, "custody_place", _("请填写查封扣押物品的存放地点。")),
        "legal_basis": _required(raw, "legal_basis", _("请填写查封扣押的法律依据。")),
    }


_CLEANERS = {
    RecordedActivity.ON_SITE_INSPECTION: _inspection,
    RecordedActivity.INTERVIEW: _interview,
    RecordedActivity.EVIDENCE_PRESERVATION: _evidence,
    RecordedActivity.SEIZURE: _seizure,
}


def clean_act(activity: str, raw) -> dict:
    """The structured fields of the act ``activity`` (a field act kind), or a DomainError."""
    if activity not in _CLEANERS:
        raise DomainError(
            _("移动端只能记录现场检查（勘验）、询问调查、先行登记保存证据、查封扣押。"),
            code=ErrorCode.BAD_CHOICE,
        )
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise _bad()
    return _CLEANERS[activity](raw)


def clean_location(raw) -> dict | None:
    """Latitude/longitude/accuracy taken on the phone when the officer allowed it."""
    if raw in (None, "", {}):
        return None
    if not isinstance(raw, dict):
        raise DomainError(_("定位数据格式不正确。"), code=ErrorCode.BAD_FORMAT)
    try:
        lat, lon = float(raw.get("latitude")), float(raw.get("longitude"))
        acc = float(raw.get("accuracy")) if raw.get("accuracy") is not None else None
    except (TypeError, ValueError):
        raise DomainError(_("定位数据格式不正确。"), code=ErrorCode.BAD_FORMAT)
    numbers = [lat, lon] + ([acc] if acc is not None else [])
    if (
        not all(math.isfinite(x) for x in numbers)
        or not -90 <= lat <= 90
        or not -180 <= lon <= 180
        or (acc is not None and acc < 0)
    ):
        raise DomainError(_("定位数据超出范围。"), code=ErrorCode.BAD_FORMAT)
    out = {"latitude": round(lat, 7), "longitude": round(lon, 7), "accuracy": acc}
    if raw.get("taken_at"):
        out["taken_at"] = str(raw["taken_at"])[:40]
    return out


def location_text(loc: dict | None) -> str:
    if not loc:
        return ""
    text = _("定位：纬度 %(lat).6f，经度 %(lon).6f") % {
        "lat": loc["latitude"],
        "lon": loc["longitude"],
    }
    if loc.get("accuracy") is not None:
        text += _("（精度约 %(a)d 米）") % {"a": round(loc["accuracy"])}
    return text


def describe(activity: str, act: dict, notes: str = "", location: dict | None = None) -> str:
    """The act as one readable text (the case event's description)."""
    parts = []
    if activity == RecordedActivity.ON_SITE_INSPECTION:
        parts.append(_("检查（勘验）内容：%(c)s") % {"c": act["checked"]})
        parts.append(_("发现情况：%(f)s") % {"f": act["findings"]})
    elif activity == RecordedActivity.INTERVIEW:
        who = _("被询问人：%(n)s（与当事人关系：%(r)s") % {
            "n": act["interviewee"],
            "r": act["relation"],
        }
        if act["id_number"]:
            who += _("，身份证号码 %(i)s") % {"i": act["id_number"]}
        parts.append(who + "）")
        parts.extend(_("问：%(q)s 答：%(a)s") % qa for qa in act["qa"])
    elif activity == RecordedActivity.EVIDENCE_PRESERVATION:
        parts.append(
            _("登记保存证据：%(items)s")
            % {
                "items": "、".join(
                    _("%(name)s %(quantity)s（保存于%(kept_at)s）") % i for i in act["items"]
                )
            }
        )
    elif activity == RecordedActivity.SEIZURE:
        parts.append(
            _("查封扣押物品：%(items)s")
            % {
                "items": "、".join(
                    " ".join(x for x in (i["name"], i["spec"], i["quantity"]) if x)
                    for i in act["items"]
                )
            }
        )
        parts.append(_("存放地点：%(p)s") % {"p": act["custody_place"]})
        parts.append(_("法律依据：%(b)s") % {"b": act["legal_basis"]})
    if location:
        parts.insert(1, location_text(location))
    if notes:
        parts.append(_("备注：%(n)s") % {"n": notes})
    return "；".join(parts)
