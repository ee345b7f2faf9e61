"""Content-type detection from magic bytes (never from the file name).

``sniff(head)`` looks at the first bytes of a file (64 are enough) and returns a
``Sniffed(mime, kind, extensions)`` or ``None`` for an unknown type. No dependency: the
signatures are those of the formats enforcement recorders and phones produce.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

HEAD_BYTES = 64


class MediaKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    AUDIO = "audio", _("录音")
    VIDEO = "video", _("录像")
    DOCUMENT = "document", _("电子文件")


@dataclass(frozen=True)
class Sniffed:
    mime: str
    kind: str
    extensions: tuple[str, ...]


JPEG = Sniffed("image/jpeg", MediaKind.PHOTO, ("jpg", "jpeg"))
PNG = Sniffed("image/png", MediaKind.PHOTO, ("png",))
GIF = Sniffed("image/gif", MediaKind.PHOTO, ("gif",))
MP4 = Sniffed("video/mp4", MediaKind.VIDEO, ("mp4", "m4v", "mov", "3gp"))
MOV = Sniffed("video/quicktime", MediaKind.VIDEO, ("mov", "mp4", "qt"))
M4A = Sniffed("audio/mp4", MediaKind.AUDIO, ("m4a", "mp4", "aac"))
MKV = Sniffed("video/x-matroska", MediaKind.VIDEO, ("mkv", "webm"))
WEBM = Sniffed("video/webm", MediaKind.VIDEO, ("webm", "mkv"))
MP3 = Sniffed("audio/mpeg", MediaKind.AUDIO, ("mp3",))
WAV = Sniffed("audio/wav", MediaKind.AUDIO, ("wav",))
AMR = Sniffed("audio/amr", MediaKind.AUDIO, ("amr",))
OGG = Sniffed("audio/ogg", MediaKind.AUDIO, ("ogg", "oga", "ogv", "opus"))
AVI = Sniffed("video/x-msvideo", MediaKind.VIDEO, ("avi",))
PDF = Sniffed("application/pdf", MediaKind.DOCUMENT, ("pdf",))

AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P "}
QT_BRANDS = {b"qt  "}


def sniff(head: bytes) -> Sniffed | None:
    """The type of a file whose first bytes are ``head``; ``None`` when unknown."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in AUDIO_BRANDS:
            return M4A
        if brand in QT_BRANDS:
            return MOV
        return MP4
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM if b"webm" in head[:HEAD_BYTES] else MKV
    if head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return MP3
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return AVI
    if head.startswith(b"#!AMR"):
        return AMR
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def extension_of(filename: str) -> str:
    name = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def allowed_extensions() -> list[str]:
    exts = set()
    for s in (JPEG, PNG, GIF, MP4, MOV, M4A, MKV, WEBM, MP3, WAV, AMR, OGG, AVI, PDF):
        exts.update(s.extensions)
    return sorted(exts)
