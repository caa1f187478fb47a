"""``qbsync doctor --com`` and ``qbsync job run --com`` against a simulated QuickBooks.

COM exists only on Windows: here qbsim's ``ComMachine`` stands in for the Windows COM server
(``QBXMLRP2.RequestProcessor`` and the QuickBooks behind it), reached by the unchanged engine
through ``QBSYNC_COM_DISPATCH=qbsim.host.comserver:dispatch``, the hook kept for tests.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import pytest

from qbsim import Company
from qbsim.host.comserver import ComMachine, installed
from qbsim.testing import query
from syncengine.transports.hresults import advice_for
from tests.cli_workspace import make_workspace, qbsync

HOOK = "qbsim.host.comserver:dispatch"


@pytest.fixture
def machine(monkeypatch):
    """qbsim's simulated machine, standing in for the Windows COM server and its QuickBooks
    (a company open), the engine's COM dispatch pointed at it."""
    monkeypatch.setenv("QBSYNC_COM_DISPATCH", HOOK)
    with installed(ComMachine.with_company(Company(name="Lakeside Bakery"))) as machine:
        yield machine


def lossy_machine(monkeypatch, when: dict) -> ComMachine:
    """The simulated machine (standing in for the Windows COM server) losing one answer."""
    monkeypatch.setenv("QBSYNC_COM_DISPATCH", HOOK)
    plan = {"faults": [{"effect": "lose_response", "when": when}]}
    return ComMachine.with_company(Company(), faults=plan)


def doctor(capsys, *extra: str):
    return qbsync(capsys, "doctor", "--com", *extra)


# -- doctor --com -------------------------------------------------------------------------------
def test_doctor_says_what_it_found(machine, capsys):
    """All well: product, version, file mode, qbXML versions, company and file; exit 0."""
    ran = doctor(capsys)
    assert ran.code == 0, ran.err
    assert "QuickBooks Desktop Pro 2024, version 34.0 (US), the file open single-user" in ran.out
    assert "it speaks qbXML 1.0 to 16.0, this engine 13.0, 16.0: the sync uses 16.0" in ran.out
    assert "company: 'Lakeside Bakery' in rehearsal.qbw" in ran.out
    assert ran.out.rstrip().endswith("Nothing was changed in QuickBooks. All is well.")


def test_doctor_json_holds_the_facts(machine, capsys):
    """``--json``: what QuickBooks said about itself, as data."""
    data = doctor(capsys, "--json").json
    facts = data["quickbooks"]
    assert (data["problems"], facts["company"], facts["file"]) == (
        0,
        "Lakeside Bakery",
        "rehearsal.qbw",
    )
    assert (facts["qbxml_version"], facts["qbxml_versions"][-1]) == ("16.0", "16.0")


def test_doctor_only_reads(machine, capsys):
    """The doctor sends one document of HostQuery and CompanyQuery and ends its session."""
    doctor(capsys)
    sent = [e.request_type for e in machine.host.log.where(event="sent")]
    assert sent == ["HostQueryRq,CompanyQueryRq"]
    assert machine.servers[0].calls[-2:] == ["EndSession", "CloseConnection"]


@pytest.mark.parametrize(
    ("setup", "code", "says"),
    [
        ("quit", "0x80040416", "Start QuickBooks and open the company file"),
        ("close_file", "0x80040417", "Open the company file in QuickBooks"),
        ("dialog", "0x80040414", "Close the open dialog in QuickBooks"),
        ("other_file", "0x8004040A", "open the right one"),
        ("nobody_to_allow", "0x80040418", "Log into QuickBooks as the Admin user"),
        ("denied", "0x8004041A", "Integrated Applications > Company Preferences"),
        ("old_quickbooks", "0x80040423", "Update QuickBooks Desktop"),
    ],
)
def test_doctor_names_each_refusal_and_its_fix(machine, capsys, setup, code, says):
    """Each refusal: exit 1, QuickBooks' words with the HRESULT, then what to do."""
    SETUPS[setup](machine)
    ran = doctor(capsys)
    assert ran.code == 1, ran.out + ran.err
    assert "PROBLEM  session: " in ran.out and f"(HRESULT {code})" in ran.out
    assert says in ran.out.split("what to do:")[1]
    assert ran.out.rstrip().endswith("1 problem(s) found.")


