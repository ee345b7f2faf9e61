"""Standalone verifier of an exported ledger bundle (no database, no Django).

    python -m sanxiang.ledger.verify_bundle BUNDLE.json [--public-key KEY.pem]
    python verify_bundle.py BUNDLE.json            # this file alone works too

Depends on the standard library and ``cryptography`` only, so an outsider can copy
this one file. It deliberately re-implements the two RFC 9162 functions it needs
instead of importing ``merkle.py`` (the tests check both against the same vectors).

Bundle format (JSON, ``"format": "sanxiang-ledger-bundle/1"``; hashes and signatures
base64 standard alphabet with padding)::

    {
      "format": "sanxiang-ledger-bundle/1",
      "hash_algorithm": "sha256",        # or "sm3"; absent in old bundles = sha256
      "hash": "sha256 (RFC 9162 §2.1: leaf = H(0x00||content), node = H(0x01||l||r))",
      "public_key": {"algorithm": "ed25519", "raw": "<b64 32 bytes>",
                     "pem": "-----BEGIN PUBLIC KEY-----...", "key_id": "<hex sha256(raw)>"},
      "tree_head": {"tree_size": N, "root_hash": "<b64>", "timestamp": <ms since epoch>,
                    "timestamp_iso": "...Z", "key_id": "<hex>", "signature": "<b64 64 bytes>",
                    "hash_algorithm": "sha256"},
      "leaves": [
        {"index": i, "content": "<canonical JSON text of the leaf>",
         "leaf_hash": "<b64>", "inclusion_proof": ["<b64>", ...]}
      ]
    }

Checks, in order: the public key (and, with ``--public-key``/``--key-id``, that it is
the key you trust); the tree head signature over the RFC 6962 §3.5 TreeHeadSignature
(version 0, type 1, uint64 timestamp ms, uint64 tree size, 32-byte root; for an SM3 log
prefixed with ``sanxiang-sth/sm3\\n``, so the algorithm is signed too); then for each
leaf: H(0x00 || content UTF-8) equals ``leaf_hash``, the content is JSON whose
``index`` equals the leaf's index, and the inclusion proof leads to the signed root.
Exit status 0 and a summary when everything holds; 1 naming the first failure; 2 when
the file cannot be read.

``H`` is the log's hash algorithm (issue #16 item 7): ``sha256`` (RFC 9162) or ``sm3``
(GB/T 32905, from OpenSSL via ``hashlib`` or ``cryptography``), named by the signed tree
head. A bundle whose ``hash_algorithm`` differs from its head's is refused (no mixing).

Case archives (``"archive"`` in the bundle; see "Case archive proofs" in docs/ledger.md)::

    python -m sanxiang.ledger.verify_bundle BAG_DIR            # or BAG_DIR/data/ledger-bundle.json

    "archive": {"format": "sanxiang-case-archive-proofs/1", "export_leaf": <index>}

The export leaf (event ``case.exported``, in ``leaves`` like every other leaf) lists every
file of the bag's ``data/`` directory but the bundle itself: ``path``, ``sha256``, ``size``
and, for an original (recording, issued document), the ``creation_leaf`` that recorded its
SHA-256 when it was created (``event_type``, ``subject``, ``hash_field`` = the payload key
holding the hash), plus ``ledger_indices``, every leaf the bundle must carry. After the
bundle checks above, each file is re-hashed from ``data/`` and must equal the hash in the
export leaf and, for an original, the hash in its creation leaf (itself in the bundle with
its inclusion proof); a file on disk that the export leaf does not list, a listed file that
is missing, and a listed leaf missing from the bundle all fail. One line per file; exit 1
if any file fails. A bundle inside a bag (``data/ledger-bundle.json`` next to ``bagit.txt``)
without the ``archive`` section fails: stripping the proofs does not make a bag pass.
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

BUNDLE_FORMAT = "sanxiang-ledger-bundle/1"
ARCHIVE_FORMAT = "sanxiang-case-archive-proofs/1"
EXPORT_EVENT = "case.exported"
BUNDLE_NAME = "ledger-bundle.json"
HASH_SIZE = 32


HASH_ALGORITHMS = ("sha256", "sm3")


def tree_head_message(
    tree_size: int, root: bytes, timestamp_ms: int, hash_algorithm: str = "sha256"
) -> bytes:
    """RFC 6962 §3.5 TreeHeadSignature: the exact bytes signed with Ed25519. A log whose
    hash is not SHA-256 signs ``b"sanxiang-sth/<alg>\\n"`` followed by the same 50 bytes, so
    a head cannot be presented as another algorithm's (SHA-256 heads are unchanged)."""
    if len(root) != HASH_SIZE:
        raise ValueError("root hash must be 32 bytes")
    if hash_algorithm not in HASH_ALGORITHMS:
        raise ValueError(f"unknown hash algorithm {hash_algorithm!r}")
    message = struct.pack(">BBQQ", 0, 1, timestamp_ms, tree_size) + bytes(root)
    if hash_algorithm != "sha256":
        message = f"sanxiang-sth/{hash_algorithm}\n".encode() + message
    return message


