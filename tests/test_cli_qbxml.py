"""``qbsync qbxml validate``: XSD and built-in checks of qbXML files from the command line."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

import pytest

from syncengine import cli, qbxml
from syncengine.commands import qbxml as qbxml_command

GOOD = qbxml.MessageSet([qbxml.add("Customer", {"Name": "Acme", "Phone": "555"})]).to_xml()
# Phone before Name: well-formed, wrong order.
BAD_ORDER = GOOD.replace(
    "<Name>Acme</Name><Phone>555</Phone>", "<Phone>555</Phone><Name>Acme</Name>"
)
NOT_WELL_FORMED = '<?xml version="1.0"?>\n<QBXML>\n<QBXMLMsgsRq onError="stopOnError">\n</QBXML>\n'


def run(*argv: str) -> int:
    """Run ``qbsync qbxml ...`` through the family's own parser; return the exit status."""
    parser = argparse.ArgumentParser(prog="qbsync")
    qbxml_command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["qbxml", *argv])
    return args.handler(args)


@pytest.fixture
def write(tmp_path):
    """Write text to a file in tmp_path and return its path as a string."""

    def _write(name: str, text: str) -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return _write


@pytest.fixture
def no_xsd(monkeypatch, tmp_path):
    """Point QBXML_SCHEMA_DIR at an empty folder, so no XSD can be found."""
    empty = tmp_path / "no-xsd"
    empty.mkdir()
    monkeypatch.setenv("QBXML_SCHEMA_DIR", str(empty))


@pytest.mark.needs_xsd
def test_valid_file_prints_ok_and_exits_zero(write, capsys):
    """A valid request prints 'FILE: OK' and exits 0."""
    path = write("good.xml", GOOD)
    assert run("validate", path) == 0
    assert capsys.readouterr().out == f"{path}: OK\n"


@pytest.mark.needs_xsd
def test_invalid_file_prints_file_line_element_message(write, capsys):
    """A schema problem is printed as FILE:LINE: element: message, exit 1."""
    path = write("bad.xml", BAD_ORDER)
    assert run("validate", path) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{path}:3: Phone: ")
    assert "This element is not expected" in out


@pytest.mark.needs_xsd
def test_not_well_formed_file_names_the_line(write, capsys):
    """A file that is not XML is reported with its line, exit 1."""
    path = write("broken.xml", NOT_WELL_FORMED)
    assert run("validate", path) == 1
    assert capsys.readouterr().out.startswith(f"{path}:4: (document): not well-formed XML")


@pytest.mark.needs_xsd
def test_every_file_is_reported_and_one_failure_fails_the_run(write, capsys):
    """With a good and a bad file, both are reported and the exit status is 1."""
    good, bad = write("good.xml", GOOD), write("bad.xml", BAD_ORDER)
    assert run("validate", good, bad) == 1
    out = capsys.readouterr().out
    assert f"{good}: OK" in out and f"{bad}:3:" in out


@pytest.mark.needs_xsd
def test_unreadable_file_exits_two(tmp_path, capsys):
    """A file that does not exist is a bad input: exit 2, reason on stderr."""
    missing = tmp_path / "missing.xml"
    assert run("validate", str(missing)) == 2
    assert f"{missing}: cannot read" in capsys.readouterr().err


def test_missing_xsd_exits_two_naming_the_variable(no_xsd, write, capsys):
    """Without the XSD the command refuses with exit 2 and says to set QBXML_SCHEMA_DIR."""
    assert run("validate", write("good.xml", GOOD)) == 2
    captured = capsys.readouterr()
    assert "QBXML_SCHEMA_DIR" in captured.err and captured.out == ""


def test_builtin_check_accepts_a_valid_file_without_the_xsd(no_xsd, write, capsys):
    """--builtin checks with the compiled content models; a good file is OK."""
    path = write("good.xml", GOOD)
    assert run("validate", "--builtin", path) == 0
    assert capsys.readouterr().out == f"{path}: OK\n"


def test_builtin_check_reports_wrong_order(no_xsd, write, capsys):
    """--builtin finds an element out of order and names its line."""
    path = write("bad.xml", BAD_ORDER)
    assert run("validate", "--builtin", path) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{path}:3: CustomerAddRq.CustomerAdd: Phone is not expected here")


def test_builtin_check_reports_a_bad_envelope_attribute(no_xsd, write, capsys):
    """--builtin checks the onError attribute against its enumeration."""
    path = write("bad.xml", GOOD.replace("stopOnError", "keepGoing"))
    assert run("validate", "--builtin", path) == 1
    assert "attribute onError must be one of" in capsys.readouterr().out


def test_builtin_check_names_message_types_it_does_not_know(no_xsd, write, capsys):
    """A type outside the compiled data is reported, pointing to the XSD."""
    path = write("deposit.xml", GOOD.replace("CustomerAddRq", "DepositAddRq"))
    assert run("validate", "--builtin", path) == 1
    assert "DepositAddRq: not a message type the built-in check knows" in capsys.readouterr().out


@pytest.mark.needs_xsd
def test_qbsync_routes_to_the_validate_command(write, capsys):
    """The qbsync entry point runs 'qbxml validate' (when every command family imports)."""
    for name in cli.COMMAND_MODULES:
        try:
            importlib.import_module(f"syncengine.commands.{name}")
        except ImportError:
            pytest.skip(f"command family syncengine.commands.{name} is not there yet")
    path = write("good.xml", GOOD)
    assert cli.main(["qbxml", "validate", path]) == 0
    assert capsys.readouterr().out == f"{path}: OK\n"


@pytest.mark.needs_xsd
def test_real_request_sample_validates_in_place(capsys):
    """A real request sample from the reference folder validates where it lies."""
    sample = Path(__file__).resolve().parents[2] / "shared/reference/qbxml-samples"
    path = sample / "qbxmlgem_CustomerAddRq.xml"
    if not path.is_file():
        pytest.skip(f"sample not found at {path}")
    assert run("validate", str(path)) == 0
