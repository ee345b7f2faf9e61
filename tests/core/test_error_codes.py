"""Every refusal names a specific code from THE list (issue #17 item 3).

An AST scan of sanxiang/: each ``DomainError(...)`` call and each ``super().__init__`` of a
DomainError subclass passes a code explicitly; the code is a member of ``ErrorCode`` (an
attribute that exists, or a string literal among its values), never the catch-all
``invalid``; ``refusal(..., code=...)`` and ``{"code": "..."}`` answers use listed codes too.
"""

import ast
from pathlib import Path

import pytest

from sanxiang.core.errors import STATUS, DomainError, ErrorCode, http_status

ROOT = Path(__file__).resolve().parents[2] / "sanxiang"


def _name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _subclasses(trees):
    """Names of DomainError subclasses (transitively) defined in the tree."""
    names = {"DomainError"}
    changed = True
    while changed:
        changed = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    if any(_name(b) in names for b in node.bases):
                        names.add(node.name)
                        changed = True
    return names - {"DomainError"}


def _code_arg(call):
    for kw in call.keywords:
        if kw.arg == "code":
            return kw.value
    if len(call.args) >= 2:
        return call.args[1]
    return None


def problems_in(trees) -> list[str]:
    """(file:line, problem) for every raise without an explicit, listed, specific code."""
    subclasses = _subclasses(trees)
    # a subclass with its own __init__ sets the code there (checked below), not at its calls
    own_init = {name for name in subclasses if _defined_with_init(trees, name)}
    found = []
    for path, tree in trees.items():
        # classes deriving from DomainError: their super().__init__ must pass the code;
        # a subclass without __init__ is checked at its call sites like DomainError itself
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in subclasses:
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                        for call in ast.walk(item):
                            if (
                                isinstance(call, ast.Call)
                                and _name(call.func) == "__init__"
                                and isinstance(call.func, ast.Attribute)
                                and isinstance(call.func.value, ast.Call)
                                and _name(call.func.value.func) == "super"
                            ):
                                found += _check(path, call, _code_arg(call), allow_names=True)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name == "DomainError" or (name in subclasses and name not in own_init):
                found += _check(path, node, _code_arg(node))
            elif name == "refusal":
                code = next((kw.value for kw in node.keywords if kw.arg == "code"), None)
                if code is None and len(node.args) >= 4:
                    code = node.args[3]
                if code is None:  # refusal() has no default code: a call without one fails
                    found.append(f"{path}:{node.lineno}: refusal() without an explicit code")
                else:
                    found += _check(path, node, code)
        for node in ast.walk(tree):
            # {"code": "...", "detail": ...} answers built by hand
            if isinstance(node, ast.Dict):
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                if "code" in keys and "detail" in keys:
                    value = node.values[keys.index("code")]
                    if isinstance(value, ast.Constant):
                        found += _check(path, node, value)
    return found


def _defined_with_init(trees, name):
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name == name:
                return any(
                    isinstance(i, ast.FunctionDef) and i.name == "__init__" for i in node.body
                )
    return False


def _check(path, node, code, allow_names=False):
    where = f"{path}:{node.lineno}"
    if code is None:
        return [f"{where}: DomainError without an explicit code"]
    if isinstance(code, ast.Attribute) and _name(code.value) == "ErrorCode":
        if code.attr not in ErrorCode.__members__:
            return [f"{where}: ErrorCode.{code.attr} is not in sanxiang.core.errors"]
        if code.attr == "INVALID":
            return [f"{where}: the catch-all code `invalid`; name a specific code"]
        return []
    if isinstance(code, ast.Constant):
        if code.value not in ErrorCode.values:
            return [f"{where}: code {code.value!r} is not in sanxiang.core.errors.ErrorCode"]
        if code.value == ErrorCode.INVALID:
            return [f"{where}: the catch-all code `invalid`; name a specific code"]
        return []
    if allow_names or isinstance(code, ast.Name):
        return []  # a code computed from ErrorCode members (e.g. WitnessRefusal's map)
    return [f"{where}: code {ast.unparse(code)!r} cannot be checked; use ErrorCode.X"]


