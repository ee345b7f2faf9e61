"""Files under the var dir are private to the service user (sanxiang/settings.py).

Started with a permissive umask (022), a process still creates the var dir, the SQLite
database and its journals, keys and media for its own user only; loose modes left by an
older installation are tightened at startup; a shared sticky directory is never touched.
"""

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLEARED = ("SANXIANG_ENV", "DATABASE_URL", "MEDIA_ROOT", "SANXIANG_KEYS_DIR", "STORAGE_URL")

CREATE = """
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from sanxiang.ledger import heads

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE probe (x integer)")
    cursor.execute("INSERT INTO probe VALUES (1)")
heads.private_key()
default_storage.save("2026/probe.txt", ContentFile(b"probe"))
"""


def run(var_dir, code="import django; django.setup()", umask=0o022):
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(DJANGO_SETTINGS_MODULE="sanxiang.settings", SANXIANG_VAR_DIR=str(var_dir))
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(umask),
    )
    assert result.returncode == 0, result.stderr[-2000:]


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_files_created_under_var_are_private(tmp_path):
    var = tmp_path / "var"
    run(var, CREATE)
    assert mode(var) == 0o700
    db = var / "sanxiang.sqlite3"
    assert mode(db) == 0o600
    for journal in (var / "sanxiang.sqlite3-wal", var / "sanxiang.sqlite3-shm"):
        if journal.exists():
            assert mode(journal) == 0o600, journal
    assert mode(var / "secret_key") == 0o600
    assert mode(var / "keys") == 0o700
    assert mode(var / "keys" / "ledger_ed25519.pem") == 0o600
    assert mode(var / "media") == 0o700
    assert mode(var / "media" / "2026") == 0o700
    assert mode(var / "media" / "2026" / "probe.txt") == 0o400


def test_loose_modes_of_an_existing_installation_are_tightened(tmp_path):
    var = tmp_path / "var"
    (var / "keys").mkdir(parents=True)
    (var / "media").mkdir()
    (var / "sanxiang.sqlite3").write_bytes(b"")
    (var / "secret_key").write_text("k" * 60)
    for path, loose in (
        (var, 0o755),
        (var / "keys", 0o755),
        (var / "media", 0o775),
        (var / "sanxiang.sqlite3", 0o644),
        (var / "secret_key", 0o644),
    ):
        os.chmod(path, loose)
    run(var)
    assert mode(var) == 0o700
    assert mode(var / "keys") == 0o700
    assert mode(var / "media") == 0o700
    assert mode(var / "sanxiang.sqlite3") == 0o600
    assert mode(var / "secret_key") == 0o600


def test_a_shared_sticky_directory_is_left_alone(tmp_path):
    """SANXIANG_VAR_DIR=/tmp must never make /tmp private."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    run(shared)
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o1777


def test_launch_scripts_tighten_the_umask_before_creating_files():
    for name in ("bootstrap.sh", "serve.sh", "serve_prod.sh"):
        lines = (ROOT / "scripts" / name).read_text().splitlines()
        umask = next(i for i, line in enumerate(lines) if line.startswith("umask 077"))
        creating = [
            i for i, line in enumerate(lines) if "manage.py" in line or line.startswith("mkdir")
        ]
        assert creating and umask < min(creating), name
