"""Rules of the house that hold for every module, checked by walking their syntax trees.

A private name (one leading underscore, not a dunder) belongs to the module that defines it:
another module of ours neither imports it nor reaches it through an imported module. What two
modules share is public, with a docstring. Tests may still use the private names of the
module they test.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("syncengine", "qbsim", "qbschema")
CHECKED = (*PACKAGES, "benchmarks", "tools")


def _modules() -> list[Path]:
    return sorted(path for folder in CHECKED for path in (ROOT / folder).rglob("*.py"))


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _ours(module: str | None, level: int) -> bool:
    """Whether an import names one of our packages (a relative import always does)."""
    return level > 0 or (module or "").split(".")[0] in PACKAGES


def _private_imports(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """``from ours import _name``, and ``module._name`` where ``module`` was imported from ours."""
    bound: set[str] = set()  # local names bound to something imported from our packages
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _ours(node.module, node.level):
            for alias in node.names:
                bound.add(alias.asname or alias.name)
                if _private(alias.name):
                    module = "." * node.level + (node.module or "")
                    yield node.lineno, f"from {module} import {alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _ours(alias.name, 0):
                    bound.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in bound:
                yield node.lineno, f"{ast.unparse(node)} (a private name of another module)"


def _violations(check) -> list[str]:
    found = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, what in check(tree):
            found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    return found


def test_no_module_uses_another_modules_private_names():
    """No module of ours imports or reaches a private name of another one."""
    found = _violations(_private_imports)
    assert not found, "make the name public (with a docstring) or move it:\n" + "\n".join(found)


def _declined_instances(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Each call ``FastPathDeclined(...)`` (or ``qbschema.FastPathDeclined(...)``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "FastPathDeclined":
                yield node.lineno, "FastPathDeclined(...) made as an instance"


def test_fast_paths_decline_by_raising_the_class():
    """No ``FastPathDeclined`` instance is made to be raised again: it would keep every
    traceback it was raised with."""
    found = _violations(_declined_instances)
    assert not found, "write `raise FastPathDeclined`:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from syncengine.qbxml.text import _CONTROL",
            ["from syncengine.qbxml.text import _CONTROL"],
        ),
        ("from .text import _CONTROL", ["from .text import _CONTROL"]),
        (
            "from qbsim import wire\nwire._names([])",
            ["wire._names (a private name of another module)"],
        ),
        (
            "import qbschema.model\nqbschema.model._REMEMBERED",
            ["qbschema.model._REMEMBERED (a private name of another module)"],
        ),
        ("from lxml import etree\nx: etree._Element", []),
        ("from syncengine.qbxml import text\ntext.__name__", []),
        ("class A:\n    def f(self):\n        return self._x", []),
    ],
)
def test_the_private_name_rule_sees_imports_and_attributes(source, expected):
    """The walk finds a private name imported or reached from our modules, and only those."""
    assert [what for _, what in _private_imports(ast.parse(source))] == expected
