"""Navigation per role and the workbench's panels.

Apps register their menu entries and workbench panels here in ``NAV`` / ``PANELS``
by adding a provider in their ``apps.py`` ``ready()``: ``register_nav(provider)``
where provider(request) -> list of (label, url) pairs, and ``register_panel(provider)``
where provider(request) -> dict(title=..., template=..., context=...) or None.
"""

_nav_providers = []
_panel_providers = []
_banner_providers = []


def register_nav(provider):
    _nav_providers.append(provider)
    return provider


def register_panel(provider):
    _panel_providers.append(provider)
    return provider


def nav_items(request):
    items = []
    for provider in _nav_providers:
        items.extend(provider(request) or [])
    return items


def workbench_panels(request):
    panels = []
    for provider in _panel_providers:
        panel = provider(request)
        if panel:
            panels.append(panel)
    return panels


def register_banner(provider):
    """provider(request) -> list of dicts(text=..., url=..., link=...) shown atop every page."""
    _banner_providers.append(provider)
    return provider


def banners(request):
    out = []
    for provider in _banner_providers:
        out.extend(provider(request) or [])
    return out
