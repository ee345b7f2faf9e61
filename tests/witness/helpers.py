"""A second, simulated platform log (its own origin and key; leaves in memory)."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sanxiang.ledger import merkle
from sanxiang.witness import note as N


class FakeLog:
    def __init__(self, origin, leaves=0, hasher=merkle.SHA256):
        self.origin = origin
        self.hasher = hasher
        self.key = Ed25519PrivateKey.generate()
        self.leaves = []
        self.grow(leaves)

    @property
    def public_raw(self):
        return self.key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    def grow(self, n):
        start = len(self.leaves)
        self.leaves += [
            self.hasher.leaf(f"{self.origin} leaf {start + i}".encode()) for i in range(n)
        ]

    def root(self, size=None):
        leaves = self.leaves[: len(self.leaves) if size is None else size]
        return merkle.root_hash(leaves, self.hasher)

    def checkpoint(self, size=None, key=None):
        size = len(self.leaves) if size is None else size
        text = N.checkpoint_text(self.origin, size, self.root(size))
        return N.Note(text, [N.sign_note_ed25519(text, self.origin, key or self.key)]).serialise()

    def proof(self, old, size=None):
        size = len(self.leaves) if size is None else size
        if old == 0 or old == size:
            return []
        return merkle.consistency_proof(old, self.leaves[:size], self.hasher)

    def body(self, old, size=None, key=None):
        return N.build_add_checkpoint(old, self.proof(old, size), self.checkpoint(size, key))
