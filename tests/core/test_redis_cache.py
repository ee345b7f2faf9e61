"""The Redis cache backend keeps one client per connection pool (sanxiang/core/redis_cache.py).

Django's own backend builds a ``redis.Redis`` per cache operation; on a public page served
from the cache that constructor was a fifth of the request's CPU (issue #12). These tests
run against the real Redis (127.0.0.1:6379, db 12, flushed), as production does.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from sanxiang.core.redis_cache import ReusedClientRedisCache

ROOT = Path(__file__).resolve().parents[2]
URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12")


@pytest.fixture
def cache():
    try:
        redis.Redis.from_url(URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:  # pragma: no cover - CI always has Redis
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"Redis not reachable: {exc}")
    backend = ReusedClientRedisCache(URL, {"KEY_PREFIX": "t"})
    backend.clear()
    yield backend
    backend.clear()


def test_one_client_serves_every_operation(cache, monkeypatch):
    made = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting)
    cache = ReusedClientRedisCache(URL, {"KEY_PREFIX": "t"})  # no client built yet
    for i in range(50):
        cache.set(f"k{i}", {"n": i}, 60)
        assert cache.get(f"k{i}") == {"n": i}
    assert cache.add("k0", "other", 60) is False
    assert cache.get_many(["k1", "k2"]) == {"k1": {"n": 1}, "k2": {"n": 2}}
    cache.delete("k1")
    assert cache.get("k1", "gone") == "gone"
    assert cache.add("counter", 0, 60) is True
    assert cache.incr("counter", 2) == 2
    # Django's backend would have built one client per operation above (100+)
    assert len(made) == 1


def test_client_belongs_to_its_pool(cache):
    client = cache._cache.get_client()
    assert client is cache._cache.get_client(write=True)
    assert client.connection_pool is cache._cache._get_connection_pool(False)


def test_production_cache_uses_this_backend():
    env = {**os.environ, "CACHE_URL": URL, "DJANGO_SETTINGS_MODULE": "sanxiang.settings"}
    env.pop("SANXIANG_ENV", None)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "sanxiang.core.redis_cache.ReusedClientRedisCache"


def test_public_portal_patterns_come_before_the_apps():
    """Django tries the patterns in order; /gs/ takes most traffic (issue #12)."""
    from sanxiang.urls import urlpatterns

    routes = [str(p.pattern) for p in urlpatterns]
    first_app = min(i for i, r in enumerate(routes) if r in ("org/", "api/org/"))
    assert routes.index("gs/") < first_app
    assert routes.index("gs/sj/") < routes.index("gs/")  # the longer prefixes first
