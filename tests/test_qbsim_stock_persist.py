"""Stock, bill payments and the accounts QuickBooks creates survive a crash and a save/load.

The items' QuantityOnHand and AverageCost, a bill's OpenAmount and IsPaid, and Undeposited
Funds move without a new EditSequence on those records; the journal must still carry them.
"""

from __future__ import annotations

import json
from pathlib import Path

from qbsim import Company, persist
from tests.test_qbsim_billpay import PayBooks
from tests.test_qbsim_stock import StockBooks, adjust, order
from tests.test_qbsim_txns import line, ref, x


class Shop(StockBooks, PayBooks):
    """An inventory item and a bill to pay, in one company."""


def _data(company: Company) -> dict:
    data = json.loads(persist.dumps(company))
    del data["company"]["rng"]
    return data


def _busy(books: Shop) -> None:
    """Every kind of move: purchase, receipt, sale, credit, adjustment, payments."""
    books.buy("100", "6.00")
    books.buy("5", "4.00", tag="ItemReceipt")
    books.sale("Invoice", "4")
    books.sale("CreditMemo", "1")
    adjust(books, x("QuantityDifference", "-2"))
    books.pay("40.00")
    order(books, "3")
    books.add(
        "SalesReceipt", ref("CustomerRef", "Beta"), line("Widget", "1", tag="SalesReceiptLineAdd")
    )


def _kept(tmp_path: Path) -> tuple[Shop, Path]:
    books = Shop()
    path = tmp_path / "shop.qbsim.json"
    books.company.keep_in(path, fsync=False)
    return books, path


def test_stock_and_payments_replay_from_the_journal(tmp_path):
    """A crash after the answers: the journal alone gives back every moved field."""
    books, path = _kept(tmp_path)
    _busy(books)
    reopened = Company.load(path)
    assert _data(reopened) == _data(books.company)
    widget = next(iter(reopened.state.records["ItemInventory"].values()))
    assert (widget.ret["QuantityOnHand"], widget.ret["AverageCost"]) == (
        books.stock()[0],
        books.stock()[1],
    )


def test_stock_and_payments_survive_save_and_load(tmp_path):
    """After ``save`` the file alone holds the same quantities, averages and open amounts."""
    books, path = _kept(tmp_path)
    _busy(books)
    books.company.save(path)
    reopened = Company.load(path)
    assert _data(reopened) == _data(books.company)
    bill = reopened.state.find("Bill", books.bill.findtext("TxnID"))
    assert bill is not None and bill.ret["OpenAmount"] == "60.00"
