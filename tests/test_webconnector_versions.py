"""The Web Connector server agrees the qbXML version with the QuickBooks behind the Web
Connector: every request of a run is declared in the highest version both speak, and a
QuickBooks too old for the engine is refused before anything is sent. The simulated
QuickBooks refuses any request declared in a version its HostRet does not list, so these runs
stand in for an older QuickBooks end to end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import simpy
from lxml import etree

from qbschema import find_xsd_dir
from qbsim import QuickBooksHost
from qbsim.model.special import QBXML_VERSIONS
from qbsim.webconnector import SimulatedWebConnector, UpdateRun
from syncengine.qbxml.build import BuildError, declare
from tests.test_webconnector_export import client_company, export_server, manifest, run_update
from tests.webconnector_world import PASSWORD, Served1, company, server

UP_TO_13 = tuple(v for v in QBXML_VERSIONS if float(v) <= 13.0)
UP_TO_2 = ("1.0", "1.1", "2.0")
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "qbxml-samples"
DECLARED = re.compile(r'<\?qbxml version="([^"]+)"\?>')


def update(served: Served1, url: str, **options) -> tuple[UpdateRun, list[str]]:
    """One update run of the simulated Web Connector with this company's .qwc; (the run, the
    requests QuickBooks answered)."""
    sent: list[str] = []
    connector = SimulatedWebConnector(
        QuickBooksHost(simpy.Environment(), served.company),
        url,
        served.config.username,
        PASSWORD,
        owner_id=served.config.owner_id,
        file_id=served.config.file_id,
        on_exchange=lambda request, _: sent.append(request),
        **options,
    )
    env = connector.host.env
    return env.run(until=env.process(connector.update())), sent


def records(served: Served1) -> dict:
    """What QuickBooks holds (by kind and ID: EditSequence and data) and the app's sync
    state of each record."""
    conn = served.store.conn
    entities = "SELECT entity_type, name, status, data FROM entities ORDER BY id"
    psrs = "SELECT state, COUNT(*) FROM psrs GROUP BY state ORDER BY state"
    state = conn.execute(entities).fetchall() + conn.execute(psrs).fetchall()
    held = {
        kind: {r.id: (r.sequence, r.ret) for r in table.values()}
        for kind, table in served.company.state.records.items()
        if table
    }
    return {"quickbooks": held, "app": [tuple(row) for row in state]}


def versions_of(requests: list[str]) -> set[str]:
    return {DECLARED.search(r)[1] for r in requests}  # type: ignore[index]


def test_a_host_up_to_13_gets_every_request_declared_13_and_the_same_records():
    """QuickBooks listing qbXML 1.0 to 13.0: every request of the run is declared 13.0, the
    sync finishes, and app and QuickBooks end as a run against a 16.0 QuickBooks ends."""
    new, old = company("acme", 40, seed=2), company("acme", 40, seed=2)
    old.company.host.supported_versions = UP_TO_13
    with server(new) as (url, _):
        run16, sent16 = update(new, url)
    with server(old) as (url, _):
        run13, sent13 = update(old, url)
    assert run16.finished and run13.finished and run13.progress[-1] == 100
    assert versions_of(sent16) == {"16.0"} and versions_of(sent13) == {"13.0"}
    assert len(sent13) == len(sent16) and not run13.refused
    assert records(old) == records(new)


def test_without_a_version_list_the_highest_version_passed_decides():
    """A strHCPResponse without SupportedQBXMLVersion: qbXMLMajorVers.qbXMLMinorVers (13.0
    here) is the host's highest, and the run is declared 13.0."""
    acme = company("acme", 10, seed=1)
    acme.company.host.supported_versions = UP_TO_13
    with server(acme) as (url, _):
        run, sent = update(acme, url, announce=())
    assert run.finished and sent and versions_of(sent) == {"13.0"}


