#!/usr/bin/env python3
"""sanxiang_verify.py — standalone verifier of the Sanxiang (三项制度执法平台) ledger.

One file; needs Python >= 3.11 and the ``cryptography`` package only (no platform code,
no database, no network). Download it from the public portal
(``/witness/verifier/sanxiang_verify.py``) or copy ``tools/verifier/sanxiang_verify.py``.

    python sanxiang_verify.py archive BAG_DIR [--public-key PEM | --key-id HEX]
                             [--witness NAME=BASE64KEY]... [--require-cosignature]
    python sanxiang_verify.py bundle BUNDLE.json [same options]
    python sanxiang_verify.py consistency OLD_CHECKPOINT NEW_CHECKPOINT
                             [--proof FILE] [--log-key ORIGIN=BASE64KEY] [--hash sm3]
    python sanxiang_verify.py version

Exit status: 0 all checks hold; 1 a check failed (the message names the reason, in
Chinese and English); 2 the input cannot be read or the arguments are wrong.

Checks (docs/ledger.md §5, docs/witness.md):
* bundle / archive: the ledger public key (pinned with --public-key/--key-id), the signed
  tree head (RFC 6962 §3.5 TreeHeadSignature, Ed25519), each leaf's hash and inclusion
  proof (RFC 9162); for a case archive every file of ``data/`` against the SHA-256 its
  export leaf and its creation leaf recorded; then the witness section when present: the
  checkpoint (C2SP tlog-checkpoint) signed by the log key, each cosignature
  (C2SP tlog-cosignature v1, Ed25519) and an RFC 9162 consistency proof between the
  cosigned checkpoint and the bundle's head. ``--require-cosignature`` fails a bundle
  without a valid cosignature of a trusted witness (``--witness``, or the witnesses
  the bundle names when none is given).
* consistency: two checkpoints of the same log (split view): same origin, equal roots at
  equal sizes, otherwise the consistency proof (``--proof``: one base64 hash per line, as
  served by ``/api/witness/consistency?first=N&second=M``) must verify.

Hash algorithm (国密 option, docs/ledger.md): a log's leaf and node hashes are SHA-256
(RFC 9162) or SM3 (GB/T 32905), fixed when the log is created. Bundles and archives name
it (``hash_algorithm`` of the bundle, of its signed tree head — the signature covers it —
and of its witness section); all three must agree. A checkpoint (C2SP) does not name it:
pass ``--hash sm3`` to ``consistency`` for an SM3 log. SM3 comes from the OpenSSL of
``hashlib`` or else from ``cryptography``. File digests of a case archive stay SHA-256.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import os
import struct
import sys
import unicodedata
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VERSION = "0.1.0"  # the platform version (pyproject.toml); tests check they match

BUNDLE_FORMAT = "sanxiang-ledger-bundle/1"
ARCHIVE_FORMAT = "sanxiang-case-archive-proofs/1"
WITNESS_FORMAT = "sanxiang-witness/1"
EXPORT_EVENT = "case.exported"
BUNDLE_NAME = "ledger-bundle.json"
HASH_SIZE = 32
EM_DASH = "\u2014"
SIG_ED25519 = 0x01
SIG_COSIGNATURE = 0x04
COSIGNATURE_HEADER = "cosignature/v1"

# exit codes
OK, FAILED, UNREADABLE = 0, 1, 2


# ======================================================================== ledger bundles


HASH_ALGORITHMS = ("sha256", "sm3")


def tree_head_message(
    tree_size: int, root: bytes, timestamp_ms: int, hash_algorithm: str = "sha256"
) -> bytes:
    """RFC 6962 §3.5 TreeHeadSignature: the exact bytes signed with Ed25519. A log hashed
    with SM3 signs ``b"sanxiang-sth/sm3\\n"`` followed by the same 50 bytes."""
    if len(root) != HASH_SIZE:
        raise ValueError("root hash must be 32 bytes")
    if hash_algorithm not in HASH_ALGORITHMS:
        raise ValueError(f"unknown hash algorithm {hash_algorithm!r}")
    message = struct.pack(">BBQQ", 0, 1, timestamp_ms, tree_size) + bytes(root)
    if hash_algorithm != "sha256":
        message = f"sanxiang-sth/{hash_algorithm}\n".encode() + message
    return message


def _hash_new(hash_algorithm: str):
    """A ``hashlib``-style constructor: ``sha256`` (RFC 9162) or ``sm3`` (GB/T 32905)."""
    if hash_algorithm == "sha256":
        return hashlib.sha256
    if hash_algorithm != "sm3":
        raise BundleError(f"unknown hash algorithm {hash_algorithm!r}")
    try:
        hashlib.new("sm3")
        return lambda data=b"": hashlib.new("sm3", data)
    except ValueError:  # this Python's OpenSSL lacks SM3: use cryptography's
        from cryptography.hazmat.primitives import hashes

        def new(data=b""):
            h = hashes.Hash(hashes.SM3())
            h.update(data)
            return type("SM3", (), {"digest": staticmethod(h.finalize)})()

        return new


def _leaf_hash(data: bytes, hash_algorithm: str = "sha256") -> bytes:
    return _hash_new(hash_algorithm)(b"\x00" + data).digest()


def _node_hash(left: bytes, right: bytes, hash_algorithm: str = "sha256") -> bytes:
    return _hash_new(hash_algorithm)(b"\x01" + left + right).digest()


def hash_algorithm_of(bundle: dict) -> str:
    """The signed head's algorithm, which the bundle's ``hash_algorithm`` must repeat;
    absent everywhere: ``sha256`` (bundles made before the 国密 option)."""
    head = bundle.get("tree_head") or {}
    alg = head.get("hash_algorithm", "sha256")
    outer = bundle.get("hash_algorithm", alg)
    if alg not in HASH_ALGORITHMS:
        raise BundleError(f"tree head: unknown hash algorithm {alg!r}")
    if outer != alg:
        raise BundleError(
            f"hash algorithm mismatch: the bundle says {outer!r} but its signed tree head "
            f"is {alg!r} (不得混用哈希算法)"
        )
    return alg


def verify_inclusion(leaf_hash, index, tree_size, proof, root, hash_algorithm="sha256") -> bool:
    """RFC 9162 §2.1.3.2 (32-byte hashes required)."""
    if len(leaf_hash) != HASH_SIZE or len(root) != HASH_SIZE:
        return False
    if any(len(p) != HASH_SIZE for p in proof) or not 0 <= index < tree_size:
        return False
    fn, sn, r = index, tree_size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node_hash(p, r, hash_algorithm)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = _node_hash(r, p, hash_algorithm)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


class BundleError(Exception):
    pass


def _b64(value, what) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, TypeError, ValueError):
        raise BundleError(f"{what}: not valid base64")


def _load_public_key(bundle, trusted_raw=None, expect_key_id=None):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    info = bundle.get("public_key") or {}
    raw = _b64(info.get("raw", ""), "public_key.raw") if info.get("raw") else None
    if raw is None and info.get("pem"):
        key = serialization.load_pem_public_key(info["pem"].encode())
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if raw is None:
        raise BundleError("public key missing")
    if len(raw) != 32:
        raise BundleError("public key is not a 32-byte Ed25519 key")
    if info.get("pem"):
        pem_key = serialization.load_pem_public_key(info["pem"].encode())
        pem_raw = pem_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        if pem_raw != raw:
            raise BundleError("public key: PEM and raw forms differ")
    kid = hashlib.sha256(raw).hexdigest()
    if info.get("key_id") and info["key_id"] != kid:
        raise BundleError("public key: key_id does not match the key")
    if trusted_raw is not None and trusted_raw != raw:
        raise BundleError(
            "public key in the bundle is not the trusted key (证明包中的公钥不是受信公钥)"
        )
    if expect_key_id and expect_key_id.lower() != kid:
        raise BundleError(f"public key id {kid} is not the expected {expect_key_id}")
    return Ed25519PublicKey.from_public_bytes(raw), kid


def verify(bundle: dict, trusted_raw: bytes | None = None, expect_key_id: str | None = None):
    """Check a bundle. Returns a summary string; raises ``BundleError`` on the first
    failure (its message names the failing leaf index when a leaf fails)."""
    from cryptography.exceptions import InvalidSignature

    if not isinstance(bundle, dict) or bundle.get("format") != BUNDLE_FORMAT:
        raise BundleError(f"not a {BUNDLE_FORMAT} bundle")
    key, kid = _load_public_key(bundle, trusted_raw, expect_key_id)
    head = bundle.get("tree_head") or {}
    try:
        size, ts = int(head["tree_size"]), int(head["timestamp"])
    except (KeyError, TypeError, ValueError):
        raise BundleError("tree head: tree_size/timestamp missing")
    root = _b64(head.get("root_hash", ""), "tree head root_hash")
    if len(root) != HASH_SIZE:
        raise BundleError("tree head: root hash is not 32 bytes")
    if head.get("key_id") and head["key_id"] != kid:
        raise BundleError("tree head was signed by another key (树头由另一把密钥签名)")
    alg = hash_algorithm_of(bundle)
    signature = _b64(head.get("signature", ""), "tree head signature")
    try:
        key.verify(signature, tree_head_message(size, root, ts, alg))
    except InvalidSignature:
        raise BundleError("tree head: signature does not verify (树头签名无效)")
    leaves = bundle.get("leaves")
    if not isinstance(leaves, list):
        raise BundleError("leaves missing")
    for position, leaf in enumerate(leaves):
        index = leaf.get("index") if isinstance(leaf, dict) else None
        label = f"leaf {index}" if isinstance(index, int) else f"leaf #{position} in file"
        if not isinstance(index, int):
            raise BundleError(f"{label}: index missing")
        content = leaf.get("content")
        if not isinstance(content, str):
            raise BundleError(f"{label}: content missing")
        computed = _leaf_hash(content.encode("utf-8"), alg)
        if "leaf_hash" in leaf and _b64(leaf["leaf_hash"], f"{label} leaf_hash") != computed:
            raise BundleError(f"{label}: content does not match its leaf hash (叶子内容与哈希不符)")
        try:
            parsed = json.loads(content)
        except ValueError:
            raise BundleError(f"{label}: content is not JSON")
        if not isinstance(parsed, dict) or parsed.get("index") != index:
            raise BundleError(f"{label}: content names another index")
        proof = [_b64(p, f"{label} proof") for p in leaf.get("inclusion_proof") or []]
        if not verify_inclusion(computed, index, size, proof, root, alg):
            raise BundleError(
                f"{label}: inclusion proof does not lead to the signed root (包含性证明不成立)"
            )
    return (
        f"OK: {len(leaves)} leaves included in the signed tree head "
        f"(size {size}, root {root.hex()}, timestamp {head.get('timestamp_iso') or ts}, "
        f"key {kid}, hash {alg})"
    )


class FileResult:
    """The verdict on one file of a case archive's ``data/`` directory."""

    def __init__(self, path, ok, message):
        self.path, self.ok, self.message = path, ok, message

    def __str__(self):
        return f"{'OK    ' if self.ok else 'FAILED'} {self.path}: {self.message}"

    def __repr__(self):
        return f"FileResult({self.path!r}, {self.ok!r}, {self.message!r})"


