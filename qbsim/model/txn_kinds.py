"""What each transaction type is made of: its name, entity, line lists, numbering, accounts,
the flags an Add defaults, and its line in ``qbsim/COVERAGE.md``.

One ``TxnKind`` per simulated transaction type. The name doubles as the word QuickBooks puts
in its messages ("... in the Invoice.", "... in the SalesOrder." in a real capture).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from qbschema import ATTRS, Node
from qbsim.errors import NotImplementedInQbsim
from qbsim.model.retdata import child_node, ret_node


@dataclass(frozen=True)
class LineList:
    """One list of lines: its Add, Mod and Ret element names and how a line is priced.

    ``price`` is the per-unit field multiplied by ``Quantity`` (None: the line carries only an
    Amount); ``clear`` names the Mod flag that empties the list (BillMod's ClearItemLines).
    """

    add: str
    mod: str
    ret: str
    price: str | None = "Rate"
    clear: str | None = None


@dataclass(frozen=True)
class TxnKind:
    """How one transaction type behaves in qbsim."""

    name: str
    entity: str | None
    lines: tuple[LineList, ...] = ()
    auto_ref: bool = False  # QuickBooks numbers it when no RefNumber is given
    due_from_terms: bool = False
    posting: str | None = None  # ARAccountRef / APAccountRef, defaulted when not given
    buying: bool = False  # item prices come from the purchase side
    unsimulated: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # Boolean fields an Add sets to false when not given
    note: str = ""  # what its Add does, for qbsim/COVERAGE.md

    @cached_property
    def line_lists(self) -> tuple[str, ...]:
        """The Ret elements that hold lines, each once."""
        return tuple(dict.fromkeys(lines.ret for lines in self.lines))

    @cached_property
    def line_tags(self) -> tuple[str, ...]:
        """Ret elements that are lines (dropped from a query unless IncludeLineItems)."""
        groups = (f"{GROUP_LINES[self.name]}Ret",) if self.name in GROUP_LINES else ()
        return self.line_lists + groups + (("AppliedToTxnRet",) if self.name in APPLYING else ())


def _sales_lines(kind: str) -> LineList:
    return LineList(f"{kind}LineAdd", f"{kind}LineMod", f"{kind}LineRet")


# Expense and item lines, as a bill and an item receipt carry them.
_PURCHASE_LINES = (
    LineList("ExpenseLineAdd", "ExpenseLineMod", "ExpenseLineRet", None, "ClearExpenseLines"),
    LineList("ItemLineAdd", "ItemLineMod", "ItemLineRet", "Cost", "ClearItemLines"),
)
# Sales forms whose group lines qbsim expands (qbsim/model/txn_tax.py): form -> element stem.
GROUP_LINES = {"Invoice": "InvoiceLineGroup", "SalesReceipt": "SalesReceiptLineGroup"}
# Forms where a RatePercent line is a percentage of the line above it (txn_tax).
PERCENT_LINES = ("Invoice", "SalesReceipt", "CreditMemo")

_SALES_EXTRAS = ("DiscountLineAdd", "SalesTaxLineAdd", "ShippingLineAdd")

_TAX_NOTE = (
    "sales tax on taxable lines, rounded to the cent (MOZU, CBINV, QBXG-SR); discount, "
    "subtotal and group lines (ARTCO, GRP; qbsim/model/txn_tax.py)"
)

_PRINTED = ("IsToBePrinted", "IsToBeEmailed")
# Payments whose AppliedToTxnRet entries count as lines (shown with IncludeLineItems).
APPLYING = ("ReceivePayment", "BillPaymentCheck", "BillPaymentCreditCard")
_BILL_PAYMENT_NOTE = (
    "AppliedToTxnAdd to the payee's bills (3120 another vendor's bill, 3210 paying more than "
    "is due); lowers bill OpenAmount, vendor and A/P; "
)

KINDS: dict[str, TxnKind] = {
    kind.name: kind
    for kind in (
        TxnKind(
            "Invoice",
            "CustomerRef",
            (_sales_lines("Invoice"),),
            auto_ref=True,
            due_from_terms=True,
            posting="ARAccountRef",
            unsimulated=(
                "SetCredit",
                *_SALES_EXTRAS,
            ),
            flags=("IsPending", "IsFinanceCharge", *_PRINTED),
            note="RefNumber 1, 2…; DueDate from terms; raises customer/job and A/R; "
            "BalanceRemaining/AppliedAmount/IsPaid from payments; LinkToTxnID brings a sales "
            "order's open lines (3120 unknown or an estimate, 570 closed/fully invoiced); "
            + _TAX_NOTE,
        ),
        TxnKind(
            "Bill",
            "VendorRef",
            _PURCHASE_LINES,
            due_from_terms=True,
            posting="APAccountRef",
            buying=True,
            unsimulated=("ItemGroupLineAdd", "ItemGroupLineMod", "LinkToTxnID"),
            note="DueDate from terms; raises vendor and A/P; expense and item lines",
        ),
        TxnKind(
            "ReceivePayment",
            "CustomerRef",
            posting="ARAccountRef",
            note="AppliedToTxnAdd (3210 paying more than due) or IsAutoApply; SetCredit "
            "applies credit memos; lowers customer and A/R",
        ),
        TxnKind(
            "SalesReceipt",
            "CustomerRef",
            (_sales_lines("SalesReceipt"),),
            auto_ref=True,
            unsimulated=_SALES_EXTRAS,
            flags=("IsPending", *_PRINTED),
            note="RefNumber 1, 2…; raises the DepositToAccount; " + _TAX_NOTE,
        ),
        TxnKind(
            "CreditMemo",
            "CustomerRef",
            (_sales_lines("CreditMemo"),),
            auto_ref=True,
            posting="ARAccountRef",
            unsimulated=("CreditMemoLineGroupAdd", "CreditMemoLineGroupMod", *_SALES_EXTRAS),
            flags=("IsPending", *_PRINTED),
            note="RefNumber 1, 2…; lowers customer and A/R; CreditRemaining; sales tax, "
            "discount and subtotal lines as on invoices",
        ),
        TxnKind(
            "PurchaseOrder",
            "VendorRef",
            (_sales_lines("PurchaseOrder"),),
            auto_ref=True,
            buying=True,
            unsimulated=("PurchaseOrderLineGroupAdd", "PurchaseOrderLineGroupMod"),
            flags=("IsManuallyClosed", "IsFullyReceived", *_PRINTED),
            note="RefNumber 1, 2…; non-posting",
        ),
        TxnKind(
            "SalesOrder",
            "CustomerRef",
            (_sales_lines("SalesOrder"),),
            auto_ref=True,
            due_from_terms=True,
            unsimulated=("SalesOrderLineGroupAdd", "SalesOrderLineGroupMod"),
            flags=("IsManuallyClosed", "IsFullyInvoiced", *_PRINTED),
            note="RefNumber 1, 2…; DueDate from terms; non-posting; lines' Invoiced and "
            "IsFullyInvoiced from linked invoices",
        ),
        TxnKind(
            "Estimate",
            "CustomerRef",
            (_sales_lines("Estimate"),),
            auto_ref=True,
            due_from_terms=True,
            unsimulated=("EstimateLineGroupAdd", "EstimateLineGroupMod"),
            flags=("IsToBeEmailed",),
            note="RefNumber 1, 2…; DueDate from terms; IsActive true; non-posting",
        ),
        TxnKind(
            "TimeTracking",
            "EntityRef",
            note="Duration normalised (PT2H30M0S); EntityRef employee/vendor/other name",
        ),
        TxnKind(
            "JournalEntry",
            None,
            (
                LineList("JournalDebitLine", "JournalLineMod", "JournalDebitLine", None),
                LineList("JournalCreditLine", "JournalLineMod", "JournalCreditLine", None),
            ),
            auto_ref=True,
            flags=("IsAdjustment",),
            note="debits must equal credits (3180); moves accounts, A/R-A/P lines their names",
        ),
        TxnKind(
            "Check",
            "PayeeEntityRef",
            (
                LineList(
                    "ExpenseLineAdd", "ExpenseLineMod", "ExpenseLineRet", None, "ClearExpenseLines"
                ),
                LineList("ItemLineAdd", "ItemLineMod", "ItemLineRet", "Cost", "ClearItemLines"),
            ),
            buying=True,
            unsimulated=("ItemGroupLineAdd", "ItemGroupLineMod", "ApplyCheckToTxnAdd"),
            flags=("IsToBePrinted",),
            note="Amount from the lines; lowers the bank account (AccountRef); expense and item "
            "lines (Intuit's ErrRecovery1 sample sends one)",
        ),
        TxnKind(
            "ItemReceipt",
            "VendorRef",
            _PURCHASE_LINES,
            buying=True,
            unsimulated=("ItemGroupLineAdd", "ItemGroupLineMod", "LinkToTxnID"),
            note="items in at cost (API-itemreceiptadd); no A/P or vendor balance until "
            "billed (inferred)",
        ),
        TxnKind(
            "BillPaymentCheck",
            "PayeeEntityRef",
            posting="APAccountRef",
            flags=("IsToBePrinted",),
            note=_BILL_PAYMENT_NOTE + "lowers BankAccountRef",
        ),
        TxnKind(
            "BillPaymentCreditCard",
            "PayeeEntityRef",
            posting="APAccountRef",
            note=_BILL_PAYMENT_NOTE + "raises CreditCardAccountRef; no Mod in the schema",
        ),
        TxnKind(
            "InventoryAdjustment",
            None,
            (
                LineList(
                    "InventoryAdjustmentLineAdd",
                    "InventoryAdjustmentLineMod",
                    "InventoryAdjustmentLineRet",
                    None,
                ),
            ),
            unsimulated=("InventorySiteRef",),
            note="QuantityDifference / NewQuantity move QuantityOnHand at AverageCost (the "
            "schema allows no NewValue); 3140 for a non-inventory item",
        ),
    )
}

# Line fields whose effect qbsim does not compute; a request using them is refused loudly.
UNSIMULATED_LINE_FIELDS = ("LinkToTxn", "RatePercent", "PriceLevelRef")


def clean(data: dict[str, Any]) -> dict[str, Any]:
    """A request aggregate without its XML attributes (defMacro and the like), recursively."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == ATTRS:
            continue
        if isinstance(value, dict):
            out[key] = clean(value)
        elif isinstance(value, list):
            out[key] = [clean(v) if isinstance(v, dict) else v for v in value]
        else:
            out[key] = value
    return out


def refuse_unsimulated(request_type: str, kind: TxnKind, data: dict[str, Any]) -> None:
    """Raise ``NotImplementedInQbsim`` when the request uses something qbsim does not model."""
    for key in kind.unsimulated:
        if key in data:
            raise NotImplementedInQbsim(f"{request_type} with {key}")
    for lines in kind.lines:
        for line in data.get(lines.add, []) + data.get(lines.mod, []):
            for key in UNSIMULATED_LINE_FIELDS:
                if key in line and not (key == "RatePercent" and kind.name in PERCENT_LINES):
                    raise NotImplementedInQbsim(f"{request_type} with {lines.add}/{key}")


def txn_node(kind: str) -> Node:
    """The content model of ``{kind}Ret``."""
    return ret_node(kind)


@cache
def line_node(kind: str, ret_tag: str) -> Node:
    """The content model of one line of ``{kind}Ret`` (``InvoiceLineRet``…)."""
    return child_node(ret_node(kind), ret_tag)
