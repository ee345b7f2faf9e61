"""The workbench shell: zh-hans login, security headers, throttling, settings."""

import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from ..conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_login_page_is_chinese_with_csp(client, db):
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'lang="zh-hans"' in body and "登录三项制度执法平台" in body
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_login_then_workbench(client, handler_a):
    response = client.post(
        reverse("login"), {"username": "handler_a", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert "工作台" in response.content.decode()


def test_login_throttled_after_repeated_failures(client, handler_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"), {"username": "handler_a", "password": "wrong"}, REMOTE_ADDR="10.0.0.9"
        )
    locked = client.post(
        reverse("login"), {"username": "handler_a", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert locked.status_code == 429
    assert "暂时锁定" in locked.content.decode()


def test_csrf_enforced(handler_a, db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "handler_a", "password": PASSWORD})
    assert response.status_code == 403


def _settings_subprocess(env):
    code = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','sanxiang.settings'); django.setup(); print('ok')"
    full = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "SANXIANG_ENV", "ALLOWED_HOSTS", "DEBUG")
    }
    full.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _settings_subprocess(
        {
            "SANXIANG_ENV": "production",
            "ALLOWED_HOSTS": "example.org",
            "SANXIANG_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_debug(tmp_path):
    result = _settings_subprocess(
        {
            "SANXIANG_ENV": "production",
            "SECRET_KEY": "x" * 50,
            "DEBUG": "1",
            "ALLOWED_HOSTS": "a",
            "SANXIANG_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode != 0 and "DEBUG must not be on" in result.stderr


def test_embedded_default_generates_secret_in_var(tmp_path):
    result = _settings_subprocess({"SANXIANG_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    secret = (tmp_path / "secret_key").read_text()
    assert len(secret) >= 50 and oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_secret_never_in_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "var/" in ignored


def _first_start(var_dir, barrier, results):
    from sanxiang import settings as project_settings

    project_settings.VAR_DIR = Path(var_dir)
    barrier.wait(timeout=30)
    try:
        results.put(project_settings._secret_key())
    except Exception as exc:  # report to the parent
        results.put(f"error: {exc!r}")


def test_secret_generated_once_when_processes_start_together(tmp_path, monkeypatch):
    """Web, worker and test processes may start at the same moment on a fresh machine:
    all of them start, and all of them use the same, whole key."""
    import multiprocessing

    monkeypatch.delenv("SECRET_KEY", raising=False)
    ctx = multiprocessing.get_context("fork")
    starters = 8
    barrier, results = ctx.Barrier(starters), ctx.Queue()
    procs = [
        ctx.Process(target=_first_start, args=(str(tmp_path), barrier, results))
        for _ in range(starters)
    ]
    for proc in procs:
        proc.start()
    keys = [results.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    assert len(set(keys)) == 1, keys
    assert keys[0] == (tmp_path / "secret_key").read_text() and len(keys[0]) >= 50
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary left
