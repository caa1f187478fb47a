"""Seeded app data for rehearsals: ``generate_app(store, n, seed)`` fills an app with ``n``
records the way a small business's app looks before its first sync to QuickBooks.

The mix (:data:`MIX`): about 15% customers (three in ten of them jobs under another
customer), 5% vendors, 2% employees, 5% items of the four kinds (from 200 items on, eight of
them the sales tax, discount, subtotal and group items of :data:`FORM_ITEMS`), and the rest
transactions: sales orders, invoices (half the sales orders invoiced, each by one invoice that
names it and carries its lines), bills, payments applied to invoices, credit memos, purchase
orders, sales receipts (some of them and of the invoices taxed, discounted or with a group
line) and time entries, each at one of its sync-ready statuses and fully recorded, so every
record is queued. Names come from pools a seeded Faker fills once; they are unique where QuickBooks
needs them to be (customers, vendors and employees share one namespace; items have their
own) and fit QuickBooks' field lengths. Reference numbers are unique per transaction type.
The same ``n`` and ``seed`` always give the same app, record for record.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from faker import Faker

from syncengine.app import STATUS_TABLE, App
from syncengine.clock import today
from syncengine.store import Store

MIX: Mapping[str, float] = {
    "customer": 0.15,
    "vendor": 0.05,
    "employee": 0.02,
    "item": 0.05,
    "sales_order": 0.04,
    "invoice": 0.21,
    "bill": 0.10,
    "payment": 0.10,
    "credit_memo": 0.04,
    "purchase_order": 0.06,
    "sales_receipt": 0.08,
    "time_entry": 0.10,
}
"""Each entity type's share of the records."""

NEEDS: Mapping[str, tuple[str, ...]] = {
    "payment": ("invoice",),
    "invoice": ("customer", "item"),
    "sales_order": ("customer", "item"),
    "bill": ("vendor", "item"),
    "credit_memo": ("customer", "item"),
    "purchase_order": ("vendor", "item"),
    "sales_receipt": ("customer", "item"),
    "time_entry": ("employee", "customer", "item"),
}
"""What each transaction type refers to; fixed in this order (payments first: they need
invoices, which need customers and items)."""

JOB_SHARE = 0.3
ITEM_KINDS: Mapping[str, float] = {
    "service": 0.45,
    "non_inventory": 0.25,
    "inventory": 0.20,
    "other_charge": 0.10,
    # Made as a fixed set (:data:`FORM_ITEMS`), never drawn: weight 0 leaves the draw as it was.
    "sales_tax": 0.0,
    "sales_tax_group": 0.0,
    "discount": 0.0,
    "subtotal": 0.0,
    "group": 0.0,
}
FORM_ITEMS: tuple[dict[str, Any], ...] = (
    {"name": "State Sales Tax", "kind": "sales_tax", "rate_percent": "6.25"},
    {"name": "County Sales Tax", "kind": "sales_tax", "rate_percent": "0.5"},
    {"name": "State + County", "kind": "sales_tax_group"},  # members: the two above
    {"name": "Discount 5%", "kind": "discount", "rate_percent": "5", "sales_tax_code": "Tax"},
    {"name": "Discount 10", "kind": "discount", "price": "10.00", "sales_tax_code": "Tax"},
    {"name": "Subtotal", "kind": "subtotal", "description": "Subtotal"},
    {"name": "Starter Kit", "kind": "group", "description": "Starter kit"},
    {"name": "Service Bundle", "kind": "group", "description": "Service bundle"},
)
"""The sales tax, discount, subtotal and group items an app of at least :data:`FORM_FROM`
items has (its other items are drawn by :data:`ITEM_KINDS`); invoices and sales receipts use
them (:data:`TAXED_SHARE`, :data:`DISCOUNT_SHARE`, :data:`GROUP_SHARE`). Such an app's items
and customers carry sales tax codes; what is drawn for tax comes from a random source of its
own, so the rest is drawn as before."""
FORM_FROM = 200
"""Items from which an app charges sales tax: apps of about 4,000 records and more. Smaller apps
are the same as before sales tax came in, records and requests, so the rehearsals the fault
plans (scenarios/faults), the notebooks and the tests were written against do not move."""
TAXED_SHARE, DISCOUNT_SHARE, GROUP_SHARE = 0.4, 0.15, 0.1
TAX_CODES = {"service": "Non", "other_charge": "Non"}  # other kinds are taxable: "Tax"
ACCOUNTS: Mapping[str, str] = {
    "Services": "Income",
    "Sales": "Income",
    "Other Income": "OtherIncome",
    "Cost of Goods Sold": "CostOfGoodsSold",
    "Job Expenses": "Expense",
    "Inventory Asset": "OtherCurrentAsset",
}
"""The accounts generated items post to, with their QuickBooks account types (a rehearsal
company must have them, as any company set up in QuickBooks does). The discount items'
"Sales Discounts" is not among them: the sync adds it when the first one needs it, so a
company made for a smaller app holds just what it held before."""

