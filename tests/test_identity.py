"""The workspace's company-file identity: stamped on the first sync, refused for another file
(syncengine.sync.identity), over the simulated transport and through the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qbsim import Company
from qbsim.testing import rets, send
from syncengine.store import Store
from syncengine.sync import identity
from syncengine.sync.identity import OWNER_ID, CompanyFile, Expected, WrongCompanyFile
from syncengine.transports.simulated import SimulatedTransport
from tests.cli_workspace import make_workspace, qbsync

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "qbxml-samples"


def stamps(company: Company) -> list[tuple[str, str]]:
    """The FileID data extensions under the engine's OwnerID that the company holds."""
    [ret] = rets(send(company, "CompanyQueryRq", {"OwnerID": [OWNER_ID]}))
    return [(d["DataExtName"], d["DataExtValue"]) for d in ret.get("DataExtRet", [])]


@pytest.fixture
def store():
    with Store(":memory:") as opened:
        yield opened


def test_first_sync_stamps_the_file_and_the_workspace_remembers_it(store):
    """An unstamped file gets our FileID; the workspace keeps the same id and the name."""
    company = Company(name="Acme Books")
    found = identity.ensure(store, SimulatedTransport(company), file_id="{AAAA}")
    assert found == CompanyFile("Acme Books", "{AAAA}")
    assert stamps(company) == [("FileID", "{AAAA}")]
    assert identity.remembered(store) == Expected("{AAAA}", "Acme Books")


def test_later_syncs_find_their_own_stamp_and_change_nothing(store):
    """The second check reads the stamp and sends no further request."""
    company = Company()
    identity.ensure(store, SimulatedTransport(company))
    seq_before = company.state.next_data_ext_id
    identity.ensure(store, SimulatedTransport(company))
    assert company.state.next_data_ext_id == seq_before
    assert len(stamps(company)) == 1


def test_another_file_is_refused_naming_both_and_left_alone(store):
    """A workspace that synced with one file refuses an unstamped other one, untouched."""
    identity.ensure(store, SimulatedTransport(Company(name="Acme Books")), file_id="{AAAA}")
    other = Company(name="Other Co")
    with pytest.raises(WrongCompanyFile, match=re.escape('"Acme Books" (stamped {AAAA})')) as err:
        identity.ensure(store, SimulatedTransport(other))
    assert '"Other Co" (not stamped by qbsync)' in str(err.value)
    assert 'Open "Acme Books" in QuickBooks' in str(err.value)
    assert stamps(other) == []


def test_a_file_another_workspace_stamped_is_refused_for_a_new_workspace(store):
    """A workspace that never synced does not take over a file stamped by another."""
    company = Company(name="Acme Books")
    with Store(":memory:") as first:
        identity.ensure(first, SimulatedTransport(company), file_id="{AAAA}")
    with pytest.raises(WrongCompanyFile, match="another qbsync workspace syncs with"):
        identity.ensure(store, SimulatedTransport(company))
    assert identity.remembered(store) is None


def test_a_file_the_web_connector_stamped_with_our_qwc_file_id_is_accepted(store):
    """The id handed out for a .qwc (QBWC stamps it itself) is recognised on the first sync."""
    file_id = identity.file_id_for(store)
    company = Company(name="Acme Books")
    send(company, "DataExtDefAddRq", {"DataExtDefAdd": _definition()})
    value = {"OwnerID": OWNER_ID, "DataExtName": "FileID", "OtherDataExtType": "Company"}
    send(company, "DataExtAddRq", {"DataExtAdd": {**value, "DataExtValue": file_id}})
    assert identity.ensure(store, SimulatedTransport(company)).file_id == file_id
    assert identity.remembered(store) == Expected(file_id, "Acme Books")


def _definition() -> dict:
    return {
        "OwnerID": OWNER_ID,
        "DataExtName": "FileID",
        "DataExtType": "STR255TYPE",
        "AssignToObject": ["Company"],
    }


