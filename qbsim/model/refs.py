"""Which list a reference (``CustomerRef``, ``ItemRef``…) points into, and resolving it.

A reference carries a ListID, a FullName or both; QuickBooks uses the ListID when both are
given. A reference to nothing is status 3140 (3130 for a parent).
"""

from __future__ import annotations

from typing import Any

from qbsim import status
from qbsim.model.base import CompanyState, Record

ENTITY_KINDS = ("Customer", "Vendor", "Employee", "OtherName")
ITEM_KINDS = ("ItemService", "ItemInventory", "ItemNonInventory", "ItemOtherCharge")
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
    "SalesTaxCodeRef": ("Tax", "Non"),
    "CustomerSalesTaxCodeRef": ("Tax", "Non"),
    "PurchaseTaxCodeRef": ("Tax", "Non"),
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
        if key.endswith("Ref") and isinstance(value, dict) and key in REF_KINDS:
            kinds, word = REF_KINDS[key]
            record = find_named(state, kinds, value)
            if record is None:
                shown = value.get("FullName") or value.get("ListID") or ""
                raise status.bad_reference(word, str(shown), in_object, line)
            value.clear()
            value.update({"ListID": record.id, "FullName": display_name(record)})
        elif key.endswith("Ref") and isinstance(value, dict) and key in FIXED_LISTS:
            data[key] = fixed_ref(key, value, in_object, line)
        elif isinstance(value, (dict, list)):
            nested_line = line or "Line" in key
            resolve_refs(state, value, in_object, nested_line, skip)


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
