"""qbsim transactions: Add/Mod/Query in QuickBooks' shape, references, line Mod semantics.

Every request goes through ``Company().process`` as qbXML text; the autouse fixture in
``conftest.py`` checks each answer against Intuit's XSD. ``Books`` and the ``x``/``ref``
builders below are shared by the other ``test_qbsim_txn_*`` files.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from qbsim import Company, NotImplementedInQbsim

# -- helpers ----------------------------------------------------------------------------


def x(tag: str, *children: str) -> str:
    """One qbXML element; a child without markup is text (escaped)."""
    inner = "".join(c if c.startswith("<") else escape(c) for c in children)
    return f"<{tag}>{inner}</{tag}>"


def ref(tag: str, name: str) -> str:
    """A reference by FullName (``CustomerRef``, ``ItemRef``…)."""
    return x(tag, x("FullName", name))


def line(item: str, quantity: str | None = None, tag: str = "InvoiceLineAdd", **fields) -> str:
    """A sales line: item, optional quantity, then any other fields in schema order."""
    parts = [ref("ItemRef", item)]
    if quantity is not None:
        parts.append(x("Quantity", quantity))
    parts += [x(name, value) for name, value in fields.items()]
    return x(tag, *parts)


class Books:
    """A simulated company file with a few lists, and the qbXML a test sends it."""

    def __init__(self, clock=None) -> None:
        self.company = Company(clock=clock)
        self.ok(*SETUP)

    def send(self, *requests: str, on_error: str = "stopOnError") -> list[etree._Element]:
        """Send one message set; every Rs element of the answer, in order."""
        document = (
            '<?xml version="1.0"?><?qbxml version="16.0"?><QBXML>'
            f'<QBXMLMsgsRq onError="{on_error}">{"".join(requests)}</QBXMLMsgsRq></QBXML>'
        )
        answer = etree.fromstring(self.company.process(document).encode())
        return list(answer.find("QBXMLMsgsRs"))

    def rs(self, request: str) -> etree._Element:
        return self.send(request)[0]

    def ok(self, *requests: str) -> etree._Element | None:
        """Send requests that must succeed; the first Ret (or field) of the last answer."""
        answers = self.send(*requests)
        for answer in answers:
            assert answer.get("statusCode") == "0", answer.get("statusMessage")
        return answers[-1][0] if len(answers[-1]) else None

    def error(self, request: str) -> tuple[int, str]:
        answer = self.rs(request)
        return int(answer.get("statusCode")), answer.get("statusMessage")

    def add(self, kind: str, *children: str) -> etree._Element:
        return self.ok(x(f"{kind}AddRq", x(f"{kind}Add", *children)))

    def invoice(self, customer: str = "Acme", *lines: str, extra: str = "") -> etree._Element:
        return self.add(
            "Invoice", ref("CustomerRef", customer), extra, *(lines or (line("Labor", "2"),))
        )

    def query(self, kind: str, *children: str) -> list[etree._Element]:
        answer = self.rs(x(f"{kind}QueryRq", *children))
        assert answer.get("statusCode") in ("0", "1"), answer.get("statusMessage")
        return list(answer)

    def customer(self, name: str) -> etree._Element:
        return self.query("Customer", x("FullName", name))[0]

    def account(self, name: str) -> etree._Element:
        return self.query("Account", x("FullName", name))[0]


def _list(kind: str, name: str, *children: str) -> str:
    return x(f"{kind}AddRq", x(f"{kind}Add", x("Name", name), *children))


SETUP = (
    _list("StandardTerms", "Net 30", x("StdDueDays", "30")),
    _list("Account", "Checking", x("AccountType", "Bank")),
    _list("Account", "Sales", x("AccountType", "Income")),
    _list("Account", "Office Supplies", x("AccountType", "Expense")),
    _list("Account", "Owner Equity", x("AccountType", "Equity")),
    _list(
        "Customer",
        "Acme",
        x("BillAddress", x("Addr1", "1 Main St"), x("City", "Springfield")),
        ref("TermsRef", "Net 30"),
    ),
    _list("Customer", "Roof", ref("ParentRef", "Acme")),
    _list("Customer", "Beta"),
    _list("Vendor", "Bolt Supply", ref("TermsRef", "Net 30")),
    _list("OtherName", "Pat Temp"),
    _list(
        "ItemService",
        "Labor",
        x(
            "SalesOrPurchase",
            x("Desc", "Hourly labor"),
            x("Price", "50.00"),
            ref("AccountRef", "Sales"),
        ),
    ),
    _list(
        "ItemNonInventory",
        "Nails",
        x(
            "SalesAndPurchase",
            x("SalesDesc", "Box of nails"),
            x("SalesPrice", "2.00"),
            ref("IncomeAccountRef", "Sales"),
            x("PurchaseDesc", "Nails, bulk"),
            x("PurchaseCost", "1.25"),
            ref("ExpenseAccountRef", "Office Supplies"),
        ),
    ),
)

NOT_IN_LIST = (
    "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."
)


@pytest.fixture
def books() -> Books:
    return Books()


def lines_of(ret: etree._Element, tag: str = "InvoiceLineRet") -> list[etree._Element]:
    return ret.findall(tag)


# -- Add --------------------------------------------------------------------------------


def test_invoice_add_answers_in_quickbooks_shape(books):
    """An InvoiceRet carries IDs, numbers, today's date, lines and derived amounts."""
    ret = books.invoice()
    assert re.fullmatch(r"[0-9A-F]+-\d+", ret.findtext("TxnID"))
    assert ret.findtext("EditSequence").isdigit()
    assert ret.findtext("TxnNumber") == "1"
    assert ret.findtext("TxnDate") == "2026-01-05"
    assert ret.findtext("RefNumber") == "1"
    assert ret.findtext("ARAccountRef/FullName") == "Accounts Receivable"
    (only,) = lines_of(ret)
    assert re.fullmatch(r"[0-9A-F]+-\d+", only.findtext("TxnLineID"))
    assert only.findtext("Desc") == "Hourly labor"
    assert (only.findtext("Rate"), only.findtext("Amount")) == ("50.00", "100.00")
    assert ret.findtext("Subtotal") == "100.00"
    assert ret.findtext("BalanceRemaining") == "100.00"
    assert ret.findtext("IsPaid") == "false"


