"""Transaction lines: an Add's lines as QuickBooks stores them, and a Mod's line semantics.

Amount is Quantity x Rate (Cost on bill item lines) rounded to cents when not given; an item's
price and description fill Rate and Desc when they are missing, as QuickBooks' forms do. A Mod
that names lines of a list replaces that list: lines given by TxnLineID are kept (and
changed), ``-1`` adds one, every line left out is deleted; a Mod that names none keeps them.
New lines get ``TxnLineID`` None until the record's time is known (``assign_line_ids``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from qbsim import status
from qbsim.model import refs
from qbsim.model.base import CompanyState, money, to_decimal
from qbsim.model.retdata import merge, shape
from qbsim.model.txn_kinds import GROUP_LINES, LineList, TxnKind, line_node

NEW_LINE = "-1"
_JOURNAL = {"Debit": "JournalDebitLine", "Credit": "JournalCreditLine"}


_CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Round money the way an invoice total is rounded: to cents, halves up."""
    return value.quantize(_CENT, ROUND_HALF_UP)


# -- Add --------------------------------------------------------------------------------
def build_lines(state: CompanyState, kind: TxnKind, data: dict[str, Any]) -> dict[str, list]:
    """The Ret line lists of an Add request (``{"InvoiceLineRet": [...]}``)."""
    out: dict[str, list] = {}
    for lines in kind.lines:
        given = data.get(lines.add)
        if given:
            out[lines.ret] = [new_line(state, kind, lines, one) for one in given]
    return out


def new_line(state: CompanyState, kind: TxnKind, lines: LineList, data: dict) -> dict:
    """One new Ret line from request data (``TxnLineID`` still to assign)."""
    if "TxnLineID" in data:
        data = {k: v for k, v in data.items() if k != "TxnLineID"}
    line = shape(data, line_node(kind.name, lines.ret))
    line["TxnLineID"] = None
    _fill_from_item(state, kind, lines, line)
    line["Amount"] = _amount(line, lines.price, given="Amount" in data)
    return line


def _amount(line: dict, price: str | None, given: bool) -> str:
    if given or price is None or price not in line:
        return money(to_decimal(line.get("Amount")))
    quantity = to_decimal(line.get("Quantity"), "1")
    return f"{cents(quantity * to_decimal(line[price])):f}"  # money() of a value in cents


def _fill_from_item(state: CompanyState, kind: TxnKind, lines: LineList, line: dict) -> None:
    ref = line.get("ItemRef")
    if not ref or lines.price is None:
        return
    item = state.find_any(refs.ITEM_KINDS, ref["ListID"])
    if item is None:
        return
    desc, price = item_defaults(item.ret, kind.buying)
    if desc and "Desc" not in line:
        line["Desc"] = desc
    if price and lines.price not in line and "Amount" not in line:
        line[lines.price] = price


def item_defaults(item: dict[str, Any], buying: bool) -> tuple[str | None, str | None]:
    """An item's description and unit price for a sales (or purchase) line."""
    single = item.get("SalesOrPurchase")
    if single:
        return single.get("Desc"), single.get("Price")
    side = item.get("SalesAndPurchase", item)
    if buying:
        return side.get("PurchaseDesc"), side.get("PurchaseCost")
    return side.get("SalesDesc"), side.get("SalesPrice")


def assign_line_ids(state: CompanyState, kind: TxnKind, ret: dict, moment: datetime) -> None:
    """Give every new line a TxnLineID (same counter and form as TxnIDs, as QuickBooks does)."""
    seconds = int(moment.timestamp())
    for tag in kind.line_lists:
        _new_ids(state, ret.get(tag, ()), seconds)
    stem = GROUP_LINES.get(kind.name)
    for group in ret.get(f"{stem}Ret", ()) if stem else ():
        _new_ids(state, (group,), seconds)  # a group, then its members: consecutive IDs (GRP)
        _new_ids(state, group.get(f"{kind.name}LineRet", ()), seconds)


def _new_ids(state: CompanyState, lines: Any, seconds: int) -> None:
    for line in lines:
        if line.get("TxnLineID") is None:
            line["TxnLineID"] = state.id_at(seconds)


# -- Mod --------------------------------------------------------------------------------
def mod_lines(
    state: CompanyState, kind: TxnKind, current: dict, data: dict[str, Any]
) -> dict[str, list]:
    """The line lists a Mod replaces (lists it does not name are absent from the answer)."""
    if kind.name == "JournalEntry":
        return _mod_journal(state, kind, current, data.get("JournalLineMod"))
    out: dict[str, list] = {}
    for lines in kind.lines:
        existing = current.get(lines.ret, [])
        if lines.clear and data.get(lines.clear) in ("true", "1"):
            existing = out[lines.ret] = []
        mods = data.get(lines.mod)
        if mods is not None:
            by_id = {line["TxnLineID"]: line for line in existing}
            out[lines.ret] = [_mod_one(state, kind, lines, by_id, mod) for mod in mods]
    return out


def _mod_one(
    state: CompanyState, kind: TxnKind, lines: LineList, by_id: dict[str, dict], mod: dict
) -> dict:
    if mod["TxnLineID"] == NEW_LINE:
        return new_line(state, kind, lines, mod)
    old = by_id.get(mod["TxnLineID"])
    if old is None:
        raise status.not_found(mod["TxnLineID"])
    changes = {k: v for k, v in mod.items() if k != "TxnLineID"}
    line = merge(old, changes, line_node(kind.name, lines.ret))
    line["TxnLineID"] = old["TxnLineID"]
    repriced = lines.price is not None and ({"Quantity", lines.price} & changes.keys())
    if "Amount" in changes or repriced:
        line["Amount"] = _amount(line, lines.price, given="Amount" in changes)
    return line


def _mod_journal(
    state: CompanyState, kind: TxnKind, current: dict, mods: list[dict] | None
) -> dict[str, list]:
    """JournalLineMod: one list for both sides; JournalLineType says (or moves) the side."""
    if mods is None:
        return {}
    by_id = {}
    for side, tag in _JOURNAL.items():
        for line in current.get(tag, []):
            by_id[line["TxnLineID"]] = (side, line)
    out: dict[str, list] = {tag: [] for tag in _JOURNAL.values()}
    for mod in mods:
        side = mod.get("JournalLineType") or by_id.get(mod["TxnLineID"], ("", None))[0]
        if not side:
            raise status.missing_element("JournalLineType")
        lines = next(one for one in kind.lines if one.ret == _JOURNAL[side])
        known = {line_id: line for line_id, (_, line) in by_id.items()}
        out[lines.ret].append(_mod_one(state, kind, lines, known, mod))
    return out


def line_total(kind: TxnKind, ret: dict, tags: tuple[str, ...] | None = None) -> Decimal:
    """The sum of the Amounts of a transaction's lines (of ``tags``, default all lists)."""
    total = Decimal(0)
    for tag in kind.line_lists if tags is None else tags:
        for line in ret.get(tag, ()):
            total += to_decimal(line.get("Amount"))
    return total