_ITEM_ACCOUNTS: Mapping[str, Mapping[str, str]] = {
    "service": {"income_account": "Services"},
    "non_inventory": {"income_account": "Sales", "expense_account": "Job Expenses"},
    "inventory": {
        "income_account": "Sales",
        "cogs_account": "Cost of Goods Sold",
        "asset_account": "Inventory Asset",
    },
    "other_charge": {"income_account": "Other Income"},
    "discount": {"income_account": "Sales Discounts"},
}
_SERVICES = (
    "Consulting", "Installation", "Repair", "Design", "Training", "Inspection", "Cleaning",
    "Maintenance", "Delivery", "Assembly", "Survey", "Support", "Landscaping", "Painting",
)  # fmt: skip
_GRADES = ("Standard", "Senior", "Junior", "Rush", "Weekend", "On-site", "Remote", "Basic")
_PRODUCTS = (
    "Bracket", "Panel", "Valve", "Cable", "Fitting", "Filter", "Hinge", "Sensor", "Pump",
    "Fixture", "Tile", "Gasket", "Switch", "Lamp", "Shelf", "Bolt Set", "Paint", "Sealant",
)  # fmt: skip
_FINISHES = ("Steel", "Brass", "Oak", "Copper", "White", "Black", "Large", "Small", "Pro")
_CHARGES = ("Freight", "Fuel Surcharge", "Restocking Fee", "Late Fee", "Handling", "Permit Fee")
_JOBS = (
    "Kitchen Remodel", "Office Fit-out", "Roof Repair", "Phase 1", "Phase 2", "Annual Service",
    "Warehouse", "Storefront", "Bathroom", "Landscaping", "Move", "Audit", "Website",
)  # fmt: skip
_MEMOS = ("Thank you for your business.", "Per quote", "Rush order", "See attached terms")
_TERMS = ("Net 15", "Net 30", "Net 30", "Due on receipt")
_NAME_LIMIT = 41  # QuickBooks' Name of a customer, vendor or employee
_ITEM_NAME_LIMIT = 31
_DAYS_BACK = 365
CENT = Decimal("0.01")


def line_amount(line: Mapping[str, Any]) -> Decimal:
    """A generated line's amount: the one it states, else quantity x rate."""
    if "amount" in line:
        return Decimal(line["amount"])
    return Decimal(line["quantity"]) * Decimal(line["rate"])


@dataclass(frozen=True)
class GeneratedApp:
    """What ``generate_app`` made: records per entity type, and the IDs of each type."""

    counts: Mapping[str, int]
    ids: Mapping[str, tuple[int, ...]]

    @property
    def total(self) -> int:
        """How many records in all."""
        return sum(self.counts.values())


