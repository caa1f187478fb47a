"""qbsim transaction types beyond the invoice: bills, sales receipts, credit memos, purchase
orders, time tracking, journal entries; TxnDel and TxnDeletedQuery."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qbschema import SchemaDataError, schema
from qbsim import QBXMLRPError
from qbsim.model.base import DEFAULT_START
from qbsim.model.retdata import ret_node
from tests.test_qbsim_txns import NOT_IN_LIST, Books, line, ref, x


@pytest.fixture
def books() -> Books:
    return Books()


def _mod(ret, kind: str, *children: str) -> str:
    ids = (x("TxnID", ret.findtext("TxnID")), x("EditSequence", ret.findtext("EditSequence")))
    return x(f"{kind}ModRq", x(f"{kind}Mod", *ids, *children))


def _delete(kind: str, ret) -> str:
    return x("TxnDelRq", x("TxnDelType", kind), x("TxnID", ret.findtext("TxnID")))


# -- Bill -------------------------------------------------------------------------------


def _bill(books: Books):
    return books.add(
        "Bill",
        ref("VendorRef", "Bolt Supply"),
        x("RefNumber", "B-77"),
        x("ExpenseLineAdd", ref("AccountRef", "Office Supplies"), x("Amount", "40.00")),
        x("ItemLineAdd", ref("ItemRef", "Nails"), x("Quantity", "8")),
    )


def test_bill_takes_vendor_terms_and_address_fields(books):
    """DueDate follows the vendor's Net 30; the vendor's RefNumber is kept."""
    bill = _bill(books)
    assert bill.findtext("RefNumber") == "B-77"
    assert bill.findtext("DueDate") == "2026-02-04"
    assert bill.findtext("APAccountRef/FullName") == "Accounts Payable"
    assert bill.findtext("IsPaid") == "false"


def test_bill_mod_lists_are_separate(books):
    """ClearItemLines empties the item lines; expense lines not named in the Mod stay."""
    bill = _bill(books)
    changed = books.ok(_mod(bill, "Bill", x("ClearItemLines", "true")))
    assert changed.find("ItemLineRet") is None
    assert changed.findtext("ExpenseLineRet/Amount") == "40.00"
    assert changed.findtext("AmountDue") == "40.00"
    vendor = books.query("Vendor", x("FullName", "Bolt Supply"))[0]
    assert vendor.findtext("Balance") == "40.00"


def test_bill_line_references_say_bill_line(books):
    """A bad customer on an expense line is 3140 "in the Bill line"."""
    code, message = books.error(
        x(
            "BillAddRq",
            x(
                "BillAdd",
                ref("VendorRef", "Bolt Supply"),
                x("ExpenseLineAdd", x("Amount", "1.00"), ref("CustomerRef", "Nobody")),
            ),
        )
    )
    assert (code, message) == (
        3140,
        f'There is an invalid reference to QuickBooks Customer "Nobody" in the Bill line.  '
        f"{NOT_IN_LIST}",
    )


def test_bill_query_by_vendor_and_paid_status(books):
    """EntityFilter works on the vendor; an unpaid bill is NotPaidOnly."""
    _bill(books)
    assert len(books.query("Bill", x("EntityFilter", x("FullName", "Bolt Supply")))) == 1
    assert books.query("Bill", x("PaidStatus", "PaidOnly")) == []


# -- SalesReceipt, CreditMemo, PurchaseOrder --------------------------------------------


def test_sales_receipt_numbers_itself_and_mods_lines(books):
    """Sales receipts number 1, 2…; a line Mod recomputes TotalAmount."""
    receipt = books.add(
        "SalesReceipt", ref("CustomerRef", "Beta"), line("Labor", "1", tag="SalesReceiptLineAdd")
    )
    assert receipt.findtext("RefNumber") == "1"
    line_id = receipt.findtext("SalesReceiptLineRet/TxnLineID")
    changed = books.ok(
        _mod(
            receipt,
            "SalesReceipt",
            x("SalesReceiptLineMod", x("TxnLineID", line_id), x("Rate", "75.00")),
        )
    )
    assert changed.findtext("TotalAmount") == "75.00"


def test_credit_memo_lowers_the_customer_and_can_be_deleted(books):
    """A credit memo is a credit on the customer; deleting it gives the credit back."""
    memo = books.add(
        "CreditMemo", ref("CustomerRef", "Beta"), line("Labor", "1", tag="CreditMemoLineAdd")
    )
    assert (memo.findtext("TotalAmount"), memo.findtext("CreditRemaining")) == ("50.00", "50.00")
    assert books.customer("Beta").findtext("Balance") == "-50.00"
    books.ok(_delete("CreditMemo", memo))
    assert books.customer("Beta").findtext("Balance") == "0.00"


def test_purchase_order_is_non_posting(books):
    """A purchase order totals its lines at cost and moves no balance."""
    order = books.add(
        "PurchaseOrder",
        ref("VendorRef", "Bolt Supply"),
        line("Nails", "100", tag="PurchaseOrderLineAdd"),
    )
    assert order.findtext("PurchaseOrderLineRet/Rate") == "1.25"
    assert order.findtext("TotalAmount") == "125.00"
    assert order.findtext("RefNumber") == "1"
    vendor = books.query("Vendor", x("FullName", "Bolt Supply"))[0]
    assert vendor.findtext("Balance") == "0.00"


# -- TimeTracking -----------------------------------------------------------------------


def _time(books: Books, who: str, duration: str, *extra: str):
    return books.add(
        "TimeTracking",
        ref("EntityRef", who),
        *extra,
        x("Duration", duration),
    )


def test_time_tracking_normalises_the_duration(books):
    """Duration comes back as hours, minutes and seconds; billable for a customer."""
    entry = _time(
        books,
        "Pat Temp",
        "PT150M",
        ref("CustomerRef", "Acme:Roof"),
        ref("ItemServiceRef", "Labor"),
    )
    assert entry.findtext("Duration") == "PT2H30M0S"
    assert entry.findtext("ItemServiceRef/FullName") == "Labor"
    assert entry.findtext("BillableStatus") == "Billable"
    assert entry.find("RefNumber") is None


def test_time_tracking_entity_must_be_a_person_not_a_customer(books):
    """EntityRef names an employee, vendor or other name."""
    code, message = books.error(
        x(
            "TimeTrackingAddRq",
            x("TimeTrackingAdd", ref("EntityRef", "Beta"), x("Duration", "PT1H")),
        )
    )
    assert code == 3140 and '"Beta" in the TimeTracking.' in message


def test_time_tracking_with_an_invalid_duration_is_refused_whole(books):
    """A Duration outside Intuit's pattern is a schema error: the document is refused."""
    with pytest.raises(QBXMLRPError):
        books.send(
            x(
                "TimeTrackingAddRq",
                x("TimeTrackingAdd", ref("EntityRef", "Pat Temp"), x("Duration", "P1D")),
            )
        )


