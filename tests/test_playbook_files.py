"""Two parts of the playbook format a replayed customer's case needs (``scenarios/README.md``):
``files:`` written into the run's folder before the steps, and ``quickbooks:`` records that
name their ListID or TxnID, placed as they are; and ``empty_company``, a company without the
setup interview's accounts and terms."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from qbsim.testing import request_xml
from syncengine.rehearsal import playbooks
from syncengine.rehearsal.playbooks import PlaybookError

REQUEST = request_xml(("CustomerAddRq", {"CustomerAdd": {"Name": "Acme"}}))


def _write(tmp_path: Path, **keys) -> Path:
    data = {
        "name": "case",
        "title": "a case",
        "covers": {"behaviour": "b", "source": "s"},
        "steps": [{"title": "look", "run": "settings show"}],
    } | keys
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_files_are_written_into_the_run_folder_for_command_lines(tmp_path):
    """A request document given in ``files:`` is there for ``qbxml send`` to read."""
    step = {
        "title": "send it twice",
        "run": "qbxml send --simulated add.xml",
        "expect": {"stdout": {"contains": 'statusCode="0"'}},
    }
    again = {
        "title": "the name is now in use",
        "run": "qbxml send --simulated add.xml",
        "expect": {"exit": 0, "stdout": {"contains": 'statusCode="3100"'}},
    }
    outcome = playbooks.run(_write(tmp_path, files={"add.xml": REQUEST}, steps=[step, again]))
    assert outcome.passed, outcome.failures


@pytest.mark.parametrize("name", ["../up.xml", "sub/x.xml", ".hidden", "faults.yaml", "", "a b"])
def test_a_file_name_that_is_not_plain_is_refused(tmp_path, name):
    with pytest.raises(PlaybookError, match=r"files: file name .* is refused"):
        playbooks.load(_write(tmp_path, files={name: "text"}))


def test_a_record_naming_its_listid_is_placed_with_it(tmp_path):
    """Acme keeps the ListID and EditSequence given; a Mod naming them is answered OK."""
    acme = {"ListID": "80000007-1700000000", "EditSequence": "1700000000", "Name": "Acme"}
    mod = request_xml(("CustomerModRq", {"CustomerMod": {**acme, "Name": "Acme Ltd"}}))
    steps = [
        {
            "title": "rename Acme by its ID",
            "run": "qbxml send --simulated mod.xml",
            "expect": {
                "stdout": {"contains": 'statusCode="0"'},
                "quickbooks": [
                    {"kind": "Customer", "name": "Acme Ltd", "fields": {"ListID": acme["ListID"]}}
                ],
            },
        }
    ]
    path = _write(tmp_path, quickbooks={"Customer": [acme]}, files={"mod.xml": mod}, steps=steps)
    outcome = playbooks.run(path)
    assert outcome.passed, outcome.failures


def test_a_placed_record_with_a_field_it_cannot_have_is_refused_naming_both(tmp_path):
    bad = {"Customer": [{"Name": "Birch"}, {"ListID": "80000007-1700000000", "ShoeSize": "Acme"}]}
    with pytest.raises(PlaybookError) as refused:
        playbooks.load(_write(tmp_path, quickbooks=bad))
    text = str(refused.value)
    assert "quickbooks" in text and "Customer#2 (ListID 80000007-1700000000)" in text
    assert "ShoeSize" in text


def test_an_empty_company_has_no_setup_accounts(tmp_path):
    """Without ``empty_company`` the company holds the setup interview's accounts; with it,
    none: an AccountAdd of Services is then answered OK, not 3100."""
    add = request_xml(
        ("AccountAddRq", {"AccountAdd": {"Name": "Services", "AccountType": "Income"}})
    )

    def step(code: str) -> dict:
        return {
            "title": "add Services",
            "run": "qbxml send --simulated add.xml",
            "expect": {"stdout": {"contains": f'statusCode="{code}"'}},
        }

    setup = _write(tmp_path, files={"add.xml": add}, steps=[step("3100")])
    assert playbooks.run(setup).passed
    empty = _write(tmp_path, empty_company=True, files={"add.xml": add}, steps=[step("0")])
    assert playbooks.run(empty).passed


def _acme_and_invoice(**more: str) -> tuple[dict, dict]:
    """A customer Acme and its invoice 1001, each placed by its ListID/TxnID (``more``: the
    invoice's further fields)."""
    acme = {"ListID": "80000007-1700000000", "Name": "Acme"}
    invoice = {
        "TxnID": "8000000A-1700000000",
        "EditSequence": "1700000000",
        **more,
        "CustomerRef": {"ListID": acme["ListID"], "FullName": "Acme"},
        "TxnDate": "2025-01-06",
        "RefNumber": "1001",
    }
    return acme, invoice


def test_a_transaction_naming_its_txnid_is_placed_and_answered_by_queries(tmp_path):
    """An invoice given with its TxnID is in the company as given: a query finds it by its
    RefNumber, with that TxnID."""
    acme, invoice = _acme_and_invoice(TxnNumber="7")
    steps = [
        {
            "title": "look",
            "run": "settings show",
            "expect": {
                "quickbooks": [
                    {"kind": "Invoice", "name": "1001", "fields": {"TxnID": invoice["TxnID"]}}
                ]
            },
        }
    ]
    path = _write(tmp_path, quickbooks={"Customer": [acme], "Invoice": [invoice]}, steps=steps)
    outcome = playbooks.run(path)
    assert outcome.passed, outcome.failures


def test_a_transaction_is_edited_in_quickbooks_by_its_refnumber(tmp_path):
    """A person's edit of an invoice (``quickbooks: {edit: {kind: Invoice, name: 1001}}``) is
    a Mod naming its TxnID: the memo is set, the EditSequence moves. (It was sent naming a
    ListID, which a transaction has none of, and the run broke.)"""
    acme, invoice = _acme_and_invoice()
    edit = {"kind": "Invoice", "name": "1001", "set": {"Memo": "checked"}}
    changed = {"Memo": "checked", "TxnID": invoice["TxnID"]}
    steps = [
        {
            "title": "a person adds a memo",
            "quickbooks": {"edit": edit},
            "expect": {
                "exit": 0,
                "quickbooks": [{"kind": "Invoice", "name": "1001", "fields": changed}],
            },
        }
    ]
    path = _write(tmp_path, quickbooks={"Customer": [acme], "Invoice": [invoice]}, steps=steps)
    outcome = playbooks.run(path)
    assert outcome.passed, outcome.failures
