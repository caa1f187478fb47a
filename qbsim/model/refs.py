"""Which list a reference (``CustomerRef``, ``ItemRef``…) points into, and resolving it.

A reference carries a ListID, a FullName or both; QuickBooks uses the ListID when both are
given. A reference to nothing is status 3140 (3130 for a parent).
"""

from __future__ import annotations

from typing import Any

from qbsim import status
from qbsim.model.base import CompanyState, Record

ENTITY_KINDS = ("Customer", "Vendor", "Employee", "OtherName")
ITEM_KINDS = (
    "ItemService",
    "ItemInventory",
    "ItemNonInventory",
    "ItemOtherCharge",
    # Sales tax, discount, subtotal and group items (qbsim/model/salestax.py, txn_tax.py).
    "ItemSalesTax",
    "ItemSalesTaxGroup",
    "ItemDiscount",
    "ItemSubtotal",
    "ItemGroup",
)
SALES_TAX_ITEMS = ("ItemSalesTax", "ItemSalesTaxGroup")
TAX_CODE = ("SalesTaxCode",)
ACCOUNT = ("Account",)

# Reference element -> (kinds it may point to, the word QuickBooks uses in messages).
REF_KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "CustomerRef": (("Customer",), "Customer"),
    "VendorRef": (("Vendor",), "Vendor"),
    "EmployeeRef": (("Employee",), "Employee"),
    "EntityRef": (ENTITY_KINDS, "Entity"),
    "PayeeEntityRef": (ENTITY_KINDS, "Entity"),
    "ItemRef": (ITEM_KINDS, "Item"),
    "ClassRef": (("Class",), "Class"),
    "TermsRef": (("StandardTerms",), "Terms"),
    "PrefVendorRef": (("Vendor",), "Vendor"),
    "SupervisorRef": (("Employee",), "Employee"),
}
for _name in (
    "AccountRef",
    "ARAccountRef",
    "APAccountRef",
    "IncomeAccountRef",
    "ExpenseAccountRef",
    "COGSAccountRef",
    "AssetAccountRef",
    "DepositToAccountRef",
    "BankAccountRef",
    "CreditCardAccountRef",
    "PrefillAccountRef",
    "TaxOnPurchasesAccountRef",
    "TaxOnSalesAccountRef",
):
    REF_KINDS[_name] = (ACCOUNT, "Account")

# Lists qbsim does not model as records but QuickBooks companies always have: a reference to
# one of these names is accepted; anything else is 3140 as in QuickBooks.
FIXED_LISTS: dict[str, tuple[str, ...]] = {
    "PaymentMethodRef": ("Cash", "Check", "Visa", "MasterCard", "American Express", "E-Check"),
    "PreferredPaymentMethodRef": ("Cash", "Check", "Visa", "MasterCard", "American Express"),
    "ShipMethodRef": ("UPS", "FedEx", "USPS", "DHL"),
    "CustomerTypeRef": ("Commercial", "Residential", "Retail", "Wholesale"),
    "VendorTypeRef": ("Consultant", "Supplies", "Subcontractor", "Service Providers"),
    "CustomerMsgRef": ("Thank you for your business.", "Please remit to above address."),
    # Each form's default template (qbsim/model/txn_forms.py DEFAULT_TEMPLATES).
    "TemplateRef": (
        "Intuit Service Invoice",
        "Intuit Product Invoice",
        "Custom Sales Receipt",
        "Custom Purchase Order",
        "Custom Credit Memo",
        "Custom Sales Order",
        "Custom Estimate",
    ),
}


def fixed_ref(element: str, ref: dict[str, Any], in_object: str, line: bool) -> dict:
    """The entry of a fixed list (``FIXED_LISTS``) a reference names; 3140 for none."""
    allowed = FIXED_LISTS[element]
    name = ref.get("FullName") or ref.get("ListID") or ""
    match = next((v for v in allowed if v.casefold() == str(name).casefold()), None)
    if match is None:
        label = element.removesuffix("Ref")
        raise status.bad_reference(label, str(name), in_object, line)
    return {"ListID": f"FIXED-{allowed.index(match) + 1:04d}", "FullName": match}


def find_named(state: CompanyState, kinds: tuple[str, ...], ref: dict[str, Any]) -> Record | None:
    """The record a reference names (ListID first, then FullName, case-insensitive)."""
    if kinds is TAX_CODE and not state.records.get("SalesTaxCode"):
        seed_tax_codes(state)
    list_id = ref.get("ListID")
    if list_id:
        return state.find_any(kinds, list_id)
    full_name = str(ref.get("FullName", "")).casefold()
    for namespace in {namespace_of(kind) for kind in kinds}:
        record = state.names.get((namespace, full_name))
        if record is not None and record.kind in kinds:
            return record
    return None


def namespace_of(kind: str) -> str:
    """Names are unique within a namespace: the four entity lists share one (QuickBooks rule)."""
    if kind in ENTITY_KINDS:
        return "entity"
    if kind in ITEM_KINDS:
        return "item"
    return kind


