"""A company loaded from the answers of real queries: a folder of ``*QueryRs*.xml`` answer
documents (``qbsync export-company`` writes one, read only, from the client's QuickBooks).

Each ``…Ret`` element becomes a record as QuickBooks answered it: its ListID or TxnID, names,
EditSequence, IsActive and parent references are kept, so name collisions, inactive records
and missing accounts are the client's real ones. The ID counter is moved past the highest ID
seen (and TxnNumber past the highest number), so the records qbsim makes never collide with
them (inferred: QuickBooks' IDs are ``HEX-SECONDS`` with a growing counter, QBXML-NOTES.md
and every capture in qbxml-samples). A file that is not such an answer is refused, naming
the file and the element.

A folder with the export's ``manifest.json`` loads exactly the files it lists (a page left by an
earlier, longer export is not read), and is refused when the manifest says the export is
incomplete (it stopped on an error, or never reached its last answer): a company missing
records would make a rehearsal miss the client's collisions. A folder without a manifest (answer
files gathered by hand) loads every ``*QueryRs*.xml`` in it.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from lxml import etree

from qbschema.check import read_checked
from qbschema.safexml import parse, read_file
from qbsim.company import Company
from qbsim.model import refs
from qbsim.model.base import Clock, CompanyState, Record, fixed_clock
from qbsim.model.retdata import ret_node
from qbsim.persist import latest_moment

MANIFEST = "manifest.json"
"""The export's manifest (``syncengine.sync.company_export`` writes it)."""
NOTHING_FOUND = "1"
"""statusCode of a query that found no records (an empty list: not a fault)."""


class QueryAnswersError(ValueError):
    """A file of the folder is not a query answer qbsim can load; the message names the file,
    the element and what to do."""


def from_query_answers(folder: str | Path, *, clock: Clock | None = None) -> Company:
    """The company whose query answers ``folder`` holds (every ``*QueryRs*.xml`` file in it).
    Without ``clock`` time goes on one second after the latest moment the records carry.
    :class:`QueryAnswersError` for a missing folder or a malformed file."""
    path = Path(folder)
    files = _listed(path)
    if files is None:
        files = sorted(path.glob("*QueryRs*.xml")) if path.is_dir() else []
    if not files:
        raise QueryAnswersError(
            f"{path}: no *QueryRs*.xml answer files; make them with `qbsync export-company`"
        )
    company = Company(clock=clock or fixed_clock())
    for file in files:
        for ret in _rets(file):
            _add(company.state, file, ret)
    _settle(company.state, clock)
    return company


def _listed(folder: Path) -> list[Path] | None:
    """The answer files the folder's manifest lists (None: no manifest); QueryAnswersError
    for a manifest that cannot be read or says the export is incomplete."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return None
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        names = [str(n) for kind in data["files"].values() for n in kind]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise QueryAnswersError(
            f"{manifest}: not an export manifest ({exc!r}); export the company again with"
            " `qbsync export-company`"
        ) from None
    if data.get("complete") is False:
        raise QueryAnswersError(
            f"{manifest}: the export is incomplete ({data.get('error') or 'no reason given'}),"
            " so the folder misses records and is not loaded; run the export again"
            " (`qbsync export-company`, or the Web Connector's export user) until it completes"
        )
    return sorted(folder / name for name in names)


def _refuse(file: Path, element: etree._Element | None, problem: str) -> QueryAnswersError:
    where = f" element {element.tag} (line {element.sourceline})" if element is not None else ""
    return QueryAnswersError(
        f"{file}:{where}: {problem}; export the company again with `qbsync export-company`"
    )


def _rets(file: Path) -> list[etree._Element]:
    """The ``…Ret`` elements of every query answer in ``file``."""
    try:
        root = parse(read_file(file))
    except (OSError, ValueError) as exc:  # lxml's XMLSyntaxError is a ValueError
        raise _refuse(file, None, f"not a readable XML document ({exc})") from None
    msgs = root.find("QBXMLMsgsRs")
    if root.tag != "QBXML" or msgs is None:
        raise _refuse(file, root, "not a qbXML response (QBXML/QBXMLMsgsRs expected)")
    rets: list[etree._Element] = []
    for answer in msgs:
        rets += _answer_rets(file, answer)
    return rets


def _answer_rets(file: Path, answer: etree._Element) -> list[etree._Element]:
    if not str(answer.tag).endswith("QueryRs"):
        raise _refuse(file, answer, "not a query answer (…QueryRs expected)")
    code = answer.get("statusCode")
    if code not in ("0", NOTHING_FOUND):
        raise _refuse(file, answer, f"QuickBooks refused this query (statusCode {code})")
    strays = [kid for kid in answer if not str(kid.tag).endswith("Ret")]
    if strays:
        raise _refuse(file, strays[0], "a query answer holds only …Ret elements")
    return list(answer)


def _add(state: CompanyState, file: Path, element: etree._Element) -> None:
    """Store one Ret element as the record it describes, its name indexed."""
    kind = str(element.tag).removesuffix("Ret")
    try:
        checked = read_checked(element, ret_node(kind))
    except KeyError:
        raise _refuse(file, element, f"qbXML has no {kind} records qbsim can hold") from None
    if checked.problem is not None:
        raise _refuse(file, element, str(checked.problem))
    ret: dict[str, Any] = checked.value
    record_id = ret.get("ListID") or ret.get("TxnID")
    if not record_id:
        raise _refuse(file, element, "it has neither ListID nor TxnID")
    created = _moment(state, file, element, ret.get("TimeCreated"))
    modified = _moment(state, file, element, ret.get("TimeModified"))
    edit_sequence = str(ret.get("EditSequence", ""))
    sequence = int(edit_sequence) if edit_sequence.isdigit() else 0
    record = Record(kind, record_id, ret, created, modified, sequence)
    state.table(kind)[record_id] = record
    name = ret.get("FullName") or ret.get("Name")
    if "ListID" in ret and name:
        state.names[(refs.namespace_of(kind), str(name).casefold())] = record


def _moment(state: CompanyState, file: Path, element: etree._Element, text: str | None) -> datetime:
    if not text:
        return state.now()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _refuse(file, element, f"TimeCreated/TimeModified {text!r} is not a date") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=state.tz)


def _settle(state: CompanyState, clock: Clock | None) -> None:
    """Counters past the highest ID and TxnNumber; the clock after the latest moment."""
    ids = (r.id.split("-", 1)[0] for table in state.records.values() for r in table.values())
    counters = [int(head, 16) for head in ids if _is_hex(head)]
    state.next_id = max([state.next_id, *(c + 1 for c in counters)])
    numbers = [
        int(r.ret["TxnNumber"])
        for table in state.records.values()
        for r in table.values()
        if str(r.ret.get("TxnNumber", "")).isdigit()
    ]
    state.next_txn_number = max([state.next_txn_number, *(n + 1 for n in numbers)])
    state.reindex()
    latest = latest_moment(state)
    if clock is None and latest is not None:
        state.clock = fixed_clock(latest + timedelta(seconds=1))


def _is_hex(text: str) -> bool:
    try:
        int(text, 16)
    except ValueError:
        return False
    return True