def test_time_tracking_entity_filter_and_mod(books):
    """TimeTrackingEntityFilter finds a person's time; a Mod changes the duration."""
    entry = _time(books, "Pat Temp", "PT1H")
    _time(books, "Bolt Supply", "PT2H")
    found = books.query("TimeTracking", x("TimeTrackingEntityFilter", x("FullName", "Pat Temp")))
    assert [r.findtext("Duration") for r in found] == ["PT1H0M0S"]
    changed = books.ok(
        _mod(entry, "TimeTracking", ref("EntityRef", "Pat Temp"), x("Duration", "PT1H45M"))
    )
    assert changed.findtext("Duration") == "PT1H45M0S"


# -- JournalEntry -----------------------------------------------------------------------


def _mixed_journal_builds() -> bool:
    """Whether qbschema can build a JournalEntryRet holding debit and credit lines at once."""
    try:
        schema().build(
            "JournalEntryRet",
            ret_node("JournalEntry"),
            {"JournalDebitLine": [{}], "JournalCreditLine": [{}]},
        )
    except SchemaDataError:
        return False
    return True


needs_mixed_choice = pytest.mark.skipif(
    not _mixed_journal_builds(),
    reason="qbschema cannot yet build a repeated choice of two kinds (JournalDebitLine and "
    "JournalCreditLine in one JournalEntryRet); see the transactions report",
)


def _journal(*lines: str) -> str:
    return x("JournalEntryAddRq", x("JournalEntryAdd", x("TxnDate", "2026-01-31"), *lines))


def _je_line(side: str, account: str, amount: str, *extra: str) -> str:
    return x(f"Journal{side}Line", ref("AccountRef", account), x("Amount", amount), *extra)


def test_an_unbalanced_journal_entry_is_refused(books):
    """Debits must equal credits (3180 with QuickBooks' "not in balance", code inferred)."""
    code, message = books.error(
        _journal(
            _je_line("Debit", "Checking", "100.00"), _je_line("Credit", "Owner Equity", "90.00")
        )
    )
    assert code == 3180
    assert message.endswith("QuickBooks error message: Transaction not in balance.")
    assert books.company.count("JournalEntry") == 0


