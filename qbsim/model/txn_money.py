"""What a transaction does to balances, and the header amounts it derives from its lines.

A transaction's effect is a list of moves (list record, amount), computed from its stored Ret
alone, so a Mod reverses the old moves and applies the new ones, and a void or delete
reverses them:

- Invoice: customer (job) and its A/R account up by the invoice total.
- CreditMemo: customer and A/R down by the credit total.
- ReceivePayment: customer and A/R down by the payment total; the deposit-to account up.
- SalesReceipt: the deposit-to account up. Bill: vendor and its A/P account up.
- Check: the bank account (AccountRef) down by the check's Amount.
- BillPaymentCheck / BillPaymentCreditCard: vendor and A/P down by the payment's Amount; the
  bank account down, or the credit card account (a liability) up.
- ItemReceipt: no balance (inferred: the vendor is owed nothing until the bill comes).
- JournalEntry: every line's account (debits raise asset and expense accounts, credits the
  others); an A/R line moves its customer, an A/P line its vendor.
- PurchaseOrder, SalesOrder, Estimate, TimeTracking, InventoryAdjustment: none here (non-posting,
  QBXML-NOTES §17; an adjustment moves stock).

Income, expense and inventory accounts behind items are not moved (not simulated); the items'
QuantityOnHand and AverageCost are (``txn_stock``).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from qbsim.model import lists, refs
from qbsim.model.base import CompanyState, Record, money, parse_qb_date, to_decimal
from qbsim.model.txn_kinds import TxnKind
from qbsim.model.txn_lines import line_total
from qbsim.model.txn_stock import order_moves, post_on_order, post_stock, stock_moves
from qbsim.model.txn_tax import sales_totals

Move = tuple[Record, Decimal]

DEFAULT_ACCOUNTS = {
    "ARAccountRef": ("AccountsReceivable", "Accounts Receivable"),
    "APAccountRef": ("AccountsPayable", "Accounts Payable"),
}
# Account types whose balance a debit raises; a credit raises all others.
DEBIT_NORMAL = frozenset(
    {
        "Bank",
        "AccountsReceivable",
        "OtherCurrentAsset",
        "FixedAsset",
        "OtherAsset",
        "Expense",
        "OtherExpense",
        "CostOfGoodsSold",
    }
)
_SALES_FORMS = ("Invoice", "SalesReceipt", "CreditMemo", "SalesOrder", "Estimate")
BILL_PAYMENTS = ("BillPaymentCheck", "BillPaymentCreditCard")
_ZERO = "0.00"


# -- header amounts ---------------------------------------------------------------------
def set_totals(kind: TxnKind, ret: dict[str, Any], state: CompanyState | None = None) -> None:
    """Recompute the header amounts QuickBooks derives from the lines; a sales form's with
    its discount, subtotal and group lines and its sales tax when ``state`` is given."""
    if state is not None and kind.name in _SALES_FORMS:
        sales_totals(state, kind, ret)
        return
    total = money(line_total(kind, ret))
    if kind.name in _SALES_FORMS:
        ret["Subtotal"] = total
        ret["SalesTaxPercentage"] = _ZERO
        ret["SalesTaxTotal"] = _ZERO
        if kind.name != "Invoice":
            ret["TotalAmount"] = total
    elif kind.name == "Bill":
        ret["AmountDue"] = total
    elif kind.name in ("PurchaseOrder", "ItemReceipt"):
        ret["TotalAmount"] = total
    elif kind.name == "Check":
        ret["Amount"] = total


def txn_total(kind_name: str, ret: dict[str, Any]) -> Decimal:
    """A transaction's total: what it asks, pays or credits."""
    if kind_name == "Invoice":
        return to_decimal(ret.get("Subtotal")) + to_decimal(ret.get("SalesTaxTotal"))
    if kind_name == "Bill":
        return to_decimal(ret.get("AmountDue"))
    if kind_name == "Check" or kind_name in BILL_PAYMENTS:
        return to_decimal(ret.get("Amount"))
    return to_decimal(ret.get("TotalAmount"))


# -- moves ------------------------------------------------------------------------------
def moves(state: CompanyState, kind: TxnKind, ret: dict[str, Any]) -> list[Move]:
    """The balance moves a transaction makes (see the module docstring)."""
    name, amount = kind.name, txn_total(kind.name, ret)
    found: list[tuple[Record | None, Decimal]] = []
    if name in ("Invoice", "CreditMemo", "ReceivePayment"):
        sign = 1 if name == "Invoice" else -1
        found += [(_ref(state, ret, "CustomerRef"), sign * amount)]
        found += [(_ref(state, ret, "ARAccountRef"), sign * amount)]
    if name in ("ReceivePayment", "SalesReceipt"):
        found.append((_ref(state, ret, "DepositToAccountRef"), amount))
    if name == "Bill":
        found += [
            (_ref(state, ret, "VendorRef"), amount),
            (_ref(state, ret, "APAccountRef"), amount),
        ]
    if name in BILL_PAYMENTS:
        found += [
            (_ref(state, ret, "PayeeEntityRef"), -amount),
            (_ref(state, ret, "APAccountRef"), -amount),
            (_ref(state, ret, "BankAccountRef"), -amount),
            (_ref(state, ret, "CreditCardAccountRef"), amount),
        ]
    if name == "JournalEntry":
        found += _journal_moves(state, ret)
    if name == "Check":
        found.append((_ref(state, ret, "AccountRef"), -amount))
    return [(record, delta) for record, delta in found if record is not None and delta]


