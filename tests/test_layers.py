"""The house's import rules: the contracts in pyproject.toml cover every module of the engine,
and `lint-imports` (run by scripts/test.sh) refuses a tree that breaks one."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("syncengine", "qbsim", "qbschema")
WIRING = (
    "syncengine.__main__",
    "syncengine.cli",
    "syncengine.commands",
    "syncengine.rehearsal",
    "syncengine.transports.simulated",
    "syncengine.ui",
)
"""What may import qbsim and simpy: the CLI and the code that wires a simulated run."""
DOORS = ("syncengine", "syncengine.transports")
"""Package ``__init__`` modules that belong to both sides and re-export the core only."""


def _contract(contract_id: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["id"] == contract_id)


CORE = tuple(_contract("core-clean")["source_modules"])


def _modules(package: str) -> list[str]:
    names = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "NO_COLOR": "1", "COLUMNS": "200"}
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, timeout=120
    )


def test_every_engine_module_is_core_or_wiring():
    """A new module of syncengine must be named in the core contract or be part of the wiring."""
    loose = [m for m in _modules("syncengine") if not _under(m, CORE + WIRING) and m not in DOORS]
    assert loose == [], f"add these to core-clean in pyproject.toml, or to WIRING here: {loose}"


def test_package_doors_import_only_the_core():
    """syncengine/__init__ and transports/__init__ re-export core modules and nothing else."""
    for door in DOORS:
        path = ROOT / Path(*door.split(".")) / "__init__.py"
        imported = [
            node.module or ""
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom)
        ]
        outside = [m for m in imported if m.startswith("syncengine") and not _under(m, CORE)]
        assert outside == [], f"{path.relative_to(ROOT)} imports {outside}"


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A copy of the three packages and pyproject.toml, which lint-imports passes."""
    copy = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, copy / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    kept = _lint(copy)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    return copy


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("syncengine/queue.py", "import qbsim", "core-clean"),
        ("syncengine/sync/job.py", "from syncengine.rehearsal import driver", "core-clean"),
        ("syncengine/wizard.py", "import matplotlib", "core-clean"),
        ("qbsim/company.py", "import syncengine.errors", "qbsim-standalone"),
        ("syncengine/reports/guide.py", "import ipywidgets", "widgets-in-ui"),
        # syncengine.ui is the one exception to widgets-in-ui: the core and the CLI are not.
        ("syncengine/queue.py", "import ipywidgets", "widgets-in-ui"),
        ("syncengine/commands/queue.py", "import ipywidgets", "widgets-in-ui"),
        ("syncengine/wizard.py", "from syncengine import ui", "core-clean"),
    ],
)
def test_lint_imports_refuses_a_broken_contract(tree, module, line, contract):
    """The copy that passes lint-imports fails it, naming the contract, after one import."""
    path = tree / module
    source = path.read_text(encoding="utf-8")
    path.write_text(f"{source}\n{line}  # breaks {contract}\n", encoding="utf-8")
    try:
        broken = _lint(tree)
    finally:
        path.write_text(source, encoding="utf-8")
    name = " ".join(_contract(contract)["name"].split())
    assert broken.returncode == 1
    assert f"{name} BROKEN" in " ".join(broken.stdout.split())
