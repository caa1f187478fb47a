"""Test helpers: build companies and talk to them in qbXML, with little ceremony.

Everything goes through real qbXML requests (``Company.process``), so the data a builder
leaves is exactly what QuickBooks would hold after the same requests::

    company = (
        CompanyBuilder()
        .terms("Net 30", due_days=30)
        .customer("Acme", TermsRef="Net 30")
        .job("Roof repair", customer="Acme")
        .item_service("Labor", price="85.00")
        .build()
    )
    ret = add(company, "Vendor", {"Name": "Bolt Supply"})
    rs = send(company, "CustomerQueryRq", {"ActiveStatus": "All"})

Field names are qbXML's; a ``str`` given for a field ending in ``Ref`` names the record by
FullName. A request QuickBooks refuses raises ``RequestRefused`` with its status.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree

from qbschema import safexml, schema
from qbsim.company import Company
from qbsim.model import refs
from qbsim.model.base import Record

QBXML_VERSION = "16.0"
_ITEM_ACCOUNTS = {
    "ItemService": ("Services", "Income"),
    "ItemNonInventory": ("Sales", "Income"),
    "ItemOtherCharge": ("Other Income", "OtherIncome"),
}
_INVENTORY_ACCOUNTS = {
    "IncomeAccountRef": ("Sales", "Income"),
    "COGSAccountRef": ("Cost of Goods Sold", "CostOfGoodsSold"),
    "AssetAccountRef": ("Inventory Asset", "OtherCurrentAsset"),
}


class RequestRefused(AssertionError):
    """A request the company answered with an error status; carries ``code`` and ``message``."""

    def __init__(self, request_type: str, code: int, message: str) -> None:
        self.request_type, self.code, self.message = request_type, code, message
        super().__init__(f"{request_type}: {code} {message}")


# -- documents ------------------------------------------------------------------------------
def request_xml(
    *requests: tuple[str, Mapping[str, Any]],
    on_error: str = "stopOnError",
    version: str = QBXML_VERSION,
    **msgs_attrs: str,
) -> str:
    """A request document holding ``(request type, body)`` pairs, children in schema order.

    Request attributes go in the body under ``"@"`` (``{"@": {"requestID": "1"}}``); keyword
    arguments become ``QBXMLMsgsRq`` attributes (``newMessageSetID=...``).
    """
    msgs = etree.Element("QBXMLMsgsRq", onError=on_error, **msgs_attrs)
    for request_type, body in requests:
        node = schema().request_node(request_type)
        msgs.append(schema().build(request_type, node, with_refs(dict(body))))
    root = etree.Element("QBXML")
    root.append(msgs)
    head = f'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="{version}"?>\n'
    return head + etree.tostring(root, encoding="unicode")


def with_refs(data: Any) -> Any:
    """Turn ``"Acme"`` given for a ``…Ref`` field into ``{"FullName": "Acme"}``, at any depth."""
    if isinstance(data, list):
        return [with_refs(item) for item in data]
    if not isinstance(data, dict):
        return data
    out = {}
    for key, value in data.items():
        if key.endswith("Ref") and isinstance(value, str):
            out[key] = {"FullName": value}
        else:
            out[key] = with_refs(value)
    return out


def responses(response: str) -> list[etree._Element]:
    """The ``xxxRs`` elements of a response document, in order."""
    root = safexml.parse(response)
    return [rs for rs in root.find("QBXMLMsgsRs") if isinstance(rs.tag, str)]


def rets(rs: etree._Element) -> list[dict[str, Any]]:
    """The ``…Ret`` records of one ``xxxRs`` element as plain data."""
    node = schema().response_node(rs.tag)
    return [
        schema().read(child, schema().node(node.children[child.tag].node))
        for child in rs
        if isinstance(child.tag, str) and child.tag.endswith("Ret")
    ]


# -- one request at a time ----------------------------------------------------------------
def send(company: Company, request_type: str, body: Mapping[str, Any] | None = None, **kw) -> Any:
    """Send one request; its ``xxxRs`` element (whatever the status)."""
    return responses(company.process(request_xml((request_type, body or {}), **kw)))[0]


def status_of(rs: etree._Element) -> tuple[int, str, str]:
    """``(statusCode, statusSeverity, statusMessage)`` of an ``xxxRs`` element."""
    return int(rs.get("statusCode")), rs.get("statusSeverity"), rs.get("statusMessage", "")


def expect_ok(request_type: str, rs: etree._Element) -> etree._Element:
    """``rs`` itself, or ``RequestRefused`` when its severity is Error."""
    code, severity, message = status_of(rs)
    if severity == "Error":
        raise RequestRefused(request_type, code, message)
    return rs


def add(company: Company, kind: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """``{kind}AddRq`` with ``fields``; the new record's Ret data."""
    rq = f"{kind}AddRq"
    return rets(expect_ok(rq, send(company, rq, {f"{kind}Add": dict(fields)})))[0]