def display_name(record: Record) -> str:
    return record.ret.get("FullName") or record.ret.get("Name") or record.id


def resolve_refs(
    state: CompanyState, data: Any, in_object: str, line: bool = False, skip: tuple = ()
) -> None:
    """Fill ListID and FullName of every reference in ``data``; 3140 for one to nothing."""
    if isinstance(data, list):
        for item in data:
            resolve_refs(state, item, in_object, line, skip)
        return
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        if not isinstance(value, (dict, list)) or key in skip:
            continue  # a plain value holds no reference
        if key in REF_KINDS and isinstance(value, list):  # a repeated reference
            for one in value:
                _resolve_one(state, key, one, in_object, line)
        elif key.endswith("Ref") and isinstance(value, dict) and key in REF_KINDS:
            _resolve_one(state, key, value, in_object, line)
        elif key.endswith("Ref") and isinstance(value, dict) and key in FIXED_LISTS:
            data[key] = fixed_ref(key, value, in_object, line)
        elif isinstance(value, (dict, list)):
            nested_line = line or "Line" in key
            resolve_refs(state, value, in_object, nested_line, skip)


def _resolve_one(state: CompanyState, key: str, ref: dict, in_object: str, line: bool) -> None:
    kinds, word = REF_KINDS[key]
    record = find_named(state, kinds, ref)
    if record is None:
        shown = ref.get("FullName") or ref.get("ListID") or ""
        raise status.bad_reference(word, str(shown), in_object, line)
    ref.clear()
    ref.update({"ListID": record.id, "FullName": display_name(record)})


# A new company's sales tax codes. Their ListIDs are the ones qbsim gave the two codes when it
# held them as a fixed list, so stored references keep pointing at them. QuickBooks creates
# "Tax" (taxable) and "Non" (non-taxable) in every US company file (QBXML-NOTES §14; the
# captures CBINV, MOZU, QBXG-SR and BILLASH name them); their descriptions are inferred.
DEFAULT_TAX_CODES = (
    ("FIXED-0001", "Tax", "true", "Taxable Sales"),
    ("FIXED-0002", "Non", "false", "Non-Taxable Sales"),
)


def seed_tax_codes(state: CompanyState) -> None:
    """Give the company its default sales tax codes (once, before the list is first used)."""
    stamp = state.stamp()
    # In the order the journal replays names (sorted), so a reopened company is the same.
    for list_id, name, taxable, desc in sorted(DEFAULT_TAX_CODES, key=lambda c: c[1].casefold()):
        ret = {
            "ListID": list_id,
            "TimeCreated": stamp.text,
            "TimeModified": stamp.text,
            "EditSequence": str(stamp.seconds),
            "Name": name,
            "IsActive": "true",
            "IsTaxable": taxable,
            "Desc": desc,
        }
        record = Record("SalesTaxCode", list_id, ret, stamp.moment, stamp.moment, stamp.seconds)
        state.table("SalesTaxCode")[list_id] = record
        state.names[("SalesTaxCode", name.casefold())] = record
        if state.changes is not None:
            state.changes[("SalesTaxCode", list_id)] = None


def references_to(state: CompanyState, list_id: str) -> Record | None:
    """The first record whose data references ``list_id`` (a list element in use)."""
    for table in state.records.values():
        for record in table.values():
            if record.id != list_id and _mentions(record.ret, list_id):
                return record
    return None


def _mentions(data: Any, list_id: str) -> bool:
    if isinstance(data, dict):
        for key, value in data.items():
            if key.endswith("Ref") and isinstance(value, dict) and value.get("ListID") == list_id:
                return True
            if isinstance(value, (dict, list)) and _mentions(value, list_id):
                return True
    elif isinstance(data, list):
        return any(_mentions(item, list_id) for item in data)
    return False


# References only transactions carry (qbsim/model/txn*.py).
REF_KINDS.update(
    {
        "ItemServiceRef": (("ItemService",), "Item"),
        "OverrideItemAccountRef": (ACCOUNT, "Account"),
        "ShipToEntityRef": (ENTITY_KINDS, "Entity"),
    }
)
# Sales tax: codes are records of the SalesTaxCode list; the tax item a customer or a sales
# form names may be a sales tax item or a sales tax group (BILLASH names a group).
REF_KINDS.update(
    {
        "SalesTaxCodeRef": (TAX_CODE, "SalesTaxCode"),
        "CustomerSalesTaxCodeRef": (TAX_CODE, "CustomerSalesTaxCode"),
        "PurchaseTaxCodeRef": (TAX_CODE, "PurchaseTaxCode"),
        "ItemSalesTaxRef": (SALES_TAX_ITEMS, "ItemSalesTax"),
        "ItemPurchaseTaxRef": (("ItemSalesTax",), "ItemPurchaseTax"),
        "ItemGroupRef": (("ItemGroup",), "ItemGroup"),
        "TaxVendorRef": (("Vendor",), "Vendor"),
    }
)
