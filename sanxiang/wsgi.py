"""WSGI entry point: ``granian --interface wsgi sanxiang.wsgi:application`` (scripts/serve_prod.sh).

Behind a trusted reverse proxy (``TRUST_PROXY_HEADERS=1``, docs/deployment.md) every
request comes from the proxy, so ``REMOTE_ADDR`` is the proxy's address. ``TrustedProxy``
then takes the client's address from ``X-Real-IP`` (the proxy overwrites it with the
address it saw) into ``REMOTE_ADDR``, which login throttling (django-axes) and the rate
limits of the public complaint pages key on. It trusts only peers in
``FORWARDED_ALLOW_IPS`` (a unix-socket peer has no address and counts as the proxy); from any other peer it drops ``X-Real-IP`` and ``X-Forwarded-Proto``, so a
client that reaches the application server directly can claim neither HTTPS
(``SECURE_PROXY_SSL_HEADER``) nor another address.
"""

import gc
import ipaddress
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

PROXY_HEADERS = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_REAL_IP")


def _address(text):
    try:
        addr = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return getattr(addr, "ipv4_mapped", None) or addr


class TrustedProxy:
    def __init__(self, app, allowed):
        self.app = app
        self.any = "*" in allowed
        self.networks = [ipaddress.ip_network(a, strict=False) for a in allowed if a != "*"]

    def trusted(self, peer):
        if not peer or self.any:
            return True
        addr = _address(peer)
        return addr is not None and any(addr in net for net in self.networks)

    def __call__(self, environ, start_response):
        if self.trusted(environ.get("REMOTE_ADDR", "")):
            client = _address(environ.get("HTTP_X_REAL_IP", ""))
            if client is not None:
                environ["REMOTE_ADDR"] = str(client)
        else:
            for header in PROXY_HEADERS:
                environ.pop(header, None)
        return self.app(environ, start_response)


application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (configured by get_wsgi_application)


def warm():
    """Load what every first request would otherwise load, when a server worker starts
    (``SANXIANG_WSGI_WARM=1``, set by scripts/serve_prod.sh): the URL configuration and the
    search segmenter's dictionary. Opens no database or cache connection."""
    from django.urls import get_resolver

    from sanxiang.publicity.search import _get_jieba

    get_resolver().url_patterns  # noqa: B018  (imports every urls/views module)
    _get_jieba()


if os.environ.get("SANXIANG_WSGI_WARM") == "1":
    warm()
    # what was loaded lives as long as the worker: out of the garbage collector's reach, so
    # that no full collection rescans the segmenter's dictionary (hundreds of thousands of
    # objects)
    gc.freeze()

if settings.TRUST_PROXY_HEADERS:
    application = TrustedProxy(application, settings.FORWARDED_ALLOW_IPS)
