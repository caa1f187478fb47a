"""The client's company exported over the Web Connector, read only: an export user's runs
write the same folder ``qbsync export-company --simulated`` writes (it loads to the same
records, IDs and EditSequences), QuickBooks receives nothing but queries from the service, a
failure leaves a manifest that says the export is incomplete, and a wrong password is still
``nvu``. Driven by qbsim's simulated Web Connector over HTTP and by zeep."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import simpy

from qbsim import Company, QuickBooksHost
from qbsim.fromanswers import QueryAnswersError
from qbsim.webconnector import SimulatedWebConnector, UpdateRun
from syncengine import qbxml
from syncengine.rehearsal.rehearse import setup_company
from syncengine.sync import identity
from syncengine.webconnector.config import EXPORT_OWNER_ID, CompanyConfig, new_guid
from syncengine.webconnector.credentials import hash_password
from syncengine.webconnector.service import Served, WebConnectorService
from syncengine.webconnector.wsgi import serving
from tests.cli_workspace import qbsync
from tests.webconnector_world import PASSWORD

zeep = pytest.importorskip("zeep")
USER = "acme-export"


def client_company() -> Company:
    """A company with a list longer than one iterator page, an inactive vendor, a job under
    its customer and an invoice."""
    company = setup_company(4)
    adds = [qbxml.add("Customer", {"Name": f"Customer {n:03d}"}) for n in range(501)]
    adds += [
        qbxml.add("Customer", {"Name": "Job 1", "ParentRef": {"FullName": "Customer 000"}}),
        qbxml.add("Vendor", {"Name": "Old Vendor", "IsActive": False}),
        qbxml.add(
            "Invoice",
            {
                "CustomerRef": {"FullName": "Customer 001"},
                "RefNumber": "INV-1",
                "InvoiceLineAdd": [{"Desc": "Work", "Amount": "10.00"}],
            },
        ),
    ]
    for answer in qbxml.parse_response(company.process(qbxml.message_set(adds).to_xml())):
        answer.raise_for_status()
    # The default sales tax codes are made when the list is first used: made now, so that
    # both exports of a saved copy meet the same ones.
    company.process(qbxml.message_set([qbxml.Request("SalesTaxCodeQueryRq", {})]).to_xml())
    return company


def export_config(folder: Path) -> CompanyConfig:
    """An export user, as `qbsync webconnector user --export FOLDER` configures one."""
    password = hash_password(PASSWORD, n=2**10)
    return CompanyConfig(USER, password, "", EXPORT_OWNER_ID, new_guid(), export=str(folder))


@contextmanager
def export_server(folder: Path) -> Iterator[tuple[str, CompanyConfig]]:
    config = export_config(folder)
    service = WebConnectorService({USER: Served(config, None, folder)})
    with serving(service) as url:
        yield url, config


def run_update(company: Company, url: str, config: CompanyConfig, **options) -> tuple:
    """One update run of the simulated Web Connector with the export user's .qwc; (the run,
    the host, the request documents the service sent)."""
    env = simpy.Environment()
    host = QuickBooksHost(env, company, **options)
    sent: list[str] = []
    connector = SimulatedWebConnector(
        host,
        url,
        USER,
        PASSWORD,
        owner_id=config.owner_id,
        file_id=config.file_id,
        on_exchange=lambda request, _: sent.append(request),
    )
    run: UpdateRun = env.run(until=env.process(connector.update()))
    return run, host, sent


def records_of(company: Company) -> dict[str, dict[str, tuple]]:
    """Every record by kind and ID: its EditSequence and what QuickBooks answers for it."""
    return {
        kind: {r.id: (r.sequence, r.ret) for r in table.values()}
        for kind, table in company.state.records.items()
        if table
    }


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_the_web_connector_export_loads_as_the_in_process_one(tmp_path, capsys):
    """The same company exported by `export-company --simulated` and by an export user's Web
    Connector run: the two folders load to the same records, IDs and EditSequences, with the
    same pages; the run ends at 100 with the closing message saying where the export went."""
    path, by_cli, by_wc = tmp_path / "client.qbsim.json", tmp_path / "cli", tmp_path / "wc"
    client_company().save(path)
    ran = qbsync(capsys, "export-company", "--simulated", "--company", path, "--out", by_cli)
    assert ran.code == 0, ran.err
    with export_server(by_wc) as (url, config):
        run, _, _ = run_update(Company.load(path), url, config)
    assert run.finished and run.progress[-1] == 100
    assert run.progress == sorted(run.progress) and 0 < run.progress[0] < 100
    count = sum(manifest(by_cli)["records"].values())
    assert f"exported {count} records" in run.close_message and str(by_wc) in run.close_message
    assert manifest(by_wc)["complete"] is True
    assert manifest(by_wc)["files"] == manifest(by_cli)["files"]
    assert len(manifest(by_wc)["files"]["Customer"]) == 2  # the iterator's two pages
    loaded = Company.from_query_answers(by_wc)
    assert records_of(loaded) == records_of(Company.from_query_answers(by_cli))
    assert loaded.count("Customer") == 502


def test_the_company_receives_only_queries_and_no_sync_stamp(tmp_path):
    """The service sends only queries; the only write in the file is the Web Connector's own
    FileID stamp under the export user's OwnerID (made before the first run, as the real one
    does), so the sync's stamp is untouched and a later run changes nothing at all."""
    company = client_company()
    with export_server(tmp_path / "out") as (url, config):
        first, host, sent = run_update(company, url, config)
        assert first.finished and sent
        assert all(qbxml.parse_request(r).requests[0].type.endswith("QueryRq") for r in sent)
        kinds = {e.request_type for e in host.log.where(event="sent")}
        queries = {k for k in kinds if all(t.endswith("QueryRq") for t in k.split(","))}
        assert kinds - queries == {"DataExtDefAddRq,DataExtAddRq"}  # the Web Connector's
        before = records_of(company)
        second, host, _ = run_update(company, url, config)
    assert second.finished and records_of(company) == before
    assert all(
        t.endswith("QueryRq")
        for e in host.log.where(event="sent")
        for t in e.request_type.split(",")
    )
    ours = identity.read_company(company.process(identity.query_request()))
    assert ours.file_id is None  # a sync workspace's first sync still takes this file


