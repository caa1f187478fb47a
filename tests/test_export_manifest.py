"""The export's manifest says whether the export is complete: an export cut off by QuickBooks
leaves one that says so, and qbsim refuses to load such a folder (a company missing records
would hide the client's collisions); a complete manifest loads exactly the pages it lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qbsim import Company
from qbsim.fromanswers import QueryAnswersError
from syncengine import qbxml
from syncengine.errors import QBStatusError
from syncengine.sync.company_export import CompanyExport, export_company
from syncengine.transports.simulated import SimulatedTransport


def _customers(count: int) -> Company:
    company = Company()
    adds = [qbxml.add("Customer", {"Name": f"Customer {n}"}) for n in range(count)]
    company.process(qbxml.message_set(adds).to_xml())
    return company


class RestartedBetweenPages(SimulatedTransport):
    """A simulated company whose session ends after the first answer, as when QuickBooks is
    restarted mid-export: the iterator it handed out is gone. (The restart is the only
    stand-in; the refusal is qbsim's own answer to an unknown iteratorID.)"""

    def send(self, request_xml: str) -> str:
        answer = super().send(request_xml)
        self.company.end_session()
        return answer


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_an_export_cut_off_leaves_an_incomplete_manifest_and_is_not_loaded(tmp_path):
    """A query QuickBooks refuses mid-export is raised; the manifest says incomplete and why;
    from_query_answers refuses the folder saying it is incomplete and to export again."""
    with pytest.raises(QBStatusError):
        export_company(RestartedBetweenPages(_customers(501)), tmp_path, ["Customer"])
    manifest = _manifest(tmp_path)
    assert manifest["complete"] is False and "iteratorID" in manifest["error"]
    assert manifest["files"]["Customer"] == ["CustomerQueryRs-001.xml"]
    with pytest.raises(QueryAnswersError, match=r"incomplete.*iteratorID.*run the export again"):
        Company.from_query_answers(tmp_path)


def test_an_export_that_never_finished_reads_as_incomplete(tmp_path):
    """An export stopped without a word (a process killed between pages) already says it is
    incomplete: the manifest is written so from the first request."""
    export = CompanyExport(tmp_path, ["Customer", "Vendor"])
    transport = SimulatedTransport(_customers(3))
    export.receive(transport.send(export.next_request() or ""))
    assert _manifest(tmp_path)["complete"] is False
    with pytest.raises(QueryAnswersError, match="stopped before its last answer"):
        Company.from_query_answers(tmp_path)


def test_a_complete_export_loads_only_the_pages_it_lists(tmp_path):
    """A page left in the folder by an earlier, longer export is not loaded."""
    (tmp_path / "CustomerQueryRs-002.xml").write_text("left over", encoding="utf-8")
    report = export_company(SimulatedTransport(_customers(3)), tmp_path, ["Customer"])
    assert _manifest(tmp_path)["complete"] is True and "error" not in _manifest(tmp_path)
    assert report.files["Customer"] == ["CustomerQueryRs-001.xml"]
    assert Company.from_query_answers(tmp_path).count("Customer") == 3


def test_a_manifest_naming_a_file_outside_its_folder_is_refused(tmp_path):
    """A manifest is data from the client's machine: a page it names outside the export's own
    folder is refused, naming it, before anything is read."""
    export_company(SimulatedTransport(_customers(2)), tmp_path / "export", ["Customer"])
    (tmp_path / "elsewhere.xml").write_text("<QBXML/>", encoding="utf-8")
    manifest = _manifest(tmp_path / "export")
    manifest["files"]["Customer"] = ["../elsewhere.xml"]
    (tmp_path / "export" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(QueryAnswersError, match=r"'\.\./elsewhere\.xml'.*own folder"):
        Company.from_query_answers(tmp_path / "export")


def test_percent_grows_to_100_with_the_iterator(tmp_path):
    """Progress counts query types done and the current type's share of its records."""
    export = CompanyExport(tmp_path, ["Customer", "Vendor"])
    transport, seen = SimulatedTransport(_customers(501)), []
    while (request := export.next_request()) is not None:
        export.receive(transport.send(request))
        seen.append(export.percent)
    assert seen == sorted(seen) and seen[-1] == 100
    assert 1 <= seen[0] < 50 <= seen[1] < 100


def test_a_folder_that_cannot_be_written_is_a_refusal_naming_it(tmp_path, capsys):
    """`export-company --out` a path under a file: exit 2 naming the path, no traceback."""
    from tests.cli_workspace import qbsync

    path, blocker = tmp_path / "client.qbsim.json", tmp_path / "a-file"
    _customers(1).save(path)
    blocker.write_text("not a folder", encoding="utf-8")
    ran = qbsync(capsys, "export-company", "--simulated", "--company", path, "--out", blocker / "x")
    assert ran.code == 2 and str(blocker / "x") in ran.err and "write to" in ran.err