@needs_mixed_choice
def test_a_balanced_journal_entry_moves_accounts_and_customers(books):
    """Debits raise asset accounts, credits raise equity; an A/R line moves its customer."""
    entry = books.ok(
        _journal(
            _je_line("Debit", "Checking", "100.00"),
            _je_line("Credit", "Owner Equity", "100.00"),
        )
    )
    assert entry.findtext("RefNumber") == "1"
    assert books.account("Checking").findtext("Balance") == "100.00"
    assert books.account("Owner Equity").findtext("Balance") == "100.00"
    books.invoice("Beta")  # creates the A/R account
    books.ok(
        _journal(
            _je_line("Debit", "Accounts Receivable", "30.00", ref("EntityRef", "Beta")),
            _je_line("Credit", "Sales", "30.00"),
        )
    )
    assert books.customer("Beta").findtext("Balance") == "130.00"


@needs_mixed_choice
def test_journal_line_mod_moves_a_line_to_the_other_side(books):
    """JournalLineMod names the side; lines left out are deleted; the result must balance."""
    entry = books.ok(
        _journal(
            _je_line("Debit", "Checking", "10.00"), _je_line("Credit", "Owner Equity", "10.00")
        )
    )
    debit = entry.findtext("JournalDebitLine/TxnLineID")
    code, _ = books.error(
        _mod(
            entry, "JournalEntry", x("JournalLineMod", x("TxnLineID", debit), x("Amount", "20.00"))
        )
    )
    assert code == 3180


# -- TxnDel and TxnDeletedQuery ---------------------------------------------------------


def test_txn_del_answers_and_the_txn_is_gone(books):
    """TxnDelRs carries type, ID, time and RefNumber; a Mod afterwards is 3120."""
    inv = books.invoice()
    answer = books.rs(_delete("Invoice", inv))
    assert [c.tag for c in answer] == ["TxnDelType", "TxnID", "TimeDeleted", "RefNumber"]
    assert books.company.count("Invoice") == 0
    code, _ = books.error(_mod(inv, "Invoice", x("Memo", "too late")))
    assert code == 3120


def test_txn_del_of_the_wrong_type_or_unknown_id_is_3120(books):
    """The TxnDelType must be the transaction's own."""
    inv = books.invoice()
    code, _ = books.error(_delete("Bill", inv))
    assert code == 3120
    assert books.company.count("Invoice") == 1


def test_txn_deleted_query_lists_deletions_by_type_and_date(books):
    """TxnDeletedRet has the type, ID, creation and deletion times and RefNumber."""
    inv = books.invoice()
    entry = _time(books, "Pat Temp", "PT1H")
    books.ok(_delete("Invoice", inv))
    books.ok(_delete("TimeTracking", entry))
    answer = books.rs(x("TxnDeletedQueryRq", x("TxnDelType", "Invoice")))
    (only,) = list(answer)
    assert only.findtext("TxnID") == inv.findtext("TxnID")
    assert only.findtext("RefNumber") == "1"
    assert only.findtext("TimeCreated") == inv.findtext("TimeCreated")
    both = books.rs(
        x("TxnDeletedQueryRq", x("TxnDelType", "Invoice"), x("TxnDelType", "TimeTracking"))
    )
    assert len(both) == 2
    future = books.rs(
        x(
            "TxnDeletedQueryRq",
            x("TxnDelType", "Invoice"),
            x("DeletedDateRangeFilter", x("FromDeletedDate", "2027-01-01")),
        )
    )
    assert future.get("statusCode") == "1"


def test_txn_void_of_an_unknown_txn_is_3120(books):
    """Voiding what is not there fails like a Mod."""
    code, _ = books.error(x("TxnVoidRq", x("TxnVoidType", "Invoice"), x("TxnID", "ABC-1")))
    assert code == 3120


def test_txn_deleted_query_forgets_after_ninety_days():
    """QuickBooks keeps about three months of deletions."""
    now = {"moment": DEFAULT_START}
    books = Books(clock=lambda: now["moment"])
    books.ok(_delete("Invoice", books.invoice()))
    query = x("TxnDeletedQueryRq", x("TxnDelType", "Invoice"))
    now["moment"] += timedelta(days=89)
    assert books.rs(query).get("statusCode") == "0"
    now["moment"] += timedelta(days=2)
    assert books.rs(query).get("statusCode") == "1"