def plan_counts(n: int) -> dict[str, int]:
    """How many records of each type ``n`` records hold: :data:`MIX` by largest remainder,
    then fixed so every transaction has what it refers to (and payments an invoice each)."""
    if n < 1:
        raise ValueError(f"an app needs at least 1 record, not {n}")
    exact = {key: n * share for key, share in MIX.items()}
    counts = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(MIX, key=lambda k: (-(exact[k] - counts[k]), list(MIX).index(k)))
    for key in by_remainder[: n - sum(counts.values())]:
        counts[key] += 1
    for txn, needs in NEEDS.items():
        for need in needs:
            if counts[txn] and not counts[need]:
                counts[txn] -= 1
                counts[need] += 1
    overflow = max(0, counts["payment"] - counts["invoice"])
    counts["payment"] -= overflow
    counts["invoice"] += overflow
    return counts


def generate_app(store: Store, n: int, seed: int) -> GeneratedApp:
    """Fill the store's app with ``n`` seeded records (see the module docstring); every
    transaction sync-ready. Returns the counts and IDs per entity type."""
    counts = plan_counts(n)
    maker = _Maker(App(store), seed, counts, today(store.clock))
    return maker.run()


@dataclass
class _Pools:
    """Faker's values, made once (seeded) for records to draw from quickly."""

    first: list[str]
    last: list[str]
    companies: list[str]
    streets: list[str]
    places: list[tuple[str, str, str]]  # city, state, zip
    domains: list[str]


