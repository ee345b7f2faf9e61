import datetime as dt
import struct
import zlib

import pytest

from sanxiang.cases import services as cases
from sanxiang.cases.models import CaseSource
from sanxiang.core.fields import CaseActType

# 10:00 Beijing time on a Wednesday; certificates of the fixtures are valid then.
FROZEN = dt.datetime(2026, 6, 10, 2, 0, tzinfo=dt.UTC)


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


def wav_bytes(samples=800):
    data = bytes(samples)
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 8000, 1, 8)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def investigating_case(agency, handler, head, other_officer, at):
    case = cases.open_case(
        agency=agency,
        actor=handler,
        act_type=CaseActType.INSPECTION,
        title="某超市食品安全检查",
        source=CaseSource.PATROL,
        place="青禾县某超市",
        officers=[other_officer],
    )
    case = cases.approve_opening(case, head, at=at)
    case = cases.start_investigation(case, handler, at=at)
    case.refresh_from_db()
    return case
