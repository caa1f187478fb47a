"""``qbsync demo``: a short conversation with a simulated QuickBooks company, narrated.

It shows, headless, what the engine's qbXML layer and qbsim do together: adds, a job under a
customer, a duplicate name refused with 3100, a stale EditSequence refused with 3200, and a
query paged with an iterator.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qbsim import Company
    from syncengine import qbxml


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("demo", help="talk to a simulated QuickBooks company and narrate")
    parser.add_argument("--seed", type=int, default=1, help="seed of the simulated company")
    parser.set_defaults(handler=run)


def _send(company: Company, *requests: qbxml.Request) -> qbxml.ResponseSet:
    from syncengine import qbxml

    document = qbxml.MessageSet(requests, on_error="continueOnError").to_xml()
    return qbxml.parse_response(company.process(document))


def _say(response: qbxml.Response, what: str) -> None:
    outcome = "ok" if not response.is_error else f"refused {response.status_code}"
    print(f"  {what:<44} {outcome}: {response.status_message}")


def run(args: argparse.Namespace) -> int:
    # Imported here: qbsim and the qbXML layer are for this command only.
    from qbsim import Company
    from syncengine import qbxml

    company = Company(seed=args.seed)
    print(f"Simulated company '{company.state.company_name}' (seed {args.seed})")
    names = ["Acme Supply", "Birch & Co", "Cedar Works", "Dunmore Ltd", "Elm Street Cafe"]
    added = _send(company, *(qbxml.add("Customer", {"Name": n}) for n in names))
    for name, response in zip(names, added, strict=True):
        _say(response, f"CustomerAdd {name!r}")
    acme = added[0].records[0]
    job = _send(
        company,
        qbxml.add("Customer", {"Name": "Warehouse", "ParentRef": {"ListID": acme["ListID"]}}),
    )
    _say(job[0], "CustomerAdd job 'Warehouse' under Acme Supply")
    warehouse = job[0].records[0]
    print(f"    -> FullName {warehouse['FullName']!r}, Sublevel {warehouse['Sublevel']}")
    duplicate = _send(company, qbxml.add("Vendor", {"Name": "ACME SUPPLY"}))
    _say(duplicate[0], "VendorAdd 'ACME SUPPLY' (name taken)")
    first = _send(
        company, qbxml.mod("Customer", acme["ListID"], acme["EditSequence"], {"Phone": "555-0100"})
    )
    _say(first[0], "CustomerMod phone, current EditSequence")
    stale = _send(
        company, qbxml.mod("Customer", acme["ListID"], acme["EditSequence"], {"Phone": "555-0199"})
    )
    _say(stale[0], "CustomerMod again with the old EditSequence")
    page = _send(company, qbxml.query("Customer", max_returned=2, iterator="Start"))[0]
    seen = [r["FullName"] for r in page.records]
    while page.iterator_remaining_count:
        page = _send(
            company,
            qbxml.query(
                "Customer", max_returned=2, iterator="Continue", iterator_id=page.iterator_id
            ),
        )[0]
        seen += [r["FullName"] for r in page.records]
    print(f"  CustomerQuery with an iterator, 2 a page: {len(seen)} customers")
    for name in seen:
        print(f"    {name}")
    return 0