def _sha256_file(path) -> tuple[str, int]:
    h = hashlib.sha256()
    total = 0
    with open(path, "rb") as handle:
        while True:
            block = handle.read(1 << 20)
            if not block:
                break
            h.update(block)
            total += len(block)
    return h.hexdigest(), total


def _nfc(path: str) -> str:
    return unicodedata.normalize("NFC", path)


def _data_files(data_dir) -> dict:
    """{relative POSIX path (NFC): absolute path} of every file under ``data_dir`` but the
    bundle itself. Symbolic links count as files (and are hashed through)."""
    out = {}
    for root, dirs, files in os.walk(data_dir):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            rel = os.path.relpath(full, data_dir).replace(os.sep, "/")
            if rel != BUNDLE_NAME:
                out[_nfc(rel)] = full
    return out


def _parsed_leaves(bundle) -> dict:
    """{index: parsed content} of the bundle's leaves (already checked by ``verify``)."""
    return {leaf["index"]: json.loads(leaf["content"]) for leaf in bundle["leaves"]}


def verify_archive(bundle: dict, data_dir) -> list:
    """Check every file of a case archive's ``data_dir`` against the export leaf and its
    creation leaf. Call after ``verify(bundle)`` (which proves the leaves are in the signed
    tree). Returns ``FileResult``s (one per file, plus one per missing leaf); raises
    ``BundleError`` when the bundle has no usable archive section."""
    archive = bundle.get("archive")
    if not isinstance(archive, dict) or archive.get("format") != ARCHIVE_FORMAT:
        raise BundleError(
            "bundle carries no case-archive file proofs (案卷包缺少文件证明，无法证明文件未被改动)"
        )
    leaves = _parsed_leaves(bundle)
    export_index = archive.get("export_leaf")
    export = leaves.get(export_index) if isinstance(export_index, int) else None
    if export is None:
        raise BundleError(f"export leaf {export_index} is not in the bundle (缺少导出记录)")
    if export.get("event_type") != EXPORT_EVENT:
        raise BundleError(f"leaf {export_index} is not a {EXPORT_EVENT} leaf")
    payload = export.get("payload") or {}
    listed = payload.get("files")
    if not isinstance(listed, list):
        raise BundleError(f"export leaf {export_index} lists no files")
    results = []
    for index in payload.get("ledger_indices") or []:
        if index not in leaves:
            results.append(
                FileResult(
                    f"leaf {index}",
                    False,
                    "listed by the export but missing from the bundle (账本记录被移除)",
                )
            )
    on_disk = _data_files(data_dir)
    seen = set()
    for entry in listed:
        path = _nfc(str(entry.get("path", "")))
        seen.add(path)
        expected = entry.get("sha256")
        if path not in on_disk:
            results.append(FileResult(path, False, "listed by the export but missing (文件缺失)"))
            continue
        actual, size = _sha256_file(on_disk[path])
        if actual != expected:
            results.append(
                FileResult(
                    path,
                    False,
                    f"SHA-256 {actual} differs from {expected} recorded at export in leaf "
                    f"{export_index} (文件在导出后被改动)",
                )
            )
            continue
        creation_index = entry.get("creation_leaf")
        if creation_index is None:
            results.append(
                FileResult(
                    path,
                    True,
                    f"sha256 {actual}, {size} bytes = export leaf {export_index} "
                    "(generated at export / 导出时生成，无创建时记录)",
                )
            )
            continue
        creation = leaves.get(creation_index)
        if creation is None:
            results.append(
                FileResult(
                    path,
                    False,
                    f"creation leaf {creation_index} is missing from the bundle "
                    "(缺少创建时的账本记录)",
                )
            )
            continue
        problems = []
        for key in ("event_type", "subject"):
            if entry.get(key) is not None and creation.get(key) != entry.get(key):
                problems.append(f"leaf {creation_index} {key} is {creation.get(key)!r}")
        field = entry.get("hash_field") or "sha256"
        recorded = (creation.get("payload") or {}).get(field)
        if recorded != actual:
            problems.append(
                f"SHA-256 {actual} differs from {recorded} recorded at creation in leaf "
                f"{creation_index} (文件与创建时入账的哈希不一致)"
            )
        if problems:
            results.append(FileResult(path, False, "; ".join(problems)))
        else:
            results.append(
                FileResult(
                    path,
                    True,
                    f"sha256 {actual}, {size} bytes = creation leaf {creation_index} "
                    f"({creation.get('event_type')} {creation.get('subject')})",
                )
            )
    for path in sorted(set(on_disk) - seen):
        results.append(
            FileResult(path, False, "not listed in the export leaf (导出记录中没有该文件)")
        )
    return results


