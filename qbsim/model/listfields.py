"""How the fields of a list Add or Mod become the fields QuickBooks returns in the Ret.

Most fields keep their name; these do not, and are converted here:

- ``OpenBalance`` (Customer, Vendor, Account) becomes ``Balance`` (and ``TotalBalance``, rolled
  up to the parents); ``OpenBalanceDate`` is not returned.
- ``Contacts``/``ContactsMod`` become ``ContactsRet`` (with their own ListID, times,
  EditSequence and a ``Contact`` full name); ``AdditionalNotes``/``AdditionalNotesMod`` become
  ``AdditionalNotesRet`` (NoteID, Date, Note).
- ``BarCode`` (an aggregate) becomes ``BarCodeValue``; ``TaxLineID`` becomes
  ``TaxLineInfoRet``.
- ``SalesOrPurchaseMod``/``SalesAndPurchaseMod``/``EmployeePayrollInfoMod`` change
  ``SalesOrPurchase``/``SalesAndPurchase``/``EmployeePayrollInfo``; the ``Apply…ToExistingTxns``
  and ``ForceUOMChange`` switches act once and are not stored.
- ``ItemInventoryAdd``'s ``QuantityOnHand``/``TotalValue`` set ``AverageCost``;
  ``InventoryDate`` is not returned.
- Address blocks (``BillAddressBlock``…) are derived from the addresses.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qbsim import status
from qbsim.model.base import CompanyState, Record, money, qb_datetime, to_decimal
from qbsim.model.retdata import add_address_blocks, merge, ret_node, shape

NAME_PARTS = ("Salutation", "FirstName", "MiddleName", "LastName")
_PERSON = ("FirstName", "MiddleName", "LastName")
_MAX_NAME = 41
_SALES_ITEMS = ("ItemService", "ItemNonInventory", "ItemOtherCharge")
# Inferred from QuickBooks' statement of cash flows: which section an account type feeds.
CASH_FLOW = {
    "AccountsReceivable": "Operating",
    "OtherCurrentAsset": "Operating",
    "AccountsPayable": "Operating",
    "CreditCard": "Operating",
    "OtherCurrentLiability": "Operating",
    "FixedAsset": "Investing",
    "OtherAsset": "Investing",
    "LongTermLiability": "Financing",
    "Equity": "Financing",
    "Bank": "NotApplicable",
    "NonPosting": "NotApplicable",
}
_DEFAULTS: dict[str, dict[str, str]] = {
    "Customer": {"JobStatus": "None"},
    "Vendor": {"IsVendorEligibleFor1099": "false"},
    "ItemInventory": {"QuantityOnHand": "0", "QuantityOnOrder": "0", "QuantityOnSalesOrder": "0"},
    "StandardTerms": {"StdDueDays": "0", "StdDiscountDays": "0", "DiscountPct": "0.00"},
}


# -- names ----------------------------------------------------------------------------
def person_name(data: dict[str, Any]) -> str:
    """An employee's name as QuickBooks lists it: first, middle and last name."""
    return " ".join(data[part] for part in _PERSON if data.get(part))


def element_name(kind: str, data: dict[str, Any]) -> str:
    """The Name of a new element; an employee without one is named from its name parts.

    An employee with neither is 3150 and a composed name over 41 characters 3070 (both
    inferred: QuickBooks' own dialog requires a first or last name).
    """
    if kind == "Employee":
        check_employee(data)
    named = kind != "Employee" or data.get("Name")
    name = data["Name"] if named else person_name(data)
    if not name:
        raise status.missing_element("FirstName")
    if len(name) > _MAX_NAME:
        raise status.string_too_long(name, "Name")
    return name


def rename_employee(kind: str, ret: dict[str, Any], data: dict[str, Any]) -> None:
    """A Mod of an employee's name parts renames it, unless the Mod names it explicitly."""
    if kind != "Employee":
        return
    check_employee(data)
    if "Name" in data or not any(p in data for p in NAME_PARTS):
        return
    if ret.get("Name") != person_name(ret):
        return
    parts = {part: data.get(part, ret.get(part, "")) for part in NAME_PARTS}
    data["Name"] = element_name("Employee", parts)


