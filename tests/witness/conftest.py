import pytest

from tests.cases.conftest import (  # noqa: F401
    _fast_passwords,
    _isolated_gates,
    flow,
    power_a,
    powers_a,
)


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    """Throw-away ledger and witness keys (never var/keys)."""
    settings.KEYS_DIR = tmp_path / "keys"
    settings.SANXIANG_LEDGER_ORIGIN = "sanxiang.test/ledger-a"
    settings.SANXIANG_WITNESS_NAME = "sfj.test/witness"
    settings.SANXIANG_WITNESSES = None