def test_invoice_copies_the_customer_address_and_formats_its_block(books):
    """BillAddress comes from the customer; QuickBooks adds the printable block."""
    ret = books.invoice()
    assert ret.findtext("BillAddress/Addr1") == "1 Main St"
    assert ret.findtext("BillAddressBlock/Addr2") == "Springfield"


def test_amount_is_quantity_times_rate_rounded_to_cents(books):
    """3 x 3.335 = 10.005 rounds half up to 10.01."""
    ret = books.invoice("Acme", line("Labor", "3", Rate="3.335"))
    assert lines_of(ret)[0].findtext("Amount") == "10.01"


def test_a_given_amount_is_kept(books):
    """Amount given with a quantity and no rate is the line's amount."""
    ret = books.invoice("Acme", line("Labor", "4", Amount="90.00"))
    assert lines_of(ret)[0].findtext("Amount") == "90.00"
    assert ret.findtext("Subtotal") == "90.00"


def test_due_date_comes_from_the_customers_terms(books):
    """No TermsRef given: the customer's Net 30 applies, DueDate = TxnDate + 30."""
    ret = books.invoice("Acme", line("Labor", "1"), extra=x("TxnDate", "2026-03-10"))
    assert ret.findtext("TermsRef/FullName") == "Net 30"
    assert ret.findtext("DueDate") == "2026-04-09"


def test_due_date_without_terms_is_the_txn_date(books):
    """A customer without terms owes on the transaction date."""
    assert books.invoice("Beta").findtext("DueDate") == "2026-01-05"


def test_ref_numbers_count_on_from_the_last_number_used(books):
    """Invoices number 1, 2…; a given number is kept and the sequence follows it."""
    assert books.invoice().findtext("RefNumber") == "1"
    given = books.invoice("Acme", line("Labor", "1"), extra=x("RefNumber", "1001"))
    assert given.findtext("RefNumber") == "1001"
    assert books.invoice().findtext("RefNumber") == "1002"
    named = books.invoice("Acme", line("Labor", "1"), extra=x("RefNumber", "INV-A"))
    assert named.findtext("RefNumber") == "INV-A"
    assert books.invoice().findtext("RefNumber") == "1003"


