"""Query iterators and ``MaxReturned``: page a query's matches the way QuickBooks does.

``iterator="Start"`` answers the first page with an ``iteratorID`` (a GUID in braces) and
``iteratorRemainingCount``; ``Continue`` with that ID answers the next page, re-reading each
record as it is now (a record deleted since is skipped); the iterator ends when nothing
remains, with ``Stop``, or when the session ends (``Company.end_session``). A query whose Rets
are shaped (a transaction query without lines) passes ``Outcome.view`` so later pages are
shaped alike. Only the query
types whose schema has the attribute take it (the wire layer refuses it elsewhere). An
unknown or finished ``iteratorID`` is answered 3000 (inferred: the real code is not on
record). Without an iterator, ``MaxReturned`` cuts the answer to its first N matches.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qbsim import status
from qbsim.errors import Outcome

if TYPE_CHECKING:
    from qbsim.company import Company
    from qbsim.model.base import Record


@dataclass
class Iteration:
    """A live iterator: which query started it and the records it has still to hand out."""

    request_type: str
    keys: list[tuple[str, str]]  # (Ret tag, ListID or TxnID) of every match after the first page
    view: Callable[[Record], Any] | None = None  # how later pages show a record (None: as stored)
    handed: int = 0  # how many of ``keys`` earlier pages handed out

    @property
    def remaining(self) -> int:
        """How many records the iterator has still to hand out."""
        return len(self.keys) - self.handed


def continues(attrs: dict) -> bool:
    """Whether a query request continues or stops an iterator (and so runs no query)."""
    return attrs.get("iterator") in ("Continue", "Stop")


def page(company: Company, tag: str, body: dict, attrs: dict, outcome: Outcome) -> Outcome:
    """Apply ``MaxReturned`` and the iterator attributes to a query's full answer (for
    ``Continue``/``Stop`` the answer is ignored: the iterator knows its records). A query's
    ``matches`` are shown (``Outcome.show``) only for the page answered."""
    mode = attrs.get("iterator")
    limit = int(body["MaxReturned"]) if "MaxReturned" in body else None
    if mode is None:
        return _first(outcome, None if limit is None else slice(limit))
    if mode == "Start":
        return _start(company, tag, outcome, limit)
    iterator_id = attrs.get("iteratorID", "")
    iteration = company.iterators.get(iterator_id)
    if iteration is None or iteration.request_type != tag:
        raise status.invalid_id(iterator_id, "iteratorID")
    if mode == "Stop":
        del company.iterators[iterator_id]
        return _with_counts(Outcome([]), iterator_id, 0)
    return _continue(company, iterator_id, limit)


def new_iterator_id(company: Company) -> str:
    """A GUID in braces, drawn from the company's seeded random source."""
    return "{" + str(uuid.UUID(int=company.rng.getrandbits(128), version=4)) + "}"


def _first(outcome: Outcome, cut: slice | None) -> Outcome:
    """The answer cut to ``cut`` (None: whole), its matches shown as Ret data."""
    if outcome.matches is not None:
        matches = outcome.matches if cut is None else outcome.matches[cut]
        outcome.children = [(child_tag, outcome.show(record)) for child_tag, record in matches]
        outcome.matches = None
    elif cut is not None:
        outcome.children = outcome.children[cut]
    return outcome


def _start(company: Company, tag: str, outcome: Outcome, limit: int | None) -> Outcome:
    iterator_id = new_iterator_id(company)
    if outcome.matches is not None:
        keys = [(child_tag, record.id) for child_tag, record in outcome.matches]
    else:
        keys = [(child_tag, _record_id(value)) for child_tag, value in outcome.children]
    size = len(keys) if limit is None else limit
    rest = keys[size:]
    if rest:
        company.iterators[iterator_id] = Iteration(tag, rest, outcome.view)
    first = _first(outcome, slice(size)).children
    result = Outcome(first, outcome.code, outcome.message, outcome.severity)
    return _with_counts(result, iterator_id, len(rest))


def _continue(company: Company, iterator_id: str, limit: int | None) -> Outcome:
    iteration = company.iterators[iterator_id]
    size = iteration.remaining if limit is None else limit
    # A position, not a slice of what is left: paging N matches copies each key once.
    chunk = iteration.keys[iteration.handed : iteration.handed + size]
    iteration.handed += len(chunk)
    show = iteration.view or (lambda record: record.ret)
    children = []
    for child_tag, record_id in chunk:
        record = company.lookup(child_tag.removesuffix("Ret"), record_id)
        if record is not None:
            children.append((child_tag, show(record)))
    if not iteration.remaining:
        company.iterators.pop(iterator_id, None)
    return _with_counts(Outcome(children), iterator_id, iteration.remaining)


def _record_id(value: dict) -> str:
    return value.get("ListID") or value.get("TxnID") or ""


def _with_counts(outcome: Outcome, iterator_id: str, remaining: int) -> Outcome:
    outcome.rs_attrs["iteratorRemainingCount"] = str(remaining)
    outcome.rs_attrs["iteratorID"] = iterator_id
    return outcome
