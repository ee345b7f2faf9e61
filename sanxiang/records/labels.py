"""The mandatory labels of a recording (案件编号、执法活动、时间、地点、采集人、证明事项)
and the interruption notes (中断原因). ``clean_labels`` validates and normalises them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import RecordedActivity
from sanxiang.org.models import Officer

from .sniff import MediaKind, allowed_extensions, extension_of

MAX_TEXT = 2000
CLOCK_SKEW = dt.timedelta(minutes=10)


def _text(labels, key, label, errors, max_len=200, required=True):
    value = labels.get(key)
    value = "" if value is None else str(value).strip()
    if required and not value:
        errors.append(_("请填写%(label)s。") % {"label": label})
    elif len(value) > max_len:
        errors.append(_("%(label)s过长（最多 %(n)d 字）。") % {"label": label, "n": max_len})
    return value


def _when(value, label, errors):
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        parsed = parse_datetime(str(value or "").strip()) if value else None
    if parsed is None:
        errors.append(_("%(label)s格式不正确，应为“年-月-日 时:分”。") % {"label": label})
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _bool(value):
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"1", "true", "yes", "on", "是"}


def clean_labels(case, labels: dict, now=None) -> dict:
    """Validate ``labels`` for an upload to ``case``; returns the JSON-ready normal form.

    Raises ``DomainError`` listing every problem (``details``) in Chinese.
    """
    now = now or clock.now()
    errors = []
    activity = str(labels.get("activity") or "").strip()
    if activity not in RecordedActivity.values:
        errors.append(_("请选择所记录的执法活动。"))
    start = _when(labels.get("recorded_start"), _("记录开始时间"), errors)
    end = _when(labels.get("recorded_end"), _("记录结束时间"), errors)
    if start and end:
        if end < start:
            errors.append(_("记录结束时间不能早于开始时间。"))
        if start > now + CLOCK_SKEW:
            errors.append(_("记录开始时间不能晚于当前时间。"))
    place = _text(labels, "place", _("地点"), errors)
    proves = _text(labels, "proves", _("证明事项"), errors, max_len=MAX_TEXT)
    filename = _text(labels, "filename", _("文件名"), errors, max_len=255)
    kind = str(labels.get("kind") or "").strip()
    if kind not in MediaKind.values:
        errors.append(_("请选择文件类别（照片、录音、录像或电子文件）。"))
    ext = extension_of(filename)
    if filename and ext not in allowed_extensions():
        errors.append(
            _("不支持的文件类型“%(ext)s”。支持：%(list)s。")
            % {"ext": ext or _("无扩展名"), "list": "、".join(allowed_extensions())}
        )
    collector_id = labels.get("collector")
    collector = None
    try:
        collector = Officer.objects.get(pk=int(collector_id), agency_id=case.agency_id)
        if not collector.is_active:
            errors.append(_("采集人 %(name)s 已不在岗。") % {"name": collector.name})
    except (TypeError, ValueError, Officer.DoesNotExist):
        errors.append(_("请选择本机关的执法人员作为采集人。"))
    interruptions = []
    raw = labels.get("interruptions") or []
    if not isinstance(raw, list):
        errors.append(_("中断说明格式不正确。"))
        raw = []
    for i, item in enumerate(raw, start=1):
        item = item if isinstance(item, dict) else {}
        stopped = _when(item.get("stopped_at"), _("第%(n)d处中断的停止时间") % {"n": i}, errors)
        restarted = _when(item.get("restarted_at"), _("第%(n)d处中断的恢复时间") % {"n": i}, errors)
        reason = str(item.get("reason") or "").strip()
        if not reason:
            errors.append(
                _("第%(n)d处中断须说明原因（如电量不足、存储已满、天气恶劣）。") % {"n": i}
            )
        if stopped and restarted and restarted < stopped:
            errors.append(_("第%(n)d处中断的恢复时间早于停止时间。") % {"n": i})
        if stopped and start and end and not (start <= stopped <= end):
            errors.append(_("第%(n)d处中断的停止时间不在记录时间范围内。") % {"n": i})
        if stopped and restarted and reason:
            interruptions.append(
                {
                    "stopped_at": stopped.isoformat(),
                    "restarted_at": restarted.isoformat(),
                    "reason": reason[:500],
                }
            )
    capture = {}
    if labels.get("captured_at"):  # field mode: hashed on the phone at this time
        captured = _when(labels.get("captured_at"), _("采集时间"), errors)
        if captured and captured > now + CLOCK_SKEW:
            errors.append(_("采集时间不能晚于当前时间。"))
        if captured:
            capture["captured_at"] = captured.isoformat()
        capture["device_id"] = str(labels.get("device_id") or "").strip()[:64]
    if errors:
        raise DomainError(
            _("音像记录的标注不完整或有误：%(e)s") % {"e": "；".join(errors)},
            details=errors,
            code=ErrorCode.MISSING_MATERIAL,
        )
    return {
        **capture,
        "case": case.pk,
        "case_number": str(getattr(case, "number", "") or ""),
        "activity": activity,
        "recorded_start": start.isoformat(),
        "recorded_end": end.isoformat(),
        "place": place,
        "collector": collector.pk,
        "collector_name": collector.name,
        "proves": proves,
        "interruptions": interruptions,
        "is_evidence": _bool(labels.get("is_evidence")),
        "filename": filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1],
        "kind": kind,
    }
