"""Seeded, realistic QuickBooks companies, from a few records to 100,000.

``generate_company(records=10_000, seed=7)`` fills a company the way a small business's file
looks after a year: a chart of accounts with sub-accounts, terms, classes by region,
customers (companies and people) with jobs, vendors, employees, other names and items of the
four kinds (some as sub-items), with addresses, phones, terms, classes, credit limits, a few
opening balances, some inactive records, later edits and a few deletions in the history.

Every record goes through the same handler the wire layer calls, so QuickBooks' rules hold
(unique names, references, balances); ``via_qbxml=True`` sends real qbXML documents instead,
which gives the identical company, only slower. Faker (seeded) fills pools of names and
addresses once; records draw from the pools with one seeded ``random.Random``, so the same
seed always gives the same company. Creation times are spread evenly over ``days`` before
``end``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from faker import Faker

from qbsim.company import Company
from qbsim.generate_data import (
    CHARGES,
    CHART,
    CLASSES,
    ITEM_CATEGORIES,
    ITEM_SHARES,
    JOB_STATUS,
    JOBS,
    LEVELS,
    PAYMENT_METHODS,
    PRODUCT_WORDS,
    SERVICE_WORDS,
    SHARES,
    SHARES_WITH_TXNS,
    TERMS,
    TXN_WEIGHTS,
)
from qbsim.handlers import HANDLERS
from qbsim.model.base import DEFAULT_START, Clock, fixed_clock, plain_copy
from qbsim.testing import expect_ok, request_xml, responses

TXN_REQUESTS = ("InvoiceAddRq", "SalesOrderAddRq", "BillAddRq", "ReceivePaymentAddRq")


def transactions_simulated() -> bool:
    """Whether qbsim answers the transactions the generator makes (invoices, sales orders,
    bills, payments)."""
    return all(request in HANDLERS for request in TXN_REQUESTS)


@dataclass
class Pools:
    """Values Faker made once (seeded), for records to draw from quickly."""

    first: list[str]
    last: list[str]
    companies: list[str]
    streets: list[str]
    cities: list[tuple[str, str, str]]  # city, state, zip
    domains: list[str]
    titles: list[str]


def make_pools(seed: int, size: int) -> Pools:
    """Pools of ``size`` values each, from a Faker seeded with ``seed``."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    return Pools(
        first=[fake.first_name()[:25] for _ in range(size)],
        last=[fake.last_name()[:25] for _ in range(size)],
        companies=[fake.company()[:34] for _ in range(size)],
        streets=[fake.street_address()[:41] for _ in range(size)],
        cities=[(fake.city()[:31], fake.state_abbr(), fake.zipcode()) for _ in range(size)],
        domains=[fake.domain_name() for _ in range(max(10, size // 10))],
        titles=[fake.job()[:41] for _ in range(max(10, size // 10))],
    )


def generate_company(
    records: int = 1000,
    *,
    seed: int = 0,
    end: datetime = DEFAULT_START,
    days: int = 365,
    via_qbxml: bool = False,
    clock: Clock | None = None,
    company: Company | None = None,
    transactions: bool = True,
) -> Company:
    """A company of about ``records`` records (never fewer than the fixed chart).

    With ``transactions`` (and qbsim simulating them) four records in ten are invoices,
    payments against them and bills. ``clock`` is the clock the company runs on afterwards
    (default: ticking on from the last record). Pass ``company`` to fill one you made.
    """
    with_txns = transactions and transactions_simulated()
    return Generator(records, seed, end, days, via_qbxml, company, with_txns).run(clock)


class Generator:
    """One generation run: the counts, the random source, the pools and the company."""

    def __init__(
        self,
        records: int,
        seed: int,
        end: datetime,
        days: int,
        via_qbxml: bool,
        company: Company | None,
        with_txns: bool,
    ) -> None:
        self.rng = random.Random(seed)
        self.pools = make_pools(seed, min(2000, max(100, records // 8)))
        self.counts = plan(records, with_txns)
        reads = expected_clock_reads(self.counts)
        step = timedelta(seconds=max(1, int(timedelta(days=days).total_seconds() / reads)))
        self.start = end - step * reads
        self.company = company or Company(seed=seed)
        self.company.state.clock = fixed_clock(self.start, step)
        self.send = self._qbxml if via_qbxml else self._direct
        self.used: set[str] = set()  # entity names taken (casefolded)
        self.item_names: set[str] = set()
        self.made: dict[str, list[dict]] = {}
        self.billed: set[str] = set()  # customers and jobs that have transactions

    # -- driving ---------------------------------------------------------------------------
    def run(self, clock: Clock | None) -> Company:
        self._accounts()
        self._terms_and_classes()
        self._customers(self.counts["Customer"])
        self._vendors(self.counts["Vendor"])
        self._employees(self.counts["Employee"])
        self._other_names(self.counts["OtherName"])
        self._items()
        self._transactions(self.counts.get("Txn", 0))
        self._later_edits()
        self._deletions()
        last = self.company.state.now()
        self.company.state.clock = clock or fixed_clock(last + timedelta(seconds=1))
        return self.company

    def _direct(self, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        outcome = HANDLERS[f"{kind}AddRq"](self.company, {f"{kind}Add": fields}, {})
        ret = plain_copy(outcome.children[0][1])  # the stored data: keep a copy
        self.made.setdefault(kind, []).append(ret)
        return ret

    def _qbxml(self, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        rq = f"{kind}AddRq"
        document = request_xml((rq, {f"{kind}Add": fields}))
        rs = expect_ok(rq, responses(self.company.process(document))[0])
        record_id = rs[0].findtext("ListID") or rs[0].findtext("TxnID")
        ret = self.company.state.table(kind)[record_id].snapshot()
        self.made.setdefault(kind, []).append(ret)
        return ret

    def _apply(self, request_type: str, body: dict[str, Any]) -> None:
        if self.send == self._direct:
            HANDLERS[request_type](self.company, body, {})
        else:
            document = request_xml((request_type, body))
            expect_ok(request_type, responses(self.company.process(document))[0])

    # -- fixed lists ----------------------------------------------------------------------
    def _accounts(self) -> None:
        for name, account_type, subs in CHART:
            self.send("Account", {"Name": name, "AccountType": account_type})
            for sub in subs:
                parent = {"FullName": name}
                self.send(
                    "Account", {"Name": sub, "ParentRef": parent, "AccountType": account_type}
                )

    def _terms_and_classes(self) -> None:
        for name, days, extra in TERMS:
            self.send("StandardTerms", {"Name": name, "StdDueDays": days, **extra})
        for name, subs in CLASSES:
            self.send("Class", {"Name": name})
            for sub in subs:
                self.send("Class", {"Name": sub, "ParentRef": {"FullName": name}})

    # -- entities -----------------------------------------------------------------------
    def _unique(self, name: str, limit: int = 41) -> str:
        candidate, n = name[:limit], 2
        while candidate.casefold() in self.used:
            suffix = f" {n}"
            candidate, n = name[: limit - len(suffix)] + suffix, n + 1
        self.used.add(candidate.casefold())
        return candidate

    def _customers(self, count: int) -> None:
        made = 0
        while made < count:
            customer = self.send("Customer", self._customer_fields())
            made += 1
            for job in self._job_names(count - made):
                self.send("Customer", self._job_fields(customer, job))
                made += 1

    def _customer_fields(self) -> dict[str, Any]:
        rng, pools = self.rng, self.pools
        first, last = rng.choice(pools.first), rng.choice(pools.last)
        is_person = rng.random() < 0.3
        company = rng.choice(pools.companies)
        name = self._unique(f"{last}, {first}" if is_person else company)
        fields: dict[str, Any] = {"Name": name}
        if not is_person:
            fields["CompanyName"] = company
        fields.update({"FirstName": first, "LastName": last, "BillAddress": self._address()})
        if rng.random() < 0.5:
            fields["ShipAddress"] = dict(fields["BillAddress"])
        fields.update(self._contact_fields(first, last, name))
        fields["TermsRef"] = {"FullName": rng.choice(TERMS)[0]}
        if rng.random() < 0.3:
            fields["ClassRef"] = {"FullName": self._leaf_class()}
        fields["SalesTaxCodeRef"] = {"FullName": rng.choice(("Tax", "Non"))}
        self._maybe(fields, 0.3, "AccountNumber", lambda: str(rng.randint(10000, 99999)))
        self._maybe(fields, 0.2, "CreditLimit", lambda: f"{rng.randint(5, 200) * 500}.00")
        self._maybe(fields, 0.05, "OpenBalance", lambda: self._money(50, 5000))
        self._maybe(fields, 0.05, "Notes", lambda: "Prefers email; call before delivery.")
        fields["IsActive"] = "false" if rng.random() < 0.03 else "true"
        return fields

    def _job_names(self, room: int) -> list[str]:
        wanted = self.rng.choices((0, 1, 2, 3), weights=(60, 25, 10, 5))[0]
        return self.rng.sample(JOBS, min(wanted, max(room, 0)))

    def _job_fields(self, customer: dict[str, Any], job: str) -> dict[str, Any]:
        rng = self.rng
        fields: dict[str, Any] = {
            "Name": job,
            "ParentRef": {"ListID": customer["ListID"]},
            "JobStatus": rng.choice(JOB_STATUS),
            "JobStartDate": self._date(),
            "JobDesc": f"{job} for {customer['Name']}"[:99],
        }
        if "BillAddress" in customer:
            fields["BillAddress"] = dict(customer["BillAddress"])
        if customer.get("IsActive") == "false":
            fields["IsActive"] = "false"
        return fields

    def _vendors(self, count: int) -> None:
        rng = self.rng
        for _ in range(count):
            company = rng.choice(self.pools.companies)
            name = self._unique(company)
            first, last = rng.choice(self.pools.first), rng.choice(self.pools.last)
            fields: dict[str, Any] = {
                "Name": name,
                "CompanyName": company,
                "VendorAddress": self._address(),
                **self._contact_fields(first, last, name),
                "NameOnCheck": name,
                "TermsRef": {"FullName": rng.choice(TERMS[1:])[0]},
            }
            self._maybe(fields, 0.4, "AccountNumber", lambda: f"AC-{rng.randint(1000, 9999)}")
            if rng.random() < 0.2:
                fields["VendorTaxIdent"] = f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}"
                fields["IsVendorEligibleFor1099"] = "true"
            self._maybe(fields, 0.05, "OpenBalance", lambda: self._money(100, 8000))
            fields["IsActive"] = "false" if rng.random() < 0.04 else "true"
            self.send("Vendor", fields)

    def _employees(self, count: int) -> None:
        for _ in range(count):
            self.send("Employee", self._employee_fields(*self._employee_name()))

    def _employee_name(self) -> tuple[str, str, str]:
        """First, middle initial (may be empty) and last name of a new, unused entity name."""
        rng, pools = self.rng, self.pools
        first, last = rng.choice(pools.first), rng.choice(pools.last)
        middle = rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < 0.4 else ""
        full = " ".join(p for p in (first, middle, last) if p)
        while full.casefold() in self.used or len(full) > 41:
            first, middle = rng.choice(pools.first), rng.choice("ABCDEFGHJKLMNPRSTW")
            full = f"{first} {middle} {last}"
        self.used.add(full.casefold())
        return first, middle, last

    def _employee_fields(self, first: str, middle: str, last: str) -> dict[str, Any]:
        rng = self.rng
        fields: dict[str, Any] = {"FirstName": first, "MiddleName": middle, "LastName": last}
        fields = {key: value for key, value in fields.items() if value}
        fields["JobTitle"] = rng.choice(self.pools.titles)
        fields["EmployeeAddress"] = self._address(country=False)
        fields["Phone"] = self._phone()
        fields["SSN"] = f"{rng.randint(100, 899)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
        fields["Email"] = self._email(first, last)
        fields["EmployeeType"] = rng.choice(("Regular", "Regular", "Regular", "Officer"))
        fields["Gender"] = rng.choice(("Male", "Female"))
        fields["HiredDate"] = self._date(years=8)
        fields["BirthDate"] = self._date(years=40, offset_years=20)
        fields["IsActive"] = "false" if rng.random() < 0.1 else "true"
        return fields

    def _other_names(self, count: int) -> None:
        rng = self.rng
        for _ in range(count):
            first, last = rng.choice(self.pools.first), rng.choice(self.pools.last)
            name = self._unique(f"{first} {last}")
            fields: dict[str, Any] = {"Name": name, "FirstName": first, "LastName": last}
            fields["OtherNameAddress"] = self._address()
            fields.update({"Phone": self._phone(), "Email": self._email(first, last)})
            self.send("OtherName", fields)

    # -- items --------------------------------------------------------------------------
    def _items(self) -> None:
        total = self.counts["Item"]
        for kind, share in ITEM_SHARES.items():
            count = round(total * share)
            parents = self._item_parents(kind, count)
            for _ in range(count - len(parents)):
                parent = self.rng.choice(parents) if parents and self.rng.random() < 0.3 else None
                self.send(kind, self._item_fields(kind, parent))

    def _item_parents(self, kind: str, count: int) -> list[dict[str, Any]]:
        if kind not in ("ItemInventory", "ItemNonInventory") or count < 20:
            return []
        names = [self._unique_item(f"{word} ({kind[4:7]})") for word in ITEM_CATEGORIES]
        return [self.send(kind, self._item_fields(kind, None, name)) for name in names]

    def _unique_item(self, name: str, parent: str = "") -> str:
        """An item name free under ``parent`` (item names are unique by FullName)."""
        prefix = f"{parent}:".casefold() if parent else ""
        candidate, n = name[:31], 2
        while prefix + candidate.casefold() in self.item_names:
            suffix = f" {n}"
            candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
        self.item_names.add(prefix + candidate.casefold())
        return candidate

    def _item_name(self, kind: str, parent: dict | None) -> str:
        rng = self.rng
        if kind == "ItemService":
            base = f"{rng.choice(SERVICE_WORDS)} - {rng.choice(LEVELS)}"
        elif kind == "ItemOtherCharge":
            base = rng.choice(CHARGES)
        else:
            code = f"{rng.choice('ABCDEFGHKMPRSTX')}{rng.randint(100, 9999)}"
            base = f"{rng.choice(PRODUCT_WORDS)} {code}"
        return self._unique_item(base, parent["FullName"] if parent else "")

    def _item_fields(self, kind: str, parent: dict | None, name: str = "") -> dict[str, Any]:
        rng = self.rng
        fields: dict[str, Any] = {"Name": name or self._item_name(kind, parent)}
        if parent is not None:
            fields["ParentRef"] = {"ListID": parent["ListID"]}
        if rng.random() < 0.15:
            fields["ClassRef"] = {"FullName": self._leaf_class()}
        fields["SalesTaxCodeRef"] = {"FullName": "Non" if kind == "ItemService" else "Tax"}
        price = self._money(5, 400)
        if kind == "ItemInventory":
            fields.update(self._inventory_fields(price))
        elif kind == "ItemService" and rng.random() < 0.2:
            fields["SalesAndPurchase"] = self._sales_and_purchase(fields["Name"], price)
        else:
            income = {"ItemService": "Services", "ItemOtherCharge": "Other Income"}
            account = income.get(kind, "Sales:Product Sales")
            fields["SalesOrPurchase"] = {
                "Desc": fields["Name"],
                "Price": price,
                "AccountRef": {"FullName": account},
            }
        fields["IsActive"] = "false" if rng.random() < 0.05 else "true"
        return fields

    def _sales_and_purchase(self, name: str, price: str) -> dict[str, Any]:
        both = {
            "SalesDesc": name,
            "SalesPrice": price,
            "IncomeAccountRef": {"FullName": "Services:Installation"},
            "PurchaseDesc": f"Subcontracted {name}",
            "PurchaseCost": self._money(2, 200),
            "ExpenseAccountRef": {"FullName": "Cost of Goods Sold:Subcontractors"},
        }
        if self.made.get("Vendor"):
            both["PrefVendorRef"] = {"ListID": self.rng.choice(self.made["Vendor"])["ListID"]}
        return both

    def _inventory_fields(self, price: str) -> dict[str, Any]:
        rng = self.rng
        cost = f"{float(price) * rng.uniform(0.35, 0.7):.2f}"
        fields = {
            "SalesPrice": price,
            "IncomeAccountRef": {"FullName": "Sales:Product Sales"},
            "PurchaseCost": cost,
            "COGSAccountRef": {"FullName": "Cost of Goods Sold"},
            "AssetAccountRef": {"FullName": "Inventory Asset"},
            "ReorderPoint": str(rng.randint(0, 50)),
            "QuantityOnHand": str(rng.randint(0, 500)),
        }
        if self.made.get("Vendor") and rng.random() < 0.6:
            fields["PrefVendorRef"] = {"ListID": rng.choice(self.made["Vendor"])["ListID"]}
        return fields

    # -- transactions -----------------------------------------------------------------
    def _transactions(self, count: int) -> None:
        """Invoices for customers and jobs (some made from an open sales order), sales
        orders, payments against open invoices, vendor bills."""
        if not count:
            return
        self.customers = [r for r in self.made["Customer"] if r.get("IsActive") != "false"]
        self.vendors = [r for r in self.made["Vendor"] if r.get("IsActive") != "false"]
        self.sellable = [
            r
            for kind in ("ItemService", "ItemNonInventory", "ItemOtherCharge", "ItemInventory")
            for r in self.made.get(kind, [])
            if r.get("IsActive") != "false"
        ]
        self.expenses = [
            f"{name}:{sub}" if sub else name
            for name, account_type, subs in CHART
            if account_type == "Expense"
            for sub in subs or ("",)
        ]
        self.open_invoices: list[list] = []  # [TxnID, customer ListID, balance]
        self.open_orders: list[tuple[str, str]] = []  # (TxnID, customer ListID)
        kinds, weights = list(TXN_WEIGHTS), list(TXN_WEIGHTS.values())
        makers = {
            "Invoice": self._invoice,
            "SalesOrder": self._sales_order,
            "ReceivePayment": self._payment,
            "Bill": self._bill,
        }
        for _ in range(count):
            kind = self.rng.choices(kinds, weights)[0]
            if kind == "ReceivePayment" and not self.open_invoices:
                kind = "Invoice"
            makers[kind]()

    def _sales_lines(self) -> list[dict[str, Any]]:
        rng = self.rng
        return [
            {"ItemRef": {"ListID": rng.choice(self.sellable)["ListID"]}, "Quantity": str(q)}
            for q in rng.choices(range(1, 13), k=rng.choice((1, 1, 2, 3, 4)))
        ]

    def _sales_order(self) -> None:
        customer = self.rng.choice(self.customers)
        fields = {"CustomerRef": {"ListID": customer["ListID"]}}
        ret = self.send("SalesOrder", {**fields, "SalesOrderLineAdd": self._sales_lines()})
        self.open_orders.append((ret["TxnID"], customer["ListID"]))

    def _invoice(self) -> None:
        """An invoice; every other one made from an open sales order when there is one."""
        rng = self.rng
        if self.open_orders and rng.random() < 0.5:
            order, customer_id = self.open_orders.pop(rng.randrange(len(self.open_orders)))
            fields: dict[str, Any] = {"CustomerRef": {"ListID": customer_id}}
            fields["LinkToTxnID"] = order
        else:
            customer_id = rng.choice(self.customers)["ListID"]
            fields = {"CustomerRef": {"ListID": customer_id}, "InvoiceLineAdd": self._sales_lines()}
        if rng.random() < 0.3:
            fields["PONumber"] = f"PO-{rng.randint(1000, 99999)}"
        ret = self.send("Invoice", fields)
        self.billed.add(customer_id)
        balance = Decimal(ret.get("BalanceRemaining", "0"))
        if balance > 0:
            self.open_invoices.append([ret["TxnID"], customer_id, balance])

    def _payment(self) -> None:
        rng = self.rng
        index = rng.randrange(len(self.open_invoices))
        txn_id, customer_id, balance = self.open_invoices[index]
        amount = balance if rng.random() < 0.7 else (balance / 2).quantize(Decimal("0.01"))
        self.send(
            "ReceivePayment",
            {
                "CustomerRef": {"ListID": customer_id},
                "TotalAmount": f"{amount:.2f}",
                "PaymentMethodRef": {"FullName": rng.choice(PAYMENT_METHODS)},
                "DepositToAccountRef": {"FullName": "Undeposited Funds"},
                "AppliedToTxnAdd": [{"TxnID": txn_id, "PaymentAmount": f"{amount:.2f}"}],
            },
        )
        if amount == balance:
            self.open_invoices.pop(index)
        else:
            self.open_invoices[index][2] = balance - amount

    def _bill(self) -> None:
        rng = self.rng
        vendor = rng.choice(self.vendors)
        lines = [
            {"AccountRef": {"FullName": rng.choice(self.expenses)}, "Amount": self._money(20, 2500)}
            for _ in range(rng.choice((1, 1, 2, 3)))
        ]
        self.send("Bill", {"VendorRef": {"ListID": vendor["ListID"]}, "ExpenseLineAdd": lines})

    # -- history ----------------------------------------------------------------------
    def _later_edits(self) -> None:
        """About one record in twenty was edited after it was created (a new phone)."""
        rng = self.rng
        for kind in ("Customer", "Vendor"):
            for ret in self.made.get(kind, []):
                if rng.random() < 0.05:
                    current = self.company.state.table(kind)[ret["ListID"]].ret
                    body = {
                        "ListID": current["ListID"],
                        "EditSequence": current["EditSequence"],
                        "Phone": self._phone(),
                    }
                    self._apply(f"{kind}ModRq", {f"{kind}Mod": body})

    def _deletions(self) -> None:
        """A few jobs without a balance were deleted (ListDeletedQuery has some to report)."""
        candidates = [
            r
            for r in self.made.get("Customer", [])
            if r.get("Sublevel") == "1"
            and r.get("Balance", "0.00") == "0.00"
            and r["ListID"] not in self.billed
        ]
        for ret in self.rng.sample(candidates, min(len(candidates), len(candidates) // 50 + 1, 40)):
            self._apply("ListDelRq", {"ListDelType": "Customer", "ListID": ret["ListID"]})

    # -- values -----------------------------------------------------------------------
    def _address(self, country: bool = True) -> dict[str, str]:
        city, state, postal = self.rng.choice(self.pools.cities)
        address = {"Addr1": self.rng.choice(self.pools.streets), "City": city, "State": state}
        address["PostalCode"] = postal
        if country:
            address["Country"] = "USA"
        return address

    def _contact_fields(self, first: str, last: str, name: str) -> dict[str, str]:
        return {
            "Phone": self._phone(),
            "Fax": self._phone(),
            "Email": self._email(first, last),
            "Contact": f"{first} {last}"[:41],
        }

    def _phone(self) -> str:
        rng = self.rng
        return f"({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"

    def _email(self, first: str, last: str) -> str:
        domain = self.rng.choice(self.pools.domains)
        return f"{first[0]}{last}@{domain}".lower().replace(" ", "").replace("'", "")

    def _money(self, low: int, high: int) -> str:
        return f"{self.rng.uniform(low, high):.2f}"

    def _date(self, years: int = 2, offset_years: int = 0) -> str:
        back = timedelta(days=self.rng.randint(0, 365 * years) + 365 * offset_years)
        return (self.start - back).date().isoformat()

    def _leaf_class(self) -> str:
        region, cities = self.rng.choice(CLASSES[:3])
        return f"{region}:{self.rng.choice(cities)}"

    def _maybe(self, fields: dict, chance: float, key: str, make: Callable[[], str]) -> None:
        if self.rng.random() < chance:
            fields[key] = make()


def expected_clock_reads(counts: dict[str, int]) -> int:
    """About how often a run reads the clock: once per list element, a few times per
    transaction (its date, its stamp, the invoice a payment touches)."""
    fixed = sum(1 + len(subs) for _n, _t, subs in CHART) + len(TERMS)
    fixed += sum(1 + len(subs) for _n, subs in CLASSES)
    lists = sum(v for k, v in counts.items() if k != "Txn")
    return fixed + lists + round(2.35 * counts.get("Txn", 0)) + 1


def plan(records: int, with_txns: bool = False) -> dict[str, int]:
    """How many records of each kind a company of ``records`` records gets."""
    fixed = sum(1 + len(subs) for _n, _t, subs in CHART) + len(TERMS)
    fixed += sum(1 + len(subs) for _n, subs in CLASSES)
    rest = max(records - fixed, 0)
    shares = SHARES_WITH_TXNS if with_txns else SHARES
    return {kind: round(rest * share) for kind, share in shares.items()}
