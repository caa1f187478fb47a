"""Payments applied to invoices, credits applied through payments, and what they leave open.

A payment keeps its applications as ``AppliedToTxnRet`` entries (invoice, amount, and the
credit memos it applied as ``LinkedTxn``). Everything open is derived from those entries:

- invoice: AppliedAmount = -(payments + credits applied), BalanceRemaining = total - applied,
  IsPaid when nothing remains;
- credit memo: CreditRemaining = total - credits applied;
- payment: UnusedPayment = total - amounts applied.

Paying more than an invoice's amount due is 3210 with QuickBooks' own words (captured by
consolibyte: "You cannot pay more than the amount due."). Auto-apply pays an invoice whose
balance equals the payment, else the oldest open invoices first (QuickBooks' preference).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from qbsim import status
from qbsim.model.base import CompanyState, Record, linked_txn, money, owner, to_decimal
from qbsim.model.txn_billpay import refresh_bill
from qbsim.model.txn_money import txn_total

_CREDIT_FIELD = "SetCredit AppliedAmount"


def applications(state: CompanyState, record: Record) -> Iterator[tuple[Record, dict[str, Any]]]:
    """Every (payment, AppliedToTxnRet entry) of the customer ``record`` belongs to: payments
    only ever apply to their own customer's invoices and credits."""
    customer_id = owner(record.ret)
    if customer_id is None:
        return
    for payment in state.owned_by("ReceivePayment", customer_id):
        for entry in payment.ret.get("AppliedToTxnRet", []):
            yield payment, entry


def _applied(entries: Iterable[dict[str, Any]]) -> Decimal:
    """What AppliedToTxnRet entries (of one invoice) pay: amounts and credits."""
    total = Decimal(0)
    for entry in entries:
        total += to_decimal(entry.get("Amount")) + _credits(entry)
    return total


def _credits(entry: dict[str, Any], credit_id: str | None = None) -> Decimal:
    return sum(
        (
            -to_decimal(link["Amount"])
            for link in entry.get("LinkedTxn", [])
            if credit_id is None or link["TxnID"] == credit_id
        ),
        Decimal(0),
    )


def _credit_used(state: CompanyState, credit: Record) -> Decimal:
    entries = applications(state, credit)
    return sum((_credits(entry, credit.id) for _, entry in entries), Decimal(0))


# -- what stays open --------------------------------------------------------------------
def refresh(state: CompanyState, record: Record) -> None:
    """Recompute the open amounts of an invoice, credit memo, payment or bill."""
    ret, total = record.ret, txn_total(record.kind, record.ret)
    state.mark(record)
    if record.kind == "Invoice":
        found = [(p, e) for p, e in applications(state, record) if e["TxnID"] == record.id]
        for payment, _ in found:
            state.mark(payment)  # each entry below carries the invoice's balance
        entries = [entry for _, entry in found]
        applied = _applied(entries)
        ret["AppliedAmount"] = money(-applied)
        ret["BalanceRemaining"] = money(total - applied)
        ret["IsPaid"] = "true" if total - applied <= 0 else "false"
        for entry in entries:
            entry["BalanceRemaining"] = ret["BalanceRemaining"]
    elif record.kind == "CreditMemo":
        ret["CreditRemaining"] = money(total - _credit_used(state, record))
    elif record.kind == "ReceivePayment":
        used = sum(
            (to_decimal(e.get("Amount")) for e in ret.get("AppliedToTxnRet", [])), Decimal(0)
        )
        ret["UnusedPayment"] = money(total - used)
        ret["UnusedCredits"] = "0.00"
    elif record.kind == "Bill":
        refresh_bill(state, record)


def open_balance(record: Record) -> Decimal:
    """What is still due on an invoice (or still to use on a credit memo)."""
    field = "BalanceRemaining" if record.kind == "Invoice" else "CreditRemaining"
    return to_decimal(record.ret.get(field))


