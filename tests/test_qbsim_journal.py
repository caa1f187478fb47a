"""A company kept on disk (``Company.open``/``keep_in``): every answered change is in its
file or journal, a reopened company is the one that answered, and no ID is handed out twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qbsim import Company, persist
from qbsim.generate import generate_company
from qbsim.journal import journal_path
from qbsim.persist import PersistError
from qbsim.testing import add, find, mod, request_xml, send


def _data(company: Company) -> dict:
    """The company as saved, but for the random source (an iterator's draw is not data)."""
    data = json.loads(persist.dumps(company))
    del data["company"]["rng"]
    return data


def _kept(tmp_path: Path, seed: int = 3) -> tuple[Company, Path]:
    path = tmp_path / "shop.db.qbsim.json"
    company = Company(seed=seed)
    company.keep_in(path)
    return company, path


def _busy(company: Company) -> None:
    """Adds, renames, deletes, payments, voids and stored message sets, through qbXML."""
    generate_company(160, seed=4, via_qbxml=True, company=company)
    acme = add(company, "Customer", {"Name": "Acme"})
    mod(company, "Customer", acme, {"Name": "Acme Ltd"})
    vendor = add(company, "Vendor", {"Name": "Bolt"})
    send(company, "ListDelRq", {"ListDelType": "Vendor", "ListID": vendor["ListID"]})
    invoice = next(iter(company.state.records["Invoice"].values()))
    send(company, "TxnVoidRq", {"TxnVoidType": "Invoice", "TxnID": invoice.id})
    company.process(
        request_xml(("CustomerAddRq", {"CustomerAdd": {"Name": "Beta"}}), newMessageSetID="S1")
    )
    send(company, "ListDeletedQueryRq", {"ListDelType": ["Vendor"]})


def test_a_reopened_company_is_the_one_that_answered(tmp_path):
    """Replaying the journal gives back every record, name, counter and stored set."""
    company, path = _kept(tmp_path)
    _busy(company)
    assert journal_path(path).stat().st_size > 0
    assert _data(Company.load(path)) == _data(company)


def test_a_balance_change_without_a_new_edit_sequence_is_kept(tmp_path):
    """A customer's balance moved by an invoice is journalled with the invoice."""
    company, path = _kept(tmp_path)
    generate_company(120, seed=9, via_qbxml=True, company=company)
    balances = {r.id: r.ret.get("Balance") for r in company.state.records["Customer"].values()}
    reopened = Company.load(path)
    assert {
        r.id: r.ret.get("Balance") for r in reopened.state.records["Customer"].values()
    } == balances


def test_save_folds_the_journal_into_the_file(tmp_path):
    """After ``save`` the journal is empty and the file alone holds the company."""
    company, path = _kept(tmp_path)
    add(company, "Customer", {"Name": "Acme"})
    company.save(path)
    assert journal_path(path).stat().st_size == 0
    add(company, "Customer", {"Name": "Beta"})
    assert find(Company.load(path), "Customer", "Beta") is not None


def test_a_journal_line_cut_short_is_a_change_never_answered(tmp_path):
    """A crash in the middle of writing a line loses only that unanswered change."""
    company, path = _kept(tmp_path)
    add(company, "Customer", {"Name": "Acme"})
    with open(journal_path(path), "ab") as journal:
        journal.write(b'{"records":[["Customer","8')
    reopened = Company.load(path)
    assert find(reopened, "Customer", "Acme") is not None and reopened.count("Customer") == 1


def test_a_damaged_journal_line_is_reported(tmp_path):
    """A line that is not JSON before the last is damage, named with what to do."""
    company, path = _kept(tmp_path)
    add(company, "Customer", {"Name": "Acme"})
    add(company, "Customer", {"Name": "Beta"})
    lines = journal_path(path).read_bytes().split(b"\n")
    journal_path(path).write_bytes(b"\n".join([b"garbage", *lines[1:]]))
    with pytest.raises(PersistError, match=r"line 1 is damaged.*restore"):
        Company.load(path)


def test_a_crash_between_the_rename_and_the_emptying_replays_nothing_twice(tmp_path):
    """Journal lines the file already holds are skipped by their number."""
    company, path = _kept(tmp_path)
    add(company, "Customer", {"Name": "Acme"})
    kept = journal_path(path).read_bytes()
    company.save(path)
    journal_path(path).write_bytes(kept)
    assert Company.load(path).count("Customer") == 1


def test_no_list_id_is_handed_out_twice_after_a_crash(tmp_path):
    """The ID counter travels with each change: a reopened company goes on after it."""
    company, path = _kept(tmp_path)
    first = add(company, "Customer", {"Name": "Acme"})
    # The process dies here: the company is never closed or saved.
    reopened = Company.open(path)
    second = add(reopened, "Customer", {"Name": "Beta"})
    assert second["ListID"].split("-")[0] != first["ListID"].split("-")[0]
    reopened.close()


def test_open_goes_on_journalling(tmp_path):
    """A reopened company keeps its changes too, numbered after the earlier ones."""
    company, path = _kept(tmp_path)
    add(company, "Customer", {"Name": "Acme"})
    reopened = Company.open(path)
    add(reopened, "Customer", {"Name": "Beta"})
    assert {r.ret["Name"] for r in Company.load(path).state.records["Customer"].values()} == {
        "Acme",
        "Beta",
    }
    reopened.close()


def test_close_folds_a_long_journal_into_the_file(tmp_path):
    """Closing a company whose journal outgrew its file rewrites the file."""
    company, path = _kept(tmp_path)
    generate_company(60, seed=2, via_qbxml=True, company=company)
    company.close()
    assert journal_path(path).stat().st_size == 0 and company.journal is None
    assert Company.load(path).count("Customer") == company.count("Customer")


def test_a_query_writes_nothing(tmp_path):
    """Only documents that change the company are journalled."""
    company, path = _kept(tmp_path)
    add(company, "Customer", {"Name": "Acme"})
    size = journal_path(path).stat().st_size
    send(company, "CustomerQueryRq", {"@": {"iterator": "Start"}, "MaxReturned": "1"})
    assert journal_path(path).stat().st_size == size


def test_a_journal_that_cannot_be_written_refuses_the_answer(tmp_path):
    """A failed write raises instead of answering, and the company answers no more."""
    company, _ = _kept(tmp_path)
    company.journal.close()  # type: ignore[union-attr]  # writes now fail: a bad descriptor
    with pytest.raises(OSError, match="could not record a change"):
        add(company, "Customer", {"Name": "Acme"})
    with pytest.raises(OSError, match="was not saved"):
        add(company, "Customer", {"Name": "Beta"})


def test_a_stored_message_set_survives_a_crash(tmp_path):
    """Error recovery's stored answers are journalled with the change they answer."""
    company, path = _kept(tmp_path)
    company.process(
        request_xml(("CustomerAddRq", {"CustomerAdd": {"Name": "Acme"}}), newMessageSetID="S7")
    )
    reopened = Company.load(path)
    answer = reopened.process(
        request_xml(oldMessageSetID="S7", newMessageSetID="S7", on_error="continueOnError")
    )
    assert 'messageSetStatusCode="0"' in answer and "Acme" in answer


def test_clearing_stored_message_sets_is_journalled(tmp_path):
    """A cleared message set stays cleared after a crash."""
    company, path = _kept(tmp_path)
    company.process(
        request_xml(("CustomerAddRq", {"CustomerAdd": {"Name": "Acme"}}), newMessageSetID="S7")
    )
    company.process(request_xml(oldMessageSetID="ClearAllMessageSets"))
    assert Company.load(path).message_sets == {}


def test_a_journal_outgrowing_its_file_is_folded_as_it_happens(tmp_path, monkeypatch):
    """A company answering for long (an auto sync running for weeks) keeps its journal no
    larger than its file: past that, the change that outgrew it folds it into the file, and
    the reopened company is still the one that answered."""
    monkeypatch.setattr("qbsim.journal.FOLD_AT", 4096)
    company, path = _kept(tmp_path)
    sizes = []
    for number in range(80):
        add(company, "Customer", {"Name": f"Customer {number}"})
        sizes.append((journal_path(path).stat().st_size, path.stat().st_size))
    assert all(journal <= max(file, 4096) for journal, file in sizes)
    assert any(journal == 0 for journal, _ in sizes[1:])  # folded at least once on the way
    assert _data(Company.load(path)) == _data(company)
    assert company.journal is not None  # still kept: folding is not closing