def test_a_lost_answer_leaves_the_export_incomplete(tmp_path):
    """An answer lost on the way (the Web Connector reports the hresult) ends the run: -1,
    the closing message and the manifest say the export is incomplete, and the folder is
    refused by from_query_answers until a later run completes it."""
    lose = {"faults": [{"effect": "lose_response", "when": {"request_type": "VendorQueryRq"}}]}
    folder = tmp_path / "out"
    with export_server(folder) as (url, config):
        run, _, _ = run_update(client_company(), url, config, faults=lose)
        assert run.failed and run.progress[-1] == -1 and run.lost == 1
        assert "incomplete" in run.close_message and "0x80010108" in run.last_error
        assert manifest(folder)["complete"] is False
        with pytest.raises(QueryAnswersError, match="incomplete"):
            Company.from_query_answers(folder)
        again, _, _ = run_update(client_company(), url, config)
    assert again.finished and Company.from_query_answers(folder).count("Customer") == 502


def strings(result) -> list[str]:
    return [item or "" for item in result or []]


def test_zeep_drives_an_export_through_the_eight_calls(tmp_path):
    """A SOAP client built from the served WSDL: a wrong password is nvu; a whole export
    through serverVersion, clientVersion, authenticate, sendRequestXML/receiveResponseXML to
    100 and closeConnection; a QuickBooks failure (-1, getLastError) and a connectionError
    ("done") each leave the manifest incomplete."""
    company, folder = client_company(), tmp_path / "out"
    with export_server(folder) as (url, _):
        client = zeep.Client(url + "?wsdl").service
        assert client.serverVersion("").startswith("QB Sync Lab")
        assert client.clientVersion("2.3.0.215") in ("", None)
        assert strings(client.authenticate(USER, "wrong")) == ["", "nvu"]
        ticket, status = strings(client.authenticate(USER, PASSWORD))
        assert status == ""
        percents = []
        while request := client.sendRequestXML(ticket, "", "", "US", 13, 0):
            assert qbxml.parse_request(request).requests[0].type.endswith("QueryRq")
            percents.append(client.receiveResponseXML(ticket, company.process(request), "", ""))
        assert percents[-1] == 100 and percents == sorted(percents)
        count = sum(manifest(folder)["records"].values())
        assert f"exported {count} records" in client.closeConnection(ticket)
        assert manifest(folder)["complete"] is True and count > 502

        ticket = strings(client.authenticate(USER, PASSWORD))[0]
        client.sendRequestXML(ticket, "", "", "US", 13, 0)
        assert client.receiveResponseXML(ticket, "", "0x80040408", "not running") == -1
        assert "0x80040408" in client.getLastError(ticket)
        assert "incomplete" in client.closeConnection(ticket)
        assert manifest(folder)["complete"] is False

        ticket = strings(client.authenticate(USER, PASSWORD))[0]
        assert client.connectionError(ticket, "0x80040408", "not running") == "done"
        assert "incomplete" in client.closeConnection(ticket)
    assert "0x80040408" in manifest(folder)["error"]


def test_an_export_user_keeps_its_file_id_and_never_shares_the_sync_owner(tmp_path):
    """`user --export` again keeps the FileID its .qwc carries; a sync user of the same name
    made an export user takes the export OwnerID, and back again the sync one."""
    from syncengine.webconnector import config

    empty = config.load(tmp_path / "wc.json")
    once = config.add_export(empty, USER, "pw", "out")
    first = once.companies[USER]
    again = config.add_export(once, USER, "pw2", "o2")
    assert again.companies[USER].file_id == first.file_id and first.workspace == ""
    assert first.owner_id == EXPORT_OWNER_ID != identity.OWNER_ID
    synced = config.add_company(again, USER, "pw", "a.db", "{F}")
    assert synced.companies[USER].owner_id == identity.OWNER_ID
    assert synced.companies[USER].export == ""
    assert config.add_export(synced, USER, "pw", "out").companies[USER].owner_id == (
        EXPORT_OWNER_ID
    )