def check_employee(data: dict[str, Any]) -> None:
    """What an employee Add or Mod must hold beyond the schema: a Name of at most 41
    characters (3070) and an SSN QuickBooks can store as ``123-45-6789`` (9 digits; any other
    value over 11 characters is 3210, wording inferred)."""
    if len(data.get("Name") or "") > _MAX_NAME:
        raise status.string_too_long(data["Name"], "Name")
    ssn = data.get("SSN")
    if not ssn:
        return
    digits = "".join(c for c in ssn if c.isdigit())
    if len(digits) == 9:
        data["SSN"] = f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
    elif len(ssn) > 11:
        raise status.invalid_value("SSN", ssn, "A Social Security Number has nine digits.")


# -- Add --------------------------------------------------------------------------------
def add_ret(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The Ret data of a new element from its (reference-resolved) Add data.

    The opening balance travels as ``Balance``; the caller books it. Contacts and notes still
    lack their IDs and dates: ``stamp`` gives them once the record exists.
    """
    node = ret_node(kind)
    data = dict(data)
    extra = _renamed_on_add(data)
    ret = shape(data, node)
    ret.update(extra)
    ret.setdefault("IsActive", "true")
    for field, value in _DEFAULTS.get(kind, {}).items():
        ret.setdefault(field, value)
    if kind == "Account" and "CashFlowClassification" in node.children:
        ret["CashFlowClassification"] = CASH_FLOW.get(ret["AccountType"], "None")
    if kind == "ItemInventory":
        _inventory_value(ret, data)
    add_address_blocks(ret, node)
    return ret


def _renamed_on_add(data: dict[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    opening = data.pop("OpenBalance", None)
    data.pop("OpenBalanceDate", None)
    data.pop("InventoryDate", None)
    if opening not in (None, ""):
        extra["Balance"] = money(to_decimal(opening))
    barcode = data.pop("BarCode", None)
    if isinstance(barcode, dict) and barcode.get("BarCodeValue"):
        extra["BarCodeValue"] = barcode["BarCodeValue"]
    tax_line = data.pop("TaxLineID", None)
    if tax_line:
        extra["TaxLineInfoRet"] = {"TaxLineID": str(int(tax_line))}
    contacts = data.pop("Contacts", None)
    if contacts:
        extra["ContactsRet"] = [_contact(c) for c in contacts]
    notes = data.pop("AdditionalNotes", None)
    if notes:
        extra["AdditionalNotesRet"] = [
            {"NoteID": str(n), "Note": note["Note"]} for n, note in enumerate(notes, start=1)
        ]
    return extra


def _contact(contact: dict[str, Any]) -> dict[str, Any]:
    entry = dict(contact)
    full = person_name(entry)
    if full:
        entry["Contact"] = full[:_MAX_NAME]
    return entry


def _inventory_value(ret: dict[str, Any], data: dict[str, Any]) -> None:
    """AverageCost from the opening quantity and value (value defaults to quantity x cost)."""
    quantity = to_decimal(ret.get("QuantityOnHand"))
    cost = to_decimal(ret.get("PurchaseCost"))
    total = to_decimal(data.get("TotalValue"), default=str(quantity * cost))
    average = total / quantity if quantity else cost
    ret["AverageCost"] = f"{average.quantize(Decimal('0.01')):f}"


def set_opening_balances(kind: str, ret: dict[str, Any]) -> None:
    """Zero balances where the Ret carries them (the opening balance is booked afterwards)."""
    for field in ("Balance", "TotalBalance"):
        if field in ret_node(kind).children:
            ret[field] = money(Decimal(0))


def require_accounts(kind: str, ret: dict[str, Any], *, adding: bool) -> None:
    """Items must name their accounts: 3150 on Add (inferred), 3190 when a Mod clears one."""
    for field, value in _accounts(kind, ret):
        if not value:
            raise status.missing_element(field) if adding else status.cannot_clear(field)


def _accounts(kind: str, ret: dict[str, Any]) -> list[tuple[str, Any]]:
    if kind == "ItemInventory":
        return [(f, ret.get(f)) for f in ("IncomeAccountRef", "COGSAccountRef", "AssetAccountRef")]
    if kind not in _SALES_ITEMS:
        return []
    if "SalesAndPurchase" in ret:
        both = ret["SalesAndPurchase"]
        return [(f, both.get(f)) for f in ("IncomeAccountRef", "ExpenseAccountRef")]
    return [("AccountRef", (ret.get("SalesOrPurchase") or {}).get("AccountRef"))]


# -- Mod --------------------------------------------------------------------------------
def mark_clears(data: dict[str, Any]) -> None:
    """A reference sent with an empty ListID and FullName clears it: mark it ``""``."""
    for key, value in list(data.items()):
        if isinstance(value, dict):
            if key.endswith("Ref") and not any(value.values()):
                data[key] = ""
            else:
                mark_clears(value)


def mod_changes(kind: str, ret: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """A Mod's fields under their Ret names (see the module docstring); 3120/3200 for a
    contact that does not exist or was changed since."""
    fields = ret_node(kind).children
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("Name", "ParentRef"):
            continue
        if key == "BarCode":
            changes["BarCodeValue"] = value.get("BarCodeValue", "") if value else ""
        elif key == "TaxLineID":
            changes["TaxLineInfoRet"] = {"TaxLineID": str(int(value))} if value else ""
        elif key == "ContactsMod":
            changes["ContactsRet"] = _contacts_after(ret.get("ContactsRet", []), value)
        elif key == "ClearItemsInGroup":  # ItemGroupMod: empty the group before ItemGroupLine
            if value in ("true", "1"):
                changes.setdefault("ItemGroupLine", "")
        elif key == "AdditionalNotesMod":
            changes["AdditionalNotesRet"] = _notes_after(ret.get("AdditionalNotesRet", []), value)
        elif key.endswith("Mod") and key[:-3] in fields:
            changes[key[:-3]] = value
        elif key in fields:
            changes[key] = value
    return changes


def _contacts_after(current: list[dict], mods: list[dict]) -> list[dict]:
    contacts = [dict(c) for c in current]
    by_id = {c.get("ListID"): c for c in contacts}
    for mod in mods:
        mod = dict(mod)
        list_id, sequence = mod.pop("ListID", None), mod.pop("EditSequence", None)
        if list_id is None:
            contacts.append(_contact(mod))
            continue
        contact = by_id.get(list_id)
        if contact is None:
            raise status.not_found(list_id)
        if sequence is not None and sequence != contact.get("EditSequence"):
            raise status.stale_edit_sequence(sequence)
        contact.update({k: v for k, v in mod.items() if v != ""})
        contact.update(_contact(contact))
        contact.pop("TimeModified", None)  # stamped again with the record
    return contacts


def _notes_after(current: list[dict], mods: list[dict]) -> list[dict]:
    notes = {n["NoteID"]: dict(n) for n in current}
    for mod in mods:
        note_id = str(int(mod["NoteID"]))
        notes.setdefault(note_id, {"NoteID": note_id})
        notes[note_id]["Note"] = mod["Note"]
        notes[note_id].pop("Date", None)
    return list(notes.values())


def merge_ret(kind: str, ret: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The Ret after a Mod: ``changes`` merged in, address blocks recomputed."""
    node = ret_node(kind)
    merged = merge(ret, changes, node)
    for field in ("ContactsRet", "AdditionalNotesRet"):
        if field in changes:
            merged[field] = changes[field]
    add_address_blocks(merged, node)
    return merged


# -- after the record is stored ---------------------------------------------------------
def stamp(state: CompanyState, record: Record) -> None:
    """Give new or changed contacts their ID, times and EditSequence, and notes their date."""
    moment = record.modified
    for contact in record.ret.get("ContactsRet", []):
        if "ListID" not in contact:
            contact["ListID"] = state.new_id(moment)
            contact["TimeCreated"] = qb_datetime(moment)
        if "TimeModified" not in contact:
            contact["TimeModified"] = qb_datetime(moment)
            contact["EditSequence"] = str(record.sequence)
    for note in record.ret.get("AdditionalNotesRet", []):
        note.setdefault("Date", moment.date().isoformat())
