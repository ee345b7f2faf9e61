"""Views and API views never write a model themselves (issue #17 item 4): every write goes
through a service, which checks the rules and ledgers the event. The admin side of the
same rule is tests/org/test_admin_registry.py.

The scan reads every view module (``views*.py``, ``api*.py``, ``public_views.py``) and
flags ORM writes: ``.save()``, ``.delete()``, ``bulk_create``/``bulk_update``,
``get_or_create``/``update_or_create``, and ``create``/``update`` called on a manager or
queryset (``X.objects.…``, ``….filter(…).update(…)``).
"""

import ast
from pathlib import Path

import sanxiang

ROOT = Path(sanxiang.__file__).resolve().parent
ALWAYS = {"save", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
ON_QUERYSETS = {"create", "update"}
QUERYSET_HINTS = {"objects", "filter", "exclude", "all", "select_for_update", "using"}

# file -> receiver text allowed, with the reason (none of them a model)
ALLOWED = {
    ("publicity/public_views.py", "qr.save"): "segno writes a QR code image into a buffer",
}


def _is_queryset(node) -> bool:
    """True when the receiver chain names a manager or a queryset method."""
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr in QUERYSET_HINTS:
                return True
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return False


def writes(source: str, filename: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        attr = node.func.attr
        receiver = node.func.value
        if attr in ALWAYS or (attr in ON_QUERYSETS and _is_queryset(receiver)):
            text = ast.unparse(node.func)
            if (filename, text) not in ALLOWED:
                found.append(f"{filename}:{node.lineno}: {text}")
    return found


def view_modules():
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts or "management" in path.parts:
            continue
        if path.name.startswith(("views", "api", "public_views")) or path.parent.name == "views":
            yield path


def test_the_scan_catches_each_kind_of_write():
    bad = (
        "def v(request, case):\n"
        "    case.save()\n"
        "    Case.objects.create(title='x')\n"
        "    Case.objects.filter(pk=1).update(stage='closed')\n"
        "    case.delete()\n"
        "    Leaf.objects.get_or_create(index=1)\n"
    )
    assert len(writes(bad, "x/views.py")) == 5
    # dict.update and a form's cleaned data are not writes
    assert writes("def v(c):\n    c.update(a=1)\n    ctx.update({})\n", "x/views.py") == []


def test_the_scan_reads_every_view_module():
    names = {p.relative_to(ROOT).as_posix() for p in view_modules()}
    assert "cases/views.py" in names
    assert "cases/api.py" in names
    assert "publicity/public_views.py" in names


def test_no_view_writes_a_model():
    found = []
    for path in view_modules():
        found += writes(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    assert found == [], "views writing models outside a service:\n" + "\n".join(found)
