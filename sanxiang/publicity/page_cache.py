"""The generation of the public search results (issue #12: cached search pages).

Every cached search page's key holds the current generation; ``services.invalidate_page``
(called by every publication, correction, withdrawal and removal) renews it, so a cached
page never outlives a change of published content. Kept apart from ``services`` so that the
public views read no workbench module.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache

SEARCH_GENERATION_KEY = "gs:search:generation"


def search_generation() -> str:
    value = cache.get(SEARCH_GENERATION_KEY)
    if value is None:
        cache.add(SEARCH_GENERATION_KEY, secrets.token_hex(8), None)
        value = cache.get(SEARCH_GENERATION_KEY) or ""
    return value


def new_search_generation() -> None:
    cache.set(SEARCH_GENERATION_KEY, secrets.token_hex(8), None)
