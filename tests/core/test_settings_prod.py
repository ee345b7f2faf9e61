"""Production mode fails closed (sanxiang/settings.py, docs/deployment.md).

Each rule is checked in a fresh interpreter (``django.setup()`` with an environment that is
valid except for the one thing under test), so each test fails without its rule.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.utils import get_random_secret_key

from sanxiang.wsgi import TrustedProxy

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = secrets.token_urlsafe(50)
CLEARED = (
    "SANXIANG_ENV",
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "STORAGE_URL",
    "MEDIA_ROOT",
    "SANXIANG_KEYS_DIR",
    "TRUST_PROXY_HEADERS",
    "FORWARDED_ALLOW_IPS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)
PRINT = (
    "from django.conf import settings as s; "
    "print(s.SANXIANG_ENV, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, "
    "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
)


def start(tmp_path, setup=False, **env):
    """Load the settings in a subprocess with only ``env`` set among the settings
    variables; with ``setup`` start Django as a server would (``django.setup()``)."""
    full = {k: v for k, v in os.environ.items() if k not in CLEARED}
    full.update(DJANGO_SETTINGS_MODULE="sanxiang.settings", SANXIANG_VAR_DIR=str(tmp_path / "var"))
    full.update({k: v for k, v in env.items() if v is not None})
    code = ("import django; django.setup(); " if setup else "") + PRINT
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True
    )


def production(**overrides):
    env = {
        "SANXIANG_ENV": "production",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "zf.example.gov.cn",
        "DATABASE_URL": "postgres://sanxiang@127.0.0.1:5432/sanxiang",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
    }
    env.update(overrides)
    return env


def refused(result, *fragments):
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr[-2000:]
    return True


def test_valid_production_starts_with_secure_defaults(tmp_path):
    result = start(tmp_path, setup=True, **production())
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["production", "31536000", "True", "True", "True", "None"]


def test_proxy_ssl_header_only_when_the_proxy_is_trusted(tmp_path):
    result = start(tmp_path, **production(TRUST_PROXY_HEADERS="1"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("('HTTP_X_FORWARDED_PROTO', 'https')")


def test_development_is_the_default(tmp_path):
    result = start(tmp_path, setup=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[0] == "development"


@pytest.mark.parametrize("value", ["Production", "PRODUCTION", " production "])
def test_env_value_is_case_insensitive(tmp_path, value):
    """``SANXIANG_ENV=Production`` is production mode, so it refuses a missing secret."""
    result = start(tmp_path, **production(SANXIANG_ENV=value, SECRET_KEY=None))
    assert refused(result, "SECRET_KEY must be set")
    assert start(tmp_path, **production(SANXIANG_ENV=value)).stdout.split()[0] == "production"


@pytest.mark.parametrize("value", ["prod", "staging", "test", "productio"])
def test_unknown_env_value_refused(tmp_path, value):
    result = start(tmp_path, **production(SANXIANG_ENV=value))
    assert refused(result, "SANXIANG_ENV", f"unknown SANXIANG_ENV '{value}'")


def test_missing_secret_key_refused(tmp_path):
    result = start(tmp_path, **production(SECRET_KEY=None))
    assert refused(result, "必须设置 SECRET_KEY", "SECRET_KEY must be set")
    assert not (tmp_path / "var" / "secret_key").exists()


def test_short_secret_key_refused(tmp_path):
    result = start(tmp_path, **production(SECRET_KEY=STRONG_KEY[:49]))
    assert refused(result, "SECRET_KEY 太短", "SECRET_KEY is too short (49 characters")


@pytest.mark.parametrize(
    "key",
    [
        "x" * 60,
        "abc" * 20,
        "0123456789" * 6,
        "Kq3!vZ8@pL" * 6,
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        "django-insecure-" + secrets.token_urlsafe(40),
        "change-me-" + secrets.token_urlsafe(40),
        "my-production-secret-" + secrets.token_urlsafe(30),
    ],
    ids=lambda key: key[:10],  # stable ids: xdist workers must collect the same tests
)
def test_low_entropy_secret_key_refused(tmp_path, key):
    result = start(tmp_path, **production(SECRET_KEY=key))
    assert refused(result, "SECRET_KEY 强度不足", "SECRET_KEY is weak")


@pytest.mark.parametrize(
    "key",
    [secrets.token_urlsafe(50), secrets.token_hex(32), get_random_secret_key()],
    ids=["token_urlsafe", "token_hex", "django_random"],
)
def test_generated_secret_keys_accepted(tmp_path, key):
    result = start(tmp_path, **production(SECRET_KEY=key))
    assert result.returncode == 0, result.stderr[-2000:]


def test_debug_refused(tmp_path):
    result = start(tmp_path, **production(DEBUG="1"))
    assert refused(result, "不得开启 DEBUG", "DEBUG must not be on")


def test_missing_allowed_hosts_refused(tmp_path):
    result = start(tmp_path, **production(ALLOWED_HOSTS=None))
    assert refused(result, "必须设置 ALLOWED_HOSTS", "ALLOWED_HOSTS must be set")


def test_missing_database_url_refused(tmp_path):
    """No silent fallback to SQLite under var/ in production."""
    result = start(tmp_path, **production(DATABASE_URL=None))
    assert refused(result, "必须设置 DATABASE_URL", "DATABASE_URL must be set")
    assert not (tmp_path / "var" / "sanxiang.sqlite3").exists()


def test_missing_cache_url_refused(tmp_path):
    """No silent per-process cache in production (throttling would not hold across workers)."""
    result = start(tmp_path, **production(CACHE_URL=None))
    assert refused(result, "必须设置 CACHE_URL", "CACHE_URL must be set")


def test_every_problem_reported_at_once(tmp_path):
    result = start(tmp_path, SANXIANG_ENV="production", DEBUG="1")
    assert refused(
        result,
        "拒绝启动",
        "refusing to start in production mode",
        "SECRET_KEY must be set",
        "DEBUG must not be on",
        "ALLOWED_HOSTS must be set",
        "DATABASE_URL must be set",
        "CACHE_URL must be set",
        "docs/deployment.md",
    )


# --- sanxiang.wsgi.TrustedProxy ----------------------------------------------------------


def _seen(peer, **headers):
    """The WSGI environ the application sees for a request from ``peer``."""
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        return []

    proxy = TrustedProxy(app, ["127.0.0.1", "::1", "10.0.0.0/8"])
    environ = {"REMOTE_ADDR": peer}
    environ.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    proxy(environ, None)
    return seen


@pytest.mark.parametrize("peer", ["127.0.0.1", "::1", "10.1.2.3", "::ffff:127.0.0.1", ""])
def test_trusted_proxy_passes_client_address_and_scheme(peer):
    seen = _seen(peer, x_real_ip="203.0.113.7", x_forwarded_proto="https")
    assert seen["REMOTE_ADDR"] == "203.0.113.7"
    assert seen["HTTP_X_FORWARDED_PROTO"] == "https"


def test_untrusted_peer_cannot_claim_https_or_another_address():
    seen = _seen("198.51.100.9", x_real_ip="203.0.113.7", x_forwarded_proto="https")
    assert seen["REMOTE_ADDR"] == "198.51.100.9"
    assert "HTTP_X_FORWARDED_PROTO" not in seen and "HTTP_X_REAL_IP" not in seen


def test_trusted_proxy_ignores_a_malformed_real_ip():
    assert _seen("127.0.0.1", x_real_ip="evil, 1.2.3.4")["REMOTE_ADDR"] == "127.0.0.1"