def test_company_file_reads_only_our_owner_from_a_parsed_company_ret():
    """A FileID under another OwnerID (the Web Connector's own) is not our stamp."""
    theirs = {"OwnerID": "{87EDAAF8-0000-0000-0000-000000000000}", "DataExtName": "FileID"}
    ours = {"OwnerID": OWNER_ID.lower(), "DataExtName": "FileID", "DataExtValue": "{B}"}
    ret = {"CompanyName": "Acme", "DataExtRet": [{**theirs, "DataExtValue": "{A}"}, ours]}
    assert identity.company_file(ret) == CompanyFile("Acme", "{B}")
    assert identity.company_file({"CompanyName": "Acme"}).file_id is None


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="qbxml-samples not beside the checkout")
def test_the_real_hcp_response_company_is_not_stamped_by_us():
    """The captured strHCPResponse's CompanyRet carries QBWC's FileID, not ours."""
    from syncengine import qbxml

    text = (SAMPLES / "qbws_strHCPResponse_Premier2012_sample_AppLock_FileID.xml").read_text()
    answer = next(r for r in qbxml.parse_response(text) if r.type == "CompanyQueryRs")
    found = identity.company_file(answer.record or {})
    assert found.file_id is None and found.name


# -- through the CLI ---------------------------------------------------------------------------
def test_job_run_refuses_another_workspaces_company_file(tmp_path, capsys):
    """`job run --simulated --company` of another workspace's file: exit 2, both named, the fix."""
    qbsync(capsys, "--db", tmp_path / "a.db", "rehearse", "--generate", "20", "--seed", "1")
    qbsync(capsys, "--db", tmp_path / "b.db", "rehearse", "--generate", "20", "--seed", "2")
    other = tmp_path / "b.db.qbsim.json"
    before = other.read_bytes()
    ran = qbsync(capsys, "--db", tmp_path / "a.db", "job", "run", "--simulated", "--company", other)
    assert ran.code == 2 and ran.out == ""
    assert "wrong company file: this workspace syncs with" in ran.err
    assert str(other) in ran.err and "--company" in ran.err
    assert other.read_bytes() == before


def test_job_run_stamps_on_the_first_run_and_goes_on_with_the_same_file(tmp_path, capsys):
    """A workspace's first simulated run stamps its new company; the next run syncs as ever."""
    shop = make_workspace(tmp_path)
    assert qbsync(capsys, "--db", shop, "job", "run", "--simulated").code == 0
    company = Company.load(shop.with_name(shop.name + ".qbsim.json"))
    assert [name for name, _ in stamps(company)] == ["FileID"]
    assert qbsync(capsys, "--db", shop, "job", "run", "--simulated").code == 0


def test_rehearse_stamps_the_company_it_makes(tmp_path, capsys):
    """`rehearse --db` leaves a stamped company that `job run --simulated` accepts."""
    db = tmp_path / "shop.db"
    assert qbsync(capsys, "--db", db, "rehearse", "--generate", "20", "--seed", "3").code == 0
    assert len(stamps(Company.load(tmp_path / "shop.db.qbsim.json"))) == 1
    assert qbsync(capsys, "--db", db, "job", "run", "--simulated").code == 0


def test_autosync_run_refuses_another_workspaces_company_file(tmp_path, capsys):
    """`autosync run --simulated --company` of another workspace's file is refused, exit 2."""
    qbsync(capsys, "--db", tmp_path / "a.db", "rehearse", "--generate", "20", "--seed", "1")
    qbsync(capsys, "--db", tmp_path / "b.db", "rehearse", "--generate", "20", "--seed", "2")
    qbsync(capsys, "--db", tmp_path / "a.db", "autosync", "set", "--begin", "2025-01-01")
    other = tmp_path / "b.db.qbsim.json"
    ran = qbsync(
        capsys, "--db", tmp_path / "a.db", "autosync", "run", "--simulated", "--for", "60",
        "--company", other,
    )  # fmt: skip
    assert ran.code == 2 and "wrong company file" in ran.err
