"""Benchmark: CustomerAdd built by syncengine.qbxml, answered by qbsim, parsed back.

Prints records per second for the whole round trip beside the raw lxml parse and serialise
of the very same request and response documents, and their ratio (target: within 3x).

    python benchmarks/bench_qbxml.py [--records 2000] [--batch 1 --batch 50] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import time

from lxml import etree

from qbsim import Company
from syncengine import qbxml

SEED = 7


def customers(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    streets = ["Main St", "Oak Ave", "Pine Rd", "Maple Dr", "Cedar Ln"]
    return [
        {
            "Name": f"Customer {i:06d}",
            "CompanyName": f"Company {rng.randrange(10**6):06d}",
            "FirstName": rng.choice(["Ann", "Bob", "Cy", "Dee"]),
            "LastName": rng.choice(["Lee", "Ortiz", "Singh", "Novak"]),
            "BillAddress": {
                "Addr1": f"{rng.randrange(1, 9999)} {rng.choice(streets)}",
                "City": "Springfield",
                "State": "IL",
                "PostalCode": f"{rng.randrange(60000, 62999)}",
            },
            "Phone": f"555-{rng.randrange(10000):04d}",
            "Email": f"c{i}@example.com",
        }
        for i in range(count)
    ]


def round_trip(records: list[dict], batch: int) -> tuple[float, list[tuple[str, str]]]:
    """Seconds for build -> Company.process -> parse of every record, and the documents."""
    company = Company(seed=SEED)
    documents = []
    start = time.perf_counter()
    for first in range(0, len(records), batch):
        chunk = records[first : first + batch]
        requests = [
            qbxml.add("Customer", fields, request_id=str(first + i))
            for i, fields in enumerate(chunk)
        ]
        request_xml = qbxml.MessageSet(requests, on_error="continueOnError").to_xml()
        response_xml = company.process(request_xml)
        answer = qbxml.parse_response(response_xml)
        assert all(not r.is_error for r in answer)
        documents.append((request_xml, response_xml))
    return time.perf_counter() - start, documents


def raw_lxml(documents: list[tuple[str, str]]) -> float:
    """Seconds for lxml alone to parse and serialise the same request and response texts."""
    encoded = [(rq.encode(), rs.encode()) for rq, rs in documents]
    start = time.perf_counter()
    for request, response in encoded:
        etree.tostring(etree.fromstring(request))
        etree.tostring(etree.fromstring(response))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--batch", type=int, action="append", help="requests per message set")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    records = customers(args.records, args.seed)
    print(f"{'batch':>6} {'records/s':>10} {'raw lxml/s':>11} {'ratio':>6}")
    for batch in args.batch or [1, 50]:
        seconds, documents = round_trip(records, batch)
        raw = raw_lxml(documents)
        rate, raw_rate = len(records) / seconds, len(records) / raw
        print(f"{batch:>6} {rate:>10,.0f} {raw_rate:>11,.0f} {seconds / raw:>5.1f}x")


if __name__ == "__main__":
    main()
