"""The registry of the app's entity types: for each, its fields (named as in QuickBooks, in
snake_case), the QuickBooks object it becomes, dependency order, the ``App`` attribute holding
its records, and for a transaction its sync area, source setting and statuses.

Lists: customer (a customer with a ``parent`` is a job, as QuickBooks calls sub-customers),
vendor, employee, item (kinds: service, inventory, non_inventory, other_charge, and the
sales-form kinds sales_tax, sales_tax_group, discount, subtotal, group).
Transactions: sales_order, invoice (made from a sales order when it names one), bill, payment,
credit_memo, purchase_order, sales_receipt, time_entry.

:data:`ENTITY_TYPES` is the one list of types: the status table, the sync areas and the
``App`` are built from it, and ``tests/test_entity_registry.py`` checks every other per-type
table (mapping, settings, generator, qbsim) against it. ``docs/adding-a-transaction-type.md``
lists the steps of adding one.
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
from syncengine.app.lines import Applications, GroupLines, GroupMembers, Lines, SalesLines

MAX_SUBLEVEL = 5
"""QuickBooks nests jobs (sub-customers) at most five levels below a customer."""

ITEM_KINDS = {
    "service": "ItemService",
    "inventory": "ItemInventory",
    "non_inventory": "ItemNonInventory",
    "other_charge": "ItemOtherCharge",
    # Items that only appear on sales forms: the rate of sales tax, discounts, subtotals and
    # groups of other items (syncengine/mapping/lists.py maps their fields).
    "sales_tax": "ItemSalesTax",
    "sales_tax_group": "ItemSalesTaxGroup",
    "discount": "ItemDiscount",
    "subtotal": "ItemSubtotal",
    "group": "ItemGroup",
}
SALES_TAX_ITEM = Ref("sales_tax_item", entity_type="item", kinds=("sales_tax", "sales_tax_group"))
"""A sales form's (or a customer's) sales tax item: it supplies the rate."""


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
class TxnStatuses:
    """One transaction type's statuses, the parts it must have to be fully recorded, and its
    closed-like status (``closed``: where the playbooks of rule 6 leave it)."""

    entity_type: str
    default: str
    statuses: tuple[str, ...]
    sync_at: tuple[str, ...]
    required: tuple[str, ...]
    required_if_billable: tuple[str, ...] = ()
    closed: str = ""


@dataclass(frozen=True)
class EntityType:
    """One entity type: its fields, QuickBooks object, how it queues, and ``plural``, the
    ``App`` attribute holding its records (``app.time_entries``)."""

    key: str
    is_list: bool
    fields: tuple[Field, ...]
    qb_type: str
    dep_order: int
    name_field: str = "name"
    defaults: Mapping[str, Any] = field(default_factory=dict)
    area: str | None = None
    source_setting: str | None = None
    statuses: TxnStatuses | None = None
    plural: str = field(kw_only=True)

    def __post_init__(self) -> None:
        own = self.statuses is not None and self.statuses.entity_type == self.key
        if own == self.is_list:
            raise ValueError(
                f"entity type {self.key!r}: a transaction type needs its own row of the status"
                f" table (statuses=TxnStatuses({self.key!r}, ...)), a list type none"
            )

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

    @cached_property
    def qb_types(self) -> tuple[str, ...]:
        """Every QuickBooks object a record of this type may be (items: one per kind)."""
        return tuple(ITEM_KINDS.values()) if self.key == "item" else (self.qb_type,)


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
            Text("sales_tax_code", max_len=3),
        ),
        "Customer",
        20,
        defaults={"is_active": True},
        plural="customers",
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
        plural="vendors",
    ),
    EntityType(
        "employee",
        True,
        (Text("name"), *_person(required=True), *address(""), Bool("is_active")),
        "Employee",
        40,
        defaults={"is_active": True},
        plural="employees",
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
            Money("rate_percent", places=5),  # a sales tax item's rate, a discount's percent
            Text("sales_tax_code", max_len=3),
            GroupMembers("members"),
        ),
        "Item",
        10,
        defaults={"is_active": True},
        plural="items",
    ),
)

_CUSTOMER = Ref("customer", entity_type="customer")
_VENDOR = Ref("vendor", entity_type="vendor")


def _txn_type(
    key: str,
    qb_type: str,
    area: str,
    fields: tuple[Field, ...],
    statuses: TxnStatuses,
    **options: Any,
) -> EntityType:
    options.setdefault("dep_order", 60)
    options.setdefault("name_field", "ref_number")
    return EntityType(key, False, fields, qb_type, area=area, statuses=statuses, **options)


# A transaction enters the sync queue at one of its ``sync_at`` statuses, once fully recorded
# (rule 2); undo sync puts it back to its default status (rule 6).
_TXN_TYPES = (
    _txn_type(
        "sales_order",
        "SalesOrder",
        "customer_invoices",
        _txn(
            _CUSTOMER,
            Date("due_date"),
            Text("terms"),
            Text("po_number", max_len=30),
            Lines("lines"),
        ),
        TxnStatuses(
            "sales_order",
            "draft",
            ("draft", "approved", "invoiced", "closed"),
            ("approved", "invoiced", "closed"),
            ("customer", "lines"),
            closed="closed",
        ),
        dep_order=55,  # before the invoices made from it
        plural="sales_orders",
    ),
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
            Ref("sales_order", entity_type="sales_order"),
            SalesLines("lines"),
            SALES_TAX_ITEM,
            GroupLines("groups"),
        ),
        TxnStatuses(
            "invoice",
            "draft",
            ("draft", "pending_approval", "approved", "sent", "paid", "closed"),
            ("approved", "sent", "paid", "closed"),
            ("customer", "lines"),
            closed="closed",
        ),
        defaults={"source": "billing"},
        source_setting="sources.invoice",
        plural="invoices",
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
        TxnStatuses(
            "bill",
            "entered",
            ("entered", "pending_approval", "approved", "paid"),
            ("approved", "paid"),
            ("vendor", "lines"),
            closed="paid",
        ),
        defaults={"source": "vendor_invoice"},
        source_setting="sources.bill",
        plural="bills",
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
        TxnStatuses(
            "payment",
            "pending",
            ("pending", "received", "deposited"),
            ("received", "deposited"),
            ("customer", "amount"),
            closed="deposited",
        ),
        dep_order=70,  # after the invoices it pays
        defaults={"gateway_processed": False},
        plural="payments",
    ),
    _txn_type(
        "credit_memo",
        "CreditMemo",
        "customer_invoices",
        _txn(_CUSTOMER, Lines("lines")),
        TxnStatuses(
            "credit_memo",
            "draft",
            ("draft", "approved", "applied"),
            ("approved", "applied"),
            ("customer", "lines"),
            closed="applied",
        ),
        plural="credit_memos",
    ),
    _txn_type(
        "purchase_order",
        "PurchaseOrder",
        "vendor_invoices",
        _txn(_VENDOR, Date("expected_date"), Lines("lines")),
        TxnStatuses(
            "purchase_order",
            "draft",
            ("draft", "submitted", "approved", "received", "closed"),
            ("approved", "received", "closed"),
            ("vendor", "lines"),
            closed="closed",
        ),
        plural="purchase_orders",
    ),
    _txn_type(
        "sales_receipt",
        "SalesReceipt",
        "customer_invoices",
        _txn(
            _CUSTOMER,
            Text("payment_method"),
            SalesLines("lines"),
            SALES_TAX_ITEM,
            GroupLines("groups"),
        ),
        TxnStatuses(
            "sales_receipt",
            "draft",
            ("draft", "completed"),
            ("completed",),
            ("lines",),
            closed="completed",
        ),
        plural="sales_receipts",
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
        TxnStatuses(
            "time_entry",
            "open",
            ("open", "submitted", "approved", "billed"),
            ("approved", "billed"),
            ("employee", "duration"),
            required_if_billable=("customer", "service_item"),
            closed="billed",
        ),
        name_field="",
        defaults={"billable": False},
        plural="time_entries",
    ),
)

ENTITY_TYPES: dict[str, EntityType] = {t.key: t for t in (*_LIST_TYPES, *_TXN_TYPES)}
"""Every entity type of the app, lists first, keyed by ``key``."""
