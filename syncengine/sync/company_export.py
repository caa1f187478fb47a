"""A read-only export of a QuickBooks company: the answers of its list queries (and the
transaction headers that carry reference numbers), each answer document kept as QuickBooks
sent it, one file per page, with a manifest (``manifest.json``) saying what each file holds
and whether the export is complete.

Only queries are sent, so it is safe against a client's live company file. The plan is one
sans-IO :class:`CompanyExport` (next query request, its answer, the next); :func:`export_company`
drives it over any :class:`~syncengine.transports.base.Transport` (COM, a simulated company),
the Web Connector server drives it from its SOAP calls. ``qbsim`` loads a company from such a
folder (``qbsim.from_query_answers``), so a rehearsal meets the client's real names.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from syncengine import qbxml
from syncengine.app.types import ENTITY_TYPES
from syncengine.errors import SyncError
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
FORMAT = "qbsync-company-export"
IN_PROGRESS = "the export stopped before its last answer"
"""The manifest's error while an export runs: what a reader sees if it never finishes."""


class ExportFolderError(SyncError):
    """The export folder cannot be written; the message names the path and what to do."""


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


class CompanyExport:
    """The export as a conversation, sans IO: :meth:`next_request` gives the next query
    (None once finished), :meth:`receive` writes its answer page and follows the iterator,
    :meth:`failed` marks the export incomplete. The manifest says "incomplete" from the start
    until the last answer is written, so an export cut off anyhow never reads as whole.
    ``source`` (e.g. the company's name) goes into the manifest as it is."""

    def __init__(
        self,
        folder: Path,
        kinds: Iterable[str] | None = None,
        source: Mapping[str, str] | None = None,
    ) -> None:
        self.folder, self.source = folder, dict(source or {})
        self.kinds = list(kinds) if kinds is not None else [*LIST_QUERIES, *txn_kinds()]
        self.report = ExportReport(folder)
        self.finished, self.error = False, ""
        self._index, self._page, self._remaining = 0, 0, 0
        self._request: qbxml.Request | None = None
        _write(folder, None)
        self._write_manifest()
        if not self.kinds:
            self._finish()

    def next_request(self) -> str | None:
        """The next query request document; None once the export is finished or failed."""
        if self.finished or self.error:
            return None
        if self._request is None:
            self._request = modified_since(self.kinds[self._index], None, ())
        return qbxml.message_set([self._request]).to_xml()

    def receive(self, response_xml: str) -> None:
        """Write the answer to the last request as its page; QBStatusError for a refused
        query, ResponseParseError for an unreadable answer (the caller then calls failed)."""
        answer = qbxml.parse_response(response_xml)[0]
        found = 0 if answer.is_nothing_found else len(answer.raise_for_status().records)
        self._write_page(response_xml, found)
        remaining = 0 if answer.is_nothing_found else answer.iterator_remaining_count or 0
        if remaining and answer.iterator_id is not None and self._request is not None:
            self._request = qbxml.continue_query(self._request, answer.iterator_id)
            self._remaining = remaining
        else:
            self._next_kind()

    def failed(self, message: str) -> None:
        """The export goes no further: the manifest says it is incomplete, and why."""
        if not self.finished and not self.error:
            self.error = message or "the export was stopped"
            self._write_manifest()

    @property
    def percent(self) -> int:
        """How far it is, 1 to 99 while it runs (kinds done, and the current kind's share of
        records its iterator has handed out), 100 once finished."""
        if self.finished:
            return 100
        kind = self.kinds[self._index]
        got = self.report.records.get(kind, 0)
        share = got / (got + self._remaining) if got + self._remaining else 0.0
        return min(99, max(1, int(100 * (self._index + share) / len(self.kinds))))

    def _write_page(self, text: str, found: int) -> None:
        kind = self.kinds[self._index]
        self._page += 1
        name = f"{kind}QueryRs-{self._page:03d}.xml"
        _write(self.folder / name, text)
        self.report.files.setdefault(kind, []).append(name)
        self.report.records[kind] = self.report.records.get(kind, 0) + found

    def _next_kind(self) -> None:
        self._index, self._page, self._remaining, self._request = self._index + 1, 0, 0, None
        if self._index == len(self.kinds):
            self._finish()

    def _finish(self) -> None:
        self.finished = True
        self._write_manifest()

    def _write_manifest(self) -> None:
        manifest: dict[str, object] = {"format": FORMAT, "version": 1}
        manifest["complete"] = self.finished
        if not self.finished:
            manifest["error"] = self.error or IN_PROGRESS
        manifest.update(self.report.as_dict())
        if self.source:
            manifest["source"] = self.source
        _write(self.folder / MANIFEST, json.dumps(manifest, indent=2) + "\n")


def _write(path: Path, text: str | None) -> None:
    """Write ``text`` to ``path`` (None: make the folder ``path``); ExportFolderError if the
    file system refuses."""
    try:
        if text is None:
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ExportFolderError(
            f"cannot write the export to {path}: {exc.strerror or exc}; give a folder you can"
            " write to"
        ) from exc


def export_company(
    transport: Transport, folder: Path, kinds: Iterable[str] | None = None
) -> ExportReport:
    """Export ``kinds`` (default: :data:`LIST_QUERIES` and :func:`txn_kinds`) into ``folder``
    over ``transport``, each answer as ``{Kind}QueryRs-NNN.xml``, and the manifest; a refused
    query or a lost answer is raised, the manifest then saying the export is incomplete."""
    export = CompanyExport(folder, kinds)
    try:
        while (request := export.next_request()) is not None:
            export.receive(transport.send(request))
    except SyncError as exc:
        export.failed(str(exc))
        raise
    return export.report
