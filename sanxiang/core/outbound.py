"""Outbound HTTP (webhook deliveries, witness submissions): only ``http``/``https`` URLs.

``urllib.request`` also opens ``file:``, ``ftp:`` and ``data:`` URLs; a receiver URL entered
by an administrator or set in the settings must never read a local file or reach another
protocol. Every outbound request is built here."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")


class OutboundURLError(ValueError):
    """The URL is not an http(s) URL with a host."""


def post_request(url: str, data: bytes, headers: dict) -> urllib.request.Request:
    """A POST request to ``url``, refused unless it is ``http(s)://host…``."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.netloc:
        raise OutboundURLError(f"only http(s) URLs may be called, not {parts.scheme or url!r}")
    return urllib.request.Request(url, data=data, method="POST", headers=headers)  # noqa: S310 - scheme checked above


def open_request(request: urllib.request.Request, timeout: float):
    """``urlopen`` for a request built by ``post_request``."""
    return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - built by post_request
