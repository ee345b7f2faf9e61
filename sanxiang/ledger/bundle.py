"""Export a self-verifying bundle of ledger leaves (format: see ``verify_bundle``).

    export_bundle(leaf_indices, tree_size=None) -> dict

The bundle holds the leaves' canonical content and hashes, an inclusion proof for each
against one signed tree head, that head and the ledger's public key. Write it with
``json.dump(bundle, f, ensure_ascii=False)``; check it anywhere with
``python -m sanxiang.ledger.verify_bundle FILE`` (no database needed).

``tree_size=None`` uses the latest signed head if it covers every requested leaf and
signs a new head for the current tree otherwise; with ``tree_size`` it uses a stored
head of that size or signs one. Call it inside ``transaction.atomic()`` if the bundle
must match a concurrent append exactly (it is consistent either way: a head and its
proofs always refer to the same tree size).

    export_archive_bundle(leaf_indices, export_leaf_index) -> dict

The bundle of a case archive: the same, plus the ``case.exported`` leaf that lists every
file of the archive with its SHA-256 and creation leaf, named in ``"archive"`` so that
``verify_bundle`` checks each file of the bag against it (docs/ledger.md, "Case archive
proofs").
"""

from __future__ import annotations

import base64

from django.utils.translation import gettext_lazy as _

from sanxiang.core.errors import DomainError, ErrorCode

from . import heads, services
from .models import Leaf, SignedTreeHead
from .verify_bundle import ARCHIVE_FORMAT, BUNDLE_FORMAT


def _b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode()


def public_key_info() -> dict:
    return {
        "algorithm": "ed25519",
        "raw": heads.public_key_raw_b64(),
        "pem": heads.public_key_pem(),
        "key_id": heads.key_id(),
    }


def _head_for(indices, tree_size):
    if tree_size is None:
        head = services.latest_head()
        if head is not None and (not indices or max(indices) < head.tree_size):
            return head
        return services.sign_tree_head()
    head = (
        SignedTreeHead.objects.filter(tree_size=tree_size).order_by("-timestamp_ms", "-id").first()
    )
    return head or services.sign_tree_head(tree_size)


def export_bundle(leaf_indices, tree_size: int | None = None) -> dict:
    indices = sorted({int(i) for i in leaf_indices})
    head = _head_for(indices, tree_size)
    size = head.tree_size
    bad = [i for i in indices if not 0 <= i < size]
    if bad:
        raise DomainError(
            _("序号 %(index)s 不在大小为 %(size)s 的树中。") % {"index": bad[0], "size": size},
            code=ErrorCode.NOT_FOUND,
        )
    leaves = {leaf.index: leaf for leaf in Leaf.objects.filter(index__in=indices)}
    out = []
    for index in indices:
        leaf = leaves[index]
        out.append(
            {
                "index": index,
                "content": leaf.content,
                "leaf_hash": _b64(leaf.leaf_hash),
                "inclusion_proof": [_b64(p) for p in services.inclusion_proof(index, size)],
            }
        )
    alg = head.hash_algorithm
    bundle = {
        "format": BUNDLE_FORMAT,
        "hash_algorithm": alg,
        "hash": f"{alg} (RFC 9162 §2.1: leaf = H(0x00||content), node = H(0x01||l||r))",
        "public_key": public_key_info(),
        "tree_head": head.as_dict(),
        "leaves": out,
    }
    witness = _witness_section(size, bytes(head.root_hash))
    if witness is not None:
        bundle["witness"] = witness
    return bundle


def _witness_section(size, root):
    """The latest cosigned checkpoint + a consistency proof to this head (issue #16,
    ``witness.client.witness_section``); absent when nothing was cosigned yet."""
    try:
        from sanxiang.witness.client import witness_section

        return witness_section(size, root)
    except Exception:  # the witness is optional for a bundle
        return None


def export_archive_bundle(leaf_indices, export_leaf_index: int) -> dict:
    bundle = export_bundle([*leaf_indices, export_leaf_index])
    bundle["archive"] = {"format": ARCHIVE_FORMAT, "export_leaf": int(export_leaf_index)}
    return bundle
