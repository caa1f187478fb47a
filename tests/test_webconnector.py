"""The Web Connector server over HTTP on loopback, driven by clients no one here wrote: zeep
built from the reference WSDL (``shared/reference/qbxml-samples``, read in place) and
qbwc-kit's FakeWebConnector; and the server's promises: credentials, tickets, failures that
leave the job resumable, hostile XML refused, companies kept apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from syncengine.sync import identity
from syncengine.webconnector.hcp import read_hcp
from syncengine.webconnector.soap import TNS
from tests.webconnector_world import PASSWORD, company, hcp_of, http_transport, post, server

zeep = pytest.importorskip("zeep")
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "qbxml-samples"
REFERENCE_WSDL = SAMPLES / "consolibyte_QBWebConnectorSvc.wsdl"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"reference samples not found at {SAMPLES} (shared/ not beside)"
)
BINDING = f"{{{TNS}}}QBWebConnectorSvcSoap"


def reference_client(url: str):
    """A zeep service built from the reference WSDL, pointed at ``url``."""
    return zeep.Client(str(REFERENCE_WSDL)).create_service(BINDING, url)


def strings(result) -> list[str]:
    """zeep's ArrayOfString (it unwraps it into a list) with None for an empty string."""
    return [item or "" for item in result or []]


def sync_over(client, quickbooks, username: str = "acme") -> list[int]:
    """One whole update run as the Web Connector makes it; the percents answered."""
    ticket, status = strings(client.authenticate(username, PASSWORD))
    assert status == "", status
    percents: list[int] = []
    while request := client.sendRequestXML(ticket, "", "", "US", 13, 0):
        percents.append(client.receiveResponseXML(ticket, quickbooks.process(request), "", ""))
        if percents[-1] >= 100:
            break
    client.closeConnection(ticket)
    return percents


def names_in(quickbooks, kind: str = "Customer") -> set[str]:
    return {r.ret["Name"] for r in quickbooks.state.records.get(kind, {}).values()}


def app_names(store, entity_type: str = "customer") -> set[str]:
    rows = store.conn.execute("SELECT name FROM entities WHERE entity_type = ?", (entity_type,))
    return {row[0] for row in rows}


@needs_samples
def test_zeep_from_the_reference_wsdl_syncs_a_company():
    """zeep built from the reference WSDL runs a whole sync: QuickBooks ends with the app's
    customers and the last percent is 100."""
    acme = company("acme", 40, seed=2)
    with server(acme) as (url, _):
        client = reference_client(url)
        assert client.serverVersion("").startswith("QB Sync Lab")
        assert client.clientVersion("2.3.0.215") in ("", None)  # zeep reads <x/> as None
        percents = sync_over(client, acme.company)
    assert percents[-1] == 100 and all(0 < p <= 100 for p in percents)
    assert percents == sorted(percents)
    assert app_names(acme.store) <= names_in(acme.company)


@needs_samples
def test_our_wsdl_describes_the_reference_operations():
    """The WSDL served at ?wsdl has the reference's operations, parameters, types and SOAP
    actions."""
    acme = company("acme", 1, seed=1)
    with server(acme) as (url, _):
        ours = etree.fromstring(urllib_get(url + "?wsdl"))
    reference = etree.parse(str(REFERENCE_WSDL)).getroot()
    assert _shape(ours) == _shape(reference)


def _shape(root) -> dict:
    xs = "{http://www.w3.org/2001/XMLSchema}"
    soap = "{http://schemas.xmlsoap.org/wsdl/soap/}"
    elements = {
        e.get("name"): [
            (f.get("name"), f.get("type"), f.get("minOccurs"))
            for f in e.iter(f"{xs}element")
            if f is not e
        ]
        for e in root.iter(f"{xs}element")
        if e.getparent().tag == f"{xs}schema"
    }
    actions = sorted(o.get("soapAction") for o in root.iter(f"{soap}operation"))
    return {"elements": elements, "actions": actions}


