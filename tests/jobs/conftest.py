# a case in its decision stage, as tests/cases builds it (flow, powers, isolated gates)
from tests.cases.conftest import (  # noqa: F401
    _fast_passwords,
    _isolated_gates,
    flow,
    power_a,
    powers_a,
)
