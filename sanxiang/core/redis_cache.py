"""Django's Redis cache backend, keeping one ``redis.Redis`` client per connection pool.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new
``redis.Redis`` for every cache operation, and ``redis.Redis.__init__`` registers its ~160
response callbacks in a case-insensitive dict each time: on a public page served from the
cache (two cache reads) that was about a fifth of the request's CPU (issue #12, profiled
with ``cProfile`` over the WSGI application). A ``redis.Redis`` holds no connection of its
own — it borrows one from its pool for each command — so one client per pool serves every
call; the pools stay Django's (one per server, created lazily, and redis-py re-creates a
pool's connections in a forked process).
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with ``ReusedClientRedisCacheClient``."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
