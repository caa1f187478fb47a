"""qbsim balances: invoices, payments, credit memos, voids and deletes move them as QuickBooks.

Customer (job) Balance and TotalBalance, A/R, invoice BalanceRemaining/AppliedAmount/IsPaid,
payment UnusedPayment, credit memo CreditRemaining; 3210 for paying more than is due; 3170
for deleting an invoice a payment is applied to. A hypothesis property checks that no
sequence of payments leaves an invoice below zero and that a customer's balance always
equals what is open on its transactions.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_qbsim_txns import Books, line, ref, x


@pytest.fixture
def books() -> Books:
    return Books()


def payment(books: Books, customer: str, total: str | None, *applied: str, **kw):
    """A ReceivePaymentAdd; ``applied`` are AppliedToTxnAdd elements (or IsAutoApply)."""
    children = [ref("CustomerRef", customer)]
    if total is not None:
        children.append(x("TotalAmount", total))
    children += kw.get("before", [])
    return x("ReceivePaymentAddRq", x("ReceivePaymentAdd", *children, *applied))


def apply_to(invoice, amount: str, *credits: str) -> str:
    return x(
        "AppliedToTxnAdd",
        x("TxnID", invoice.findtext("TxnID")),
        x("PaymentAmount", amount),
        *credits,
    )


def set_credit(memo, amount: str) -> str:
    return x("SetCredit", x("CreditTxnID", memo.findtext("TxnID")), x("AppliedAmount", amount))


def credit_memo(books: Books, customer: str, amount: str):
    return books.add(
        "CreditMemo",
        ref("CustomerRef", customer),
        line("Labor", tag="CreditMemoLineAdd", Amount=amount),
    )


def invoice_now(books: Books, invoice) -> object:
    return books.query("Invoice", x("TxnID", invoice.findtext("TxnID")))[0]


def balance(books: Books, customer: str) -> str:
    return books.customer(customer).findtext("Balance")


# -- invoices ---------------------------------------------------------------------------


def test_an_invoice_raises_the_job_its_customer_total_and_ar(books):
    """Balance is the job's own; TotalBalance rolls up to the parent customer; A/R rises."""
    books.invoice("Acme:Roof", line("Labor", "3"))
    roof = books.customer("Acme:Roof")
    acme = books.customer("Acme")
    assert (roof.findtext("Balance"), roof.findtext("TotalBalance")) == ("150.00", "150.00")
    assert (acme.findtext("Balance"), acme.findtext("TotalBalance")) == ("0.00", "150.00")
    assert books.account("Accounts Receivable").findtext("Balance") == "150.00"


def test_an_invoice_mod_moves_the_balance_by_the_difference(books):
    """Changing a line's quantity moves the customer's balance by the new amount."""
    ret = books.invoice("Acme", line("Labor", "2"))
    (only,) = ret.findall("InvoiceLineRet")
    books.ok(
        x(
            "InvoiceModRq",
            x(
                "InvoiceMod",
                x("TxnID", ret.findtext("TxnID")),
                x("EditSequence", ret.findtext("EditSequence")),
                x("InvoiceLineMod", x("TxnLineID", only.findtext("TxnLineID")), x("Quantity", "5")),
            ),
        )
    )
    assert balance(books, "Acme") == "250.00"


# -- payments ---------------------------------------------------------------------------


def test_a_partial_payment_lowers_the_invoice_and_the_customer(books):
    """AppliedAmount is negative, BalanceRemaining what is left, the rest is unused."""
    inv = books.invoice("Acme", line("Labor", "4"))
    paid = books.ok(payment(books, "Acme", "150.00", apply_to(inv, "120.00")))
    assert paid.findtext("TotalAmount") == "150.00"
    assert paid.findtext("UnusedPayment") == "30.00"
    assert paid.findtext("AppliedToTxnRet/Amount") == "120.00"
    now = invoice_now(books, inv)
    assert (now.findtext("AppliedAmount"), now.findtext("BalanceRemaining")) == ("-120.00", "80.00")
    assert now.findtext("IsPaid") == "false"
    assert balance(books, "Acme") == "50.00"
    assert books.account("Accounts Receivable").findtext("Balance") == "50.00"


