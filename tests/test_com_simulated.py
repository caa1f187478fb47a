"""The COM transport driving a simulated QuickBooks: session, refusals, qbXML version.

COM exists only on Windows: in these tests qbsim's ``ComServer`` stands in for the Windows COM
server ``QBXMLRP2.RequestProcessor`` (same method names, failures shaped like pywin32's
``com_error``), on a ``QuickBooksHost`` whose QuickBooks can be closed, show a dialog, have
another file open or refuse the application, so the real ``ComTransport`` code is what runs.
"""

from __future__ import annotations

import pytest

from qbsim import Company
from qbsim.host import SINGLE_USER
from qbsim.host.comserver import ComError, ComMachine, IntegratedApplications
from syncengine.errors import SyncError
from syncengine.qbxml import MessageSet, parse_response, query
from syncengine.transports.com import ComTransport, negotiate
from syncengine.transports.hresults import (
    AccessDenied,
    CompanyFileProblem,
    QuickBooksBusy,
    QuickBooksUnavailable,
    UnsupportedSetup,
)

APP = "QB Sync Lab"
CUSTOMERS = MessageSet([query("Customer")]).to_xml()


@pytest.fixture
def machine() -> ComMachine:
    """qbsim's simulated machine, standing in for the Windows COM server and its QuickBooks,
    with a company holding one customer open."""
    company = Company()
    company.process(
        '<?xml version="1.0"?><?qbxml version="16.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
        "<CustomerAddRq><CustomerAdd><Name>Acme</Name></CustomerAdd></CustomerAddRq>"
        "</QBXMLMsgsRq></QBXML>"
    )
    return ComMachine.with_company(company)


def transport(machine: ComMachine, **options: str) -> ComTransport:
    return ComTransport(APP, dispatch=machine.dispatch, **options)


def refused(machine: ComMachine, **options: str) -> SyncError:
    """The error a first request meets; the COM object is closed behind it."""
    with pytest.raises(SyncError) as caught:
        transport(machine, **options).send(CUSTOMERS)
    assert machine.servers[-1].calls[-1] == "CloseConnection"
    assert not any(s.alive for s in machine.host.desktop.sessions.values())
    return caught.value


def test_session_follows_intuits_sequence_on_the_simulated_processor(machine):
    """Open, begin, agree the version, process, end, close; the answer is the company's."""
    with transport(machine) as com:
        answer = parse_response(com.send(CUSTOMERS))
    assert [r["Name"] for r in answer[0].records] == ["Acme"]
    assert machine.servers[0].calls == [
        "OpenConnection2",
        "BeginSession",
        "QBXMLVersionsForSession",
        "ProcessRequest",
        "EndSession",
        "CloseConnection",
    ]


def test_one_session_carries_every_request(machine):
    """Two requests on one transport share one BeginSession."""
    with transport(machine) as com:
        com.send(CUSTOMERS)
        com.send(CUSTOMERS)
    assert machine.servers[0].calls.count("BeginSession") == 1
    assert machine.servers[0].calls.count("ProcessRequest") == 2


def test_quickbooks_not_running_says_to_start_it(machine):
    """QuickBooks closed and no file named: 0x80040416, start QuickBooks or name the file."""
    machine.host.quit_quickbooks()
    error = refused(machine)
    assert isinstance(error, QuickBooksUnavailable) and error.hresult == 0x80040416
    assert "Start QuickBooks and open the company file" in str(error)


def test_quickbooks_that_cannot_start_says_to_start_it(machine):
    """QuickBooks down when the file is named: 0x80040408 Could not start QuickBooks."""
    machine.host.desktop.add_window("quickbooks_not_running", 60)
    error = refused(machine, company_file="rehearsal.qbw")
    assert isinstance(error, QuickBooksUnavailable) and error.hresult == 0x80040408
    assert "Could not start QuickBooks. Start QuickBooks" in str(error)


def test_no_company_file_open_says_to_open_it(machine):
    """QuickBooks running with no file open: 0x80040417, open it or give its path."""
    machine.host.close_company_file()
    error = refused(machine)
    assert isinstance(error, CompanyFileProblem) and error.hresult == 0x80040417
    assert "Open the company file in QuickBooks" in str(error)


def test_dialog_open_says_to_close_it(machine):
    """A modal dialog in QuickBooks: 0x80040414 QuickBooksBusy, close the dialog."""
    machine.host.desktop.add_window("modal_dialog", 60)
    error = refused(machine)
    assert isinstance(error, QuickBooksBusy) and error.hresult == 0x80040414
    assert "Close the open dialog in QuickBooks" in str(error)


def test_file_open_in_another_mode_says_how_to_switch(machine):
    """The file open single-user, the sync asking multi-user: 0x80040410, switch the mode."""
    machine.host.open_company_file(mode=SINGLE_USER)
    error = refused(machine, mode="multi")
    assert isinstance(error, CompanyFileProblem) and error.hresult == 0x80040410
    assert "open in a mode other" in str(error) and "File > Switch to" in str(error)


def test_another_file_open_says_to_open_the_right_one(machine):
    """Another company file open in QuickBooks: 0x8004040A, open the right one."""
    machine.host.open_company_file("someone-else.qbw")
    error = refused(machine)
    assert isinstance(error, CompanyFileProblem) and error.hresult == 0x8004040A
    assert "open the right one" in str(error)


def test_wrong_file_named_says_to_open_the_right_one(machine):
    """A file named that is not the one open: 0x8004040A as well."""
    error = refused(machine, company_file=r"C:\Books\other.qbw")
    assert isinstance(error, CompanyFileProblem) and error.hresult == 0x8004040A