SETUPS = {
    "quit": lambda m: m.host.quit_quickbooks(),
    "close_file": lambda m: m.host.close_company_file(),
    "dialog": lambda m: m.host.desktop.add_window("modal_dialog", 600),
    "other_file": lambda m: m.host.open_company_file("someone-else.qbw"),
    "nobody_to_allow": lambda m: setattr(m.apps, "first_access", "nobody"),
    "denied": lambda m: m.apps.denied.add("QB Sync Lab"),
    "old_quickbooks": lambda m: setattr(
        m.host.company.host, "supported_versions", ("11.0", "12.0")
    ),
}


def test_doctor_file_not_the_one_open_is_a_problem(machine, capsys):
    """``--file`` naming another company file than the one open: 0x8004040A, exit 1."""
    ran = doctor(capsys, "--file", r"C:\Books\other.qbw")
    assert ran.code == 1 and "0x8004040A" in ran.out


def test_doctor_file_open_names_it(machine, capsys):
    """``--file`` naming the open file: all well, the session on that file."""
    ran = doctor(capsys, "--file", "rehearsal.qbw")
    assert ran.code == 0 and "a session begun on rehearsal.qbw" in ran.out


@pytest.mark.skipif(sys.platform == "win32", reason="COM may reach a real QuickBooks on Windows")
def test_doctor_without_com_here_is_refused(capsys, monkeypatch):
    """No pywin32 (not Windows): the check cannot run, exit 2 saying what to install."""
    monkeypatch.delenv("QBSYNC_COM_DISPATCH", raising=False)
    ran = doctor(capsys)
    assert ran.code == 2 and "cannot check QuickBooks over COM on this machine" in ran.err
    assert "pip install 'qb-sync-lab[com]'" in ran.err


def test_doctor_says_whether_the_file_is_the_workspaces(monkeypatch, capsys, tmp_path):
    """With ``--db``: a fresh workspace's first sync will stamp the file; after a sync it is
    the workspace's file; another company file open is a problem naming both (exit 1). The
    workspace is only read."""
    monkeypatch.setenv("QBSYNC_COM_DISPATCH", HOOK)
    shop = make_workspace(tmp_path)
    with installed(ComMachine.with_company(Company(name="Lakeside Bakery"))):
        fresh = qbsync(capsys, "--db", shop, "doctor", "--com")
        assert fresh.code == 0, fresh.out
        assert "no qbsync stamp" in fresh.out
        assert "has not synced yet; its first sync will stamp this file as its own" in fresh.out
        assert qbsync(capsys, "--db", shop, "job", "run", "--com").code == 0
        before = Path(shop).read_bytes()
        same = qbsync(capsys, "--db", shop, "doctor", "--com")
        assert same.code == 0, same.out
        assert "stamped by a qbsync workspace {" in same.out
        assert f"this is the company file {shop} syncs with" in same.out
        assert Path(shop).read_bytes() == before
    with installed(ComMachine.with_company(Company(name="Harbor Books"))):
        other = qbsync(capsys, "--db", shop, "doctor", "--com")
    assert other.code == 1
    assert 'wrong company file: this workspace syncs with "Lakeside Bakery"' in other.out
    assert 'QuickBooks has "Harbor Books" (not stamped by qbsync) open' in other.out


