"""The table at the top of ``sanxiang/settings.py`` is the operator's list of every knob.

Every environment variable the code reads and every setting read with a default through
``getattr(settings, "NAME", default)`` must be named there (issue #17 item 7): a knob missing
from the table is one an operator cannot find.
"""

import ast
import re
from pathlib import Path

import sanxiang

ROOT = Path(sanxiang.__file__).resolve().parent
ENV_HELPERS = {"env", "env_bool", "env_list", "env_int"}


def _first_str(call):
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def knobs():
    """{name: "file:line"} of every environment variable and defaulted setting read."""
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = None
            if isinstance(func, ast.Name) and func.id in ENV_HELPERS and path.name == "settings.py":
                name = _first_str(node)
            elif isinstance(func, ast.Attribute) and func.attr == "getenv":
                name = _first_str(node)
            elif (
                isinstance(func, ast.Attribute)
                and func.attr == "get"
                and isinstance(func.value, ast.Attribute)
                and func.value.attr == "environ"
            ):
                name = _first_str(node)
            elif (
                isinstance(func, ast.Name)
                and func.id == "getattr"
                and len(node.args) >= 3
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id == "settings"
                and isinstance(node.args[1], ast.Constant)
            ):
                name = node.args[1].value
            if name:
                found.setdefault(name, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_scanner_finds_known_reads():
    found = knobs()
    # One of each kind, so the scan itself cannot silently find nothing.
    assert "DATABASE_URL" in found
    assert "RECORDS_FIXITY_BATCH" in found


def test_every_knob_is_in_the_settings_table():
    table = ast.get_docstring(ast.parse((ROOT / "settings.py").read_text(encoding="utf-8")))
    missing = {
        name: where
        for name, where in knobs().items()
        if not re.search(rf"(?<![A-Z_]){re.escape(name)}(?![A-Z_])", table)
    }
    assert not missing, f"not in the settings table at the top of settings.py: {missing}"
