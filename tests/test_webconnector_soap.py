"""The SOAP envelope layer and the password store, without HTTP: what a malformed call gets,
and that a password is never kept as text."""

from __future__ import annotations

import pytest

from syncengine.webconnector.credentials import hash_password, verify_password
from syncengine.webconnector.soap import OPERATIONS, SoapFault, read_call, write_result

ENVELOPE = (
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>{}'
    "</soap:Body></soap:Envelope>"
)


def test_a_call_is_read_with_its_arguments():
    """sendRequestXML's strings and ints come out typed; a missing string is ""."""
    body = (
        '<sendRequestXML xmlns="http://developer.intuit.com/"><ticket>t1</ticket>'
        "<qbXMLMajorVers>13</qbXMLMajorVers><qbXMLMinorVers>0</qbXMLMinorVers></sendRequestXML>"
    )
    call = read_call(ENVELOPE.format(body).encode())
    assert call.operation.name == "sendRequestXML"
    assert call.args["ticket"] == "t1" and call.args["qbXMLMajorVers"] == 13
    assert call.args["strHCPResponse"] == ""


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('<dropTables xmlns="http://developer.intuit.com/"/>', "unknown operation"),
        ('<authenticate xmlns="urn:other"/>', "unknown operation"),
        ("<a/><b/>", "exactly one operation"),
        (
            '<sendRequestXML xmlns="http://developer.intuit.com/">'
            "<qbXMLMajorVers>thirteen</qbXMLMajorVers></sendRequestXML>",
            "qbXMLMajorVers = 'thirteen' is not an int",
        ),
    ],
)
def test_a_call_we_cannot_take_is_a_client_fault(body, says):
    """Unknown operations, a body with two operations and a non-int int are refused saying
    which."""
    with pytest.raises(SoapFault, match=says):
        read_call(ENVELOPE.format(body).encode())


def test_not_xml_and_not_soap_are_refused():
    """A body that is not XML, or XML that is not a SOAP envelope, is a fault."""
    with pytest.raises(SoapFault, match="not well-formed"):
        read_call(b"<soap:Envelope")
    with pytest.raises(SoapFault, match=r"not a SOAP 1\.1 Envelope"):
        read_call(b"<QBXML/>")


def test_a_string_array_result_is_written_as_strings():
    """authenticate's answer is authenticateResult holding one <string> per item."""
    text = write_result(OPERATIONS["authenticate"], ["abc", "nvu"]).decode()
    assert "<authenticateResult><string>abc</string><string>nvu</string>" in text


def test_a_password_is_kept_only_as_a_salted_hash():
    """The hash holds no password text, two hashes of one password differ, and only the
    right password verifies."""
    first, second = hash_password("s3cret", n=2**10), hash_password("s3cret", n=2**10)
    assert "s3cret" not in first and first != second and first.startswith("scrypt$")
    assert verify_password("s3cret", first) and not verify_password("s3creT", first)
    assert not verify_password("s3cret", None)