def _trees():
    return {
        p.relative_to(ROOT.parent).as_posix(): ast.parse(p.read_text(encoding="utf-8"))
        for p in ROOT.rglob("*.py")
        if "migrations" not in p.parts
    }


def test_every_domain_error_names_a_specific_listed_code():
    problems = problems_in(_trees())
    assert problems == [], "\n".join(problems)


def _scan(source):
    return problems_in({"x.py": ast.parse(source)})


@pytest.mark.parametrize(
    "source",
    [
        "raise DomainError('x')",
        "raise DomainError('x', code=ErrorCode.INVALID)",
        "raise DomainError('x', ErrorCode.NO_SUCH_CODE)",
        "raise DomainError('x', code='no_such_code')",
        "raise errors.DomainError('x')",
        "class E(DomainError):\n    pass\nraise E('x')",
        "class E(DomainError):\n    def __init__(self, m):\n        super().__init__(m)\n",
        "refusal(request, 400, 'x', code='no_such_code')",
        "refusal(request, 400, 'x')",
        "Response({'code': 'made_up', 'detail': 'x'})",
    ],
)
def test_the_scan_catches_each_form(source):
    assert _scan(source)


@pytest.mark.parametrize(
    "source",
    [
        "raise DomainError('x', code=ErrorCode.REQUIRED)",
        "raise DomainError('x', ErrorCode.CONFLICT)",
        "raise DomainError('x', code='wrong_state')",
        "class E(DomainError):\n    def __init__(self, m):\n"
        "        super().__init__(m, code=ErrorCode.CONFLICT)\nraise E('x')",
        "refusal(request, 411, 'x', code='length_required')",
    ],
)
def test_the_scan_accepts_explicit_listed_codes(source):
    assert _scan(source) == []


def test_every_code_has_a_chinese_description_and_a_status():
    assert len(set(ErrorCode.values)) == len(ErrorCode.values)
    for code in ErrorCode:
        label = str(code.label)
        assert label and any("\u4e00" <= ch <= "\u9fff" for ch in label), code
        assert 400 <= http_status(code) <= 599
    assert set(STATUS) <= set(ErrorCode)


def test_status_of_the_codes_the_api_always_answered():
    # unchanged from before the list grew: 403 / 404 / 409, anything else 400
    assert http_status(ErrorCode.PERMISSION_DENIED) == 403
    assert http_status(ErrorCode.NOT_FOUND) == 404
    assert http_status(ErrorCode.CONFLICT) == 409
    assert http_status(ErrorCode.REQUIRED) == 400
    assert http_status(ErrorCode.WRONG_STATE) == 400


def test_the_default_code_is_the_catch_all_the_scan_refuses():
    # the constructor keeps a default so a forgotten code is still an answer, not a crash,
    # and the scan above fails on it
    assert DomainError("x").code == ErrorCode.INVALID


def test_docs_table_lists_exactly_the_codes():
    """docs/errors.md's table is THE list as written in ErrorCode: same codes, same order,
    same HTTP status, same description."""
    import re

    text = (ROOT.parent / "docs" / "errors.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \| (.+?) \|$", text, flags=re.M)
    expected = [(c.value, str(http_status(c)), str(c.label)) for c in ErrorCode]
    assert rows == expected


def test_withdrawal_kind_is_defined_once():
    """cases and publicity share one WithdrawalKind (core.fields), not two copies."""
    from sanxiang.cases import models as case_models
    from sanxiang.core import fields
    from sanxiang.publicity import models as publicity_models

    assert case_models.WithdrawalKind is fields.WithdrawalKind
    assert publicity_models.WithdrawalKind is fields.WithdrawalKind
    defined = [
        path
        for path, tree in _trees().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and node.name == "WithdrawalKind"
    ]
    assert defined == ["sanxiang/core/fields.py"]
