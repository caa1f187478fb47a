"""A read-only export of a QuickBooks company: the answers of its list queries (and the
transaction headers that carry reference numbers), each answer document kept as QuickBooks
sent it, one file per page, with a manifest (``manifest.json``) saying what each file holds.

Only queries are sent, so it is safe against a client's live company file (over COM or any
other :class:`~syncengine.transports.base.Transport`). ``qbsim`` loads a company from such a
folder (``qbsim.from_query_answers``), so a rehearsal meets the client's real names.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from syncengine import qbxml
from syncengine.app.types import ENTITY_TYPES
from syncengine.sync.queries import modified_since
from syncengine.transports.base import Transport

LIST_QUERIES = (
    "Customer",
    "Vendor",
    "Employee",
    "OtherName",
    "Item",
    "Account",
    "StandardTerms",
    "SalesTaxCode",
)
"""The lists exported, in this order (the ones that hold names, references and terms)."""

MANIFEST = "manifest.json"


def txn_kinds() -> list[str]:
    """The transaction types the app syncs that carry a RefNumber (their headers only)."""
    kinds = (t.qb_type for t in ENTITY_TYPES.values() if not t.is_list and t.field("ref_number"))
    return list(dict.fromkeys(kinds))


@dataclass
class ExportReport:
    """What was written: per query type its files and record count."""

    folder: Path
    files: dict[str, list[str]] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON (the manifest's body)."""
        return {"folder": str(self.folder), "files": self.files, "records": self.records}


def _pages(transport: Transport, kind: str) -> Iterator[tuple[str, int]]:
    """Each answer document of ``kind``'s query (all records, inactive too) with its record
    count, following the iterator page by page; a status error is raised."""
    request = modified_since(kind, None, ())
    while True:
        text = transport.send(qbxml.message_set([request]).to_xml())
        answer = qbxml.parse_response(text)[0]
        if answer.is_nothing_found:
            yield text, 0
            return
        answer.raise_for_status()
        yield text, len(answer.records)
        if not answer.iterator_remaining_count or answer.iterator_id is None:
            return
        request = qbxml.continue_query(request, answer.iterator_id)


def export_company(
    transport: Transport, folder: Path, kinds: Iterable[str] | None = None
) -> ExportReport:
    """Write each query answer of ``kinds`` (default: :data:`LIST_QUERIES` and
    :func:`txn_kinds`) into ``folder`` as ``{Kind}QueryRs-NNN.xml``, and the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    report = ExportReport(folder)
    for kind in kinds if kinds is not None else (*LIST_QUERIES, *txn_kinds()):
        _export_kind(transport, folder, kind, report)
    manifest = {"format": "qbsync-company-export", "version": 1, **report.as_dict()}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return report


def _export_kind(transport: Transport, folder: Path, kind: str, report: ExportReport) -> None:
    names, count = [], 0
    for number, (text, found) in enumerate(_pages(transport, kind), start=1):
        name = f"{kind}QueryRs-{number:03d}.xml"
        (folder / name).write_text(text, encoding="utf-8")
        names.append(name)
        count += found
    report.files[kind], report.records[kind] = names, count
