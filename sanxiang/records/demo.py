"""Demo recordings: a photo, an audio note and a short 'video' on a few cases of each agency.

Files are tiny but valid for the content sniffer (a real PNG, a real WAV made with the
``wave`` module, an MP4 'ftyp' box); they go through the real upload services, so each
is hashed, stored content-addressed and ledgered like a real upload.
"""

import datetime as dt
import io
import struct
import wave
import zlib

from sanxiang.core import clock
from sanxiang.core.fields import RecordedActivity

from . import uploads

ACTIVITIES = [
    (RecordedActivity.ON_SITE_INSPECTION, "现场检查全程录像", "video", "mp4"),
    (RecordedActivity.INTERVIEW, "询问当事人录音", "audio", "wav"),
    (RecordedActivity.EVIDENCE_PRESERVATION, "涉案物品照片", "photo", "png"),
]


def png_bytes(seed, w=16, h=12):
    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = []
    for y in range(h):
        pixels = b"".join(
            bytes(((x * 13 + y * 7 + seed) % 256, (x * 5) % 256, 120)) for x in range(w)
        )
        rows.append(b"\x00" + pixels)
    raw = b"".join(rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def wav_bytes(seed, seconds=1, rate=8000):
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(rate)
        w.writeframes(bytes((128 + ((i * (seed + 3)) % 64) - 32) for i in range(rate * seconds)))
    return buf.getvalue()


def mp4_bytes(seed):
    ftyp = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2"
    payload = bytes((i * 31 + seed) % 256 for i in range(2048))
    return ftyp + struct.pack(">I", 8 + len(payload)) + b"mdat" + payload


def content_for(kind, seed):
    return {"photo": png_bytes, "audio": wav_bytes, "video": mp4_bytes}[kind](seed)


def load(ctx):
    from sanxiang.cases.models import Case, CaseHandler

    count = 0
    now = clock.now()
    for key, agency in ctx["agencies"].items():
        cases = list(Case.objects.filter(agency=agency).exclude(number="").order_by("id")[:3])
        for ci, case in enumerate(cases):
            handler = (
                CaseHandler.objects.filter(case=case, officer__user__isnull=False)
                .select_related("officer__user")
                .first()
            )
            if handler is None:
                continue
            user = handler.officer.user
            base = case.opened_at or now - dt.timedelta(days=1)
            start = min(base + dt.timedelta(hours=2), now - dt.timedelta(hours=1))
            for ai, (activity, proves, kind, ext) in enumerate(ACTIVITIES[: 3 - ci % 2]):
                data = content_for(kind, seed=ci * 10 + ai + len(key))
                rec_start = start + dt.timedelta(minutes=20 * ai)
                labels = {
                    "activity": activity,
                    "recorded_start": rec_start.isoformat(),
                    "recorded_end": (rec_start + dt.timedelta(minutes=15)).isoformat(),
                    "place": case.place or agency.region,
                    "collector": handler.officer.pk,
                    "proves": f"{proves}：{case.title}",
                    "filename": f"{case.number or case.pk}-{ai + 1}.{ext}",
                    "kind": kind,
                    "is_evidence": ai == 2,
                    "interruptions": [
                        {
                            "stopped_at": (rec_start + dt.timedelta(minutes=5)).isoformat(),
                            "restarted_at": (rec_start + dt.timedelta(minutes=6)).isoformat(),
                            "reason": "执法记录仪电量不足，更换备用电池后继续录制",
                        }
                    ]
                    if kind == "video" and ci == 0
                    else [],
                }
                session = uploads.create_upload(user, case, len(data), labels)
                uploads.append_chunk(session, user, 0, io.BytesIO(data), len(data))
                count += 1
    ctx["recordings_loaded"] = count
    return count
