import pytest


@pytest.fixture(autouse=True)
def _ledger_keys(settings, tmp_path_factory):
    """Every ledger test signs with a throw-away key, never var/keys."""
    settings.KEYS_DIR = tmp_path_factory.getbasetemp() / "ledger-keys"