def mod(company: Company, kind: str, ret: Mapping[str, Any], fields: Mapping[str, Any]) -> dict:
    """``{kind}ModRq`` on the record ``ret`` describes (its ListID, a transaction's TxnID,
    and its EditSequence)."""
    key = "TxnID" if "TxnID" in ret else "ListID"
    body = {key: ret[key], "EditSequence": ret["EditSequence"], **fields}
    rq = f"{kind}ModRq"
    return rets(expect_ok(rq, send(company, rq, {f"{kind}Mod": body})))[0]


def query(company: Company, kind: str, **filters: Any) -> list[dict[str, Any]]:
    """``{kind}QueryRq`` with ``filters``; the Ret data of every match (none: empty list)."""
    rq = f"{kind}QueryRq"
    return rets(expect_ok(rq, send(company, rq, filters)))


def find(company: Company, kind: str, full_name: str) -> Record | None:
    """The record of a kind with that FullName (case-insensitive), read from the state."""
    return refs.find_named(company.state, (kind,), {"FullName": full_name})


# -- the builder ------------------------------------------------------------------------------
class CompanyBuilder:
    """Fill a company through qbXML, one chained call per record; ``build()`` hands it over.

    Items name their accounts by FullName; an account the company lacks is added first with
    a sensible type (``Services``: Income, ``Cost of Goods Sold``: CostOfGoodsSold…).
    """

    def __init__(self, company: Company | None = None, **company_options: Any) -> None:
        self.company = company or Company(**company_options)

    def build(self) -> Company:
        """The company, holding everything added so far."""
        return self.company

    def add(self, kind: str, **fields: Any) -> CompanyBuilder:
        """Any ``{kind}AddRq`` with qbXML field names."""
        add(self.company, kind, fields)
        return self

    def account(self, name: str, account_type: str = "Income", **fields: Any) -> CompanyBuilder:
        return self.add("Account", Name=name, AccountType=account_type, **fields)

    def customer(self, name: str, **fields: Any) -> CompanyBuilder:
        return self.add("Customer", Name=name, **fields)

    def job(self, name: str, customer: str, **fields: Any) -> CompanyBuilder:
        """A job (a sub-customer) under the customer or job named ``customer``."""
        return self.add("Customer", Name=name, ParentRef=customer, **fields)

    def vendor(self, name: str, **fields: Any) -> CompanyBuilder:
        return self.add("Vendor", Name=name, **fields)

    def employee(self, first: str, last: str, **fields: Any) -> CompanyBuilder:
        return self.add("Employee", FirstName=first, LastName=last, **fields)

    def other_name(self, name: str, **fields: Any) -> CompanyBuilder:
        return self.add("OtherName", Name=name, **fields)

    def terms(self, name: str, due_days: int = 30, **fields: Any) -> CompanyBuilder:
        return self.add("StandardTerms", Name=name, StdDueDays=str(due_days), **fields)

    def klass(self, name: str, parent: str | None = None) -> CompanyBuilder:
        """A class (``class`` is a Python keyword), optionally under ``parent``."""
        extra = {"ParentRef": parent} if parent else {}
        return self.add("Class", Name=name, **extra)

    def item_service(self, name: str, price: str | None = None, **kw: Any) -> CompanyBuilder:
        return self._sales_item("ItemService", name, price, **kw)

    def item_non_inventory(self, name: str, price: str | None = None, **kw) -> CompanyBuilder:
        return self._sales_item("ItemNonInventory", name, price, **kw)

    def item_other_charge(self, name: str, price: str | None = None, **kw) -> CompanyBuilder:
        return self._sales_item("ItemOtherCharge", name, price, **kw)

    def item_inventory(
        self,
        name: str,
        price: str | None = None,
        cost: str | None = None,
        quantity: str | None = None,
        **fields: Any,
    ) -> CompanyBuilder:
        """An inventory item; its income, COGS and asset accounts default to the usual three."""
        for field, (account, account_type) in _INVENTORY_ACCOUNTS.items():
            fields.setdefault(field, self._ensure_account(account, account_type))
        given = {"SalesPrice": price, "PurchaseCost": cost, "QuantityOnHand": quantity}
        fields.update({k: v for k, v in given.items() if v is not None})
        return self.add("ItemInventory", Name=name, **fields)

    def _sales_item(self, kind: str, name: str, price: str | None, **fields: Any):
        account, account_type = _ITEM_ACCOUNTS[kind]
        account = fields.pop("account", None) or self._ensure_account(account, account_type)
        if "SalesAndPurchase" not in fields:
            sales = {"Price": price} if price is not None else {}
            fields.setdefault("SalesOrPurchase", {**sales, "AccountRef": account})
        return self.add(kind, Name=name, **fields)

    def _ensure_account(self, name: str, account_type: str) -> str:
        if find(self.company, "Account", name) is None:
            self.account(name, account_type)
        return name


__all__ = [
    "CompanyBuilder",
    "RequestRefused",
    "add",
    "expect_ok",
    "find",
    "mod",
    "query",
    "request_xml",
    "responses",
    "rets",
    "send",
    "status_of",
    "with_refs",
]
