"""The COM transport's session sequence and HRESULT mapping.

COM exists only on Windows, so these tests use a stand-in for ``QBXMLRP2.RequestProcessor``
that records the calls and raises errors shaped like pywin32's ``com_error`` (args: hresult,
text, excepinfo, argerror). Runs against real QuickBooks are marked ``real_quickbooks``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from syncengine.errors import TransportError
from syncengine.transports.com import ComTransport
from syncengine.transports.hresults import (
    HRESULT_FAMILIES,
    CompanyFileProblem,
    QuickBooksBusy,
    QuickBooksUnavailable,
    transport_error,
)

TSV = Path(__file__).resolve().parents[2] / "shared" / "reference" / "qbxmlrp2-hresults.tsv"
DISP_E_EXCEPTION = -2147352567  # what pywin32 reports on top of QBXMLRP2's own code


class FakeComError(Exception):
    """Shaped like pywin32's com_error for an exception raised inside QBXMLRP2."""

    def __init__(self, hresult: int, text: str) -> None:
        signed = hresult - (1 << 32)
        super().__init__(
            DISP_E_EXCEPTION, "Exception occurred.", (0, "QBXMLRP2", text, None, 0, signed), None
        )


class FakeProcessor:
    """Records the QBXMLRP2 calls; ``fail_on`` names a method that raises ``error``."""

    def __init__(self, fail_on: str = "", error: Exception | None = None) -> None:
        self.calls: list[str] = []
        self.fail_on, self.error = fail_on, error

    def _call(self, name: str, result=None):
        self.calls.append(name)
        if name == self.fail_on:
            raise self.error
        return result

    def OpenConnection2(self, app_id, app_name, conn_type):
        return self._call("OpenConnection2")

    def BeginSession(self, company_file, mode):
        return self._call("BeginSession", "{ticket}")

    def QBXMLVersionsForSession(self, ticket):
        return self._call("QBXMLVersionsForSession", ("13.0", "16.0"))

    def ProcessRequest(self, ticket, request):
        return self._call("ProcessRequest", "<QBXML/>")

    def EndSession(self, ticket):
        return self._call("EndSession")

    def CloseConnection(self):
        return self._call("CloseConnection")


def test_every_documented_hresult_has_a_family():
    """No QBXMLRP2 HRESULT falls through to the generic TransportError."""
    if not TSV.is_file():
        pytest.skip("shared/reference/qbxmlrp2-hresults.tsv not beside the checkout")
    codes = [
        int(line.split("\t")[0], 16)
        for line in TSV.read_text().splitlines()
        if line.startswith("0x")
    ]
    unmapped = [hex(code) for code in codes if code not in HRESULT_FAMILIES]
    assert codes and not unmapped


def test_session_follows_intuits_sequence():
    """Open, begin, agree the qbXML version, process, end, close — in that order."""
    fake = FakeProcessor()
    with ComTransport("QB Sync Lab", processor=fake) as transport:
        assert transport.send("<QBXML/>") == "<QBXML/>"
    assert fake.calls == [
        "OpenConnection2",
        "BeginSession",
        "QBXMLVersionsForSession",
        "ProcessRequest",
        "EndSession",
        "CloseConnection",
    ]


def test_quickbooks_not_running_is_a_typed_error_with_advice():
    """0x80040408 becomes QuickBooksUnavailable that says to start QuickBooks."""
    fake = FakeProcessor("BeginSession", FakeComError(0x80040408, "Could not start QuickBooks."))
    with pytest.raises(QuickBooksUnavailable, match="Start QuickBooks") as caught:
        ComTransport("QB Sync Lab", processor=fake).send("<QBXML/>")
    assert caught.value.hresult == 0x80040408
    assert fake.calls[-1] == "CloseConnection"


def test_file_open_in_other_mode_is_a_company_file_problem():
    """0x80040410 names the mode problem and keeps QuickBooks' own text."""
    text = (
        "The QuickBooks company data file is currently open in a mode other than the one "
        "specified by your application."
    )
    fake = FakeProcessor("BeginSession", FakeComError(0x80040410, text))
    with pytest.raises(CompanyFileProblem, match="open in a mode other"):
        ComTransport("QB Sync Lab", mode="single", processor=fake).send("<QBXML/>")


def test_modal_dialog_during_a_request_is_busy():
    """A dialog open in QuickBooks while processing is QuickBooksBusy (retry later)."""
    fake = FakeProcessor(
        "ProcessRequest", FakeComError(0x80040414, "A modal dialog box is showing")
    )
    with pytest.raises(QuickBooksBusy):
        ComTransport("QB Sync Lab", processor=fake).send("<QBXML/>")


def test_unknown_hresult_keeps_its_code():
    """An HRESULT outside the table is still a TransportError that carries the code."""
    error = transport_error(0x80041234, "odd")
    assert type(error) is TransportError
    assert error.hresult == 0x80041234


@pytest.mark.real_quickbooks
@pytest.mark.skipif(
    sys.platform != "win32" or os.environ.get("QBSYNC_REAL_QB") != "1",
    reason="needs Windows + QuickBooks (QBSYNC_REAL_QB=1)",
)
def test_host_query_against_real_quickbooks():
    """A HostQuery reaches the QuickBooks open on this Windows machine."""
    request = (
        '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML>'
        '<QBXMLMsgsRq onError="stopOnError"><HostQueryRq/></QBXMLMsgsRq></QBXML>'
    )
    with ComTransport("QB Sync Lab tests") as transport:
        assert "HostRet" in transport.send(request)