def test_first_access_with_nobody_to_allow_it_says_log_in_as_admin(machine):
    """No one answers QuickBooks' first-access dialog: 0x80040418, log in as Admin."""
    machine.apps.first_access = "nobody"
    error = refused(machine)
    assert isinstance(error, AccessDenied) and error.hresult == 0x80040418
    assert "Admin user" in str(error) and "Yes, whenever this QuickBooks" in str(error)


def test_access_refused_in_the_dialog_says_where_to_allow_it(machine):
    """The user answered No: 0x80040420; the next run meets 0x8004041A until allowed."""
    machine.apps.first_access = "deny"
    first = refused(machine)
    again = refused(machine)
    assert (first.hresult, again.hresult) == (0x80040420, 0x8004041A)
    assert "Integrated Applications" in str(again) and "Allow Access" in str(again)


def test_allowed_application_is_not_asked_again(machine):
    """An application the administrator allowed begins its sessions."""
    machine.apps = IntegratedApplications(allowed={APP}, first_access="nobody")
    with transport(machine) as com:
        com.send(CUSTOMERS)
    assert "ProcessRequest" in machine.servers[0].calls


def test_lost_connection_mid_session_says_the_job_resumes(machine):
    """The answer lost on the way back (RPC_E_DISCONNECTED): QuickBooksUnavailable."""
    lossy = ComMachine.with_company(
        machine.host.company,
        faults={"faults": [{"effect": "lose_response", "when": {"on_request": 1}}]},
    )
    with pytest.raises(QuickBooksUnavailable, match="resumes where it stopped") as caught:
        transport(lossy).send(CUSTOMERS)
    assert caught.value.hresult == 0x80010108
    assert "disconnected from its clients" in str(caught.value)


def test_versions_agreed_are_the_highest_both_speak(machine):
    """QuickBooks speaking 13.0 to 16.0: the session uses 16.0."""
    machine.host.company.host.supported_versions = ("13.0", "14.0", "15.0", "16.0")
    with transport(machine) as com:
        com.open()
        assert com.qbxml_version == "16.0"


def test_no_shared_version_is_refused_naming_both(machine):
    """QuickBooks speaking up to 12.0 only: UnsupportedSetup naming both sides, session closed
    (13.0 was refused too until requests could be declared 13.0)."""
    machine.host.company.host.supported_versions = ("1.0", "2.0", "11.0", "12.0")
    error = refused(machine)
    assert isinstance(error, UnsupportedSetup)
    assert "speaks 1.0 to 12.0; this engine speaks 13.0, 16.0" in str(error)
    assert "ProcessRequest" not in machine.servers[0].calls


def test_quickbooks_up_to_13_gets_requests_declared_13(machine):
    """QuickBooks speaking up to 13.0: the session agrees 13.0 and a request built for 16.0
    reaches QuickBooks declared 13.0 (qbsim refuses any version its host does not list)."""
    machine.host.company.host.supported_versions = ("1.0", "2.0", "12.0", "13.0")
    with transport(machine) as com:
        answer = com.send(CUSTOMERS)
        assert com.qbxml_version == "13.0"
    assert 'statusCode="0"' in answer and "<Name>Acme</Name>" in answer


def test_negotiate_takes_the_highest_shared_version():
    """Highest shared by number (10.0 above 9.0), country versions such as CA3.0 left out."""
    assert negotiate(["CA3.0", "9.0", "10.0", "12.0"], ["9.0", "10.0"]) == "10.0"
    with pytest.raises(UnsupportedSetup, match="speaks no qbXML version"):
        negotiate(["CA3.0"], ["16.0"])


def test_other_prog_id_is_an_invalid_class_string(machine):
    """The simulated Dispatch knows only QBXMLRP2.RequestProcessor (CO_E_CLASSSTRING)."""
    with pytest.raises(ComError) as caught:
        machine.dispatch("QBXMLRP.RequestProcessor")
    assert caught.value.args[0] & 0xFFFFFFFF == 0x800401F3


def test_unsupported_version_names_the_version_the_engine_sends():
    """0x80040428 names the oldest qbXML version the engine can declare its requests in (it
    said 16.0 once requests could be declared 13.0 too)."""
    from syncengine.qbxml.build import SPOKEN_VERSIONS
    from syncengine.transports.hresults import transport_error

    assert f"(qbXML {SPOKEN_VERSIONS[0]} or later)" in str(transport_error(0x80040428))


class BindingWithoutVersions:
    """The simulated COM object as a binding that cannot call QBXMLVersionsForSession."""

    def __init__(self, server):
        self.server = server

    def __getattr__(self, name):
        if name == "QBXMLVersionsForSession":
            raise AttributeError(name)
        return getattr(self.server, name)


def test_versions_come_from_host_query_where_the_binding_lacks_the_call(machine):
    """No QBXMLVersionsForSession: HostQuery's SupportedQBXMLVersion decides (up to 12.0 here:
    refused, naming QuickBooks' list)."""
    machine.host.company.host.supported_versions = ("2.0", "11.0", "12.0")
    com = ComTransport(APP, processor=BindingWithoutVersions(machine.dispatch()))
    with pytest.raises(UnsupportedSetup, match=r"speaks 2\.0 to 12\.0"):
        com.open()
    assert machine.servers[0].calls[2:4] == ["ProcessRequest", "EndSession"]


def test_host_query_fallback_agrees_the_shared_version(machine):
    """No QBXMLVersionsForSession, QuickBooks listing 16.0 in its HostRet: 16.0 is agreed."""
    with ComTransport(APP, processor=BindingWithoutVersions(machine.dispatch())) as com:
        com.open()
        assert com.qbxml_version == "16.0"
