"""qbsim bill payments: BillPaymentCheck and BillPaymentCreditCard applied to bills.

A payment lowers the bill's OpenAmount (IsPaid once nothing is open), the vendor's balance and
A/P, and moves the bank (down) or credit card (up) account; paying more than is due is 3210;
deleting or voiding the payment puts everything back.
"""

from __future__ import annotations

import pytest

from tests.test_qbsim_txns import Books, ref, x


class PayBooks(Books):
    """Books with a $100.00 bill from Bolt Supply and a credit card account."""

    def __init__(self) -> None:
        super().__init__()
        self.ok(
            x("AccountAddRq", x("AccountAdd", x("Name", "Visa"), x("AccountType", "CreditCard")))
        )
        self.bill = self.add(
            "Bill", ref("VendorRef", "Bolt Supply"), x("ExpenseLineAdd", x("Amount", "100.00"))
        )

    def pay(self, amount: str, kind: str = "BillPaymentCheck", bill=None) -> object:
        account = ("BankAccountRef", "Checking")
        if kind == "BillPaymentCreditCard":
            account = ("CreditCardAccountRef", "Visa")
        return self.add(kind, *self.payment_body(amount, account, bill))

    def payment_body(self, amount: str, account: tuple[str, str], bill=None) -> list[str]:
        bill = self.bill if bill is None else bill
        applied = x(
            "AppliedToTxnAdd", x("TxnID", bill.findtext("TxnID")), x("PaymentAmount", amount)
        )
        number = [x("RefNumber", "101")] if account[0] == "BankAccountRef" else []
        return [ref("PayeeEntityRef", "Bolt Supply"), ref(*account), *number, applied]

    def bill_now(self) -> object:
        return self.query("Bill", x("TxnID", self.bill.findtext("TxnID")))[0]

    def balance(self, kind: str, name: str) -> str:
        return self.query(kind, x("FullName", name))[0].findtext("Balance")


@pytest.fixture
def books() -> PayBooks:
    return PayBooks()


def test_a_check_pays_part_of_a_bill(books):
    """Paying $40.00 leaves $60.00 open; vendor, A/P and the bank all move by $40.00."""
    payment = books.pay("40.00")
    assert payment.findtext("Amount") == "40.00"
    assert payment.findtext("AppliedToTxnRet/BalanceRemaining") == "60.00"
    bill = books.bill_now()
    assert (bill.findtext("OpenAmount"), bill.findtext("IsPaid")) == ("60.00", "false")
    assert books.balance("Vendor", "Bolt Supply") == "60.00"
    assert books.balance("Account", "Accounts Payable") == "60.00"
    assert books.balance("Account", "Checking") == "-40.00"


def test_paying_the_whole_bill_marks_it_paid(books):
    """Nothing open: IsPaid true."""
    books.pay("100.00")
    bill = books.bill_now()
    assert (bill.findtext("OpenAmount"), bill.findtext("IsPaid")) == ("0.00", "true")


def test_a_credit_card_payment_raises_the_card_balance(books):
    """A bill paid by card is owed to the card instead: its liability rises."""
    books.pay("25.00", kind="BillPaymentCreditCard")
    assert books.balance("Account", "Visa") == "25.00"
    assert books.bill_now().findtext("OpenAmount") == "75.00"


def test_paying_more_than_is_due_is_3210(books):
    """QuickBooks' words for an overpayment; the bill stays open in full."""
    books.pay("70.00")
    request = x(
        "BillPaymentCheckAddRq",
        x("BillPaymentCheckAdd", *books.payment_body("30.01", ("BankAccountRef", "Checking"))),
    )
    code, message = books.error(request)
    assert code == 3210 and "You cannot pay more than the amount due." in message
    assert books.bill_now().findtext("OpenAmount") == "30.00"


def test_another_vendors_bill_cannot_be_paid(books):
    """A bill of another vendor is not found from this payee (3120)."""
    books.ok(x("VendorAddRq", x("VendorAdd", x("Name", "Other Supply"))))
    other = books.add(
        "Bill", ref("VendorRef", "Other Supply"), x("ExpenseLineAdd", x("Amount", "5.00"))
    )
    body = books.payment_body("5.00", ("BankAccountRef", "Checking"), bill=other)
    code, _ = books.error(x("BillPaymentCheckAddRq", x("BillPaymentCheckAdd", *body)))
    assert code == 3120


def test_deleting_the_payment_reopens_the_bill(books):
    """TxnDel of a bill payment puts the bill, vendor and bank back."""
    payment = books.pay("40.00")
    books.ok(
        x("TxnDelRq", x("TxnDelType", "BillPaymentCheck"), x("TxnID", payment.findtext("TxnID")))
    )
    assert books.bill_now().findtext("OpenAmount") == "100.00"
    assert books.balance("Vendor", "Bolt Supply") == "100.00"
    assert books.balance("Account", "Checking") == "0.00"


def test_voiding_the_payment_reopens_the_bill(books):
    """A voided bill payment applies nothing and moves nothing."""
    payment = books.pay("40.00")
    books.ok(
        x("TxnVoidRq", x("TxnVoidType", "BillPaymentCheck"), x("TxnID", payment.findtext("TxnID")))
    )
    assert books.bill_now().findtext("OpenAmount") == "100.00"
    assert books.balance("Account", "Checking") == "0.00"


def test_a_paid_bill_cannot_be_deleted(books):
    """3170 while a bill payment is applied to the bill (inferred, as for invoices)."""
    books.pay("40.00")
    code, _ = books.error(
        x("TxnDelRq", x("TxnDelType", "Bill"), x("TxnID", books.bill.findtext("TxnID")))
    )
    assert code == 3170


def test_a_check_mod_reapplies_a_new_amount(books):
    """AppliedToTxnMod changes what the check pays; the bill and bank follow."""
    payment = books.pay("40.00")
    books.ok(
        x(
            "BillPaymentCheckModRq",
            x(
                "BillPaymentCheckMod",
                x("TxnID", payment.findtext("TxnID")),
                x("EditSequence", payment.findtext("EditSequence")),
                x(
                    "AppliedToTxnMod",
                    x("TxnID", books.bill.findtext("TxnID")),
                    x("PaymentAmount", "100.00"),
                ),
            ),
        )
    )
    assert books.bill_now().findtext("IsPaid") == "true"
    assert books.balance("Account", "Checking") == "-100.00"


def test_bill_payments_are_found_by_query(books):
    """BillPaymentCheckQuery by TxnID shows the applied bill with IncludeLineItems."""
    payment = books.pay("40.00")
    (found,) = books.query(
        "BillPaymentCheck", x("TxnID", payment.findtext("TxnID")), x("IncludeLineItems", "true")
    )
    assert found.findtext("AppliedToTxnRet/TxnID") == books.bill.findtext("TxnID")
