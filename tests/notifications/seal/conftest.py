"""Seal-check tests reuse the documents tests' fixtures (an issued document of agency A)."""

from tests.documents.conftest import (  # noqa: F401  (fixtures)
    _fast_password_hashing,
    _without_review_gate,
    case_a,
    make_issued,
)