def test_paying_the_rest_marks_the_invoice_paid(books):
    """Two payments that add up to the total leave nothing open."""
    inv = books.invoice("Acme", line("Labor", "2"))
    books.ok(payment(books, "Acme", None, apply_to(inv, "60.00")))
    books.ok(payment(books, "Acme", None, apply_to(inv, "40.00")))
    now = invoice_now(books, inv)
    assert (now.findtext("BalanceRemaining"), now.findtext("IsPaid")) == ("0.00", "true")
    assert balance(books, "Acme") == "0.00"


def test_paying_more_than_is_due_is_3210(books):
    """QuickBooks' words, as captured: "You cannot pay more than the amount due."."""
    inv = books.invoice("Acme", line("Labor", "2"))
    code, message = books.error(payment(books, "Acme", None, apply_to(inv, "129.43")))
    assert code == 3210
    assert message == (
        'The "AppliedToTxnAdd payment amount" field has an invalid value "129.43".  '
        "QuickBooks error message: You cannot pay more than the amount due."
    )
    assert invoice_now(books, inv).findtext("BalanceRemaining") == "100.00"


def test_paying_an_invoice_of_another_customer_is_3120(books):
    """The invoice cannot be found from the paying customer."""
    inv = books.invoice("Beta")
    code, message = books.error(payment(books, "Acme", None, apply_to(inv, "10.00")))
    assert code == 3120
    assert inv.findtext("TxnID") in message


def test_auto_apply_prefers_an_exact_match_then_the_oldest(books):
    """IsAutoApply pays the invoice of exactly the amount, else oldest first."""
    old = books.invoice("Acme", line("Labor", "1"), extra=x("TxnDate", "2025-12-01"))
    exact = books.invoice("Acme", line("Labor", "2"), extra=x("TxnDate", "2025-12-15"))
    books.ok(payment(books, "Acme", "100.00", x("IsAutoApply", "true")))
    assert invoice_now(books, exact).findtext("IsPaid") == "true"
    assert invoice_now(books, old).findtext("BalanceRemaining") == "50.00"
    paid = books.ok(payment(books, "Acme", "70.00", x("IsAutoApply", "true")))
    assert invoice_now(books, old).findtext("IsPaid") == "true"
    assert paid.findtext("UnusedPayment") == "20.00"


def test_a_payment_not_applied_is_all_unused(books):
    """IsAutoApply false leaves the whole payment as a credit on the customer."""
    paid = books.ok(payment(books, "Acme", "75.00", x("IsAutoApply", "false")))
    assert paid.findtext("UnusedPayment") == "75.00"
    assert balance(books, "Acme") == "-75.00"


def test_payment_query_shows_applications_only_with_line_items(books):
    """A payment's AppliedToTxnRet are its lines: returned with IncludeLineItems only."""
    inv = books.invoice()
    books.ok(payment(books, "Acme", None, apply_to(inv, "10.00")))
    assert books.query("ReceivePayment")[0].find("AppliedToTxnRet") is None
    (full,) = books.query("ReceivePayment", x("IncludeLineItems", "true"))
    entry = full.find("AppliedToTxnRet")
    assert entry.findtext("TxnID") == inv.findtext("TxnID")
    assert entry.findtext("TxnType") == "Invoice"
    assert entry.findtext("BalanceRemaining") == "90.00"


def test_linked_txns_show_payments_on_the_invoice(books):
    """IncludeLinkedTxns lists the payment with the amount it took off."""
    inv = books.invoice()
    paid = books.ok(payment(books, "Acme", None, apply_to(inv, "25.00")))
    assert books.query("Invoice")[0].find("LinkedTxn") is None
    (linked,) = books.query("Invoice", x("IncludeLinkedTxns", "true"))
    link = linked.find("LinkedTxn")
    assert (link.findtext("TxnID"), link.findtext("TxnType")) == (
        paid.findtext("TxnID"),
        "ReceivePayment",
    )
    assert link.findtext("Amount") == "-25.00"


