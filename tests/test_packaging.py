"""What a fresh machine is given: the conda environment lists every package pip installs for
development, and the licence file says what pyproject.toml declares."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

tomllib = pytest.importorskip("tomllib")

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    """The distribution name of a requirement, normalised (``PyYAML>=6`` -> ``pyyaml``)."""
    name = re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_environment_yml_lists_every_runtime_and_dev_package():
    """conda users get what `pip install -e '.[dev]'` gives (pip itself brings the rest)."""
    project = _project()
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    listed = {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    from_pip = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    listed |= {_name(d) for pip in from_pip for d in pip}  # packages conda-forge lacks
    assert sorted(wanted - listed) == []


def test_licence_file_matches_pyproject():
    """The LICENSE file is the licence pyproject.toml names, and is shipped with it."""
    project = _project()
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith(f"{project['license']} License")
    assert project["license-files"] == ["LICENSE"]
