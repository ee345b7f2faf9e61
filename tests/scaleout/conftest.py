"""Fixtures of the scale-out tests (tests/scaleout): they run only from scripts/ci_s3.sh
(a real SeaweedFS S3 gateway) and scripts/ci_celery.sh (a real Celery worker and beat
against Redis); in the normal suite every test here is skipped."""

# a case in its decision stage, as tests/cases builds it (flow, powers, isolated gates)
from tests.cases.conftest import (  # noqa: F401
    _fast_passwords,
    _isolated_gates,
    flow,
    power_a,
    powers_a,
)
from tests.scaleout.s3_plugin import _s3_prefix_per_test  # noqa: F401
