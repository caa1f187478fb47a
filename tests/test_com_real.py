"""The COM paths of ``test_com_simulated.py`` and ``test_cli_com.py`` against real QuickBooks.

Run on a Windows machine with QuickBooks Desktop open on a company file this application is
allowed into (see the README's "Set up COM on a client's machine"), with the ``[com]`` extra:
``QBSYNC_REAL_QB=1 python -m pytest -m real_quickbooks``. Only reads, except the whole-job
test, which also needs ``QBSYNC_REAL_QB_WRITE=1`` and must be pointed at a sample company.
"""

from __future__ import annotations

import os
import sys

import pytest

from syncengine.qbxml import MessageSet, parse_response, query
from syncengine.transports.com import ENGINE_VERSIONS, ComTransport
from syncengine.transports.hresults import CompanyFileProblem
from tests.cli_workspace import make_workspace, qbsync

pytestmark = [
    pytest.mark.real_quickbooks,
    pytest.mark.skipif(
        sys.platform != "win32" or os.environ.get("QBSYNC_REAL_QB") != "1",
        reason="needs Windows + QuickBooks Desktop (QBSYNC_REAL_QB=1)",
    ),
]
APP = "QB Sync Lab tests"


@pytest.fixture(autouse=True)
def real_dispatch(monkeypatch):
    """Whatever the shell says, these tests reach the real COM server."""
    monkeypatch.delenv("QBSYNC_COM_DISPATCH", raising=False)


def test_session_agrees_a_version_and_answers_a_host_query():
    """Open, begin, agree the version, HostQuery, end, close on the real processor."""
    with ComTransport(APP) as com:
        [host] = parse_response(com.send(MessageSet([query("Host")]).to_xml()))
        assert com.qbxml_version in ENGINE_VERSIONS
        assert com.company_file_name().lower().endswith(".qbw")
    assert host.status_code == 0 and host.records[0]["ProductName"]


def test_a_file_that_is_not_open_is_a_company_file_problem(tmp_path):
    """A .QBW path that is not the file open: QuickBooks refuses it (0x8004040A or 0x80040403)."""
    with pytest.raises(CompanyFileProblem) as caught:
        ComTransport(APP, company_file=str(tmp_path / "not-a-company.qbw")).open()
    assert caught.value.hresult in {0x8004040A, 0x80040403}


def test_doctor_finds_quickbooks(capsys):
    """``qbsync doctor --com`` exits 0 naming the product and the company."""
    ran = qbsync(capsys, "doctor", "--com", "--app-name", APP)
    assert ran.code == 0, ran.out + ran.err
    assert "OK       QuickBooks:" in ran.out and "OK       company:" in ran.out


@pytest.mark.skipif(
    os.environ.get("QBSYNC_REAL_QB_WRITE") != "1",
    reason="writes to the open company file: set QBSYNC_REAL_QB_WRITE=1 on a sample company",
)
def test_a_whole_job_runs(capsys, tmp_path):
    """``job run --com`` sends a small workspace's records and prints the report."""
    shop = make_workspace(tmp_path)
    ran = qbsync(capsys, "--db", shop, "job", "run", "--com", "--app-name", APP)
    assert ran.code == 0, ran.err
    assert "Sent to QuickBooks:" in ran.out
