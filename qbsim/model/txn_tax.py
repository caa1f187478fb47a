"""Sales tax, discount, subtotal and item-group lines on invoices, sales receipts and credit memos.

How QuickBooks computes a sales form, as the evidence shows it (``../shared/reference/
QBXML-NOTES.md`` §14 and §15, and the captures named there):

- Each line's ``SalesTaxCodeRef`` says whether it is taxable (the code's IsTaxable); a new line
  sent without one takes its item's code (MOZU; the source is inferred). The header's
  ``ItemSalesTaxRef`` (a tax item or a group) supplies the rate; ``CustomerSalesTaxCodeRef``
  and ``ItemSalesTaxRef`` default to the customer's on an Add (CBINV, BILLASH; inferred).
- SalesTaxTotal = rate x the sum of the taxable lines' Amounts, rounded to the cent half up
  (MOZU 2.80 x 8.25 % = 0.23, CBINV 183.00 x 6 % = 10.98, QBXG-SR all "Non" lines = 0.00; the
  half-up rounding is inferred). A group's members are each computed and rounded, then added
  (QuickBooks help on tax groups); SalesTaxPercentage is the sum of the rates.
- A subtotal line's Amount is the lines above it back to the previous subtotal, leaving out a
  percentage line that discounts that previous subtotal (ARTCO); subtotal lines are not counted
  in ``Subtotal``. A ``RatePercent`` line (a discount) is that percent of the line just above it
  (ARTCO: -5.00 % of 1782.00 = -89.10). A discount item's DiscountRatePercent or DiscountRate
  fills a new line that names neither, negated (inferred from ARTCO's "-5.00").
- A group line (``InvoiceLineGroupAdd``) expands into its item's member lines, each quantity
  times the group's; ``TotalAmount`` is the members' sum (GRP). A Mod that names lines or
  groups replaces both (they are one repeated choice in the XSD; inferred), a ``-1`` group is
  new, a kept group is kept as it is.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qbsim import status
from qbsim.errors import NotImplementedInQbsim
from qbsim.model import refs
from qbsim.model.base import CompanyState, Record, money, plain_copy, to_decimal
from qbsim.model.txn_kinds import GROUP_LINES, TxnKind
from qbsim.model.txn_lines import NEW_LINE, cents, new_line

SALES_FORMS = ("Invoice", "SalesReceipt", "CreditMemo", "SalesOrder", "Estimate")
"""Forms whose tax, discount and subtotal lines qbsim works out (a sales order's tax: MOZU)."""
_HEADER_DEFAULTS = (("CustomerSalesTaxCodeRef", "SalesTaxCodeRef"), ("ItemSalesTaxRef",) * 2)
_HUNDRED = Decimal(100)


# -- before the totals: defaults and groups ---------------------------------------------------
def prepare_sales(
    state: CompanyState, kind: TxnKind, ret: dict, data: dict, own: Record | None
) -> None:
    """Header tax defaults (Add), group lines (Add and Mod), and new lines' item defaults."""
    if own is None:
        _header_defaults(state, ret)
    _groups(state, kind, ret, data, own)
    for line in all_lines(kind, ret):
        if line.get("TxnLineID") is None and line.get("ItemRef"):
            _line_defaults(state, line)


def _header_defaults(state: CompanyState, ret: dict) -> None:
    ref = ret.get("CustomerRef") or {}
    customer = state.find("Customer", ref.get("ListID", ""))
    if customer is None:
        return
    for header, field in _HEADER_DEFAULTS:
        if header not in ret and customer.ret.get(field):
            ret[header] = dict(customer.ret[field])


def _line_defaults(state: CompanyState, line: dict) -> None:
    item = state.find_any(refs.ITEM_KINDS, line["ItemRef"]["ListID"])
    if item is None:
        return
    if "SalesTaxCodeRef" not in line and item.ret.get("SalesTaxCodeRef"):
        line["SalesTaxCodeRef"] = dict(item.ret["SalesTaxCodeRef"])
    if item.kind == "ItemDiscount":
        _discount_defaults(item.ret, line)


def _discount_defaults(item: dict, line: dict) -> None:
    if item.get("ItemDesc") and "Desc" not in line:
        line["Desc"] = item["ItemDesc"]
    if {"Rate", "RatePercent"} & line.keys() or to_decimal(line.get("Amount")):
        return
    if item.get("DiscountRatePercent"):
        line["RatePercent"] = money(-to_decimal(item["DiscountRatePercent"]))
    elif item.get("DiscountRate"):
        rate = -to_decimal(item["DiscountRate"])
        line["Rate"], line["Amount"] = f"{rate:f}", money(rate)


def _groups(state: CompanyState, kind: TxnKind, ret: dict, data: dict, own: Record | None) -> None:
    stem = GROUP_LINES.get(kind.name)
    if stem is None:
        return
    if own is None:
        given = data.get(f"{stem}Add")
        if given:
            ret[f"{stem}Ret"] = [_new_group(state, kind, one) for one in given]
        return
    mods, names_lines = data.get(f"{stem}Mod"), f"{kind.name}LineMod" in data
    if mods is None and not names_lines:
        return
    current = {group["TxnLineID"]: group for group in own.ret.get(f"{stem}Ret", [])}
    ret.pop(f"{stem}Ret", None)
    if mods:
        ret[f"{stem}Ret"] = [_mod_group(state, kind, current, mod) for mod in mods]
    if not names_lines:
        ret.pop(f"{kind.name}LineRet", None)


def _new_group(state: CompanyState, kind: TxnKind, data: dict) -> dict:
    """A group line and its member lines, expanded from the group item."""
    if not data.get("ItemGroupRef"):
        raise status.missing_element("ItemGroupRef")
    item = state.find("ItemGroup", data["ItemGroupRef"]["ListID"])
    assert item is not None  # the reference was resolved (3140 otherwise)
    times = to_decimal(data.get("Quantity"), "1")
    members = [_member(state, kind, one, times) for one in item.ret.get("ItemGroupLine", [])]
    group: dict[str, Any] = {"TxnLineID": None, "ItemGroupRef": dict(data["ItemGroupRef"])}
    desc = data.get("Desc") or item.ret.get("ItemDesc")
    if desc:
        group["Desc"] = desc
    if "Quantity" in data:
        group["Quantity"] = data["Quantity"]
    group["IsPrintItemsInGroup"] = item.ret.get("IsPrintItemsInGroup", "false")
    group["TotalAmount"] = money(_sum(members))
    if members:
        group[f"{kind.name}LineRet"] = members
    return group


def _member(state: CompanyState, kind: TxnKind, member: dict, times: Decimal) -> dict:
    quantity = to_decimal(member.get("Quantity"), "1") * times
    data = {"ItemRef": dict(member["ItemRef"]), "Quantity": f"{quantity.normalize():f}"}
    return new_line(state, kind, kind.lines[0], data)


def _mod_group(state: CompanyState, kind: TxnKind, current: dict[str, dict], mod: dict) -> dict:
    if mod["TxnLineID"] == NEW_LINE:
        return _new_group(state, kind, mod)
    old = current.get(mod["TxnLineID"])
    if old is None:
        raise status.not_found(mod["TxnLineID"])
    changes = set(mod) - {"TxnLineID", "ItemGroupRef"}
    if changes - ({"Quantity"} if mod.get("Quantity") == old.get("Quantity") else set()):
        raise NotImplementedInQbsim(f"{kind.name}Mod changing a kept group line")
    return plain_copy(old)


# -- the totals ---------------------------------------------------------------------------
def sales_totals(state: CompanyState, kind: TxnKind, ret: dict) -> None:
    """Line amounts that follow other lines, Subtotal, the tax, and TotalAmount."""
    lines = ret.get(f"{kind.name}LineRet", [])
    subtotals = _subtotal_ids(state, lines)
    _follow_lines(lines, subtotals)
    members = _members(kind, ret)
    counted = [line for line in lines if id(line) not in subtotals] + members
    subtotal = _sum(counted)
    rates = tax_rates(state, ret.get("ItemSalesTaxRef"))
    base = Decimal(0)
    if rates:
        base = _taxed_base(state, lines, subtotals) + _sum(
            [m for m in members if _taxable(state, m)]
        )
    tax = sum((cents(base * rate / _HUNDRED) for rate in rates), Decimal(0))
    ret["Subtotal"] = money(subtotal)
    ret["SalesTaxPercentage"] = money(sum(rates, Decimal(0)))
    ret["SalesTaxTotal"] = money(tax)
    if kind.name != "Invoice":
        ret["TotalAmount"] = money(subtotal + tax)


def _subtotal_ids(state: CompanyState, lines: list[dict]) -> set[int]:
    table = state.records.get("ItemSubtotal")
    if not table:
        return set()
    return {id(line) for line in lines if (line.get("ItemRef") or {}).get("ListID") in table}


def _follow_lines(lines: list[dict], subtotals: set[int]) -> None:
    """Subtotal and percentage lines' Amounts, in line order (see the module docstring)."""
    running, previous, after_subtotal = Decimal(0), None, False
    for line in lines:
        if id(line) in subtotals:
            line["Amount"] = money(running)
            running, after_subtotal = Decimal(0), True
        else:
            if "RatePercent" in line and previous is not None:
                share = to_decimal(previous.get("Amount")) * to_decimal(line["RatePercent"])
                line["Amount"] = money(cents(share / _HUNDRED))
            if not (after_subtotal and "RatePercent" in line):
                running += to_decimal(line.get("Amount"))
            after_subtotal = False
        previous = line


def _taxed_base(state: CompanyState, lines: list[dict], subtotals: set[int]) -> Decimal:
    """The taxable part of the plain lines. A taxable discount takes off only the taxable
    share of the line (or subtotal) it discounts, so a discount of untaxed lines lowers no tax
    (inferred: QuickBooks applies a discount before tax; no capture mixes the two)."""
    discounts = state.records.get("ItemDiscount") or {}
    base = span = Decimal(0)
    previous: tuple[Decimal, Decimal] | None = None  # (amount, taxable part) of the line above
    for line in lines:
        amount = to_decimal(line.get("Amount"))
        if id(line) in subtotals:
            previous, span = (amount, span), Decimal(0)
            continue
        taxed = amount if _taxable(state, line) else Decimal(0)
        is_discount = (
            "RatePercent" in line or (line.get("ItemRef") or {}).get("ListID") in discounts
        )
        if is_discount and taxed and previous is not None:
            taxed = amount * previous[1] / previous[0] if previous[0] else Decimal(0)
        base, span, previous = base + taxed, span + taxed, (amount, taxed)
    return max(base, Decimal(0))  # a discount never makes tax negative (inferred)


def _members(kind: TxnKind, ret: dict) -> list[dict]:
    stem = GROUP_LINES.get(kind.name)
    found: list[dict] = []
    for group in ret.get(f"{stem}Ret", []) if stem else ():
        members = group.get(f"{kind.name}LineRet", [])
        group["TotalAmount"] = money(_sum(members))
        found += members
    return found


def all_lines(kind: TxnKind, ret: dict) -> list[dict]:
    """The plain lines and the group members of a sales form."""
    return list(ret.get(f"{kind.name}LineRet", [])) + _members(kind, ret)


def tax_rates(state: CompanyState, ref: dict | None) -> list[Decimal]:
    """The rates (percent) of the tax item a form names: one, or a group's members' rates."""
    if not ref or not ref.get("ListID"):
        return []
    item = state.find_any(refs.SALES_TAX_ITEMS, ref["ListID"])
    if item is None:
        return []
    if item.kind == "ItemSalesTax":
        return [to_decimal(item.ret.get("TaxRate"))]
    members = item.ret.get("ItemSalesTaxRef", [])
    return [rate for member in members for rate in tax_rates(state, member)]


def _taxable(state: CompanyState, line: dict) -> bool:
    code = state.find("SalesTaxCode", (line.get("SalesTaxCodeRef") or {}).get("ListID", ""))
    return code is not None and code.ret.get("IsTaxable") == "true"


def _sum(lines: list[dict]) -> Decimal:
    return sum((to_decimal(line.get("Amount")) for line in lines), Decimal(0))


def zero_groups(kind: TxnKind, ret: dict) -> None:
    """A void zeroes the group members as it zeroes the lines."""
    for line in _members(kind, ret):
        line["Amount"] = "0.00"
        if "Quantity" in line:
            line["Quantity"] = "0"