def _hash_new(hash_algorithm: str):
    """A ``hashlib``-style constructor for ``sha256`` or ``sm3``."""
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
        raise BundleError("public key in the bundle is not the trusted key")
    if expect_key_id and expect_key_id.lower() != kid:
        raise BundleError(f"public key id {kid} is not the expected {expect_key_id}")
    return Ed25519PublicKey.from_public_bytes(raw), kid


def hash_algorithm_of(bundle: dict) -> str:
    """The bundle's hash algorithm: its head's (signed), which the bundle's own
    ``hash_algorithm`` must repeat when present. Absent everywhere: ``sha256`` (bundles
    made before issue #16.7)."""
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
        raise BundleError("tree head was signed by another key")
    alg = hash_algorithm_of(bundle)
    signature = _b64(head.get("signature", ""), "tree head signature")
    try:
        key.verify(signature, tree_head_message(size, root, ts, alg))
    except InvalidSignature:
        raise BundleError("tree head: signature does not verify")
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
            raise BundleError(f"{label}: content does not match its leaf hash")
        try:
            parsed = json.loads(content)
        except ValueError:
            raise BundleError(f"{label}: content is not JSON")
        if not isinstance(parsed, dict) or parsed.get("index") != index:
            raise BundleError(f"{label}: content names another index")
        proof = [_b64(p, f"{label} proof") for p in leaf.get("inclusion_proof") or []]
        if not verify_inclusion(computed, index, size, proof, root, alg):
            raise BundleError(f"{label}: inclusion proof does not lead to the signed root")
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Sanxiang ledger bundle offline.")
    parser.add_argument("bundle", help="bundle JSON file, or a case archive (bag) directory")
    parser.add_argument("--public-key", help="PEM file of the trusted ledger public key")
    parser.add_argument("--key-id", help="expected key id (hex SHA-256 of the raw key)")
    args = parser.parse_args(argv)
    try:
        bundle_path, data_dir, in_bag = locate(args.bundle)
        with open(bundle_path, encoding="utf-8") as handle:
            bundle = json.load(handle)
        trusted = None
        if args.public_key:
            from cryptography.hazmat.primitives import serialization

            with open(args.public_key, "rb") as handle:
                key = serialization.load_pem_public_key(handle.read())
            trusted = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    except (OSError, ValueError) as exc:
        print(f"ERROR: cannot read input: {exc}", file=sys.stderr)
        return 2
    try:
        summary = verify(bundle, trusted, args.key_id)
        results = None
        if in_bag or (isinstance(bundle, dict) and "archive" in bundle):
            results = verify_archive(bundle, data_dir)
    except BundleError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    print(summary)
    if results is None:
        return 0
    for result in results:
        print(result, file=sys.stdout if result.ok else sys.stderr)
    failed = [r for r in results if not r.ok]
    if failed:
        print(
            f"FAILED: {len(failed)} of {len(results)} files of the case archive do not match "
            "the ledger (案卷文件与账本记录不一致)",
            file=sys.stderr,
        )
        return 1
    print(f"OK: all {len(results)} files of the case archive match the ledger")
    return 0


if __name__ == "__main__":
    sys.exit(main())