def test_paid_status_filter(books):
    """PaidStatus separates paid invoices from open ones."""
    paid_inv = books.invoice("Acme", line("Labor", "1"))
    books.invoice("Acme", line("Labor", "1"))
    books.ok(payment(books, "Acme", None, apply_to(paid_inv, "50.00")))
    paid = books.query("Invoice", x("PaidStatus", "PaidOnly"))
    open_ = books.query("Invoice", x("PaidStatus", "NotPaidOnly"))
    assert [r.findtext("TxnID") for r in paid] == [paid_inv.findtext("TxnID")]
    assert len(open_) == 1


def test_payment_mod_reapplies_and_checks_the_amount_due(books):
    """AppliedToTxnMod replaces the applications; more than is due is 3210."""
    inv = books.invoice()
    paid = books.ok(payment(books, "Acme", "100.00", apply_to(inv, "30.00")))

    def mod(amount: str) -> str:
        return x(
            "ReceivePaymentModRq",
            x(
                "ReceivePaymentMod",
                x("TxnID", paid.findtext("TxnID")),
                x("EditSequence", paid.findtext("EditSequence")),
                x("AppliedToTxnMod", x("TxnID", inv.findtext("TxnID")), x("PaymentAmount", amount)),
            ),
        )

    code, message = books.error(mod("100.01"))
    assert code == 3210 and "AppliedToTxnMod payment amount" in message
    changed = books.ok(mod("100.00"))
    assert changed.findtext("UnusedPayment") == "0.00"
    assert invoice_now(books, inv).findtext("IsPaid") == "true"


# -- credit memos, voids, deletes -------------------------------------------------------


def test_realistic_flow_invoice_payment_credit_void(books):
    """Invoice 500, pay 200, credit 50 applied, void the credit, void the invoice."""
    inv = books.invoice("Acme", line("Labor", "10"))
    assert balance(books, "Acme") == "500.00"
    books.ok(payment(books, "Acme", None, apply_to(inv, "200.00")))
    assert balance(books, "Acme") == "300.00"
    memo = credit_memo(books, "Acme", "50.00")
    assert memo.findtext("CreditRemaining") == "50.00"
    assert balance(books, "Acme") == "250.00"
    books.ok(payment(books, "Acme", None, apply_to(inv, "0.00", set_credit(memo, "50.00"))))
    now = invoice_now(books, inv)
    assert (now.findtext("BalanceRemaining"), now.findtext("AppliedAmount")) == (
        "250.00",
        "-250.00",
    )
    assert balance(books, "Acme") == "250.00"

    voided = books.ok(
        x("TxnVoidRq", x("TxnVoidType", "CreditMemo"), x("TxnID", memo.findtext("TxnID")))
    )
    assert voided.tag == "TxnVoidType"
    assert invoice_now(books, inv).findtext("BalanceRemaining") == "300.00"
    assert balance(books, "Acme") == "300.00"

    books.ok(x("TxnVoidRq", x("TxnVoidType", "Invoice"), x("TxnID", inv.findtext("TxnID"))))
    now = invoice_now(books, inv)
    assert (now.findtext("Subtotal"), now.findtext("BalanceRemaining")) == ("0.00", "0.00")
    assert now.findtext("Memo") == "VOID:"
    assert balance(books, "Acme") == "-200.00"  # the payment is now an unused credit
    assert books.query("ReceivePayment")[0].findtext("UnusedPayment") == "200.00"
    assert books.account("Accounts Receivable").findtext("Balance") == "-200.00"