# -- job run --com ------------------------------------------------------------------------------
def test_a_whole_job_runs_over_com(machine, capsys, tmp_path):
    """``job run --com``: the job's records reach the simulated QuickBooks; the report says so."""
    shop = make_workspace(tmp_path)
    ran = qbsync(capsys, "--db", shop, "job", "run", "--com")
    assert ran.code == 0, ran.err
    assert "Sent to QuickBooks: 3 created, 0 modified, 0 deleted, 1 failed" in ran.out
    assert {r["Name"] for r in query(machine.host.company, "Customer")} == {"Acme", "Birch"}


def test_job_refused_by_quickbooks_starts_nothing(machine, capsys, tmp_path):
    """A dialog open in QuickBooks: exit 2 with the fix; no job started."""
    shop = make_workspace(tmp_path)
    machine.host.desktop.add_window("modal_dialog", 600)
    ran = qbsync(capsys, "--db", shop, "job", "run", "--com")
    assert ran.code == 2 and "Close the open dialog in QuickBooks" in ran.err
    assert "No sync job was started" in ran.err


def test_lost_connection_mid_job_resumes_with_nothing_doubled(monkeypatch, capsys, tmp_path):
    """The answer to the customers' adds lost (QuickBooks applied them): exit 2, the job kept;
    the next run resumes it and each customer is in QuickBooks once."""
    shop = make_workspace(tmp_path)
    with installed(lossy_machine(monkeypatch, {"request_type": "CustomerAddRq"})) as machine:
        first = qbsync(capsys, "--db", shop, "job", "run", "--com")
        assert first.code == 2 and "resumes where it stopped" in first.err
        assert "The job is kept unfinished; run `job run` again to resume it." in first.err
        again = qbsync(capsys, "--db", shop, "job", "run", "--com")
    assert again.code == 0, again.err
    names = sorted(r["Name"] for r in query(machine.host.company, "Customer"))
    assert names == ["Acme", "Birch"]
    [job] = qbsync(capsys, "--db", shop, "job", "list", "--json").json
    assert job["outcome"] != "running"


# -- the README's "Set up COM on a client's machine" -------------------------------------------
README = Path(__file__).resolve().parent.parent / "README.md"
CLIENT_FILE = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\client.qbw"


def com_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("### Set up COM on a client's machine")
    return text[start : text.index("\n## ", start)]


def test_readme_com_commands_run_as_written(monkeypatch, capsys, tmp_path):
    """Every ``qbsync`` line of the section exits 0 against the simulated processor standing
    in for the Windows COM server, its QuickBooks holding the file the section names."""
    shop = make_workspace(tmp_path)
    shop.rename(tmp_path / "client.db")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QBSYNC_COM_DISPATCH", HOOK)
    blocks = re.findall(r"^```powershell\n(.*?)^```", com_section(), re.MULTILINE | re.DOTALL)
    lines = [line for body in blocks for line in body.splitlines() if line.startswith("qbsync ")]
    assert len(lines) == 4  # the doctor, for a file, the job, the doctor with the workspace
    with installed(ComMachine.with_company(Company(file_name=CLIENT_FILE))):
        for line in lines:
            ran = qbsync(capsys, *shlex.split(line, comments=True)[1:])
            assert ran.code == 0, f"{line}\n{ran.out}{ran.err}"


def test_readme_refusal_table_names_codes_the_engine_explains():
    """Each HRESULT in the section's table has the engine's advice (none left generic)."""
    codes = re.findall(r"^\| (0x[0-9A-F]{8}) \|", com_section(), re.MULTILINE)
    assert len(codes) == 10
    assert all(advice_for(int(code, 16)) for code in codes)


def test_guide_names_the_qbxml_version_the_engine_sends(capsys):
    """``qbsync guide 0x80040423`` asks for qbXML 13.0 or later, the oldest version requests can
    be declared in (it said 16.0 while every request carried 16.0)."""
    ran = qbsync(capsys, "guide", "0x80040423")
    assert ran.code == 0 and "speaks qbXML 13.0 or later" in ran.out
