"""The client's company as it is: ``qbsync export-company`` writes a company's query answers
to a folder (read only), qbsim loads a company from such a folder with the client's IDs,
names and inactive records, and pre-flight and a rehearsal run against it. No mocks: the
exported company is a qbsim company read through qbXML queries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qbsim import Company
from qbsim.fromanswers import QueryAnswersError
from syncengine import qbxml
from syncengine.rehearsal.appgen import generate_app
from syncengine.rehearsal.rehearse import setup_company
from syncengine.store import Store
from tests.cli_workspace import qbsync
from tests.test_preflight import TEMPLATES, _planted


def _answer_ok(company: Company, *requests: qbxml.Request) -> list[qbxml.Response]:
    answers = qbxml.parse_response(company.process(qbxml.message_set(requests).to_xml()))
    for answer in answers:
        answer.raise_for_status()
    return list(answers)


def _export(capsys: pytest.CaptureFixture[str], company: Company, tmp_path: Path) -> Path:
    """``company`` saved, then exported with the CLI; the folder of answers."""
    path, out = tmp_path / "client.qbsim.json", tmp_path / "answers"
    company.save(path)
    ran = qbsync(capsys, "export-company", "--simulated", "--company", path, "--out", out, "--json")
    assert ran.code == 0, ran.err
    return out


def test_export_writes_each_answer_and_a_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _export(capsys, _planted(), tmp_path)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["records"]["Customer"] == 1
    assert manifest["records"]["Item"] == 1
    assert manifest["records"]["Invoice"] == 1
    assert manifest["files"]["Customer"] == ["CustomerQueryRs-001.xml"]
    assert "NORTHWIND flour" in (out / "CustomerQueryRs-001.xml").read_text(encoding="utf-8")


def test_export_pages_a_long_list_through_its_iterator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    company = Company()
    adds = [qbxml.add("Customer", {"Name": f"Customer {n}"}) for n in range(501)]
    _answer_ok(company, *adds)
    out = _export(capsys, company, tmp_path)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["Customer"] == ["CustomerQueryRs-001.xml", "CustomerQueryRs-002.xml"]
    assert Company.from_query_answers(out).count("Customer") == 501


def test_loaded_company_keeps_ids_inactive_records_and_parents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    company = Company()
    parent, child, gone = _answer_ok(
        company,
        qbxml.add("Customer", {"Name": "Parent"}),
        qbxml.add("Customer", {"Name": "Job", "ParentRef": {"FullName": "Parent"}}),
        qbxml.add("Vendor", {"Name": "Old Vendor", "IsActive": False}),
    )
    loaded = Company.from_query_answers(_export(capsys, company, tmp_path))
    job = loaded.lookup("Customer", child.records[0]["ListID"])
    assert job is not None and job.ret["FullName"] == "Parent:Job"
    assert job.ret["ParentRef"]["ListID"] == parent.records[0]["ListID"]
    assert job.ret["EditSequence"] == child.records[0]["EditSequence"]
    old = loaded.lookup("Vendor", gone.records[0]["ListID"])
    assert old is not None and old.ret["IsActive"] == "false"
    # The client's names are taken (inactive ones too), across the shared name list.
    taken = qbxml.parse_response(
        loaded.process(qbxml.message_set([qbxml.add("Customer", {"Name": "old vendor"})]).to_xml())
    )[0]
    assert taken.status_code == 3100
    # New records get IDs the client's never had.
    (added,) = _answer_ok(loaded, qbxml.add("Customer", {"Name": "Brand New"}))
    known = {r.id for t in loaded.state.records.values() for r in t.values()} - {
        added.records[0]["ListID"]
    }
    assert added.records[0]["ListID"] not in known
    assert loaded.lookup("Customer", added.records[0]["ListID"]).ret["Name"] == "Brand New"


def test_a_malformed_answer_is_refused_naming_file_and_element(tmp_path: Path) -> None:
    bad = tmp_path / "CustomerQueryRs-001.xml"
    bad.write_text(
        '<?xml version="1.0"?><QBXML><QBXMLMsgsRs><CustomerQueryRs statusCode="0">'
        "<CustomerRet><Name>No ID</Name></CustomerRet></CustomerQueryRs></QBXMLMsgsRs></QBXML>",
        encoding="utf-8",
    )
    with pytest.raises(QueryAnswersError) as refused:
        Company.from_query_answers(tmp_path)
    assert str(bad) in str(refused.value)
    assert "CustomerRet" in str(refused.value)


def test_preflight_on_exported_company_finds_the_planted_collisions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _export(capsys, _planted(), tmp_path)
    db = tmp_path / "app.db"
    assert qbsync(capsys, "--db", db, "import-app", TEMPLATES, "--new", "--json").code == 0
    ran = qbsync(capsys, "--db", db, "preflight", "--company-from", out, "--json")
    assert ran.code == 0, ran.err
    found = {(f["check"], f["value"]) for f in ran.json["findings"]}
    assert found == {
        ("name_in_use", "Northwind Flour"),
        ("name_in_use", "Design Hour"),
        ("duplicate_ref_number", "INV-1002"),
    }


def test_preflight_refuses_a_folder_without_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "app.db"
    assert qbsync(capsys, "--db", db, "import-app", TEMPLATES, "--new").code == 0
    ran = qbsync(capsys, "--db", db, "preflight", "--company-from", tmp_path / "none")
    assert ran.code == 2
    assert "qbsync export-company" in ran.err


def _first_customer_name(seed: int) -> str:
    """The name of a customer the rehearsal with ``seed`` generates."""
    with Store(":memory:") as store:
        generate_app(store, 40, seed)
        return str(store.entities.all("customer")[0].data["name"])


def test_rehearsal_into_exported_company_meets_its_collision_without_duplicates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = _first_customer_name(seed=3)
    company = setup_company(3)
    _answer_ok(company, qbxml.add("Vendor", {"Name": taken.upper(), "IsActive": False}))
    out = _export(capsys, company, tmp_path)
    ran = qbsync(
        capsys, "rehearse", "--generate", "40", "--seed", "3", "--company-from", out,
        "--preflight", "--json",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    assert ran.json["duplicates_in_quickbooks"] == 0
    assert any(f["value"] == taken for f in ran.json["preflight"])
    assert ran.json["failed_by_code"].get("3100") == 1


def test_export_refuses_a_simulated_company_it_is_not_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ran = qbsync(capsys, "export-company", "--simulated", "--out", tmp_path / "answers")
    assert ran.code == 2
    assert "--company PATH" in ran.err
    assert not (tmp_path / "answers").exists()