def test_a_void_zeroes_lines_and_marks_the_memo(books):
    """The voided transaction stays, its lines at zero, "VOID: " before the memo."""
    inv = books.invoice("Acme", line("Labor", "2"), extra=x("Memo", "March work"))
    answer = books.rs(
        x("TxnVoidRq", x("TxnVoidType", "Invoice"), x("TxnID", inv.findtext("TxnID")))
    )
    assert [c.tag for c in answer] == [
        "TxnVoidType",
        "TxnID",
        "TimeCreated",
        "TimeModified",
        "RefNumber",
    ]
    (now,) = books.query("Invoice", x("IncludeLineItems", "true"))
    assert now.findtext("Memo") == "VOID: March work"
    assert now.findtext("InvoiceLineRet/Amount") == "0.00"
    assert now.findtext("InvoiceLineRet/Quantity") == "0"
    assert now.findtext("EditSequence") != inv.findtext("EditSequence")
    assert balance(books, "Acme") == "0.00"


def test_deleting_an_invoice_with_a_payment_is_refused(books):
    """QuickBooks will not delete a transaction others are linked to (3170, inferred)."""
    inv = books.invoice()
    paid = books.ok(payment(books, "Acme", None, apply_to(inv, "10.00")))
    code, message = books.error(
        x("TxnDelRq", x("TxnDelType", "Invoice"), x("TxnID", inv.findtext("TxnID")))
    )
    assert code == 3170
    assert inv.findtext("TxnID") in message
    books.ok(x("TxnDelRq", x("TxnDelType", "ReceivePayment"), x("TxnID", paid.findtext("TxnID"))))
    assert invoice_now(books, inv).findtext("BalanceRemaining") == "100.00"
    books.ok(x("TxnDelRq", x("TxnDelType", "Invoice"), x("TxnID", inv.findtext("TxnID"))))
    assert balance(books, "Acme") == "0.00"
    assert books.account("Accounts Receivable").findtext("Balance") == "0.00"


def test_an_invoice_cannot_drop_below_what_is_paid(books):
    """A Mod that would leave a negative balance is refused (3210, inferred wording)."""
    inv = books.invoice("Acme", line("Labor", "2"))
    books.ok(payment(books, "Acme", None, apply_to(inv, "80.00")))
    inv = invoice_now(books, inv)
    (only,) = books.query("Invoice", x("IncludeLineItems", "true"))[0].findall("InvoiceLineRet")
    code, _ = books.error(
        x(
            "InvoiceModRq",
            x(
                "InvoiceMod",
                x("TxnID", inv.findtext("TxnID")),
                x("EditSequence", inv.findtext("EditSequence")),
                x("InvoiceLineMod", x("TxnLineID", only.findtext("TxnLineID")), x("Quantity", "1")),
            ),
        )
    )
    assert code == 3210


def test_applying_a_payment_modifies_the_invoice(books):
    """The invoice's EditSequence moves when a payment changes what is open on it."""
    inv = books.invoice()
    books.ok(payment(books, "Acme", None, apply_to(inv, "10.00")))
    assert invoice_now(books, inv).findtext("EditSequence") != inv.findtext("EditSequence")


def test_a_bill_raises_the_vendor_and_ap_and_a_void_reverses_it(books):
    """Bills owe the vendor; AmountDue and OpenAmount are the total."""
    bill = books.add(
        "Bill",
        ref("VendorRef", "Bolt Supply"),
        x("ExpenseLineAdd", ref("AccountRef", "Office Supplies"), x("Amount", "40.00")),
        x("ItemLineAdd", ref("ItemRef", "Nails"), x("Quantity", "8")),
    )
    assert (bill.findtext("AmountDue"), bill.findtext("OpenAmount")) == ("50.00", "50.00")
    assert bill.findtext("ItemLineRet/Cost") == "1.25"
    vendor = books.query("Vendor", x("FullName", "Bolt Supply"))[0]
    assert vendor.findtext("Balance") == "50.00"
    assert books.account("Accounts Payable").findtext("Balance") == "50.00"
    books.ok(x("TxnVoidRq", x("TxnVoidType", "Bill"), x("TxnID", bill.findtext("TxnID"))))
    assert books.query("Vendor", x("FullName", "Bolt Supply"))[0].findtext("Balance") == "0.00"