def _journal_moves(state: CompanyState, ret: dict[str, Any]) -> list[tuple[Record | None, Decimal]]:
    found: list[tuple[Record | None, Decimal]] = []
    for tag, side in (("JournalDebitLine", 1), ("JournalCreditLine", -1)):
        for line in ret.get(tag, []):
            account = _ref(state, line, "AccountRef")
            if account is None:
                continue
            kind = account.ret.get("AccountType", "")
            delta = to_decimal(line.get("Amount")) * (side if kind in DEBIT_NORMAL else -side)
            found.append((account, delta))
            entity = _ref(state, line, "EntityRef")
            party = {"AccountsReceivable": "Customer", "AccountsPayable": "Vendor"}.get(kind)
            if entity is not None and entity.kind == party:
                found.append((entity, delta))
    return found


def _ref(state: CompanyState, data: dict[str, Any], key: str) -> Record | None:
    ref = data.get(key)
    if not ref or not ref.get("ListID"):
        return None
    kinds = refs.REF_KINDS[key][0]
    return state.find_any(kinds, ref["ListID"])


def post_txn(state: CompanyState, kind: TxnKind, ret: dict[str, Any], sign: int = 1) -> None:
    """Apply (sign 1) or reverse (sign -1) everything a transaction moves: balances, stock."""
    post(state, moves(state, kind, ret), sign)
    post_stock(state, stock_moves(state, kind.name, ret), sign)
    post_on_order(state, order_moves(state, kind.name, ret), sign)


def post(state: CompanyState, found: list[Move], sign: int = 1) -> None:
    """Apply (sign 1) or reverse (sign -1) moves; customer and account totals roll up."""
    for record, delta in found:
        lists.adjust_balance(state, record, delta * sign)


# -- accounts and terms -----------------------------------------------------------------
def default_account(state: CompanyState, ref_key: str) -> dict[str, str]:
    """The company's A/R (A/P) account as a reference; QuickBooks creates it on first use."""
    account_type, name = DEFAULT_ACCOUNTS[ref_key]
    candidates = [
        r
        for r in state.all(("Account",))
        if r.ret.get("AccountType") == account_type and r.ret.get("IsActive") != "false"
    ]
    if candidates:
        record = min(candidates, key=lambda r: refs.display_name(r).casefold())
    else:
        add = {"AccountAdd": {"Name": name, "AccountType": account_type}}
        record = state.table("Account")[
            lists.list_add(state, "Account", add).children[0][1]["ListID"]
        ]
    return {"ListID": record.id, "FullName": refs.display_name(record)}


UNDEPOSITED_FUNDS = "Undeposited Funds"


def undeposited_funds(state: CompanyState) -> dict[str, str]:
    """The "Undeposited Funds" account as a reference; QuickBooks creates it (an other current
    asset) the first time a payment or sales receipt goes there (QBXML-NOTES §19: FL-PAY and
    QBXG-SR pairs; that it is created on first use is inferred)."""
    record = refs.find_named(state, refs.ACCOUNT, {"FullName": UNDEPOSITED_FUNDS})
    if record is None:
        add = {"AccountAdd": {"Name": UNDEPOSITED_FUNDS, "AccountType": "OtherCurrentAsset"}}
        list_id = lists.list_add(state, "Account", add).children[0][1]["ListID"]
        record = state.table("Account")[list_id]
    return {"ListID": record.id, "FullName": refs.display_name(record)}


def fill_terms(state: CompanyState, ret: dict[str, Any], entity: Record | None) -> None:
    """TermsRef from the customer/vendor when not given, and DueDate from the terms.

    DueDate = TxnDate + StdDueDays of standard terms (date-driven terms are not simulated and
    count as due on the transaction date); a given DueDate is kept.
    """
    if "TermsRef" not in ret and entity is not None and entity.ret.get("TermsRef"):
        ret["TermsRef"] = dict(entity.ret["TermsRef"])
    if "DueDate" in ret:
        return
    days = 0
    terms_ref = ret.get("TermsRef")
    if terms_ref and terms_ref.get("ListID"):
        terms = state.find("StandardTerms", terms_ref["ListID"])
        days = int(terms.ret.get("StdDueDays", "0")) if terms is not None else 0
    ret["DueDate"] = (parse_qb_date(ret["TxnDate"]) + timedelta(days=days)).isoformat()
