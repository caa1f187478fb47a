"""List records (customers and jobs, vendors, employees, items) to and from qbXML.

Each ``*_to_qb`` gives the body of an Add (``is_mod=False``) or a Mod (``is_mod=True``, which
leaves out what a Mod cannot change); each ``*_from_qb`` reads a ``…Ret`` into app fields.
Names are sent as the app holds them (the text policy refuses what QuickBooks cannot store);
terms and accounts travel by FullName, other references by ListID.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from syncengine.app.types import ITEM_KINDS
from syncengine.mapping.values import (
    EntityOf,
    QbIdOf,
    copy_fields,
    is_true,
    ref_full_name,
    ref_id,
    ref_name,
    resolve,
)

ADDRESS = (
    ("addr1", "Addr1"),
    ("addr2", "Addr2"),
    ("addr3", "Addr3"),
    ("city", "City"),
    ("state", "State"),
    ("postal_code", "PostalCode"),
    ("country", "Country"),
)
PERSON = (
    ("company_name", "CompanyName"),
    ("first_name", "FirstName"),
    ("last_name", "LastName"),
    ("email", "Email"),
    ("phone", "Phone"),
)
# Per account role an item uses: the account's default FullName and the type to create it as.
ITEM_ACCOUNTS = {
    "expense_account": ("Cost of Goods Sold", "CostOfGoodsSold"),
    "cogs_account": ("Cost of Goods Sold", "CostOfGoodsSold"),
    "asset_account": ("Inventory Asset", "OtherCurrentAsset"),
}
DEFAULT_INCOME = {
    "service": ("Services", "Income"),
    "non_inventory": ("Sales", "Income"),
    "other_charge": ("Other Income", "OtherIncome"),
    "inventory": ("Sales", "Income"),
    "discount": ("Sales Discounts", "Income"),
}
# Kinds that only appear on sales forms; of them only a discount posts to an account.
FORM_KINDS = ("sales_tax", "sales_tax_group", "discount", "subtotal", "group")
NO_ACCOUNT_KINDS = tuple(kind for kind in FORM_KINDS if kind not in DEFAULT_INCOME)
KIND_OF = {qb_type: kind for kind, qb_type in ITEM_KINDS.items()}


@cache
def _prefixed(prefix: str, pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """``pairs`` with each app field under ``prefix`` (``bill_city``); built once per prefix,
    the callers pass only the module's constant tuples."""
    return tuple((prefix + app, qb) for app, qb in pairs)


def _address_to(data: dict[str, Any], prefix: str) -> dict[str, Any]:
    return copy_fields(data, _prefixed(prefix, ADDRESS))


def _address_from(block: Any, prefix: str) -> dict[str, Any]:
    if not isinstance(block, dict):
        return {}
    return copy_fields(block, _prefixed(prefix, ADDRESS), reverse=True)