def test_a_sales_receipt_fills_the_deposit_account(books):
    """A sales receipt is paid on the spot: the deposit-to account rises, no customer balance."""
    receipt = books.add(
        "SalesReceipt",
        ref("CustomerRef", "Beta"),
        ref("DepositToAccountRef", "Checking"),
        line("Nails", "5", tag="SalesReceiptLineAdd"),
    )
    assert receipt.findtext("TotalAmount") == "10.00"
    assert books.account("Checking").findtext("Balance") == "10.00"
    assert balance(books, "Beta") == "0.00"


# -- property ---------------------------------------------------------------------------

_amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("300"), places=2)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    invoices=st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=3),
    payments=st.lists(st.tuples(st.integers(0, 2), _amounts, st.booleans()), max_size=6),
    credit=st.one_of(st.none(), _amounts),
)
def test_payments_never_overdraw_and_balances_add_up(invoices, payments, credit):
    """Whatever is paid, no invoice goes below zero and the customer's balance equals the
    open invoices less unused payments and credits."""
    books = Books()
    made = [books.invoice("Acme", line("Labor", str(hours))) for hours in invoices]
    if credit is not None:
        credit_memo(books, "Acme", str(credit))
    for which, amount, auto in payments:
        if auto:
            books.send(payment(books, "Acme", str(amount), x("IsAutoApply", "true")))
        else:
            target = made[which % len(made)]
            books.send(payment(books, "Acme", None, apply_to(target, str(amount))))
    open_invoices = books.query("Invoice")
    remaining = [Decimal(r.findtext("BalanceRemaining")) for r in open_invoices]
    assert all(value >= 0 for value in remaining)
    unused = sum(Decimal(p.findtext("UnusedPayment")) for p in books.query("ReceivePayment"))
    credits = sum(Decimal(c.findtext("CreditRemaining")) for c in books.query("CreditMemo"))
    assert Decimal(balance(books, "Acme")) == sum(remaining) - unused - credits


def test_a_paid_invoice_cannot_move_to_another_customer(books):
    """The payment belongs to the first customer: the move is refused (3210, inferred)."""
    inv = books.invoice()
    books.ok(payment(books, "Acme", None, apply_to(inv, "10.00")))
    inv = invoice_now(books, inv)
    code, message = books.error(
        x(
            "InvoiceModRq",
            x(
                "InvoiceMod",
                x("TxnID", inv.findtext("TxnID")),
                x("EditSequence", inv.findtext("EditSequence")),
                ref("CustomerRef", "Beta"),
            ),
        )
    )
    assert code == 3210 and '"CustomerRef"' in message


def test_a_credit_memo_links_to_the_invoice_it_paid(books):
    """IncludeLinkedTxns on a credit memo shows the invoice its credit went to."""
    inv = books.invoice()
    memo = credit_memo(books, "Acme", "30.00")
    books.ok(payment(books, "Acme", None, apply_to(inv, "0.00", set_credit(memo, "30.00"))))
    (now,) = books.query("CreditMemo", x("IncludeLinkedTxns", "true"))
    assert now.findtext("CreditRemaining") == "0.00"
    assert now.findtext("LinkedTxn/TxnID") == inv.findtext("TxnID")
    code, _ = books.error(
        payment(books, "Acme", None, apply_to(inv, "0.00", set_credit(memo, "1.00")))
    )
    assert code == 3210


def test_a_payment_keeps_its_own_ref_number(books):
    """A payment's RefNumber is the customer's check number: never invented."""
    inv = books.invoice()
    paid = books.ok(payment(books, "Acme", None, apply_to(inv, "10.00")))
    assert paid.find("RefNumber") is None
