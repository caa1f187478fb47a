"""The app's entity types as data: fields (named as in QuickBooks, in snake_case), the QuickBooks
object each becomes, dependency order, sync area and source setting.

Lists: customer (a customer with a ``parent`` is a job, as QuickBooks calls sub-customers),
vendor, employee, item (kinds: service, inventory, non_inventory, other_charge).
Transactions: invoice, bill, payment, credit_memo, purchase_order, sales_receipt, time_entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from syncengine.app.fields import (
    Bool,
    Choice,
    Date,
    Duration,
    Email,
    Field,
    Money,
    Quantity,
    Ref,
    Text,
)
from syncengine.app.lines import Applications, Lines

MAX_SUBLEVEL = 5
"""QuickBooks nests jobs (sub-customers) at most five levels below a customer."""

ITEM_KINDS = {
    "service": "ItemService",
    "inventory": "ItemInventory",
    "non_inventory": "ItemNonInventory",
    "other_charge": "ItemOtherCharge",
}


def address(prefix: str) -> tuple[Field, ...]:
    """Address lines, city, state, postal code and country, each named with ``prefix``."""
    lines = tuple(Text(f"{prefix}addr{n}") for n in (1, 2, 3))
    rest = ("city", "state", "postal_code", "country")
    return lines + tuple(Text(f"{prefix}{name}", max_len=60) for name in rest)


def _person(required: bool = False) -> tuple[Field, ...]:
    return (
        Text("first_name", required=required, max_len=60),
        Text("last_name", required=required, max_len=60),
        Email("email"),
        Text("phone", max_len=30),
    )


def _txn(*fields: Field) -> tuple[Field, ...]:
    return (
        Text("ref_number", max_len=30),
        Date("txn_date"),
        *fields,
        Text("memo", max_len=4000, multiline=True),
    )


@dataclass(frozen=True)
class EntityType:
    """One entity type: its fields, QuickBooks object, and how it queues."""

    key: str
    is_list: bool
    fields: tuple[Field, ...]
    qb_type: str
    dep_order: int
    name_field: str = "name"
    defaults: Mapping[str, Any] = field(default_factory=dict)
    area: str | None = None
    source_setting: str | None = None

    @cached_property
    def by_name(self) -> dict[str, Field]:
        """The fields keyed by name."""
        return {f.name: f for f in self.fields}

    @cached_property
    def required(self) -> tuple[str, ...]:
        """Names of the fields every record must have."""
        return tuple(f.name for f in self.fields if f.required)

    def field(self, name: str) -> Field | None:
        """The field called ``name``, or None."""
        return self.by_name.get(name)

    def qb_type_of(self, data: Mapping[str, Any]) -> str:
        """The QuickBooks object a record of this type becomes (items: by kind)."""
        return ITEM_KINDS[data["kind"]] if self.key == "item" else self.qb_type


_LIST_TYPES = (
    EntityType(
        "customer",
        True,
        (
            Text("name", required=True),
            Ref("parent", entity_type="customer"),
            Text("company_name"),
            *_person(),
            *address("bill_"),
            *address("ship_"),
            Text("terms"),
            Bool("is_active"),
        ),
        "Customer",
        20,
        defaults={"is_active": True},
    ),
    EntityType(
        "vendor",
        True,
        (
            Text("name", required=True),
            Text("company_name"),
            *_person(),
            *address(""),
            Text("terms"),
            Text("account_number"),
            Bool("is_active"),
        ),
        "Vendor",
        30,
        defaults={"is_active": True},
    ),
    EntityType(
        "employee",
        True,
        (Text("name"), *_person(required=True), *address(""), Bool("is_active")),
        "Employee",
        40,
        defaults={"is_active": True},
    ),
    EntityType(
        "item",
        True,
        (
            Text("name", required=True),
            Choice("kind", options=tuple(ITEM_KINDS)),
            Text("description", max_len=4000, multiline=True),
            Text("purchase_description", max_len=4000, multiline=True),
            Money("price", places=5),
            Money("cost", places=5),
            Text("income_account", max_len=200),
            Text("expense_account", max_len=200),
            Text("cogs_account", max_len=200),
            Text("asset_account", max_len=200),
            Quantity("quantity_on_hand"),
            Bool("is_active"),
        ),
        "Item",
        10,
        defaults={"is_active": True},
    ),
)

_CUSTOMER = Ref("customer", entity_type="customer")
_VENDOR = Ref("vendor", entity_type="vendor")


def _txn_type(
    key: str, qb_type: str, area: str, fields: tuple[Field, ...], **options: Any
) -> EntityType:
    options.setdefault("dep_order", 60)
    options.setdefault("name_field", "ref_number")
    return EntityType(key, False, fields, qb_type, area=area, **options)


_TXN_TYPES = (
    _txn_type(
        "invoice",
        "Invoice",
        "customer_invoices",
        _txn(
            _CUSTOMER,
            Choice("source", options=("billing", "ship_document")),
            Date("due_date"),
            Text("terms"),
            Text("po_number", max_len=30),
            Lines("lines"),
        ),
        defaults={"source": "billing"},
        source_setting="sources.invoice",
    ),
    _txn_type(
        "bill",
        "Bill",
        "vendor_invoices",
        _txn(
            _VENDOR,
            Choice("source", options=("vendor_invoice", "receiver")),
            Date("due_date"),
            Text("terms"),
            Lines("lines"),
        ),
        defaults={"source": "vendor_invoice"},
        source_setting="sources.bill",
    ),
    _txn_type(
        "payment",
        "ReceivePayment",
        "customer_invoices",
        _txn(
            _CUSTOMER,
            Money("amount"),
            Text("payment_method"),
            Bool("gateway_processed"),
            Applications("applied"),
        ),
        dep_order=70,  # after the invoices it pays
        defaults={"gateway_processed": False},
    ),
    _txn_type("credit_memo", "CreditMemo", "customer_invoices", _txn(_CUSTOMER, Lines("lines"))),
    _txn_type(
        "purchase_order",
        "PurchaseOrder",
        "vendor_invoices",
        _txn(_VENDOR, Date("expected_date"), Lines("lines")),
    ),
    _txn_type(
        "sales_receipt",
        "SalesReceipt",
        "customer_invoices",
        _txn(_CUSTOMER, Text("payment_method"), Lines("lines")),
    ),
    _txn_type(
        "time_entry",
        "TimeTracking",
        "time",
        (
            Date("txn_date"),
            Ref("employee", entity_type="employee"),
            _CUSTOMER,
            Ref("service_item", entity_type="item", kinds=("service",)),
            Duration("duration"),
            Bool("billable"),
            Text("notes", max_len=4000, multiline=True),
        ),
        name_field="",
        defaults={"billable": False},
    ),
)

ENTITY_TYPES: dict[str, EntityType] = {t.key: t for t in (*_LIST_TYPES, *_TXN_TYPES)}
