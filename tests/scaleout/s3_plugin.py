"""pytest plugin for scripts/ci_s3.sh: the storage suites run against a real S3 server.

Loaded with ``-p tests.scaleout.s3_plugin`` when ``STORAGE_URL=s3://…`` is set:

* every test gets its own key prefix in the bucket (``STORAGES`` location
  ``<run prefix>/p<pid>-t<n>``), so content-addressed objects one test stored are not found by
  the next one (the local-disk suites get a fresh ``MEDIA_ROOT`` per test the same way);
* a test that itself asks the storage for a local path (``default_storage.path(…)``, to
  tamper with a file on disk) is reported as skipped, naming it: that attack is run
  against the bucket by ``tests/scaleout/test_s3.py`` instead. Application code asking
  for a local path still fails the test — that is what this run is for.
"""

from __future__ import annotations

import copy
import itertools
import os
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parents[1]
_counter = itertools.count(1)


def _is_s3(settings) -> bool:
    return settings.STORAGES["default"]["BACKEND"].endswith("S3Storage")


@pytest.fixture(autouse=True)
def _s3_prefix_per_test(settings):
    if not _is_s3(settings):
        yield None
        return
    storages = copy.deepcopy(settings.STORAGES)
    options = storages["default"]["OPTIONS"]
    base = options.get("location") or ""
    # pid: xdist workers each count from 1
    options["location"] = f"{base}/p{os.getpid()}-t{next(_counter)}".strip("/")
    settings.STORAGES = storages  # resets default_storage (django.test.signals)
    yield options["location"]


def _local_path_caller(excinfo):
    """The traceback entry that called ``Storage.path`` (which raised), or None."""
    tb = excinfo.traceback
    for i, entry in enumerate(tb):
        if entry.name == "path" and "files/storage" in str(entry.path) and i > 0:
            return tb[i - 1]
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    excinfo = call.excinfo
    if excinfo is None or not excinfo.errisinstance(NotImplementedError):
        return
    caller = _local_path_caller(excinfo)
    if caller is None:
        return
    where = Path(str(caller.path)).resolve()
    if where.is_relative_to(TESTS_DIR):
        report.outcome = "skipped"
        report.longrepr = (
            str(item.path),
            item.location[1] or 0,
            f"Skipped: the test edits a stored file by local path ({where.name}:"
            f"{caller.lineno + 1}); on S3 this attack runs in tests/scaleout/test_s3.py",
        )
