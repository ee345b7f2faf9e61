import datetime as dt
import io
import struct
import zlib

import pytest
from django.utils import timezone

from sanxiang.cases import services as cases
from sanxiang.cases.models import CaseSource
from sanxiang.core.fields import CaseActType, RecordedActivity


def png_bytes(w=2, h=2):
    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * w for _ in range(h))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def mp4_bytes(size=5000):
    head = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2"
    body = struct.pack(">I", size - len(head)) + b"mdat"
    data = head + body + bytes(range(256)) * ((size - len(head) - 8) // 256 + 1)
    return data[:size]


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    settings.MEDIA_ROOT = tmp_path / "media"
    # fast password hashing for the many fixture users (not what production uses)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def case_a(agency_a, handler_a, officer_a1, officer_a2, head_a):
    case = cases.open_case(
        agency=agency_a,
        actor=handler_a,
        act_type=CaseActType.INSPECTION,
        title="某超市食品安全检查",
        source=CaseSource.PATROL,
        officers=[officer_a2],
    )
    return cases.approve_opening(case, head_a)


def labels(case, officer, **over):
    # recorded earlier today (Beijing time), so that an activity entered now is the same day
    now = timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    start = max(now - dt.timedelta(hours=2), midnight)
    end = min(start + dt.timedelta(minutes=30), now)
    data = {
        "activity": RecordedActivity.ON_SITE_INSPECTION,
        "recorded_start": start.isoformat(),
        "recorded_end": end.isoformat(),
        "place": "青禾县某超市",
        "collector": officer.pk,
        "proves": "现场货架上陈列过期食品",
        "filename": "scene.png",
        "kind": "photo",
    }
    data.update(over)
    return data


@pytest.fixture
def ingest(handler_a, officer_a1):
    """ingest(case, content, **labels) -> Recording through the real upload services."""
    from sanxiang.records import uploads

    def run(case, content, user=None, chunk=None, **over):
        user = user or handler_a
        session = uploads.create_upload(user, case, len(content), labels(case, officer_a1, **over))
        chunk = chunk or len(content)
        for pos in range(0, len(content), chunk):
            part = content[pos : pos + chunk]
            session = uploads.append_chunk(session, user, pos, io.BytesIO(part), len(part))
        return session.recording

    return run
