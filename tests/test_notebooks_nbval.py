"""nbval, as the test command runs it, really checks the notebooks' stored outputs: a copy of a
notebook passes as stored (wall-clock figures and all, through the sanitize file) and fails
once one number in one of its stored tables is changed. The committed notebooks are stored as
``tools/run_notebooks.py`` leaves them: no widget state, every table in full."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SANITIZE = NOTEBOOKS / "nbval-sanitize.cfg"
FIRST = NOTEBOOKS / "00-start-here.ipynb"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))
PANDAS_HTML = re.compile(r'<table border="1" class="dataframe">')
TRUNCATED = re.compile(r"\.\.\.|\[\d+ rows x \d+ columns\]")


def nbval(notebook: Path) -> subprocess.CompletedProcess[str]:
    """Run nbval on one notebook as scripts/test.sh does, in (and rooted at) its folder."""
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist"]
    command += ["-q", "-rf", f"--rootdir={notebook.parent}", "--nbval", "--nbval-current-env"]
    command += ["--nbval-sanitize-with", str(SANITIZE), notebook.name]
    return subprocess.run(
        command, cwd=notebook.parent, capture_output=True, text=True, timeout=300, check=False
    )


def outputs(notebook: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """Every output of every code cell, with the code cell's number as nbval counts them."""
    cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    return [(n, out) for n, cell in enumerate(cells) for out in cell.get("outputs", [])]


def text(value: str | list[str]) -> str:
    """A stored output field as one string (nbformat may keep it as a list of lines)."""
    return value if isinstance(value, str) else "".join(value)


def change_first(data: dict[str, Any], kind: str, old: str, new: str) -> None:
    """Replace the first ``old`` with ``new`` in one MIME part of a stored output."""
    before = text(data[kind])
    assert old in before, f"{old!r} is not in the stored {kind} output; pick another number"
    data[kind] = before.replace(old, new, 1)


def copy_of(notebook: Path, folder: Path) -> Path:
    copy = folder / notebook.name
    shutil.copy(notebook, copy)
    return copy


def test_a_notebook_passes_nbval_as_stored(tmp_path: Path) -> None:
    ran = nbval(copy_of(FIRST, tmp_path))
    assert ran.returncode == 0, ran.stdout + ran.stderr


def test_a_changed_number_in_a_stored_table_fails_nbval(tmp_path: Path) -> None:
    copy = copy_of(FIRST, tmp_path)
    notebook = json.loads(copy.read_text(encoding="utf-8"))
    cell, data = next(
        (n, out["data"])
        for n, out in outputs(notebook)
        if "BalanceRemaining" in text(out.get("data", {}).get("text/plain", ""))
    )
    change_first(data, "text/plain", "255.00", "255.01")  # the invoice's subtotal
    change_first(data, "text/html", "<td>255.00</td>", "<td>255.01</td>")
    copy.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    ran = nbval(copy)
    assert ran.returncode == 1, ran.stdout + ran.stderr
    failed = re.findall(r"^FAILED (\S+::Cell \d+)", ran.stdout, re.MULTILINE)
    assert failed == [f"{copy.name}::Cell {cell}"], ran.stdout


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_notebooks_are_stored_without_widget_state(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in notebook["metadata"], f"{path.name}: run tools/run_notebooks.py"


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_stored_tables_are_shown_in_full(path: Path) -> None:
    """The sanitize file compares a DataFrame by its text form; that form must hold it all."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell, out in outputs(notebook):
        data = out.get("data", {})
        if PANDAS_HTML.search(text(data.get("text/html", ""))):
            plain = text(data["text/plain"])
            assert not TRUNCATED.search(plain), (
                f"{path.name}, code cell {cell}: the table's text form is cut short; set"
                " pandas' display.max_columns/max_colwidth to None or show fewer rows"
            )
