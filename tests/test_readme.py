"""The README runs as written: every ``qbsync ...`` line of its bash blocks, in order, in a
fresh folder (each must exit 0), and its Python block. A line added for a new command is
picked up by itself; a README that drifts from the product fails here."""

from __future__ import annotations

import glob
import re
import shlex
from pathlib import Path

import pytest

import qbschema
from syncengine import qbxml
from tests.cli_workspace import qbsync

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
SHARED = ("scenarios", "docs")
"""Folders of the checkout the README's lines name by relative path (linked into the folder)."""


def blocks(language: str) -> list[str]:
    """The README's fenced blocks in ``language``, in order."""
    return [body for lang, body in BLOCK.findall(README.read_text()) if lang == language]


def commands() -> list[list[str]]:
    """Every ``qbsync`` line of the bash blocks as its arguments, comments dropped."""
    lines = [line.strip() for body in blocks("bash") for line in body.splitlines()]
    return [shlex.split(line, comments=True) for line in lines if line.startswith("qbsync ")]


def expanded(argv: list[str]) -> list[str]:
    """The arguments as bash hands them over: a pattern (``scenarios/*.yaml``) becomes the
    files it matches, in order, in the folder the line runs in."""
    return [
        name for arg in argv for name in (sorted(glob.glob(arg)) if glob.has_magic(arg) else [arg])
    ]


def expected_status(argv: list[str]) -> int:
    """0, except ``qbxml validate`` without Intuit's XSD: 2, as that command documents."""
    needs_xsd = argv[1:3] == ["qbxml", "validate"] and "--builtin" not in argv
    return 2 if needs_xsd and qbschema.find_xsd_dir() is None else 0


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A fresh folder holding what the README assumes: the checkout's scenarios and a qbXML
    request of the user's own (``request.xml``)."""
    for name in SHARED:
        (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / "request.xml").write_text(_request())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _request() -> str:
    return qbxml.MessageSet([qbxml.add("Customer", {"Name": "Acme"})]).to_xml()


def test_the_readme_has_a_tour():
    """The extraction finds the tour: the rehearsal that makes the workspace comes first."""
    argv = commands()
    assert len(argv) >= 10 and ["qbsync", "demo"] in argv
    assert any(a[:4] == ["qbsync", "rehearse", "--generate", "500"] for a in argv)


def test_every_readme_command_runs_as_written(folder, capsys):
    """Each ``qbsync`` line of the README, in order, exits as documented."""
    for argv in commands():
        ran = qbsync(capsys, *expanded(argv)[1:])
        assert ran.code == expected_status(argv), f"{shlex.join(argv)}\n{ran.err}"


def test_the_python_block_runs(folder):
    """The Python block runs, given the request it leaves to the reader."""
    [code] = blocks("python")
    exec(compile(code, str(README), "exec"), {"request_xml": _request()})