def test_a_host_below_13_is_refused_and_a_newer_host_completes_the_job():
    """QuickBooks listing only up to 2.0: nothing is sent, getLastError and closeConnection
    name both sides' versions and say to update QuickBooks, the queue is untouched; once
    QuickBooks is updated, the next run syncs everything."""
    acme = company("acme", 20, seed=4)
    acme.company.host.supported_versions = UP_TO_2
    queued = acme.store.conn.execute("SELECT state, COUNT(*) FROM psrs GROUP BY state").fetchall()
    with server(acme) as (url, _):
        refused, sent = update(acme, url)
        for said in (refused.last_error, refused.close_message):
            assert "speaks 1.0 to 2.0; this engine speaks 13.0, 16.0" in said
            assert "Update QuickBooks Desktop to a release that speaks qbXML 13.0" in said
        assert sent == [] and refused.requests == 0 and not refused.finished
        assert refused.close_message.startswith(
            "QB Sync Lab: no sync job was started; nothing was sent to QuickBooks."
        )
        assert acme.store.jobs.current() is None
        after = acme.store.conn.execute("SELECT state, COUNT(*) FROM psrs GROUP BY state")
        assert after.fetchall() == queued
        acme.company.host.supported_versions = QBXML_VERSIONS
        done, sent = update(acme, url)
    assert done.finished and done.progress[-1] == 100 and versions_of(sent) == {"16.0"}
    names = {r.ret.get("Name") for r in acme.company.state.records["Customer"].values()}
    app = acme.store.conn.execute("SELECT name FROM entities WHERE entity_type = 'customer'")
    assert {row[0] for row in app} <= names


def test_the_export_is_declared_in_the_agreed_version(tmp_path):
    """An export user's run against QuickBooks up to 13.0: every query is declared 13.0 and
    the export is complete with as many records as from a 16.0 QuickBooks."""
    older, newer = client_company(), client_company()
    older.host.supported_versions = UP_TO_13
    counts = {}
    for name, quickbooks in (("13", older), ("16", newer)):
        with export_server(tmp_path / name) as (url, config):
            run, _, sent = run_update(quickbooks, url, config)
        assert run.finished and versions_of(sent) == {f"{name}.0"}
        assert manifest(tmp_path / name)["complete"] is True
        counts[name] = manifest(tmp_path / name)["records"]
    assert counts["13"] == counts["16"]


@pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"reference samples not found at {SAMPLES}")
def test_zeep_with_the_real_2012_capture_is_refused_naming_its_versions():
    """zeep sends the real strHCPResponse of a QuickBooks Premier 2012 (qbXML up to 11.0): no
    request comes back and getLastError says which versions each side speaks."""
    zeep = pytest.importorskip("zeep")
    capture = (SAMPLES / "qbws_strHCPResponse_Premier2012_sample_AppLock_FileID.xml").read_text()
    acme = company("acme", 3, seed=1)
    with server(acme) as (url, _):
        client = zeep.Client(url + "?wsdl").service
        ticket = client.authenticate("acme", PASSWORD)[0]
        assert client.sendRequestXML(ticket, capture, "", "US", 11, 0) in ("", None)
        message = client.getLastError(ticket)
    assert "to 11.0; this engine speaks 13.0, 16.0" in message
    assert acme.store.jobs.current() is None


def test_requests_declared_13_validate_against_the_13_schema():
    """Every request of a 13.0 run is valid against Intuit's 13.0 XSD (shared/reference
    qbxml-xsd/v13), not only against 16.0's."""
    folder = find_xsd_dir()
    if folder is None or not (folder / "v13" / "qbxmlops130.xsd").is_file():
        pytest.skip("the qbXML 13.0 XSD is not reachable")
    xsd = etree.XMLSchema(etree.parse(str(folder / "v13" / "qbxmlops130.xsd")))
    acme = company("acme", 40, seed=2)
    acme.company.host.supported_versions = UP_TO_13
    with server(acme) as (url, _):
        run, sent = update(acme, url)
    assert run.finished and versions_of(sent) == {"13.0"}
    for request in sent:
        document = etree.fromstring(request.encode())
        assert xsd.validate(document), (request[:300], xsd.error_log.last_error)


def test_a_request_using_an_element_13_lacks_is_not_declared_13():
    """``declare`` refuses to call a request 13.0 when it holds an element qbXML 13.0 does not
    have, naming it; 16.0 takes it as it is."""
    request = (
        '<?xml version="1.0"?><?qbxml version="16.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
        "<EmployeeAddRq><EmployeeAdd><FirstName>Ann</FirstName><EmployeePayrollInfo>"
        "<ClearNonEarnings>true</ClearNonEarnings></EmployeePayrollInfo></EmployeeAdd>"
        "</EmployeeAddRq></QBXMLMsgsRq></QBXML>"
    )
    with pytest.raises(BuildError, match="EmployeePayrollInfo/ClearNonEarnings"):
        declare(request, "13.0")
    assert declare(request, "16.0") == request
    assert '<?qbxml version="13.0"?>' in declare(
        request.replace(
            "<EmployeePayrollInfo><ClearNonEarnings>true</ClearNonEarnings></EmployeePayrollInfo>",
            "",
        ),
        "13.0",
    )