def urllib_get(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as reply:
        return reply.read()


def test_zeep_from_our_own_wsdl_is_refused_a_wrong_password():
    """A client built from the served ?wsdl gets ["", "nvu"] for a wrong password and for an
    unknown user."""
    acme = company("acme", 1, seed=1)
    with server(acme) as (url, _):
        client = zeep.Client(url + "?wsdl").service
        assert strings(client.authenticate("acme", "wrong")) == ["", "nvu"]
        assert strings(client.authenticate("nobody", PASSWORD)) == ["", "nvu"]


def test_qbwc_kit_fake_web_connector_runs_an_update():
    """qbwc-kit's FakeWebConnector, over HTTP, replays the Web Connector's calls: the update
    ends at 100 and QuickBooks holds the app's customers."""
    testing = pytest.importorskip("qbwc_kit.testing")
    acme = company("acme", 30, seed=4)
    with server(acme) as (url, _):
        connector = testing.FakeWebConnector(
            http_transport(url), username="acme", password=PASSWORD
        )
        result = connector.run_update(acme.company.process)
    assert result.authenticated and result.progress[-1] == 100 and not result.failed
    assert "finished" in result.close_message
    assert app_names(acme.store) <= names_in(acme.company)


def test_a_ticket_is_single_use():
    """After closeConnection the ticket reaches nothing: sendRequestXML answers "" and
    getLastError says the ticket is unknown or expired."""
    acme = company("acme", 5, seed=1)
    with server(acme) as (url, _):
        client = zeep.Client(url + "?wsdl").service
        ticket = strings(client.authenticate("acme", PASSWORD))[0]
        client.closeConnection(ticket)
        assert client.sendRequestXML(ticket, "", "", "US", 13, 0) in ("", None)
        assert "unknown or expired" in client.getLastError(ticket)


def test_a_ticket_expires_when_idle():
    """A ticket left idle longer than the limit no longer works; tickets differ per run."""
    acme = company("acme", 5, seed=1)
    clock = [0.0]
    with server(acme, now=lambda: clock[0], idle_seconds=60) as (url, _):
        client = zeep.Client(url + "?wsdl").service
        first = strings(client.authenticate("acme", PASSWORD))[0]
        clock[0] = 61.0
        assert client.sendRequestXML(first, "", "", "US", 13, 0) in ("", None)
        second = strings(client.authenticate("acme", PASSWORD))[0]
        assert second != first and len(second) >= 32


def test_a_failure_quickbooks_reports_ends_the_run_resumably():
    """An hresult in receiveResponseXML answers -1, getLastError gives the guide's words, the
    job stays unfinished, and the next run finishes it with no record doubled."""
    acme = company("acme", 30, seed=5, batch_size=5)
    with server(acme) as (url, _):
        client = zeep.Client(url + "?wsdl").service
        ticket = strings(client.authenticate("acme", PASSWORD))[0]
        request = client.sendRequestXML(ticket, hcp_of(acme), "", "US", 13, 0)
        acme.company.process(request)  # applied, but the answer is lost on the way
        assert client.receiveResponseXML(ticket, "", "0x80010108", "disconnected") == -1
        assert "0x80010108" in client.getLastError(ticket)
        closing = client.closeConnection(ticket)
        job = acme.store.jobs.current()
        assert job is not None
        assert closing.startswith(f"QB Sync Lab: sync job {job.id} is unfinished; the next update")
        percents = sync_over(client, acme.company)
    assert percents[-1] == 100 and acme.store.jobs.current() is None
    names = [r.ret["Name"] for r in acme.company.state.records["Customer"].values()]
    assert len(names) == len(set(names))


def test_get_last_error_is_the_guides_message():
    """A refusal QuickBooks reports is explained with the guide's title and steps."""
    from syncengine.reports import guide

    acme = company("acme", 5, seed=1)
    with server(acme) as (url, _):
        client = zeep.Client(url + "?wsdl").service
        ticket = strings(client.authenticate("acme", PASSWORD))[0]
        client.sendRequestXML(ticket, "", "", "US", 13, 0)
        client.receiveResponseXML(ticket, "", "0x80040408", "QuickBooks not running")
        message = client.getLastError(ticket)
    entry = guide.entry("0x80040408")
    assert entry.title in message and entry.steps[0] in message


def test_connection_error_ends_the_run_and_the_job_resumes():
    """connectionError answers "done"; the job is kept and the next run finishes it."""
    acme = company("acme", 10, seed=6)
    with server(acme) as (url, _):
        client = zeep.Client(url + "?wsdl").service
        ticket = strings(client.authenticate("acme", PASSWORD))[0]
        client.sendRequestXML(ticket, hcp_of(acme), "", "US", 13, 0)
        assert client.connectionError(ticket, "0x80040408", "not running") == "done"
        client.closeConnection(ticket)
        assert acme.store.jobs.current() is not None
        assert sync_over(client, acme.company)[-1] == 100
    assert app_names(acme.store) <= names_in(acme.company)


def test_none_when_nothing_waits():
    """With imports every 60 minutes, a run right after a finished job is told "none"."""
    acme = company("acme", 5, seed=1, import_every_minutes=60)
    with server(acme) as (url, _):
        client = zeep.Client(url + "?wsdl").service
        sync_over(client, acme.company)
        assert strings(client.authenticate("acme", PASSWORD))[1] == "none"


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<authenticate xmlns="http://developer.intuit.com/"><strUserName>&x;</strUserName>
</authenticate></soap:Body></soap:Envelope>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<getLastError xmlns="http://developer.intuit.com/"><ticket>&c;</ticket></getLastError>
</soap:Body></soap:Envelope>"""


@pytest.mark.parametrize("body", [XXE, LAUGHS], ids=["xxe", "entity-expansion"])
def test_hostile_xml_is_refused(body):
    """A call with a DTD (external entity, entity expansion) is a SOAP Client fault; no file
    content and no expanded text comes back."""
    acme = company("acme", 1, seed=1)
    with server(acme) as (url, _):
        status, answer = post(url, body)
    assert status == 500 and b"soap:Client" in answer and b"DTD" in answer
    assert b"root:" not in answer and b"aaaaaaaaaa" not in answer


def test_a_company_never_reaches_another_companys_workspace():
    """Two companies on one server: acme's run syncs acme's workspace into acme's QuickBooks;
    globex's workspace has no job and its QuickBooks no customer."""
    acme, globex = company("acme", 20, seed=7), company("globex", 20, seed=8)
    with server(acme, globex) as (url, _):
        client = zeep.Client(url + "?wsdl").service
        assert sync_over(client, acme.company, "acme")[-1] == 100
        other = strings(client.authenticate("globex", PASSWORD))[0]
        assert client.sendRequestXML(other, "", "", "US", 13, 0)  # globex's own job
    assert globex.store.conn.execute("SELECT COUNT(*) FROM links").fetchone()[0] == 0
    assert not names_in(globex.company)
    assert app_names(acme.store) <= names_in(acme.company)
    assert not app_names(globex.store) & names_in(acme.company)


@needs_samples
def test_a_company_file_stamped_for_another_workspace_is_refused():
    """The real strHCPResponse capture, its OwnerID made ours and its host speaking up to 13.0
    (the capture's QuickBooks 2012 stops at 11.0, which the engine does not speak: see
    test_webconnector_versions): a workspace that syncs another FileID gets no request and
    getLastError says it is the wrong company file, naming both stamps; a workspace that syncs
    the capture's FileID gets its first request."""
    capture = (SAMPLES / "qbws_strHCPResponse_Premier2012_sample_AppLock_FileID.xml").read_text()
    sample = capture.replace("{87EDAAF8-637E-4203-867F-4BA79C2F8998}", identity.OWNER_ID)
    eleven = "<SupportedQBXMLVersion>11.0</SupportedQBXMLVersion>"
    sample = sample.replace(eleven, eleven + eleven.replace("11.0", "13.0"))
    stamped = "{CA1C3EB8-1B61-4747-A743-8D5B438B83AC}"
    wrong, right = company("acme", 3, seed=1), company("globex", 3, seed=1)
    identity.remember(wrong.store, wrong.config.file_id, "Other Co")
    identity.remember(right.store, stamped, "")
    with server(wrong, right) as (url, _):
        client = zeep.Client(url + "?wsdl").service
        ticket = strings(client.authenticate("acme", PASSWORD))[0]
        assert client.sendRequestXML(ticket, sample, "", "US", 13, 0) in ("", None)
        message = client.getLastError(ticket)
        assert "wrong company file" in message and stamped in message
        assert wrong.config.file_id in message and "Other Co" in message
        ticket = strings(client.authenticate("globex", PASSWORD))[0]
        assert "QBXMLMsgsRq" in client.sendRequestXML(ticket, sample, "", "US", 13, 0)
    assert identity.remembered(right.store).name == "Wholesale/Distributor Sample File"
    assert wrong.store.jobs.current() is None


def test_a_run_without_strhcpresponse_stamps_the_file_on_the_first_sync():
    """A client that sends no strHCPResponse: the server asks with a CompanyQuery, stamps the
    new company file with the .qwc's FileID, and syncs; the workspace remembers the file."""
    acme = company("acme", 5, seed=1)
    with server(acme) as (url, _):
        sync_over(zeep.Client(url + "?wsdl").service, acme.company)
    found = identity.read_company(acme.company.process(identity.query_request()))
    assert found.file_id == acme.config.file_id
    assert identity.remembered(acme.store).file_id == acme.config.file_id


@needs_samples
def test_the_hcp_capture_is_read():
    """The Web Connector's HostQuery/CompanyQuery/PreferencesQuery capture gives product,
    versions, file mode, company name and the FileID stamped under its OwnerID."""
    text = (SAMPLES / "qbws_strHCPResponse_Premier2012_sample_AppLock_FileID.xml").read_text()
    host = read_hcp(text)
    assert host.product.endswith("Edition 2012") and "11.0" in host.qbxml_versions
    assert host.file_mode == "SingleUser" and host.company_name
    owner = "{87edaaf8-637e-4203-867f-4ba79c2f8998}"
    assert host.file_id(owner) == "{CA1C3EB8-1B61-4747-A743-8D5B438B83AC}"


@needs_samples
def test_a_malformed_hcp_ends_the_run_saying_why():
    """The redacted capture is not well-formed (SOURCES.md): the run gets no request and
    getLastError says strHCPResponse cannot be read; the queue is untouched."""
    text = (
        SAMPLES / "qbwcgem_sendRequestXML_strHCPResponse_Host_Company_Preferences.txt"
    ).read_text()
    acme = company("acme", 3, seed=1)
    with server(acme) as (url, _):
        client = zeep.Client(url + "?wsdl").service
        ticket = strings(client.authenticate("acme", PASSWORD))[0]
        assert client.sendRequestXML(ticket, text, "", "US", 13, 0) in ("", None)
        assert "strHCPResponse cannot be read" in client.getLastError(ticket)
    assert acme.store.jobs.current() is None


def test_two_companies_syncing_at_once_stay_apart():
    """Two Web Connectors updating two companies at the same time through one server: each
    QuickBooks ends with its own app's customers and none of the other's."""
    import threading

    testing = pytest.importorskip("qbwc_kit.testing")
    acme, globex = (
        company("acme", 40, seed=9, batch_size=3),
        company("globex", 40, seed=10, batch_size=3),
    )
    results: dict[str, object] = {}
    with server(acme, globex) as (url, _):

        def update(served) -> None:
            connector = testing.FakeWebConnector(
                http_transport(url), username=served.config.username, password=PASSWORD
            )
            results[served.config.username] = connector.run_update(served.company.process)

        threads = [threading.Thread(target=update, args=(c,)) for c in (acme, globex)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert all(r.progress[-1] == 100 for r in results.values())
    for mine, other in ((acme, globex), (globex, acme)):
        assert app_names(mine.store) <= names_in(mine.company)
        assert not (app_names(other.store) - app_names(mine.store)) & names_in(mine.company)