def test_txn_numbers_are_one_sequence_for_all_types(books):
    """TxnNumber counts every transaction of the company, whatever its type."""
    assert books.invoice().findtext("TxnNumber") == "1"
    bill = books.add("Bill", ref("VendorRef", "Bolt Supply"), x("ExpenseLineAdd", x("Amount", "5")))
    assert bill.findtext("TxnNumber") == "2"
    assert bill.find("RefNumber") is None  # a bill's number is the vendor's, never invented


def test_unknown_customer_is_3140_in_the_invoice(books):
    """QuickBooks names the list, the value and the transaction type."""
    code, message = books.error(
        x("InvoiceAddRq", x("InvoiceAdd", ref("CustomerRef", "Nobody"), line("Labor", "1")))
    )
    assert code == 3140
    assert message == (
        'There is an invalid reference to QuickBooks Customer "Nobody" in the Invoice.  '
        + NOT_IN_LIST
    )


def test_unknown_item_is_3140_in_the_invoice_line(books):
    """A bad reference inside a line says "line"."""
    code, message = books.error(
        x("InvoiceAddRq", x("InvoiceAdd", ref("CustomerRef", "Acme"), line("Ghost", "1")))
    )
    assert code == 3140
    assert message == (
        'There is an invalid reference to QuickBooks Item "Ghost" in the Invoice line.  '
        + NOT_IN_LIST
    )


def test_a_date_that_is_no_date_is_3020(books):
    """February 30th passes the schema pattern but not QuickBooks' date conversion."""
    code, message = books.error(
        x("InvoiceAddRq", x("InvoiceAdd", ref("CustomerRef", "Acme"), x("TxnDate", "2026-02-30")))
    )
    assert code == 3020
    assert message == (
        'There was an error when converting the date value "2026-02-30" in the field "TxnDate"'
    )


def test_a_failed_add_changes_nothing(books):
    """An invoice refused for a bad line reference leaves no trace and no balance."""
    books.error(x("InvoiceAddRq", x("InvoiceAdd", ref("CustomerRef", "Acme"), line("Ghost", "1"))))
    assert books.company.count("Invoice") == 0
    assert books.customer("Acme").findtext("Balance") == "0.00"


def test_unsimulated_parts_fail_loudly(books):
    """A discount line is valid qbXML that qbsim does not compute: it says so."""
    request = x(
        "InvoiceAddRq",
        x("InvoiceAdd", ref("CustomerRef", "Acme"), x("DiscountLineAdd", x("Amount", "5.00"))),
    )
    with pytest.raises(NotImplementedInQbsim, match="DiscountLineAdd"):
        books.send(request)


def test_a_macro_is_refused_as_not_simulated(books):
    """A payment applied to an invoice named by a macro is refused as such, not a crash."""
    applied = '<AppliedToTxnAdd><TxnID useMacro="TxnID:Inv1"/><PaymentAmount>5.00</PaymentAmount>'
    request = x(
        "ReceivePaymentAdd",
        ref("CustomerRef", "Acme"),
        x("TotalAmount", "5.00"),
        applied + "</AppliedToTxnAdd>",
    )
    with pytest.raises(NotImplementedInQbsim, match="TxnID with useMacro"):
        books.send(x("ReceivePaymentAddRq", request))
    assert books.company.count("ReceivePayment") == 0


# -- Mod --------------------------------------------------------------------------------


def _mod(books: Books, ret: etree._Element, *children: str, kind: str = "Invoice") -> str:
    ids = (x("TxnID", ret.findtext("TxnID")), x("EditSequence", ret.findtext("EditSequence")))
    return x(f"{kind}ModRq", x(f"{kind}Mod", *ids, *children))


