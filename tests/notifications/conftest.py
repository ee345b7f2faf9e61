"""The notifications tests reuse the review tests' case of agency A in 审查决定 (built through
the real services, on a fixed date)."""

from tests.review.conftest import (  # noqa: F401  (fixtures)
    _fast_passwords,
    _today,
    case_a,
    draft_a,
    power_a,
    steps,
)
