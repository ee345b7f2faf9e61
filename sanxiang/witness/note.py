"""C2SP signed notes, checkpoints and witness cosignatures (pure: no Django, no database).

Formats (checked against the C2SP spec texts, see docs/witness.md):

* ``tlog-checkpoint``: note text = origin line, tree size line (decimal, no leading zeros),
  root hash line (standard base64), each ending in ``\\n``.
* ``signed-note``: text, an empty line, then signature lines
  ``— <key name> <base64(uint32 key ID big-endian || signature)>`` (U+2014, spaces).
  Ed25519 note signatures sign the note text; key ID =
  ``SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4]``.
* ``tlog-cosignature`` (Ed25519, v1): key ID with type byte ``0x04``; the signature is
  ``uint64 timestamp (POSIX seconds, big-endian) || Ed25519 signature`` over
  ``"cosignature/v1\\ntime <t>\\n" + checkpoint note text``.
* ``tlog-witness`` ``add-checkpoint`` body: ``old <size>\\n``, zero or more base64 proof
  lines, an empty line, then the checkpoint (a signed note).

The standalone verifier ``tools/verifier/sanxiang_verify.py`` carries its own copy of
these functions (it may not import the platform); ``tests/witness`` checks both agree.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

EM_DASH = "\u2014"
SIG_ED25519 = 0x01
SIG_COSIGNATURE = 0x04
COSIGNATURE_HEADER = "cosignature/v1"
MAX_PROOF_LINES = 63
HASH_SIZE = 32


class NoteError(ValueError):
    """A malformed note, checkpoint or request body."""


def b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode()


def unb64(text: str, what: str = "base64") -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoteError(f"{what}: not valid base64") from exc


def key_id(name: str, sig_type: int, public_raw: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + bytes(public_raw)).digest()[
        :4
    ]


def check_name(name: str) -> str:
    if not name or any(c.isspace() for c in name) or "+" in name:
        raise NoteError("key name must be non-empty, without spaces or '+'")
    return name


# ------------------------------------------------------------------------- checkpoints


@dataclass
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = [self.origin, str(self.size), b64(self.root), *self.extensions]
        return "".join(line + "\n" for line in lines)


def checkpoint_text(origin: str, size: int, root: bytes) -> str:
    return Checkpoint(origin, size, root).text()


def parse_checkpoint_text(text: str) -> Checkpoint:
    if not text.endswith("\n"):
        raise NoteError("checkpoint text must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or any(not line for line in lines):
        raise NoteError("checkpoint needs origin, size and root hash lines")
    origin, size_s, root_s, *ext = lines
    if not size_s.isdigit() or (size_s != "0" and size_s.startswith("0")):
        raise NoteError("checkpoint tree size is not a decimal without leading zeros")
    root = unb64(root_s, "checkpoint root hash")
    if len(root) != HASH_SIZE:
        raise NoteError("checkpoint root hash is not 32 bytes")
    return Checkpoint(origin, int(size_s), root, ext)


# ------------------------------------------------------------------------- signed notes


@dataclass
class Signature:
    name: str
    key_id: bytes
    sig: bytes  # bytes after the key ID

    def line(self) -> str:
        return f"{EM_DASH} {self.name} {b64(self.key_id + self.sig)}\n"


@dataclass
class Note:
    text: str
    signatures: list[Signature]

    def serialise(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)


def parse_signature_line(line: str) -> Signature:
    prefix = EM_DASH + " "
    if not line.startswith(prefix):
        raise NoteError("signature line must start with an em dash and a space")
    parts = line[len(prefix) :].split(" ")
    if len(parts) != 2:
        raise NoteError("signature line must be '— <name> <base64>'")
    name, blob = parts
    check_name(name)
    raw = unb64(blob, "signature")
    if len(raw) < 5:
        raise NoteError("signature too short")
    return Signature(name, raw[:4], raw[4:])


def parse_signature_lines(text: str) -> list[Signature]:
    if text and not text.endswith("\n"):
        raise NoteError("signature lines must end with a newline")
    return [parse_signature_line(line) for line in text.split("\n")[:-1]] if text else []


def parse_note(data: str) -> Note:
    if any(ord(c) < 0x20 and c != "\n" for c in data):
        raise NoteError("note contains control characters")
    if not data.endswith("\n"):
        raise NoteError("note must end with a newline")
    split = data.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no signatures (no empty line)")
    text, sigs = data[: split + 1], data[split + 2 :]
    signatures = parse_signature_lines(sigs)
    if not signatures:
        raise NoteError("note has no signatures")
    if len(signatures) > 100:
        raise NoteError("too many signatures")
    return Note(text, signatures)


def sign_note_ed25519(text: str, name: str, key: Ed25519PrivateKey) -> Signature:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return Signature(check_name(name), key_id(name, SIG_ED25519, raw), key.sign(text.encode()))


def verify_note_ed25519(note: Note, name: str, public_raw: bytes) -> bool:
    """True if a signature of (name, key) verifies; False if none is from that key;
    ``NoteError`` if one from that key fails (the spec: reject the whole note)."""
    kid = key_id(name, SIG_ED25519, public_raw)
    key = Ed25519PublicKey.from_public_bytes(bytes(public_raw))
    found = False
    for s in note.signatures:
        if s.name == name and s.key_id == kid:
            try:
                key.verify(s.sig, note.text.encode())
            except InvalidSignature as exc:
                raise NoteError(f"signature of {name} does not verify") from exc
            found = True
    return found


def cosignature_message(text: str, timestamp: int) -> bytes:
    return f"{COSIGNATURE_HEADER}\ntime {int(timestamp)}\n".encode() + text.encode()


def cosign(text: str, name: str, key: Ed25519PrivateKey, timestamp: int) -> Signature:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    sig = struct.pack(">Q", int(timestamp)) + key.sign(cosignature_message(text, timestamp))
    return Signature(check_name(name), key_id(name, SIG_COSIGNATURE, raw), sig)


def verify_cosignature(note: Note, name: str, public_raw: bytes) -> int | None:
    """The timestamp of a valid cosignature of (name, key) on the note, None if there is
    none from that key; ``NoteError`` if one from that key fails."""
    kid = key_id(name, SIG_COSIGNATURE, public_raw)
    key = Ed25519PublicKey.from_public_bytes(bytes(public_raw))
    result = None
    for s in note.signatures:
        if s.name == name and s.key_id == kid:
            if len(s.sig) != 8 + 64:
                raise NoteError(f"cosignature of {name} has the wrong length")
            (ts,) = struct.unpack(">Q", s.sig[:8])
            try:
                key.verify(s.sig[8:], cosignature_message(note.text, ts))
            except InvalidSignature as exc:
                raise NoteError(f"cosignature of {name} does not verify") from exc
            result = ts
    return result


# ------------------------------------------------------------------ consistency (RFC 9162)


def verify_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof, hash_algorithm: str = "sha256"
) -> bool:
    """RFC 9162 §2.1.4.2. ``size1 == 0`` needs an empty proof; equal sizes need equal
    roots and an empty proof. ``hash_algorithm``: the log's (``sha256`` or ``sm3``)."""
    from sanxiang.ledger.merkle import hasher  # pure, standard library (+ cryptography)

    _node = hasher(hash_algorithm).node
    proof = [bytes(p) for p in proof]
    if size1 < 0 or size2 < size1 or any(len(p) != HASH_SIZE for p in proof):
        return False
    if size1 == 0:
        return not proof
    if size1 == size2:
        return not proof and root1 == root2
    if not proof:
        return False
    if size1 & (size1 - 1) == 0:  # size1 is a power of two
        proof = [root1, *proof]
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = _node(c, fr)
            sr = _node(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = _node(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == root1 and sr == root2 and sn == 0


# ------------------------------------------------------------ add-checkpoint request body


@dataclass
class AddCheckpoint:
    old_size: int
    proof: list[bytes]
    note_data: str  # the checkpoint as a signed note


def build_add_checkpoint(old_size: int, proof, note_data: str) -> str:
    lines = [f"old {int(old_size)}", *(b64(p) for p in proof)]
    return "".join(line + "\n" for line in lines) + "\n" + note_data


def parse_add_checkpoint(body: str) -> AddCheckpoint:
    head, sep, rest = body.partition("\n\n")
    if not sep:
        raise NoteError("request body needs an empty line before the checkpoint")
    lines = head.split("\n")
    first = lines[0]
    if not first.startswith("old "):
        raise NoteError("first line must be 'old <size>'")
    size_s = first[4:]
    if not size_s.isdigit() or (size_s != "0" and size_s.startswith("0")):
        raise NoteError("old size is not a decimal without leading zeros")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise NoteError("too many consistency proof lines")
    proof = [unb64(line, "consistency proof line") for line in lines[1:]]
    return AddCheckpoint(int(size_s), proof, rest)
