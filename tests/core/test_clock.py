"""One clock: nothing in ``sanxiang`` reads the time except ``sanxiang.core.clock``."""

import ast
import datetime as dt
from pathlib import Path

import time_machine

from sanxiang.core import clock

ROOT = Path(__file__).resolve().parents[2] / "sanxiang"
BJ = dt.timezone(dt.timedelta(hours=8))


def _name(node):
    if isinstance(node, ast.Attribute):
        base = _name(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


FORBIDDEN = {
    "timezone.now",
    "datetime.now",
    "datetime.today",
    "datetime.utcnow",
    "date.today",
    "dt.datetime.now",
    "dt.datetime.today",
    "dt.datetime.utcnow",
    "dt.date.today",
    "datetime.datetime.now",
    "datetime.date.today",
    "_now",
    "_today",
}


def clock_readings(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in FORBIDDEN:
                found.append((node.lineno, name))
            # localdate()/localtime() without an argument read the clock too
            if name in ("timezone.localdate", "timezone.localtime") and not node.args:
                found.append((node.lineno, name))
    return found


def test_nothing_but_core_clock_reads_the_time():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        if path.name == "clock.py" and path.parent.name == "core":
            continue
        for line, name in clock_readings(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT.parent)}:{line} {name}()")
    assert offenders == [], "use sanxiang.core.clock.now()/today():\n" + "\n".join(offenders)


def test_the_scan_catches_each_form():
    src = "timezone.now()\ndt.date.today()\ntimezone.localdate()\ntimezone.localdate(x)\n"
    assert [n for _, n in clock_readings(src)] == [
        "timezone.now",
        "dt.date.today",
        "timezone.localdate",
    ]


def test_today_is_beijing_date_and_follows_a_frozen_clock():
    # 2026-12-31 17:30 UTC is already 2027-01-01 in Beijing
    with time_machine.travel(dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC), tick=False):
        assert clock.today() == dt.date(2027, 1, 1)
        assert clock.now() == dt.datetime(2027, 1, 1, 1, 30, tzinfo=BJ)


def test_at_sets_the_clock_for_a_block_only():
    moment = dt.datetime(2026, 3, 2, 9, 0, tzinfo=BJ)
    with clock.at(moment):
        assert clock.now() == moment and clock.today() == dt.date(2026, 3, 2)
    assert clock.now() != moment