def test_mod_of_an_unknown_txn_is_3120(books):
    """A TxnID QuickBooks never issued (or deleted) cannot be modified."""
    code, message = books.error(
        x("InvoiceModRq", x("InvoiceMod", x("TxnID", "ABC-123"), x("EditSequence", "1")))
    )
    assert code == 3120
    assert message == f'Object "ABC-123" specified in the request cannot be found.  {NOT_IN_LIST}'


def test_mod_with_a_stale_edit_sequence_is_3200(books):
    """The EditSequence of an earlier version is out of date (trailing space as captured)."""
    ret = books.invoice()
    books.ok(_mod(books, ret, x("Memo", "first")))
    code, message = books.error(_mod(books, ret, x("Memo", "second")))
    assert code == 3200
    assert (
        message == f'The provided edit sequence "{ret.findtext("EditSequence")}" is out-of-date. '
    )


def test_mod_without_lines_keeps_them_and_moves_the_edit_sequence(books):
    """A body-only Mod changes the body; lines stay; EditSequence and TimeModified move."""
    ret = books.invoice("Acme", line("Labor", "1"), line("Nails", "10"))
    changed = books.ok(_mod(books, ret, x("Memo", "Rush job")))
    assert changed.findtext("Memo") == "Rush job"
    assert len(lines_of(changed)) == 2
    assert int(changed.findtext("EditSequence")) > int(ret.findtext("EditSequence"))
    assert changed.findtext("TimeModified") > ret.findtext("TimeModified")


def test_mod_lines_keep_change_add_and_drop(books):
    """Lines named keep their ID (and may change), -1 adds one, lines left out are deleted."""
    ret = books.invoice("Acme", line("Labor", "1"), line("Nails", "10"))
    first, second = (item.findtext("TxnLineID") for item in lines_of(ret))
    changed = books.ok(
        _mod(
            books,
            ret,
            x("InvoiceLineMod", x("TxnLineID", first), x("Quantity", "3")),
            x("InvoiceLineMod", x("TxnLineID", "-1"), ref("ItemRef", "Nails"), x("Quantity", "1")),
        )
    )
    kept, added = lines_of(changed)
    assert kept.findtext("TxnLineID") == first
    assert kept.findtext("Amount") == "150.00"
    assert added.findtext("TxnLineID") not in (first, second, "-1")
    assert added.findtext("Amount") == "2.00"
    assert changed.findtext("Subtotal") == "152.00"


def test_mod_of_an_unknown_line_is_3120(books):
    """A TxnLineID that is not on the transaction cannot be found."""
    ret = books.invoice()
    code, _ = books.error(
        _mod(books, ret, x("InvoiceLineMod", x("TxnLineID", "FFFF-1"), x("Quantity", "1")))
    )
    assert code == 3120


def test_mod_clears_a_field_sent_empty(books):
    """An empty element clears the field."""
    ret = books.invoice("Acme", line("Labor", "1"), extra=x("Memo", "note"))
    assert books.ok(_mod(books, ret, "<Memo></Memo>")).find("Memo") is None


def test_mod_cannot_clear_the_txn_date(books):
    """A field every transaction needs cannot be cleared (3190)."""
    ret = books.invoice()
    code, message = books.error(_mod(books, ret, "<TxnDate></TxnDate>"))
    assert (code, message) == (3190, "Cannot clear the element in the TxnDate field.")


def test_mod_moves_the_invoice_to_another_customer(books):
    """Changing CustomerRef moves the open balance with it."""
    ret = books.invoice("Acme", line("Labor", "2"))
    books.ok(_mod(books, ret, ref("CustomerRef", "Beta")))
    assert books.customer("Acme").findtext("Balance") == "0.00"
    assert books.customer("Beta").findtext("Balance") == "100.00"


# -- Query ------------------------------------------------------------------------------


def test_query_returns_lines_only_with_include_line_items(books):
    """Lines come back only when IncludeLineItems is true, as QuickBooks does."""
    books.invoice()
    (plain,) = books.query("Invoice")
    assert lines_of(plain) == []
    (full,) = books.query("Invoice", x("IncludeLineItems", "true"))
    assert len(lines_of(full)) == 1


