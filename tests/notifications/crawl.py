"""Crawl the staff pages as one user (Django test client, GET only, same-site links) and
report internal codes and ISO timestamps that leak into the visible Chinese text.

Used by test_leaks.py on a small fixture set, and by hand on the demo data:
``DATABASE_URL=sqlite:////tmp/inbox.sqlite3 .venv/bin/python -m tests.notifications.crawl``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlparse

LEAKS = {
    "internal code": re.compile(r"\b[a-z_]+:\d+"),
    "code in brackets": re.compile(r"[（(][a-z]+_[a-z_]+[)）]"),
    "ISO timestamp": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
}
# reported by the by-hand crawl, not (yet) failed on: Django's form label_suffix ":" shows
# on every ``{{ form }}`` label until the forms use 「：」 (see docs/workbench.md)
WARNINGS = {"ASCII colon after Chinese": re.compile(r"[\u4e00-\u9fff]:")}
SKIP = re.compile(
    r"/(api|admin|static|media|accounts|logout|gs)/|export|download|stream|\.(pdf|csv|xlsx|zip"
    r"|docx|pem|json|yaml)$|/verify|/proof|/file/|/files/|\?page=|/act/|/new/|/upload"
)
# text that is legitimately ASCII with a colon and digits (hashes, codes typed by people)
ALLOW = re.compile(r"sha256:[0-9a-f]+")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.links, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code", "pre", "textarea"):
            self._skip += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "pre", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def leaks_in(html: str, patterns=None) -> tuple[list[tuple[str, str]], list[str]]:
    parser = _Text()
    parser.feed(html)
    text = ALLOW.sub("", " ".join(parser.text))
    found = []
    for label, pattern in (patterns or LEAKS).items():
        for m in pattern.finditer(text):
            start = max(0, m.start() - 30)
            found.append((label, text[start : m.end() + 30].replace("\n", " ")))
    return found, parser.links


def crawl(client, start=("/",), limit=120, patterns=None) -> dict[str, list]:
    """{url: [(kind, excerpt), …]} for every page with a leak."""
    seen, queue, out = set(), list(start), {}
    while queue and len(seen) < limit:
        url = urldefrag(queue.pop(0))[0]
        parsed = urlparse(url)
        if parsed.netloc or not url.startswith("/") or url in seen or SKIP.search(url):
            continue
        seen.add(url)
        try:
            response = client.get(url)
        except Exception as exc:  # a crashing page is reported, the crawl goes on
            out[url] = [("server error", repr(exc)[:200])]
            continue
        if response.status_code in (301, 302) and response.get("Location", "").startswith("/"):
            queue.insert(0, response["Location"])
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        found, links = leaks_in(response.content.decode(), patterns)
        if found:
            out[url] = found
        queue.extend(link for link in links if link not in seen)
    return out


def main():  # pragma: no cover - by hand on the demo database
    import os
    import sys

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    django.setup()
    from django.test import Client

    from sanxiang.org.models import User

    usernames = sys.argv[1:] or [
        u.username
        for role in ("handler", "reviewer", "head", "supervisor")
        for u in User.objects.filter(role=role, is_active=True).order_by("id")[:1]
    ]
    for name in usernames:
        client = Client()
        client.force_login(
            User.objects.get(username=name), backend="django.contrib.auth.backends.ModelBackend"
        )
        limit = int(os.environ.get("CRAWL_LIMIT", "150"))
        for url, found in crawl(client, limit=limit, patterns={**LEAKS, **WARNINGS}).items():
            for kind, excerpt in found[:3]:
                print(f"{name}\t{url}\t{kind}\t{excerpt}")


if __name__ == "__main__":  # pragma: no cover
    main()