def _pools(seed: int, size: int) -> _Pools:
    fake = Faker("en_US")
    fake.seed_instance(seed)
    return _Pools(
        first=[fake.first_name()[:25] for _ in range(size)],
        last=[fake.last_name()[:25] for _ in range(size)],
        companies=[fake.company()[:_NAME_LIMIT] for _ in range(size)],
        streets=[fake.street_address()[:41] for _ in range(size)],
        places=[
            (fake.city()[:31], fake.state_abbr(include_territories=False), fake.zipcode())
            for _ in range(size)
        ],
        domains=[fake.domain_name() for _ in range(max(10, size // 10))],
    )


class _Maker:
    """One generation run: the random source, the name pools and what was made so far."""

    def __init__(self, app: App, seed: int, counts: dict[str, int], on: date) -> None:
        self.app, self.counts, self.on = app, counts, on
        self.rng = random.Random(seed)
        self.tax_rng = random.Random(f"sales tax {seed}")  # draws for tax, discounts, groups
        self.taxing = False  # whether the app has FORM_ITEMS and sales tax codes
        self.pools = _pools(seed, min(3000, max(100, sum(counts.values()) // 5)))
        self.taken: set[str] = set()  # casefolded names in QuickBooks' shared namespace
        self.ids: dict[str, tuple[int, ...]] = {}
        self.rows: dict[int, dict[str, Any]] = {}  # id -> fields of items and invoices
        self.sold: tuple[int, ...] = ()  # the items lines sell (not tax, discount… items)
        self.form_items: dict[str, list[int]] = {}  # kind -> its FORM_ITEMS, once made

    def run(self) -> GeneratedApp:
        self._items()
        self._customers()
        self._add("vendor", (self._vendor() for _ in range(self.counts["vendor"])))
        self._add("employee", (self._employee() for _ in range(self.counts["employee"])))
        self._add("sales_order", self._sales_orders())
        self._add("invoice", self._invoices())
        self._add("payment", self._payments())
        self._add("bill", self._numbered("bill", 1, "B", self._vendor_lines))
        self._add("credit_memo", self._numbered("credit_memo", 5001, "CM-", self._customer_lines))
        self._add("purchase_order", self._numbered("purchase_order", 7001, "PO-", self._po))
        self._add("sales_receipt", self._numbered("sales_receipt", 3001, "SR-", self._receipt))
        self._add("time_entry", self._time_entries())
        counts = {key: len(self.ids.get(key, ())) for key in MIX}
        return GeneratedApp(counts, {key: self.ids.get(key, ()) for key in MIX})

    def _add(self, entity_type: str, rows: Iterable[dict[str, Any]]) -> None:
        rows = list(rows)
        if not rows:
            return
        ids = self.app.collection(entity_type).add_many(rows)
        self.ids[entity_type] = self.ids.get(entity_type, ()) + tuple(ids)
        if entity_type in ("item", "invoice", "sales_order"):
            self.rows.update(zip(ids, rows, strict=True))

    # -- names, places, dates ---------------------------------------------------------------
    def _unique(self, name: str, taken: set[str], limit: int = _NAME_LIMIT) -> str:
        candidate, n = name[:limit].strip(), 2
        while candidate.casefold() in taken:
            suffix = f" {n}"
            candidate, n = name[: limit - len(suffix)].strip() + suffix, n + 1
        taken.add(candidate.casefold())
        return candidate

    def _address(self, prefix: str = "") -> dict[str, str]:
        city, state, postal = self.rng.choice(self.pools.places)
        return {
            f"{prefix}addr1": self.rng.choice(self.pools.streets),
            f"{prefix}city": city,
            f"{prefix}state": state,
            f"{prefix}postal_code": postal,
        }

    def _contact(self, first: str, last: str) -> dict[str, str]:
        rng = self.rng
        user = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        phone = f"({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randrange(10**4):04d}"
        return {
            "first_name": first,
            "last_name": last,
            "email": f"{user}@{rng.choice(self.pools.domains)}",
            "phone": phone,
        }

    def _person(self) -> tuple[str, str]:
        return self.rng.choice(self.pools.first), self.rng.choice(self.pools.last)

    def _day(self, span: int = _DAYS_BACK) -> date:
        return self.on - timedelta(days=self.rng.randrange(span))

    # -- lists ------------------------------------------------------------------------------
    def _items(self) -> None:
        total = self.counts["item"]
        self.taxing = total >= FORM_FROM
        forms = len(FORM_ITEMS) if self.taxing else 0
        kinds = ["service"] if total else []  # time entries need a service item
        kinds += self.rng.choices(list(ITEM_KINDS), list(ITEM_KINDS.values()), k=total - 1 - forms)
        taken: set[str] = {row["name"].casefold() for row in FORM_ITEMS[:forms]}
        self._add("item", (self._item(kind, taken) for kind in kinds))
        self.sold = self.ids.get("item", ())  # what lines sell: not the items made below
        if forms:
            self._form_items()

    def _form_items(self) -> None:
        """The fixed sales tax, discount, subtotal and group items, after the items they
        group (a group's members are drawn from the sold items)."""
        sold = list(self.sold)
        rows = [dict(row) for row in FORM_ITEMS]
        self._add("item", rows[:2])
        rows[2]["members"] = [{"item": i} for i in self.ids["item"][-2:]]
        for row in rows[6:]:
            picks = self.tax_rng.sample(sold, min(3, len(sold)))
            row["members"] = [{"item": i, "quantity": self.tax_rng.randint(1, 3)} for i in picks]
        self._add("item", rows[2:])

    def _of_kind(self, *kinds: str) -> list[int]:
        """The form items of these kinds (found once per kind: invoices ask for each)."""
        found: list[int] = []
        for kind in kinds:
            if kind not in self.form_items:
                items = self.ids.get("item", ())[len(self.sold) :]
                self.form_items[kind] = [i for i in items if self.rows[i]["kind"] == kind]
            found += self.form_items[kind]
        return found

    def _item(self, kind: str, taken: set[str]) -> dict[str, Any]:
        rng = self.rng
        if kind == "service":
            base = f"{rng.choice(_SERVICES)} - {rng.choice(_GRADES)}"
        elif kind == "other_charge":
            base = rng.choice(_CHARGES)
        else:
            base = f"{rng.choice(_PRODUCTS)} {rng.choice(_FINISHES)}"
        price = Decimal(rng.randint(500, 25000)).scaleb(-2)  # 5.00 to 250.00, two places
        row: dict[str, Any] = {
            "name": self._unique(base, taken, _ITEM_NAME_LIMIT),
            "kind": kind,
            "description": f"{base} ({kind.replace('_', ' ')})",
            "price": str(price),
            **_ITEM_ACCOUNTS[kind],
        }
        if kind in ("non_inventory", "inventory"):
            row["cost"] = str((price * Decimal("0.6")).quantize(CENT))
            row["purchase_description"] = f"{base}, bought in"
        if kind == "inventory":
            row["quantity_on_hand"] = rng.randint(500, 5000)
        if self.taxing:
            row["sales_tax_code"] = TAX_CODES.get(kind, "Tax")
        return row

    def _customers(self) -> None:
        total = self.counts["customer"]
        jobs = min(round(total * JOB_SHARE), max(total - 1, 0))
        self._add("customer", (self._customer() for _ in range(total - jobs)))
        parents = self.ids.get("customer", ())
        rows: list[dict[str, Any]] = []
        names: dict[int, set[str]] = {}
        for _ in range(jobs):
            parent = self.rng.choice(parents)
            taken = names.setdefault(parent, set())
            rows.append({"name": self._unique(self.rng.choice(_JOBS), taken), "parent": parent})
        self._add("customer", rows)

    def _customer(self) -> dict[str, Any]:
        rng = self.rng
        first, last = self._person()
        row: dict[str, Any]
        if rng.random() < 0.3:
            row = {"name": self._unique(f"{last}, {first}", self.taken)}
        else:
            company = rng.choice(self.pools.companies)
            row = {"name": self._unique(company, self.taken), "company_name": company}
        row.update(self._contact(first, last))
        row.update(self._address("bill_"))
        if rng.random() < 0.4:
            row.update({f"ship_{k[5:]}": v for k, v in row.items() if k.startswith("bill_")})
        if rng.random() < 0.6:
            row["terms"] = rng.choice(_TERMS)
        if self.taxing:
            row["sales_tax_code"] = "Tax" if self.tax_rng.random() < 0.8 else "Non"
        return row

    def _vendor(self) -> dict[str, Any]:
        rng = self.rng
        company = rng.choice(self.pools.companies)
        row: dict[str, Any] = {"name": self._unique(company, self.taken), "company_name": company}
        row.update(self._contact(*self._person()))
        row.update(self._address())
        if rng.random() < 0.4:
            row["account_number"] = f"AC-{rng.randint(1000, 99999)}"
        if rng.random() < 0.7:
            row["terms"] = rng.choice(_TERMS)
        return row

    def _employee(self) -> dict[str, Any]:
        first, last = self._person()
        while f"{first} {last}".casefold() in self.taken or len(f"{first} {last}") > 41:
            first, last = self._person()
        self.taken.add(f"{first} {last}".casefold())
        return {**self._contact(first, last), **self._address()}

    # -- transactions -----------------------------------------------------------------------
    def _numbered(
        self, entity_type: str, first: int, prefix: str, fields: Callable[[], dict[str, Any]]
    ) -> Iterable[dict[str, Any]]:
        statuses = STATUS_TABLE[entity_type].sync_at
        for number in range(first, first + self.counts[entity_type]):
            row = {"ref_number": f"{prefix}{number}", "txn_date": self._day(), **fields()}
            row["status"] = self.rng.choice(statuses)
            yield row

    def _lines(self, most: int = 4) -> list[dict[str, Any]]:
        items = self.sold
        return [self._line(self.rng.choice(items)) for _ in range(self.rng.randint(1, most))]

    def _line(self, item: int) -> dict[str, Any]:
        fields = self.rows[item]
        quantity = self.rng.choice((1, 1, 2, 3, 5, 8, 10, 12))
        return {"item": item, "quantity": quantity, "rate": fields["price"]}

    def _sales_form(self, row: dict[str, Any]) -> dict[str, Any]:
        """An invoice's or sales receipt's lines, coded for tax as their items are; some
        taxed, some with a subtotal and a discount under it, some with a group line."""
        if not self.taxing:
            return row
        for line in row["lines"]:
            line["sales_tax_code"] = self.rows[line["item"]]["sales_tax_code"]
        taxes, rng = self._of_kind("sales_tax", "sales_tax_group"), self.tax_rng
        if rng.random() < TAXED_SHARE:
            row["sales_tax_item"] = rng.choice(taxes)
        if rng.random() < DISCOUNT_SHARE:
            row["lines"] += self._discount(row["lines"])
        if rng.random() < GROUP_SHARE:
            row["groups"] = [{"item": rng.choice(self._of_kind("group")), "quantity": 1}]
        return row

    def _discount(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A subtotal of ``lines`` and a discount of it, with the amounts QuickBooks computes
        (the app states them, so both sides hold the same lines)."""
        above = sum((line_amount(line) for line in lines), Decimal(0))
        discount = self.tax_rng.choice(self._of_kind("discount"))
        fields = self.rows[discount]
        if "rate_percent" in fields:
            off = (above * Decimal(fields["rate_percent"]) / 100).quantize(CENT, ROUND_HALF_UP)
        else:
            off = min(Decimal(fields["price"]), above)
        return [
            {"item": self._of_kind("subtotal")[0], "amount": str(above)},
            {"item": discount, "amount": str(-off), "sales_tax_code": fields["sales_tax_code"]},
        ]

    def _customer_lines(self) -> dict[str, Any]:
        return {"customer": self.rng.choice(self.ids["customer"]), "lines": self._lines()}

    def _vendor_lines(self) -> dict[str, Any]:
        return {"vendor": self.rng.choice(self.ids["vendor"]), "lines": self._lines()}

    def _invoice(self) -> dict[str, Any]:
        row = self._sales_form(self._customer_lines())
        if self.rng.random() < 0.3:
            row["po_number"] = f"{self.rng.randint(10000, 99999)}"
        if self.rng.random() < 0.2:
            row["memo"] = self.rng.choice(_MEMOS)
        return row

    def _sales_orders(self) -> list[dict[str, Any]]:
        """Sales orders; half of them (as many as there are invoices) marked invoiced."""
        rows = list(self._numbered("sales_order", 4001, "SO-", self._customer_lines))
        count = min(len(rows) // 2, self.counts["invoice"])
        invoiced = set(self.rng.sample(range(len(rows)), count))
        for index, row in enumerate(rows):
            if index in invoiced:
                row["status"] = "invoiced"
            elif row["status"] == "invoiced":
                row["status"] = "approved"  # no invoice is made from it
        return rows

    def _invoices(self) -> Iterable[dict[str, Any]]:
        """Invoices, the first ones made from the invoiced sales orders."""
        orders = [
            i for i in self.ids.get("sales_order", ()) if self.rows[i]["status"] == "invoiced"
        ]
        rows = self._numbered("invoice", 10001, "", self._invoice)
        for row, order in zip(rows, orders + [0] * self.counts["invoice"], strict=False):
            if order:
                row.update(self._from_order(order))
            yield row

    def _from_order(self, order: int) -> dict[str, Any]:
        fields = self.rows[order]
        later = min(fields["txn_date"] + timedelta(days=self.rng.randint(0, 14)), self.on)
        lines = [dict(line) for line in fields["lines"]]
        return {
            "customer": fields["customer"],
            "lines": lines,
            "sales_order": order,
            "txn_date": later,
        }

    def _po(self) -> dict[str, Any]:
        row = self._vendor_lines()
        row["expected_date"] = self.on + timedelta(days=self.rng.randint(3, 30))
        return row

    def _receipt(self) -> dict[str, Any]:
        return self._sales_form(self._customer_lines())

    def _payments(self) -> Iterable[dict[str, Any]]:
        """Payments of invoices drawn at random, each the whole of the invoice's lines before
        tax or half of them. An invoice whose lines come to nothing (a discount as large as
        what it sold) gets none: the next invoice with something to pay does instead, since
        the app holds back a payment of 0.00 as not fully recorded."""
        invoices = list(self.ids.get("invoice", ()))
        paid = self.rng.sample(invoices, self.counts["payment"])
        taken = set(paid)
        statuses = STATUS_TABLE["payment"].sync_at
        for number, drawn in enumerate(paid, start=1):
            share = Decimal(1) if self.rng.random() < 0.7 else Decimal("0.5")
            invoice, amount = drawn, (self._sold(drawn) * share).quantize(CENT)
            if amount <= 0:  # rare: the next invoice, in invoice order, with something to pay
                invoice, amount = self._instead(invoices, drawn, taken, share)
            taken.add(invoice)
            fields = self.rows[invoice]
            yield {
                "ref_number": f"P-{number}",
                "txn_date": fields["txn_date"],
                "customer": fields["customer"],
                "amount": str(amount),
                "applied": [{"invoice": invoice, "amount": str(amount)}],
                "status": self.rng.choice(statuses),
            }

    def _instead(
        self, invoices: list[int], drawn: int, taken: set[int], share: Decimal
    ) -> tuple[int, Decimal]:
        """The first invoice after ``drawn`` (in invoice order, wrapping round) not paid yet
        whose ``share`` comes to something, and that amount; ``drawn`` and 0.00 if none does."""
        at = invoices.index(drawn)
        for invoice in invoices[at + 1 :] + invoices[:at]:
            if invoice not in taken:
                amount = (self._sold(invoice) * share).quantize(CENT)
                if amount > 0:
                    return invoice, amount
        return drawn, Decimal(0).quantize(CENT)

    def _sold(self, invoice: int) -> Decimal:
        """What an invoice's lines come to before tax: its lines but the subtotals, and its
        group lines at their members' prices (QuickBooks expands a group into its members)."""
        fields = self.rows[invoice]
        subtotals = set(self._of_kind("subtotal"))
        lines = [line for line in fields["lines"] if line["item"] not in subtotals]
        total = sum((line_amount(line) for line in lines), Decimal(0))
        for group in fields.get("groups", ()):
            for member in self.rows[group["item"]]["members"]:
                price = Decimal(self.rows[member["item"]]["price"])
                total += price * member.get("quantity", 1) * group["quantity"]
        return total

    def _time_entries(self) -> Iterable[dict[str, Any]]:
        employees = self.ids.get("employee", ())
        services = [i for i in self.ids.get("item", ()) if self.rows[i]["kind"] == "service"]
        count = self.counts["time_entry"]
        span = max(_DAYS_BACK, 2 * -(-count // max(len(employees), 1)))
        worked: set[tuple[int, int]] = set()  # (employee, day): one entry each, never twins
        statuses = STATUS_TABLE["time_entry"].sync_at
        for _ in range(count):
            employee, back = self.rng.choice(employees), self.rng.randrange(span)
            while (employee, back) in worked:
                employee, back = self.rng.choice(employees), self.rng.randrange(span)
            worked.add((employee, back))
            yield {
                "employee": employee,
                "customer": self.rng.choice(self.ids["customer"]),
                "service_item": self.rng.choice(services),
                "txn_date": self.on - timedelta(days=back),
                "duration": timedelta(minutes=15 * self.rng.randint(2, 32)),
                "billable": self.rng.random() < 0.7,
                "notes": f"{self.rng.choice(_SERVICES)} on site",
                "status": self.rng.choice(statuses),
            }
