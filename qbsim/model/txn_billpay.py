"""Bill payments (BillPaymentCheck, BillPaymentCreditCard) applied to bills, and what a bill
leaves open.

A bill payment keeps its applications as ``AppliedToTxnRet`` entries (bill, amount), as a
customer payment does (XSD: the same AppliedToTxnAdd / AppliedToTxnRet aggregates). Its
Amount is what it applies; a bill's OpenAmount is its AmountDue less every bill payment
applied to it, and IsPaid is true once nothing is open.

Evidence: the schema (BillPaymentCheckAdd/Mod, BillPaymentCreditCardAdd: no Mod exists);
paying more than is due is 3210 with the words QuickBooks uses for a customer payment
("You cannot pay more than the amount due.", captured by consolibyte; the same words for a bill
are inferred); a bill of another vendor cannot be found from the payee (inferred: 3120).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qbsim import status
from qbsim.model.base import CompanyState, Record, money, owner, to_decimal
from qbsim.model.txn_money import BILL_PAYMENTS, txn_total

_OVERPAID = "You cannot pay more than the amount due."


def paid_to(state: CompanyState, bill: Record, skip: Record | None = None) -> Decimal:
    """What bill payments (all but ``skip``) apply to ``bill``."""
    vendor_id = owner(bill.ret)
    if vendor_id is None:
        return Decimal(0)
    total = Decimal(0)
    for kind in BILL_PAYMENTS:
        for payment in state.owned_by(kind, vendor_id):
            if payment is skip:
                continue
            for entry in payment.ret.get("AppliedToTxnRet", ()):
                if entry["TxnID"] == bill.id:
                    total += to_decimal(entry.get("Amount"))
    return total


def refresh_bill(state: CompanyState, bill: Record) -> None:
    """Recompute a bill's OpenAmount and IsPaid from the payments applied to it."""
    left = txn_total("Bill", bill.ret) - paid_to(state, bill)
    bill.ret["OpenAmount"] = money(left)
    bill.ret["IsPaid"] = "true" if left <= 0 else "false"
    state.mark(bill)


def prepare_payment(
    state: CompanyState, ret: dict[str, Any], data: dict[str, Any], own: Record | None
) -> None:
    """AppliedToTxnRet entries and Amount of a bill payment's Add or Mod, checked."""
    field = "AppliedToTxnAdd" if own is None else "AppliedToTxnMod"
    if field not in data:
        return
    payee = ret["PayeeEntityRef"]["ListID"]
    taken: dict[str, Decimal] = {}
    entries = [_entry(state, payee, item, field, own, taken) for item in data[field]]
    ret["AppliedToTxnRet"] = entries
    ret["Amount"] = money(sum((to_decimal(e["Amount"]) for e in entries), Decimal(0)))


def _entry(
    state: CompanyState,
    payee: str,
    item: dict[str, Any],
    field: str,
    own: Record | None,
    taken: dict[str, Decimal],
) -> dict[str, Any]:
    bill = state.find("Bill", item["TxnID"])
    if bill is None or owner(bill.ret) != payee:
        raise status.not_found(item["TxnID"])
    amount = to_decimal(item.get("PaymentAmount"))
    left = txn_total("Bill", bill.ret) - paid_to(state, bill, skip=own) - taken.get(bill.id, 0)
    if amount < 0 or amount > left:
        shown = item.get("PaymentAmount", money(amount))
        raise status.invalid_value(f"{field} payment amount", shown, _OVERPAID)
    taken[bill.id] = taken.get(bill.id, Decimal(0)) + amount
    entry = {"TxnID": bill.id, "TxnType": "Bill", "TxnDate": bill.ret["TxnDate"]}
    if bill.ret.get("RefNumber"):
        entry["RefNumber"] = bill.ret["RefNumber"]
    entry["BalanceRemaining"] = money(left - amount)
    entry["Amount"] = money(amount)
    return entry


def bills_of(state: CompanyState, payment: dict[str, Any]) -> list[Record]:
    """The bills a bill payment's entries apply to."""
    found = (state.find("Bill", entry["TxnID"]) for entry in payment.get("AppliedToTxnRet", ()))
    return [bill for bill in found if bill is not None]


def check_bill_paid(state: CompanyState, ret: dict[str, Any], own: Record) -> None:
    """A Mod may not take a bill below what is paid on it, nor move a paid bill to another
    vendor (inferred, as for an invoice with payments applied)."""
    paid = paid_to(state, own)
    if not paid:
        return
    if owner(ret) != owner(own.ret):
        name = ret["VendorRef"].get("FullName", "")
        raise status.invalid_value("VendorRef", name, "The bill has payments applied to it.")
    total = txn_total("Bill", ret)
    if total < paid:
        raise status.invalid_value(
            "Amount", money(total), "The total is less than the payments applied."
        )
