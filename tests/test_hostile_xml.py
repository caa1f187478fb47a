"""Hostile qbXML: DTDs and external entities, oversized input and broken text are refused with
a clear message by every parser (the CLI's, the engine's response reader, qbsim's request
handler), never a traceback, a silent OK or memory exhausted."""

from __future__ import annotations

import argparse

import pytest

import qbschema
from qbschema import safexml
from qbsim import Company
from qbsim.errors import QBXMLRPError
from syncengine import qbxml
from syncengine.commands import qbxml as qbxml_command
from syncengine.qbxml.parse import ResponseParseError, parse_response

XXE = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE QBXML [ <!ENTITY xxe SYSTEM "file:///etc/hostname"> ]>\n'
    '<?qbxml version="16.0"?>\n'
    '<QBXML><QBXMLMsgsRq onError="stopOnError"><CustomerQueryRq>'
    "<FullName>&xxe;</FullName></CustomerQueryRq></QBXMLMsgsRq></QBXML>\n"
)
ANSWER = (
    '<?xml version="1.0"?>\n<?qbxml version="16.0"?>\n<QBXML><QBXMLMsgsRs>'
    '<CustomerQueryRs statusCode="0" statusSeverity="Info" statusMessage="Status OK">'
    "<CustomerRet><ListID>80000001-1</ListID><Name>{name}</Name></CustomerRet>"
    "</CustomerQueryRs></QBXMLMsgsRs></QBXML>"
)
ANSWER_WITH_DTD = ANSWER.replace(
    "<?qbxml", '<!DOCTYPE QBXML [ <!ENTITY who "Acme"> ]>\n<?qbxml'
).format(name="&who;")


def validate(*argv: str) -> int:
    """Run ``qbsync qbxml validate ...``; return the exit status."""
    parser = argparse.ArgumentParser(prog="qbsync")
    qbxml_command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["qbxml", "validate", *argv])
    return args.handler(args)


@pytest.mark.parametrize("builtin", [True, False], ids=["builtin", "xsd"])
def test_validate_refuses_a_dtd_with_a_message(tmp_path, capsys, builtin):
    """An XXE document is refused (exit 1) naming the DTD, with no traceback and no OK."""
    path = tmp_path / "xxe.xml"
    path.write_text(XXE)
    if not builtin and qbschema.find_xsd_dir() is None:
        pytest.skip("no XSD here")
    assert validate(*(["--builtin"] if builtin else []), str(path)) == 1
    out = capsys.readouterr().out
    assert "OK" not in out
    assert f"{path}:2: (document): the document declares a DTD" in out


def test_validate_refuses_endless_input(capsys, monkeypatch):
    """``/dev/zero`` is read only up to the size limit, then refused (exit 1)."""
    monkeypatch.setattr(safexml, "MAX_DOCUMENT_BYTES", 1 << 20)
    assert validate("--builtin", "/dev/zero") == 1
    assert "/dev/zero:0: (document): the document is more than 1,048,576 bytes" in (
        capsys.readouterr().out
    )


def test_response_with_a_dtd_is_a_parse_error():
    """An answer declaring entities is a ResponseParseError, not a record with an empty name."""
    with pytest.raises(ResponseParseError, match="declares a DTD"):
        parse_response(ANSWER_WITH_DTD)


def test_response_with_a_lone_surrogate_is_a_parse_error():
    """A str answer holding a lone surrogate is a ResponseParseError naming the code point."""
    with pytest.raises(ResponseParseError, match="lone surrogate U\\+D800"):
        parse_response(ANSWER.format(name="Ac\ud800me"))


@pytest.mark.parametrize("name", ["&#xD800;", "&nope;"], ids=["charref", "entity"])
def test_response_with_a_bad_reference_is_a_parse_error(name):
    """A surrogate character reference or an undeclared entity is a ResponseParseError."""
    with pytest.raises(ResponseParseError, match="not well-formed"):
        parse_response(ANSWER.format(name=name))


def test_oversized_response_is_a_parse_error(monkeypatch):
    """An answer over the size limit is refused before it is parsed."""
    monkeypatch.setattr(safexml, "MAX_DOCUMENT_BYTES", 100)
    with pytest.raises(ResponseParseError, match="the most read"):
        parse_response(ANSWER.format(name="Acme"))


def test_qbsim_refuses_a_request_with_a_dtd():
    """qbsim answers an XXE request as QuickBooks would a bad document: QBXMLRPError."""
    with pytest.raises(QBXMLRPError, match="declares a DTD"):
        Company().process(XXE)


def test_qbsim_refuses_a_request_with_a_lone_surrogate():
    """A request str with a lone surrogate is a QBXMLRPError, not a UnicodeEncodeError."""
    request = qbxml.MessageSet([qbxml.query("Customer", {"FullName": "Acme"})]).to_xml()
    with pytest.raises(QBXMLRPError, match="lone surrogate"):
        Company().process(request.replace("Acme", "Ac\udc80me"))