def test_query_by_txn_id_with_some_missing_is_500(books):
    """Found ones are returned; the warning names the first one missing."""
    ret = books.invoice()
    answer = books.rs(
        x(
            "InvoiceQueryRq",
            x("TxnID", ret.findtext("TxnID")),
            x("TxnID", "DEAD-1"),
            x("TxnID", "DEAD-2"),
        )
    )
    assert (answer.get("statusCode"), answer.get("statusSeverity")) == ("500", "Warn")
    assert '("DEAD-1")' in answer.get("statusMessage")
    assert [r.findtext("TxnID") for r in answer] == [ret.findtext("TxnID")]


def test_query_with_no_match_is_status_1(books):
    """Nothing found is status 1, not an error."""
    answer = books.rs(x("InvoiceQueryRq"))
    assert (answer.get("statusCode"), answer.get("statusSeverity")) == ("1", "Info")


def test_query_by_ref_number_ignores_case_unless_asked(books):
    """RefNumber matches case-insensitively; RefNumberCaseSensitive exactly."""
    books.invoice("Acme", line("Labor", "1"), extra=x("RefNumber", "inv-7"))
    assert len(books.query("Invoice", x("RefNumber", "INV-7"))) == 1
    answer = books.rs(x("InvoiceQueryRq", x("RefNumberCaseSensitive", "INV-7")))
    assert answer.get("statusCode") == "500"


def test_entity_filter_with_children_finds_the_jobs_invoices(books):
    """FullNameWithChildren takes the customer and its jobs; FullName only the one."""
    books.invoice("Acme")
    books.invoice("Acme:Roof")
    books.invoice("Beta")
    with_jobs = books.query("Invoice", x("EntityFilter", x("FullNameWithChildren", "Acme")))
    assert len(with_jobs) == 2
    only = books.query("Invoice", x("EntityFilter", x("FullName", "Acme:Roof")))
    assert [r.findtext("CustomerRef/FullName") for r in only] == ["Acme:Roof"]


def test_entity_filter_by_list_id_with_children(books):
    """ListIDWithChildren names the parent by ListID; ListID alone takes only that one."""
    books.invoice("Acme")
    books.invoice("Acme:Roof")
    acme = books.customer("Acme").findtext("ListID")
    with_jobs = books.query("Invoice", x("EntityFilter", x("ListIDWithChildren", acme)))
    assert len(with_jobs) == 2
    assert len(books.query("Invoice", x("EntityFilter", x("ListID", acme)))) == 1


def test_txn_date_range_filter_is_inclusive(books):
    """FromTxnDate and ToTxnDate both count; results come in date order."""
    for day in ("2026-01-20", "2026-01-10", "2026-02-01"):
        books.invoice("Acme", line("Labor", "1"), extra=x("TxnDate", day))
    found = books.query(
        "Invoice",
        x("TxnDateRangeFilter", x("FromTxnDate", "2026-01-10"), x("ToTxnDate", "2026-01-20")),
    )
    assert [r.findtext("TxnDate") for r in found] == ["2026-01-10", "2026-01-20"]


def test_a_date_range_from_after_to_is_3030(books):
    """From later than To is an invalid range."""
    books.invoice()
    code, message = books.error(
        x(
            "InvoiceQueryRq",
            x("TxnDateRangeFilter", x("FromTxnDate", "2026-02-01"), x("ToTxnDate", "2026-01-01")),
        )
    )
    assert (code, message) == (3030, "Invalid date range: From date is greater than To date.")


def test_date_macros_this_month_and_last_month(books):
    """DateMacro periods are seen from the company clock's today (2026-01-05)."""
    books.invoice("Acme", line("Labor", "1"), extra=x("TxnDate", "2025-12-31"))
    books.invoice("Acme", line("Labor", "1"), extra=x("TxnDate", "2026-01-31"))
    this = books.query("Invoice", x("TxnDateRangeFilter", x("DateMacro", "ThisMonth")))
    last = books.query("Invoice", x("TxnDateRangeFilter", x("DateMacro", "LastMonth")))
    today = books.query("Invoice", x("TxnDateRangeFilter", x("DateMacro", "Today")))
    assert [r.findtext("TxnDate") for r in this] == ["2026-01-31"]
    assert [r.findtext("TxnDate") for r in last] == ["2025-12-31"]
    assert today == []


