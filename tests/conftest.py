"""Shared fixtures: a small organisation built through the real services.

    sfj (司法局, supervisor)
     ├── agency_a  (市场监管局, field market)
     └── agency_b  (生态环境分局, field environment)

Users: handler_a, handler_a2, reviewer_a, head_a, handler_b, reviewer_b, head_b, supervisor,
admin_user. Officers with valid certificates: officer_a1, officer_a2 (linked to handler_a,
handler_a2), officer_b1 (handler_b).
"""

import datetime as dt
import os
import socket

import pytest

from sanxiang.core.fields import EnforcementField
from sanxiang.org import services as org
from sanxiang.org.demo import make_usci
from sanxiang.org.models import AgencyKind, AgencyLevel, Officer, Role

PASSWORD = "Test-pass-2026"
REGION = "测试市测试县"


@pytest.fixture
def chromium_launch_args():
    """Extra command-line switches for the ``chromium`` fixture (tests/walk adds Chinese)."""
    return []


@pytest.fixture
def chromium(chromium_launch_args):
    """Debian's headless Chromium driven by Playwright (skipped where it is missing)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("chromium not installed")
    if "faketime" in os.environ.get("LD_PRELOAD", ""):
        # Under libfaketime (scripts/test_year_end.sh) the server's clock is moved and the
        # browser's cannot be (its timers stall under it): sessions, upload expiry and
        # retries then disagree and the browser tests fail at random (seen: a resumable
        # upload's resend timing out, an accept redirected to the login page). They run in
        # make test, on SQLite and PostgreSQL; the year-end run checks the date logic.
        pytest.skip("browser tests run in make test, not under libfaketime")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                *chromium_launch_args,
            ],
        )
        yield browser
        browser.close()
        # Under Playwright's sync API the test runs in another context, so Django opened a
        # second database connection there; close it, or PostgreSQL refuses to drop the
        # test database at the end ("being accessed by other users").
        from django.db import connections

        connections.close_all()


@pytest.fixture(autouse=True)
def _no_outbound_network(monkeypatch):
    """Tests run with outbound network blocked (loopback stays allowed)."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")
        ):
            raise RuntimeError(f"outbound network blocked in tests: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Each test starts from the database's holiday calendar and law/decision indexes: a
    test that simulated another process's edit (and rolled it back) must not leave its
    cached answer to the next test in the same worker."""
    yield
    from sanxiang.assist.services import clear_caches
    from sanxiang.workdays import calendar

    calendar.reset()
    clear_caches()  # the article/decision indexes are per process too


@pytest.fixture
def sfj(db):
    return org.create_agency(
        name="测试县司法局",
        level=AgencyLevel.COUNTY,
        kind=AgencyKind.SUPERVISOR,
        usci=make_usci("11", "339999", "MB1TQ0001"),
        region=REGION,
    )


@pytest.fixture
def agency_a(sfj):
    return org.create_agency(
        name="测试县市场监督管理局",
        short_name="市场监管局",
        level=AgencyLevel.COUNTY,
        parent=sfj,
        usci=make_usci("11", "339999", "MB1TQ0002"),
        region=REGION,
        fields=[EnforcementField.MARKET],
    )


@pytest.fixture
def agency_b(sfj):
    return org.create_agency(
        name="测试市生态环境局测试分局",
        short_name="生态环境分局",
        level=AgencyLevel.COUNTY,
        parent=sfj,
        usci=make_usci("11", "339999", "MB1TQ0003"),
        region=REGION,
        fields=[EnforcementField.ENVIRONMENT],
    )


def make_user(username, role, agency, full_name=None):
    return org.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        agency=agency,
        full_name=full_name or username,
    )


def make_officer(
    user, field, number, region=REGION, issued=dt.date(2024, 1, 1), expires=dt.date(2029, 12, 31)
):
    officer = Officer.objects.create(agency=user.agency, user=user, name=user.full_name)
    org.issue_certificate(
        officer=officer,
        number=number,
        fields=[field],
        region=region,
        issued_on=issued,
        expires_on=expires,
    )
    return officer


@pytest.fixture
def handler_a(agency_a):
    return make_user("handler_a", Role.HANDLER, agency_a, "王执法")


@pytest.fixture
def handler_a2(agency_a):
    return make_user("handler_a2", Role.HANDLER, agency_a, "李执法")


@pytest.fixture
def reviewer_a(agency_a):
    return make_user("reviewer_a", Role.REVIEWER, agency_a, "赵审核")


@pytest.fixture
def head_a(agency_a):
    return make_user("head_a", Role.HEAD, agency_a, "钱局长")


@pytest.fixture
def handler_b(agency_b):
    return make_user("handler_b", Role.HANDLER, agency_b, "孙执法")


@pytest.fixture
def reviewer_b(agency_b):
    return make_user("reviewer_b", Role.REVIEWER, agency_b, "周审核")


@pytest.fixture
def head_b(agency_b):
    return make_user("head_b", Role.HEAD, agency_b, "吴局长")


@pytest.fixture
def supervisor(sfj):
    return make_user("supervisor", Role.SUPERVISOR, sfj, "郑监督")


@pytest.fixture
def admin_user(db):
    return org.create_user(username="root", password=PASSWORD, role=Role.ADMIN, full_name="管理员")


@pytest.fixture
def officer_a1(handler_a):
    return make_officer(handler_a, EnforcementField.MARKET, "TEST-A-0001")


@pytest.fixture
def officer_a2(handler_a2):
    return make_officer(handler_a2, EnforcementField.MARKET, "TEST-A-0002")


@pytest.fixture
def officer_b1(handler_b):
    return make_officer(handler_b, EnforcementField.ENVIRONMENT, "TEST-B-0001")


@pytest.fixture
def client_for(client):
    """client_for(user) -> a Django test client logged in as ``user``."""

    def login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


@pytest.fixture
def api_for():
    """api_for(user) -> a DRF APIClient authenticated as ``user``."""
    from rest_framework.test import APIClient

    def make(user):
        api = APIClient()
        api.force_authenticate(user=user)
        return api

    return make


def pytest_configure(config):
    """Fast password hashing in tests (PBKDF2 dominates user creation otherwise)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sqlite_file_copy(connection, path):
    """Copy the in-memory SQLite test database to ``path`` and switch the copy to WAL
    before any other process opens it. ``VACUUM INTO`` writes a rollback-journal file;
    if several processes opened it at once, each one's ``PRAGMA journal_mode=WAL``
    (settings' init_command) would race for the exclusive lock, and SQLite answers the
    loser "database is locked" at once, without waiting out the busy timeout."""
    import sqlite3

    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(path)])
    copy = sqlite3.connect(str(path))
    try:
        mode = copy.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    finally:
        copy.close()
    assert mode == "wal", mode
    return str(path)
