"""/api/docs/ is served from the platform itself (issue #13 item 6): Swagger UI from
drf-spectacular-sidecar (settings ``SWAGGER_UI_DIST = "SIDECAR"``), its start-up script as a
separate same-origin request (``SpectacularSwaggerSplitView``), since our CSP allows no
inline script and no CDN."""

import re
from pathlib import Path

import drf_spectacular_sidecar
from django.contrib.staticfiles import finders

SIDECAR = Path(drf_spectacular_sidecar.__file__).parent / "static" / "drf_spectacular_sidecar"


def test_swagger_ui_loads_only_local_scripts(client_for, admin_user):
    client = client_for(admin_user)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1][:40]
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert len(sources) == 3
    assert all(s.startswith("/static/") or s.startswith("/api/docs/") for s in sources)
    assert "//" not in "".join(sources)  # no CDN host
    assert "<script>" not in html  # nothing inline for the CSP to block
    for src in sources:
        if src.startswith("/static/"):
            assert finders.find(src.removeprefix("/static/")), src
    script = client.get(next(s for s in sources if s.startswith("/api/docs/")))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content
    for name in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert (SIDECAR / "swagger-ui-dist" / name).is_file()