def locate(path):
    """(bundle file, data dir or None, inside a bag?) for a bag directory, its data/
    directory or a bundle file."""
    if os.path.isdir(path):
        for candidate in (os.path.join(path, "data"), path):
            bundle = os.path.join(candidate, BUNDLE_NAME)
            if os.path.isfile(bundle):
                return bundle, candidate, True
        raise OSError(f"no data/{BUNDLE_NAME} under {path}")
    data_dir = os.path.dirname(os.path.abspath(path))
    in_bag = os.path.basename(data_dir) == "data" and os.path.isfile(
        os.path.join(os.path.dirname(data_dir), "bagit.txt")
    )
    return path, data_dir, in_bag


# ======================================================================== C2SP notes


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
    roots and an empty proof."""
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
            fr = _node_hash(c, fr, hash_algorithm)
            sr = _node_hash(c, sr, hash_algorithm)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = _node_hash(sr, c, hash_algorithm)
        fn >>= 1
        sn >>= 1
    return fr == root1 and sr == root2 and sn == 0


# ======================================================================== witness checks


def verify_witness(bundle: dict, witnesses: dict | None = None, require: bool = False) -> str:
    """Check the bundle's ``witness`` section (after ``verify``). ``witnesses``: trusted
    {name: raw Ed25519 key}; ``None`` trusts the witnesses the bundle names."""
    section = bundle.get("witness")
    if not isinstance(section, dict):
        if require:
            raise BundleError("no witness cosignature in the bundle (证明包没有见证方签名)")
        return "no witness section (未附见证方签名；未要求)"
    if section.get("format") != WITNESS_FORMAT:
        raise BundleError(f"witness section is not {WITNESS_FORMAT} (见证信息格式不符)")
    try:
        note = parse_note(section.get("checkpoint") or "")
        cp = parse_checkpoint_text(note.text)
    except NoteError as exc:
        raise BundleError(f"witness checkpoint malformed: {exc} (见证检查点格式错误)")
    origin = section.get("origin") or ""
    if cp.origin != origin:
        raise BundleError("witness checkpoint names another log (见证检查点属于另一个账本)")
    log_raw = _b64(bundle["public_key"]["raw"], "public_key.raw")
    try:
        signed = verify_note_ed25519(note, origin, log_raw)
    except NoteError:
        signed = False
    if not signed:
        raise BundleError(
            "witness checkpoint is not signed by the ledger key (见证检查点没有账本密钥的有效签名)"
        )
    if witnesses is None:
        witnesses = {}
        for w in section.get("witnesses") or []:
            witnesses[str(w.get("name"))] = _b64(w.get("public_key", ""), "witness key")
    valid = []
    for name, raw in witnesses.items():
        try:
            ts = verify_cosignature(note, name, raw)
        except (NoteError, ValueError) as exc:
            raise BundleError(f"forged witness cosignature: {exc} (见证签名无效)")
        if ts is not None:
            valid.append(f"{name} at {ts}")
    if require and not valid:
        raise BundleError(
            "no valid cosignature from a trusted witness (没有受信见证方的有效见证签名)"
        )
    head = bundle["tree_head"]
    size, root = int(head["tree_size"]), _b64(head["root_hash"], "tree head root_hash")
    proof = [_b64(p, "witness consistency proof") for p in section.get("consistency_proof") or []]
    alg = hash_algorithm_of(bundle)
    if section.get("hash_algorithm", alg) != alg:
        raise BundleError(
            f"hash algorithm mismatch: the witness section says {section.get('hash_algorithm')!r} "
            f"but the signed tree head is {alg!r} (不得混用哈希算法)"
        )
    if cp.size <= size:
        ok = verify_consistency(cp.size, size, cp.root, root, proof, alg)
    else:
        ok = verify_consistency(size, cp.size, root, cp.root, proof, alg)
    if not ok:
        raise BundleError(
            f"split view: the cosigned checkpoint (size {cp.size}) and the signed head (size "
            f"{size}) are not consistent (见证检查点与树头不一致，账本疑似分叉或被改写)"
        )
    covered = min(cp.size, size)
    return (
        f"OK: witness checkpoint size {cp.size} consistent with the head; cosigned by "
        f"{', '.join(valid) or 'no trusted witness'}; leaves 0..{covered - 1} are witnessed "
        f"(见证覆盖序号 0..{covered - 1})"
    )


def _read_checkpoint(path):
    with open(path, encoding="utf-8") as handle:
        data = handle.read()
    try:
        note = parse_note(data)
        return note, parse_checkpoint_text(note.text)
    except NoteError:
        return None, parse_checkpoint_text(data)


def check_checkpoints(
    old_path, new_path, proof_lines, log_keys=None, hash_algorithm="sha256"
) -> str:
    """Two checkpoints of the same log; raises ``BundleError`` on a split view."""
    try:
        (n1, c1), (n2, c2) = _read_checkpoint(old_path), _read_checkpoint(new_path)
    except NoteError as exc:
        raise BundleError(f"checkpoint malformed: {exc} (检查点格式错误)")
    if c1.origin != c2.origin:
        raise BundleError("checkpoints of two different logs (两个检查点属于不同账本)")
    for name, raw in (log_keys or {}).items():
        for note in (n1, n2):
            try:
                if note is None or not verify_note_ed25519(note, name, raw):
                    raise NoteError("missing")
            except NoteError:
                raise BundleError(
                    f"checkpoint not signed by the log key {name} (检查点没有账本密钥的有效签名)"
                )
    if c1.size > c2.size:
        c1, c2 = c2, c1
    if c1.size == c2.size:
        if c1.root != c2.root:
            raise BundleError(
                f"split view: two different roots at size {c1.size} (同一树大小出现两个根哈希，账本分叉)"
            )
        return f"OK: same checkpoint (size {c1.size}) (两个检查点相同)"
    if c1.size and not proof_lines:
        raise BundleError("a consistency proof is needed (--proof) (需要一致性证明)")
    proof = [_b64(line, "proof line") for line in proof_lines]
    if hash_algorithm not in HASH_ALGORITHMS:
        raise ValueError(f"--hash: unknown hash algorithm {hash_algorithm!r}")
    if not verify_consistency(c1.size, c2.size, c1.root, c2.root, proof, hash_algorithm):
        raise BundleError(
            f"split view: size {c2.size} does not extend size {c1.size} "
            "(一致性证明不成立：后一检查点不是前一检查点的延续，账本分叉或回滚)"
        )
    return f"OK: size {c2.size} extends size {c1.size} (一致性证明成立)"


# ======================================================================== command line


def _key_map(values, what):
    out = {}
    for value in values or []:
        name, sep, key = value.partition("=")
        if not sep:
            raise ValueError(f"{what}: expected NAME=BASE64KEY")
        raw = _b64(key, what)
        if len(raw) == 33 and raw[0] in (SIG_ED25519, SIG_COSIGNATURE):
            raw = raw[1:]  # a vkey's base64(type || key) part
        if len(raw) != 32:
            raise ValueError(f"{what}: not a 32-byte Ed25519 key")
        out[name] = raw
    return out


def _fail(message) -> int:
    print(f"校验失败 FAILED: {message}", file=sys.stderr)
    return FAILED


def _run_bundle(args) -> int:
    try:
        bundle_path, data_dir, in_bag = locate(args.path)
        with open(bundle_path, encoding="utf-8") as handle:
            bundle = json.load(handle)
        trusted = None
        if args.public_key:
            from cryptography.hazmat.primitives import serialization

            with open(args.public_key, "rb") as handle:
                key = serialization.load_pem_public_key(handle.read())
            trusted = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        witnesses = _key_map(args.witness, "--witness") or None
    except (OSError, ValueError, BundleError) as exc:
        print(f"无法读取输入 ERROR: cannot read input: {exc}", file=sys.stderr)
        return UNREADABLE
    try:
        summary = verify(bundle, trusted, args.key_id)
        results = None
        if args.command == "archive" or in_bag or "archive" in bundle:
            results = verify_archive(bundle, data_dir)
        witness_summary = verify_witness(bundle, witnesses, args.require_cosignature)
    except BundleError as exc:
        return _fail(exc)
    print(summary)
    print(witness_summary)
    if results is None:
        return OK
    for result in results:
        print(result, file=sys.stdout if result.ok else sys.stderr)
    failed = [r for r in results if not r.ok]
    if failed:
        return _fail(
            f"{len(failed)} of {len(results)} files of the case archive do not match "
            "the ledger (案卷文件与账本记录不一致)"
        )
    print(f"OK: all {len(results)} files of the case archive match the ledger (案卷文件全部一致)")
    return OK


def _run_consistency(args) -> int:
    try:
        lines = []
        if args.proof:
            with open(args.proof, encoding="utf-8") as handle:
                lines = [line.strip() for line in handle if line.strip()]
        log_keys = _key_map(args.log_key, "--log-key")
        message = check_checkpoints(args.old, args.new, lines, log_keys, args.hash)
    except (OSError, ValueError) as exc:
        print(f"无法读取输入 ERROR: cannot read input: {exc}", file=sys.stderr)
        return UNREADABLE
    except BundleError as exc:
        return _fail(exc)
    print(message)
    return OK


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="sanxiang_verify.py",
        description=f"Sanxiang ledger verifier {VERSION} (三项制度执法平台账本离线校验)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (
        ("archive", "an exported case archive (bag directory) 案卷包"),
        ("bundle", "a proof bundle JSON (e.g. a published decision's) 证明包"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("path")
        p.add_argument("--public-key", help="PEM of the trusted ledger key")
        p.add_argument("--key-id", help="expected ledger key id (hex SHA-256 of the raw key)")
        p.add_argument("--witness", action="append", help="trusted witness NAME=BASE64KEY")
        p.add_argument(
            "--require-cosignature",
            action="store_true",
            help="fail without a valid witness cosignature",
        )
    c = sub.add_parser("consistency", help="two checkpoints of one log (split view)")
    c.add_argument("old")
    c.add_argument("new")
    c.add_argument("--proof", help="file with the consistency proof, one base64 hash per line")
    c.add_argument("--log-key", action="append", help="log key NAME=BASE64KEY to require")
    c.add_argument(
        "--hash",
        default="sha256",
        choices=HASH_ALGORITHMS,
        help="the log's hash algorithm (sha256, or sm3 for a 国密 log)",
    )
    sub.add_parser("version", help="print the version")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return UNREADABLE if exc.code else OK
    if args.command == "version":
        print(VERSION)
        return OK
    if args.command == "consistency":
        return _run_consistency(args)
    return _run_bundle(args)


if __name__ == "__main__":
    sys.exit(main())
