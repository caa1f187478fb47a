"""The notebooks a new user follows: each opens by saying who it is for and what you will do,
the README lists every one of them, and the set runs 00 to 07 as issue 14 promises (the
numbers are the order to read them in)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
README = (ROOT / "README.md").read_text(encoding="utf-8")


def first_cell(path: Path) -> tuple[str, str]:
    cell = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
    return cell["cell_type"], "".join(cell["source"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_notebook_opens_with_who_it_is_for_and_what_you_will_do(path: Path) -> None:
    kind, text = first_cell(path)
    assert kind == "markdown", f"{path.name}: the first cell is {kind}, not the introduction"
    assert text.startswith("# "), f"{path.name}: the first cell has no title"
    assert "**For**" in text, f"{path.name}: the introduction does not say who it is for"
    assert "**What you will do" in text, f"{path.name}: the introduction has no plan"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_readme_links_every_notebook(path: Path) -> None:
    assert f"](notebooks/{path.name})" in README, f"README.md does not link {path.name}"


def test_the_notebooks_run_from_00_to_07_one_of_each_number() -> None:
    numbers = [int(re.match(r"(\d\d)-", p.name).group(1)) for p in NOTEBOOKS]  # type: ignore[union-attr]
    assert numbers == list(range(8)), [p.name for p in NOTEBOOKS]