def applied_total(record: Record) -> Decimal:
    """Payments and credits applied to an invoice, or credit used from a credit memo."""
    return txn_total(record.kind, record.ret) - open_balance(record)


# -- applying a payment -----------------------------------------------------------------
class _Ledger:
    """Open amounts during one request: stored balance, plus what this payment already
    held (a Mod re-applies it), minus what earlier entries of the request took."""

    def __init__(self, state: CompanyState, own: Record | None) -> None:
        self.state = state
        self.taken: dict[str, Decimal] = {}
        self.own = own.ret.get("AppliedToTxnRet", []) if own is not None else []

    def available(self, record: Record) -> Decimal:
        if record.kind == "Invoice":
            mine = [e for e in self.own if e["TxnID"] == record.id]
            held = sum((to_decimal(e.get("Amount")) + _credits(e) for e in mine), Decimal(0))
        else:
            held = sum((_credits(e, record.id) for e in self.own), Decimal(0))
        return open_balance(record) + held - self.taken.get(record.id, Decimal(0))

    def take(self, record: Record, amount: Decimal) -> None:
        self.taken[record.id] = self.taken.get(record.id, Decimal(0)) + amount


def build_entries(
    state: CompanyState, customer_id: str, items: list[dict], field: str, own: Record | None
) -> list[dict[str, Any]]:
    """AppliedToTxnRet entries for AppliedToTxnAdd/AppliedToTxnMod items, checked: 3120 for
    an invoice or credit memo the customer does not have, 3210 for paying more than is due."""
    ledger, entries = _Ledger(state, own), []
    for item in items:
        invoice = _customer_txn(state, "Invoice", item["TxnID"], customer_id)
        amount = to_decimal(item.get("PaymentAmount"))
        links = [_credit_link(ledger, customer_id, credit) for credit in item.get("SetCredit", [])]
        applied = amount - sum((to_decimal(link["Amount"]) for link in links), Decimal(0))
        if amount < 0 or applied > ledger.available(invoice):
            shown = item.get("PaymentAmount", money(amount))
            raise status.invalid_value(
                f"{field} payment amount", shown, "You cannot pay more than the amount due."
            )
        ledger.take(invoice, applied)
        entries.append(entry_for(invoice, amount, links))
    return entries


def _credit_link(ledger: _Ledger, customer_id: str, credit: dict[str, Any]) -> dict[str, Any]:
    memo = _customer_txn(ledger.state, "CreditMemo", credit["CreditTxnID"], customer_id)
    amount = to_decimal(credit["AppliedAmount"])
    if amount < 0 or amount > ledger.available(memo):
        # Inferred wording: the capture we have is for payment amounts only.
        raise status.invalid_value(
            _CREDIT_FIELD, credit["AppliedAmount"], "You cannot apply more than the credit."
        )
    ledger.take(memo, amount)
    return _link_to(memo, -amount)


def _customer_txn(state: CompanyState, kind: str, txn_id: str, customer_id: str) -> Record:
    record = state.find(kind, txn_id)
    if record is None or record.ret.get("CustomerRef", {}).get("ListID") != customer_id:
        # A transaction of another customer cannot be found from this one (inferred: 3120).
        raise status.not_found(txn_id)
    return record


def _link_to(record: Record, amount: Decimal) -> dict[str, Any]:
    return linked_txn(record, amount, "AMTTYPE")


def entry_for(invoice: Record, amount: Decimal, links: list[dict]) -> dict[str, Any]:
    """One AppliedToTxnRet entry: ``amount`` paid to ``invoice``, credits ``links``."""
    entry = {"TxnID": invoice.id, "TxnType": "Invoice", "TxnDate": invoice.ret["TxnDate"]}
    if invoice.ret.get("RefNumber"):
        entry["RefNumber"] = invoice.ret["RefNumber"]
    entry["Amount"] = money(amount)
    if links:
        entry["LinkedTxn"] = links
    return entry