def test_an_unsimulated_date_macro_fails_loudly(books):
    """NextFourWeeks is not simulated: qbsim says so instead of guessing."""
    books.invoice()
    with pytest.raises(NotImplementedInQbsim, match="NextFourWeeks"):
        books.send(x("InvoiceQueryRq", x("TxnDateRangeFilter", x("DateMacro", "NextFourWeeks"))))


def test_modified_date_range_finds_what_changed_since(books):
    """An incremental sync asks for what changed after its last run (bounds inclusive)."""
    first = books.invoice()
    second = books.invoice()
    changed = books.ok(_mod(books, first, x("Memo", "changed")))

    def since(moment: str) -> list[str]:
        found = books.query("Invoice", x("ModifiedDateRangeFilter", x("FromModifiedDate", moment)))
        return sorted(r.findtext("TxnID") for r in found)

    both = sorted([first.findtext("TxnID"), second.findtext("TxnID")])
    assert since(second.findtext("TimeModified")) == both
    assert since(changed.findtext("TimeModified")) == [first.findtext("TxnID")]


def test_ref_number_filter_and_numeric_range(books):
    """RefNumberFilter matches text; a numeric RefNumberRangeFilter compares numbers."""
    for number in ("8", "9", "10", "A-11"):
        books.invoice("Acme", line("Labor", "1"), extra=x("RefNumber", number))
    span = books.query(
        "Invoice", x("RefNumberRangeFilter", x("FromRefNumber", "9"), x("ToRefNumber", "10"))
    )
    assert [r.findtext("RefNumber") for r in span] == ["9", "10"]
    starts = books.query(
        "Invoice", x("RefNumberFilter", x("MatchCriterion", "StartsWith"), x("RefNumber", "a-"))
    )
    assert [r.findtext("RefNumber") for r in starts] == ["A-11"]


def test_account_filter_finds_by_the_posting_account(books):
    """AccountFilter matches the A/R account an invoice posts to."""
    books.invoice()
    found = books.query("Invoice", x("AccountFilter", x("FullName", "Accounts Receivable")))
    assert len(found) == 1
    assert books.query("Invoice", x("AccountFilter", x("FullName", "Checking"))) == []


def test_max_returned_and_iterators_page_transactions(books):
    """The wire layer pages a transaction query like any other."""
    for _ in range(3):
        books.invoice()
    answer = books.send(
        '<InvoiceQueryRq iterator="Start"><MaxReturned>2</MaxReturned></InvoiceQueryRq>'
    )[0]
    assert len(answer) == 2
    assert answer.get("iteratorRemainingCount") == "1"


def test_a_customer_used_by_an_invoice_cannot_be_deleted(books):
    """ListDel of a customer (or item) a transaction references is refused."""
    books.invoice("Beta", line("Nails", "1"))
    beta = books.customer("Beta").findtext("ListID")
    code, _ = books.error(x("ListDelRq", x("ListDelType", "Customer"), x("ListID", beta)))
    assert code == 3170


def test_an_item_used_on_a_line_cannot_be_deleted(books):
    """Line references count as use too."""
    books.invoice("Beta", line("Nails", "1"))
    nails = books.query("Item", x("FullName", "Nails"))[0].findtext("ListID")
    code, _ = books.error(x("ListDelRq", x("ListDelType", "ItemNonInventory"), x("ListID", nails)))
    assert code == 3170


def test_iterator_continue_pages_drop_lines_like_the_first(books):
    """Every page of an iteration answers the same query, so none carries lines."""
    for _ in range(3):
        books.invoice()
    first = books.send(
        '<InvoiceQueryRq iterator="Start"><MaxReturned>2</MaxReturned></InvoiceQueryRq>'
    )
    iterator = first[0].get("iteratorID")
    rest = books.send(
        f'<InvoiceQueryRq iterator="Continue" iteratorID="{iterator}">'
        "<MaxReturned>2</MaxReturned></InvoiceQueryRq>"
    )
    assert [lines_of(ret) for ret in rest[0]] == [[]]