def _common_to(data: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    if "is_active" in data:
        body["IsActive"] = bool(data["is_active"])
    if data.get("terms"):
        body["TermsRef"] = ref_name(data["terms"])
    return body


def _common_from(ret: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
    out["is_active"] = is_true(ret.get("IsActive", "true"))
    terms = ref_full_name(ret.get("TermsRef"))
    if terms:
        out["terms"] = terms
    return out


# -- customers and jobs ---------------------------------------------------------------------
CUSTOMER_FIELDS = (
    "name",
    "parent",
    *(app for app, _ in PERSON),
    *(f"bill_{app}" for app, _ in ADDRESS),
    *(f"ship_{app}" for app, _ in ADDRESS),
    "terms",
    "is_active",
    "sales_tax_code",
)


def customer_to_qb(data: dict[str, Any], qb_id_of: QbIdOf, is_mod: bool) -> dict[str, Any]:
    """A customer, or a job (a customer with a ``parent``) under its parent's ListID."""
    body: dict[str, Any] = {"Name": data["name"], **copy_fields(data, PERSON)}
    if data.get("parent"):
        body["ParentRef"] = ref_id(qb_id_of(data["parent"]))
    for prefix, element in (("bill_", "BillAddress"), ("ship_", "ShipAddress")):
        address = _address_to(data, prefix)
        if address:
            body[element] = address
    if data.get("sales_tax_code"):
        body["SalesTaxCodeRef"] = ref_name(data["sales_tax_code"])
    return _common_to(data, body)


def customer_from_qb(ret: dict[str, Any], entity_of: EntityOf) -> dict[str, Any]:
    out: dict[str, Any] = {"name": ret["Name"], **copy_fields(ret, PERSON, reverse=True)}
    if ret.get("ParentRef"):
        out["parent"] = resolve(entity_of, "customer", ret["ParentRef"])
    out.update(_address_from(ret.get("BillAddress"), "bill_"))
    out.update(_address_from(ret.get("ShipAddress"), "ship_"))
    code = ref_full_name(ret.get("SalesTaxCodeRef"))
    if code:
        out["sales_tax_code"] = code
    return _common_from(ret, out)


# -- vendors ----------------------------------------------------------------------------------
VENDOR_FIELDS = (
    "name",
    *(app for app, _ in PERSON),
    *(app for app, _ in ADDRESS),
    "terms",
    "account_number",
    "is_active",
)


def vendor_to_qb(data: dict[str, Any], qb_id_of: QbIdOf, is_mod: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"Name": data["name"], **copy_fields(data, PERSON)}
    address = _address_to(data, "")
    if address:
        body["VendorAddress"] = address
    body.update(copy_fields(data, (("account_number", "AccountNumber"),)))
    return _common_to(data, body)


def vendor_from_qb(ret: dict[str, Any], entity_of: EntityOf) -> dict[str, Any]:
    out: dict[str, Any] = {"name": ret["Name"], **copy_fields(ret, PERSON, reverse=True)}
    out.update(_address_from(ret.get("VendorAddress"), ""))
    out.update(copy_fields(ret, (("account_number", "AccountNumber"),), reverse=True))
    return _common_from(ret, out)


# -- employees --------------------------------------------------------------------------------
EMPLOYEE_FIELDS = (
    "name",
    "first_name",
    "last_name",
    "email",
    "phone",
    *(app for app, _ in ADDRESS),
    "is_active",
)


def employee_to_qb(data: dict[str, Any], qb_id_of: QbIdOf, is_mod: bool) -> dict[str, Any]:
    body = copy_fields(data, (("name", "Name"), *PERSON[1:]))
    address = _address_to(data, "")
    if address:
        body["EmployeeAddress"] = address
    if "is_active" in data:
        body["IsActive"] = bool(data["is_active"])
    return body


def employee_from_qb(ret: dict[str, Any], entity_of: EntityOf) -> dict[str, Any]:
    out = copy_fields(ret, (("name", "Name"), *PERSON[1:]), reverse=True)
    out.update(_address_from(ret.get("EmployeeAddress"), ""))
    out["is_active"] = is_true(ret.get("IsActive", "true"))
    return out


# -- items ------------------------------------------------------------------------------------
ITEM_FIELDS = (
    "name",
    "description",
    "purchase_description",
    "price",
    "cost",
    "income_account",
    "expense_account",
    "cogs_account",
    "asset_account",
    "quantity_on_hand",
    "is_active",
    "rate_percent",
    "sales_tax_code",
    "members",
)


def item_accounts(data: dict[str, Any]) -> dict[str, str]:
    """The accounts an item needs in QuickBooks (FullName → account type to create it as)."""
    income = DEFAULT_INCOME.get(data["kind"])
    types = {"income_account": income[1]} if income else {}
    types.update({role: kind for role, (_name, kind) in ITEM_ACCOUNTS.items()})
    accounts: dict[str, str] = {}
    for role, name in item_account_names(data).items():
        accounts.setdefault(name, types[role])
    return accounts


def item_account_names(data: dict[str, Any]) -> dict[str, str]:
    """Each account role the item uses → the account's FullName (the app's or the default)."""
    kind = data["kind"]
    if kind in FORM_KINDS and kind != "discount":
        return {}
    roles = {"income_account": DEFAULT_INCOME[kind][0]}
    if kind == "inventory":
        roles["cogs_account"] = ITEM_ACCOUNTS["cogs_account"][0]
        roles["asset_account"] = ITEM_ACCOUNTS["asset_account"][0]
    elif _buys_and_sells(data):
        roles["expense_account"] = ITEM_ACCOUNTS["expense_account"][0]
    return {role: data.get(role) or default for role, default in roles.items()}


def _buys_and_sells(data: dict[str, Any]) -> bool:
    return any(data.get(k) for k in ("cost", "expense_account", "purchase_description"))


def item_to_qb(data: dict[str, Any], qb_id_of: QbIdOf, is_mod: bool) -> dict[str, Any]:
    """An item of its kind; a service, non-inventory or other-charge item that is also bought
    goes as SalesAndPurchase, else SalesOrPurchase (the ``…Mod`` forms in a Mod)."""
    body: dict[str, Any] = {"Name": data["name"]}
    if "is_active" in data:
        body["IsActive"] = bool(data["is_active"])
    accounts = {role: ref_name(name) for role, name in item_account_names(data).items()}
    if data["kind"] in FORM_KINDS:
        body.update(_form_item_to(data, accounts, qb_id_of, is_mod))
        return body
    if data.get("sales_tax_code"):
        body["SalesTaxCodeRef"] = ref_name(data["sales_tax_code"])
    if data["kind"] == "inventory":
        body.update(_inventory_to(data, accounts, is_mod))
    elif _buys_and_sells(data):
        part = copy_fields(data, _SALES_AND_PURCHASE)
        part["IncomeAccountRef"] = accounts["income_account"]
        part["ExpenseAccountRef"] = accounts["expense_account"]
        body["SalesAndPurchaseMod" if is_mod else "SalesAndPurchase"] = part
    else:
        part = copy_fields(data, (("description", "Desc"), ("price", "Price")))
        part["AccountRef"] = accounts["income_account"]
        body["SalesOrPurchaseMod" if is_mod else "SalesOrPurchase"] = part
    return body


_SALES_AND_PURCHASE = (
    ("description", "SalesDesc"),
    ("price", "SalesPrice"),
    ("purchase_description", "PurchaseDesc"),
    ("cost", "PurchaseCost"),
)


def _form_item_to(
    data: dict[str, Any], accounts: dict[str, Any], qb_id_of: QbIdOf, is_mod: bool
) -> dict[str, Any]:
    """A sales tax, discount, subtotal or group item: ItemDesc, and the rate, code, account or
    members its kind has (a Mod sends a group's members again, replacing them, or clears)."""
    kind = data["kind"]
    body = copy_fields(data, (("description", "ItemDesc"),))
    if kind == "sales_tax":
        body.update(copy_fields(data, (("rate_percent", "TaxRate"),)))
    elif kind == "discount":
        if data.get("sales_tax_code"):
            body["SalesTaxCodeRef"] = ref_name(data["sales_tax_code"])
        body.update(copy_fields(data, (("price", "DiscountRate"),)))
        body.update(copy_fields(data, (("rate_percent", "DiscountRatePercent"),)))
        body["AccountRef"] = accounts["income_account"]
    elif kind == "sales_tax_group":  # its members are sales tax items, sent whole
        body["ItemSalesTaxRef"] = [ref_id(qb_id_of(m["item"])) for m in data.get("members", [])]
    elif kind == "group":  # members replace the group's (the XSD: these or ClearItemsInGroup)
        members = [_member_to(m, qb_id_of) for m in data.get("members", [])]
        if members:
            body["ItemGroupLine"] = members
        elif is_mod:
            body["ClearItemsInGroup"] = True
    return body


def _member_to(member: dict[str, Any], qb_id_of: QbIdOf) -> dict[str, Any]:
    out: dict[str, Any] = {"ItemRef": ref_id(qb_id_of(member["item"]))}
    return out | copy_fields(member, (("quantity", "Quantity"),))


def _form_item_from(ret: dict[str, Any], entity_of: EntityOf, kind: str) -> dict[str, Any]:
    out = copy_fields(ret, (("description", "ItemDesc"),), reverse=True)
    pairs = {
        "sales_tax": (("rate_percent", "TaxRate"),),
        "discount": (("price", "DiscountRate"), ("rate_percent", "DiscountRatePercent")),
    }.get(kind, ())
    out.update(copy_fields(ret, pairs, reverse=True))
    code = ref_full_name(ret.get("SalesTaxCodeRef"))
    if code:
        out["sales_tax_code"] = code
    if kind == "discount":
        out.update(_accounts_from(ret, (("income_account", "AccountRef"),)))
    members = [
        {"item": resolve(entity_of, "item", m["ItemRef"]), **copy_fields(m, _QTY, reverse=True)}
        for m in ret.get("ItemGroupLine", [])
    ]
    members += [{"item": resolve(entity_of, "item", r)} for r in ret.get("ItemSalesTaxRef", [])]
    if members:
        out["members"] = members
    return out


_QTY = (("quantity", "Quantity"),)


def _inventory_to(data: dict[str, Any], accounts: dict[str, Any], is_mod: bool) -> dict[str, Any]:
    body = copy_fields(data, _SALES_AND_PURCHASE)
    body["IncomeAccountRef"] = accounts["income_account"]
    body["COGSAccountRef"] = accounts["cogs_account"]
    body["AssetAccountRef"] = accounts["asset_account"]
    if not is_mod:  # on hand changes by inventory adjustment, never by ItemInventoryMod
        body.update(copy_fields(data, (("quantity_on_hand", "QuantityOnHand"),)))
    return body


def item_from_qb(ret: dict[str, Any], entity_of: EntityOf, qb_type: str) -> dict[str, Any]:
    kind = KIND_OF[qb_type]
    out: dict[str, Any] = {"name": ret["Name"], "kind": kind}
    out["is_active"] = is_true(ret.get("IsActive", "true"))
    if kind in FORM_KINDS:
        return out | _form_item_from(ret, entity_of, kind)
    code = ref_full_name(ret.get("SalesTaxCodeRef"))
    if code:
        out["sales_tax_code"] = code
    if kind == "inventory":
        out.update(copy_fields(ret, _SALES_AND_PURCHASE, reverse=True))
        out.update(copy_fields(ret, (("quantity_on_hand", "QuantityOnHand"),), reverse=True))
        out.update(_accounts_from(ret, _INVENTORY_ACCOUNTS))
    elif isinstance(ret.get("SalesAndPurchase"), dict):
        part = ret["SalesAndPurchase"]
        out.update(copy_fields(part, _SALES_AND_PURCHASE, reverse=True))
        out.update(_accounts_from(part, _SALES_AND_PURCHASE_ACCOUNTS))
    elif isinstance(ret.get("SalesOrPurchase"), dict):
        part = ret["SalesOrPurchase"]
        out.update(copy_fields(part, (("description", "Desc"), ("price", "Price")), reverse=True))
        out.update(_accounts_from(part, (("income_account", "AccountRef"),)))
    return out


_INVENTORY_ACCOUNTS = (
    ("income_account", "IncomeAccountRef"),
    ("cogs_account", "COGSAccountRef"),
    ("asset_account", "AssetAccountRef"),
)
_SALES_AND_PURCHASE_ACCOUNTS = (
    ("income_account", "IncomeAccountRef"),
    ("expense_account", "ExpenseAccountRef"),
)


def _accounts_from(block: dict[str, Any], pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    out = {}
    for app, qb in pairs:
        name = ref_full_name(block.get(qb))
        if name:
            out[app] = name
    return out