def auto_apply(state: CompanyState, customer_id: str, amount: Decimal) -> list[dict[str, Any]]:
    """IsAutoApply: the invoice whose balance equals the payment, else oldest first."""
    open_invoices = sorted(
        (r for r in state.owned_by("Invoice", customer_id) if open_balance(r) > 0),
        key=lambda r: (r.ret["TxnDate"], int(r.ret["TxnNumber"])),
    )
    exact = [r for r in open_invoices if open_balance(r) == amount]
    entries, left = [], amount
    for invoice in exact[:1] or open_invoices:
        if left <= 0:
            break
        paid = min(left, open_balance(invoice))
        entries.append(entry_for(invoice, paid, []))
        left -= paid
    return entries


# -- links ------------------------------------------------------------------------------
def linked_records(state: CompanyState, entries: list[dict[str, Any]]) -> list[Record]:
    """The invoices, bills and credit memos a list of AppliedToTxnRet entries touches."""
    found: dict[str, Record] = {}
    for entry in entries:
        for kind, txn_id in [(entry.get("TxnType", "Invoice"), entry["TxnID"])] + [
            ("CreditMemo", link["TxnID"]) for link in entry.get("LinkedTxn", [])
        ]:
            record = state.find(kind, txn_id)
            if record is not None:
                found[record.id] = record
    return list(found.values())


def is_linked(state: CompanyState, record: Record) -> bool:
    """Whether a payment applies anything to (or from) this invoice or credit memo."""
    txn_id = record.id
    return any(
        entry["TxnID"] == txn_id
        or any(link["TxnID"] == txn_id for link in entry.get("LinkedTxn", []))
        for _, entry in applications(state, record)
    )


def unlink(state: CompanyState, record: Record) -> list[Record]:
    """Take an invoice or credit memo out of every payment (a void does this); returns the
    payments and transactions whose open amounts changed."""
    txn_id, customer_id = record.id, owner(record.ret)
    changed: dict[str, Record] = {}
    payments = state.owned_by("ReceivePayment", customer_id) if customer_id else []
    for payment in payments:
        entries = payment.ret.get("AppliedToTxnRet", [])
        kept = [_without(entry, txn_id) for entry in entries if entry["TxnID"] != txn_id]
        kept = [e for e in kept if to_decimal(e["Amount"]) or e.get("LinkedTxn")]
        if kept != entries:
            changed[payment.id] = payment
            state.mark(payment)
            for record in linked_records(state, entries):
                changed[record.id] = record
            if kept:
                payment.ret["AppliedToTxnRet"] = kept
            else:
                payment.ret.pop("AppliedToTxnRet", None)
    return list(changed.values())


def _without(entry: dict[str, Any], credit_id: str) -> dict[str, Any]:
    links = [link for link in entry.get("LinkedTxn", []) if link["TxnID"] != credit_id]
    trimmed = {k: v for k, v in entry.items() if k != "LinkedTxn"}
    if links:
        trimmed["LinkedTxn"] = links
    return trimmed


def linked_txns(state: CompanyState, record: Record) -> list[dict[str, Any]]:
    """LinkedTxn of an invoice (payments and credits applied to it) or of a credit memo (the
    invoices its credit paid). Amounts are negative: what the link took off (inferred sign
    for credit memos)."""
    found: list[dict[str, Any]] = []
    for payment, entry in applications(state, record):
        if record.kind == "Invoice" and entry["TxnID"] == record.id:
            if to_decimal(entry["Amount"]):
                found.append(_link_to(payment, -to_decimal(entry["Amount"])))
            found += [dict(link) for link in entry.get("LinkedTxn", [])]
        elif record.kind == "CreditMemo":
            used = _credits(entry, record.id)
            invoice = state.find("Invoice", entry["TxnID"])
            if used and invoice is not None:
                found.append(_link_to(invoice, -used))
    return found
