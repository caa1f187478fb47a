"""Inventory on hand: what each transaction does to an inventory item's QuantityOnHand and
AverageCost, computed from its stored Ret alone so that a Mod, void or delete reverses it.

QuickBooks values stock by moving weighted average cost (QBXML-NOTES §18: QBHELP
glossary_avgcost, API-invoiceadd "cost averaging", API-billadd, API-itemreceiptadd):

- Purchases (bill and item receipt item lines) bring the line's Quantity in at the line's
  Amount: average = (on hand x average + amount) / (on hand + quantity), Intuit's
  "10 at $5.00 plus 100 at $6.00 = $5.91".
- Sales (invoice and sales receipt lines) take the Quantity out at the current average, so
  the average does not move and the sale price plays no part.
- A credit memo line brings the Quantity back at the current average (inferred: QuickBooks
  returns stock at cost, not at the credited price).
- An inventory adjustment line moves QuantityDifference and ValueDifference (``txn_adjust``).
- QuantityOnOrder counts the units of open purchase-order lines not yet received (the field's
  meaning in the schema's Ret; the rule is inferred). A PO closed by hand (or a closed line)
  waits for nothing; receiving against a PO is not simulated (LinkToTxnID is refused).

Inferred, where no capture shows it: a line without Quantity moves no units (a purchase line
then moves only value); the average is kept as it was while nothing is on hand (the value is
then lost, as QuantityOnHand x AverageCost is the stock value); QuickBooks re-averages a
transaction back-dated before later ones by date, qbsim in the order the requests arrive;
moving stock changes the item's QuantityOnHand without a new EditSequence, as a customer's
Balance moves.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from qbsim.model.base import CompanyState, Record, to_decimal

STOCKED = ("ItemInventory",)  # ItemInventoryAssembly is not simulated
# Transaction type -> (Ret line lists that move stock, direction): 1 in at the line's
# Amount, -1 out at the average, 0 in at the average.
_LINES: dict[str, tuple[tuple[str, ...], int]] = {
    "Bill": (("ItemLineRet",), 1),
    "ItemReceipt": (("ItemLineRet",), 1),
    "Invoice": (("InvoiceLineRet",), -1),
    "SalesReceipt": (("SalesReceiptLineRet",), -1),
    "CreditMemo": (("CreditMemoLineRet",), 0),
}
_NO_LINES: tuple[tuple[str, ...], int] = ((), 0)
_AT_AVERAGE = None  # the value of a move made at the item's average cost
_CENT = Decimal("0.01")

StockMove = tuple[Record, Decimal, "Decimal | None"]  # item, quantity, value (None: average)
Move = tuple[Record, Decimal]  # item, units on order


def stock_moves(state: CompanyState, kind_name: str, ret: dict[str, Any]) -> list[StockMove]:
    """The (item, quantity, value) moves of a transaction's lines (see the module docstring)."""
    if kind_name == "InventoryAdjustment":
        return _adjustment_moves(state, ret)
    tags, direction = _LINES.get(kind_name, _NO_LINES)
    stocked = state.records.get(STOCKED[0])
    found: list[StockMove] = []
    for tag in tags if stocked else ():
        for line in ret.get(tag, ()):
            ref = line.get("ItemRef")
            item = stocked.get(ref.get("ListID", "")) if ref else None  # type: ignore[union-attr]
            if item is None:
                continue
            quantity = to_decimal(line.get("Quantity"))
            if direction == 1:
                found.append((item, quantity, to_decimal(line.get("Amount"))))
            elif quantity:
                found.append((item, quantity * (direction or 1), _AT_AVERAGE))
    return found


def _adjustment_moves(state: CompanyState, ret: dict[str, Any]) -> list[StockMove]:
    found: list[StockMove] = []
    for line in ret.get("InventoryAdjustmentLineRet", ()):
        item = stocked_item(state, line)
        if item is not None:
            value = to_decimal(line.get("ValueDifference"))
            found.append((item, to_decimal(line.get("QuantityDifference")), value))
    return found


def stocked_item(state: CompanyState, line: dict[str, Any]) -> Record | None:
    """The inventory item a line names, or None (no item, or an item that holds no stock)."""
    ref = line.get("ItemRef")
    if not ref or not ref.get("ListID"):
        return None
    return state.find_any(STOCKED, ref["ListID"])


def order_moves(state: CompanyState, kind_name: str, ret: dict[str, Any]) -> list[Move]:
    """(item, units) a purchase order still waits for; none once it is closed."""
    if kind_name != "PurchaseOrder" or ret.get("IsManuallyClosed") == "true":
        return []
    found: list[Move] = []
    for line in ret.get("PurchaseOrderLineRet", ()):
        item = stocked_item(state, line)
        if item is None or line.get("IsManuallyClosed") == "true":
            continue
        waiting = to_decimal(line.get("Quantity")) - to_decimal(line.get("ReceivedQuantity"))
        if waiting > 0:
            found.append((item, waiting))
    return found


def post_on_order(state: CompanyState, found: list[Move], sign: int = 1) -> None:
    """Apply (sign 1) or reverse (sign -1) purchase-order moves on QuantityOnOrder."""
    for item, units in found:
        on_order = to_decimal(item.ret.get("QuantityOnOrder")) + units * sign
        item.ret["QuantityOnOrder"] = quantity_text(on_order)
        state.mark(item)


def post_stock(state: CompanyState, found: list[StockMove], sign: int = 1) -> None:
    """Apply (sign 1) or reverse (sign -1) stock moves on the items' QuantityOnHand and
    AverageCost; moves at the average are reversed at the average of the moment."""
    for item, quantity, value in found:
        move_stock(state, item, quantity * sign, None if value is None else value * sign)


def move_stock(state: CompanyState, item: Record, quantity: Decimal, value: Decimal | None) -> None:
    """Add ``quantity`` units worth ``value`` (None: at the average cost) to an item."""
    ret = item.ret
    on_hand, average = on_hand_of(ret), to_decimal(ret.get("AverageCost"))
    worth = on_hand * average + (quantity * average if value is None else value)
    on_hand += quantity
    ret["QuantityOnHand"] = quantity_text(on_hand)
    if value is not None and on_hand > 0:
        ret["AverageCost"] = f"{(worth / on_hand).quantize(_CENT, ROUND_HALF_UP):f}"
    state.mark(item)


def on_hand_of(ret: dict[str, Any]) -> Decimal:
    """An item's QuantityOnHand as a number."""
    return to_decimal(ret.get("QuantityOnHand"))


def quantity_text(value: Decimal) -> str:
    """QUANTYPE text as QuickBooks writes it: no trailing zeros ("3", "2.5")."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def coverage_note(kind_name: str) -> str:
    """What a transaction type does to stock, for ``qbsim/COVERAGE.md`` ('' when nothing)."""
    if kind_name == "PurchaseOrder":
        return "open lines count in the item's QuantityOnOrder"
    if kind_name not in _LINES:
        return ""
    return {
        1: "inventory in at cost (average re-weighted)",
        -1: "inventory out at average cost",
        0: "inventory back in at average cost",
    }[_LINES[kind_name][1]]
