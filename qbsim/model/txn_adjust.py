"""InventoryAdjustment lines: what a request's QuantityAdjustment or ValueAdjustment asks, as
the QuantityDifference and ValueDifference QuickBooks returns (and ``txn_stock`` moves).

Schema: a line adjusts by ``QuantityAdjustment`` or ``ValueAdjustment``, each with NewQuantity
or QuantityDifference; the Ret line carries QuantityDifference and ValueDifference. The
ValueAdjustment's NewValue / ValueDifference choice has maxOccurs="0" in both the 13.0 and 16.0
schemas, so no request can carry a value: the request parser refuses one, and a change is
valued at the item's average cost (QBXML-NOTES §18: CDR, AWEB; the rounding to cents is
inferred), leaving the average as it was. Serial and lot numbers are not simulated.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qbsim import status
from qbsim.errors import NotImplementedInQbsim
from qbsim.model.base import CompanyState, money, to_decimal
from qbsim.model.txn_lines import cents
from qbsim.model.txn_stock import on_hand_of, quantity_text, stocked_item

_KIND = "InventoryAdjustment"


def adjustment_lines(state: CompanyState, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The InventoryAdjustmentLineRet list of an Add (TxnLineID still to assign)."""
    return [_line(state, given) for given in data.get(f"{_KIND}LineAdd", ())]


def _line(state: CompanyState, given: dict[str, Any]) -> dict[str, Any]:
    item = stocked_item(state, given)
    if item is None:
        # Inferred: only an inventory item can be adjusted; QuickBooks' reference error.
        name = given["ItemRef"].get("FullName", "")
        raise status.bad_reference("Item", name, _KIND, True)
    change = given.get("QuantityAdjustment") or given.get("ValueAdjustment")
    if change is None:
        raise NotImplementedInQbsim(f"{_KIND}AddRq with serial or lot number adjustments")
    on_hand, average = on_hand_of(item.ret), to_decimal(item.ret.get("AverageCost"))
    quantity = _quantity_change(change, on_hand)
    value = cents(quantity * average)
    return {
        "TxnLineID": None,
        "ItemRef": dict(given["ItemRef"]),
        "QuantityDifference": quantity_text(quantity),
        "ValueDifference": money(value),
    }


def _quantity_change(change: dict[str, Any], on_hand: Decimal) -> Decimal:
    if "NewQuantity" in change:
        return to_decimal(change["NewQuantity"]) - on_hand
    return to_decimal(change.get("QuantityDifference"))
