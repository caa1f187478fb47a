"""qbsim fills in what QuickBooks fills in on a new transaction (QBXML-NOTES §19).

ShipDate = DueDate = TxnDate when only TxnDate is sent (flowlink_InvoiceAddRs_ok, the QBXG-SR
pair); the form's default TemplateRef; and "Undeposited Funds" for a payment or sales receipt
that names no deposit account (the flowlink ReceivePaymentAdd request/response pair).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from qbsim.testing import CompanyBuilder, responses
from tests.test_qbsim_txns import Books, line, ref, x

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "qbxml-samples"


@pytest.fixture
def books() -> Books:
    return Books()


def test_an_invoice_ships_and_falls_due_on_its_date(books):
    """Beta has no terms: with TxnDate only, DueDate and ShipDate are that date."""
    ret = books.add(
        "Invoice", ref("CustomerRef", "Beta"), x("TxnDate", "2026-02-03"), line("Labor")
    )
    assert (ret.findtext("DueDate"), ret.findtext("ShipDate")) == ("2026-02-03", "2026-02-03")


def test_a_given_ship_date_is_kept(books):
    """Only a missing ShipDate is filled in."""
    ret = books.add(
        "Invoice",
        ref("CustomerRef", "Beta"),
        x("TxnDate", "2026-02-03"),
        x("ShipDate", "2026-02-10"),
        line("Labor"),
    )
    assert ret.findtext("ShipDate") == "2026-02-10"


def test_a_sales_receipt_ships_on_its_date(books):
    """The QBXG-SR pair: no ShipDate sent, ShipDate = TxnDate returned."""
    ret = books.add(
        "SalesReceipt",
        ref("CustomerRef", "Beta"),
        x("TxnDate", "2026-02-03"),
        line("Labor", tag="SalesReceiptLineAdd"),
    )
    assert ret.findtext("ShipDate") == "2026-02-03"


@pytest.mark.parametrize(
    ("kind", "template"),
    [
        ("Invoice", "Intuit Service Invoice"),
        ("SalesReceipt", "Custom Sales Receipt"),
        ("CreditMemo", "Custom Credit Memo"),
    ],
)
def test_a_new_form_gets_its_default_template(books, kind, template):
    """TemplateRef names the form QuickBooks prints the transaction with."""
    ret = books.add(kind, ref("CustomerRef", "Beta"), line("Labor", tag=f"{kind}LineAdd"))
    assert ret.findtext("TemplateRef/FullName") == template


def test_a_named_template_is_kept_and_an_unknown_one_is_3140(books):
    """A template the file has is used; one it lacks is a bad reference, as for any list."""
    ret = books.invoice("Beta", extra=ref("TemplateRef", "Intuit Product Invoice"))
    assert ret.findtext("TemplateRef/FullName") == "Intuit Product Invoice"
    bad = x(
        "InvoiceAddRq",
        x("InvoiceAdd", ref("CustomerRef", "Beta"), ref("TemplateRef", "Fancy"), line("Labor")),
    )
    assert books.error(bad)[0] == 3140


def test_a_payment_without_deposit_account_goes_to_undeposited_funds(books):
    """QuickBooks makes the Undeposited Funds account (an other current asset) and raises it."""
    books.invoice("Beta", line("Labor", "1"))
    ret = books.add(
        "ReceivePayment",
        ref("CustomerRef", "Beta"),
        x("TotalAmount", "50.00"),
        x("IsAutoApply", "true"),
    )
    assert ret.findtext("DepositToAccountRef/FullName") == "Undeposited Funds"
    account = books.account("Undeposited Funds")
    assert (account.findtext("AccountType"), account.findtext("Balance")) == (
        "OtherCurrentAsset",
        "50.00",
    )


def test_an_existing_undeposited_funds_account_is_used(books):
    """A company that has the account gets no second one."""
    books.ok(
        x(
            "AccountAddRq",
            x("AccountAdd", x("Name", "Undeposited Funds"), x("AccountType", "OtherCurrentAsset")),
        )
    )
    books.add("SalesReceipt", ref("CustomerRef", "Beta"), line("Labor", tag="SalesReceiptLineAdd"))
    (found,) = books.query(
        "Account", x("NameFilter", x("MatchCriterion", "Contains"), x("Name", "Undeposited"))
    )
    assert found.findtext("Balance") == "50.00"


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared/reference/qbxml-samples not found")
def test_the_flowlink_payment_is_answered_as_quickbooks_answered_it():
    """The real request without a deposit account: same accounts and amounts as the capture."""
    company = CompanyBuilder().customer("spree@example.com").build()
    request = (SAMPLES / "flowlink_ReceivePaymentAddRq_no_deposit_account.wrapped.xml").read_text()
    ours = responses(company.process(request))[0].find("ReceivePaymentRet")
    real = etree.parse(str(SAMPLES / "flowlink_ReceivePaymentAddRs_ok.inner.xml"))
    theirs = real.find(".//ReceivePaymentRet")
    for path in (
        "ARAccountRef/FullName",
        "DepositToAccountRef/FullName",
        "UnusedPayment",
        "UnusedCredits",
    ):
        assert ours.findtext(path) == theirs.findtext(path), path
