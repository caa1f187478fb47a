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

from qbschema import schema
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
    settle(company.state, clock)
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
    for name in names:
        if Path(name).name != name or name.startswith("."):
            raise QueryAnswersError(
                f"{manifest}: lists {name!r}, which is not a file of the export's own folder;"
                " export the company again with `qbsync export-company`"
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
    """Store one Ret element of ``file`` as the record it describes; refused naming the file."""
    try:
        place(state, element)
    except ValueError as exc:
        raise _refuse(file, element, str(exc)) from None


def place(state: CompanyState, element: etree._Element) -> Record:
    """Store one ``…Ret`` element as the record it describes, with its ListID or TxnID,
    EditSequence and times, its name indexed (a record of the same kind and ID is replaced).
    ValueError saying what is wrong when it is not a record qbsim can hold. Call
    :func:`settle` once every record is placed."""
    kind = str(element.tag).removesuffix("Ret")
    try:
        checked = read_checked(element, ret_node(kind))
    except KeyError:
        raise ValueError(f"qbXML has no {kind} records qbsim can hold") from None
    if checked.problem is not None:
        raise ValueError(str(checked.problem))
    ret: dict[str, Any] = checked.value
    record_id = ret.get("ListID") or ret.get("TxnID")
    if not record_id:
        raise ValueError("it has neither ListID nor TxnID")
    created = _moment(state, ret.get("TimeCreated"))
    modified = _moment(state, ret.get("TimeModified"))
    edit_sequence = str(ret.get("EditSequence", ""))
    sequence = int(edit_sequence) if edit_sequence.isdigit() else 0
    record = Record(kind, record_id, ret, created, modified, sequence)
    state.table(kind)[record_id] = record
    name = ret.get("FullName") or ret.get("Name")
    if "ListID" in ret and name:
        state.names[(refs.namespace_of(kind), str(name).casefold())] = record
    return record


def place_fields(company: Company, kind: str, fields: dict[str, Any]) -> Record:
    """Place a record of ``kind`` given as qbXML fields (``ListID`` or ``TxnID`` among them)
    as it is, with that ID, and move the company's counters past it. Fields QuickBooks always
    answers with and that are not given are filled in (inferred from every Ret in
    qbxml-samples): the times (now), EditSequence (now's seconds), and for a list record
    FullName (its Name), Sublevel 0 and IsActive true. ValueError naming the field when the
    fields do not fit ``{kind}Ret`` (qbschema's ``SchemaDataError``)."""
    try:
        node = ret_node(kind)
    except KeyError:
        raise ValueError(f"qbXML has no {kind} records qbsim can hold") from None
    now = company.state.now()
    filled = {"TimeCreated": now.isoformat(), "TimeModified": now.isoformat()}
    filled["EditSequence"] = str(int(now.timestamp()))
    if "ListID" in fields and "Name" in fields:
        filled |= {"FullName": fields["Name"], "Sublevel": "0", "IsActive": "true"}
    filled = {name: value for name, value in filled.items() if name in node.children}
    element = schema().build(f"{kind}Ret", node, filled | fields)
    record = place(company.state, element)
    settle(company.state, company.state.clock)
    return record


def _moment(state: CompanyState, text: str | None) -> datetime:
    if not text:
        return state.now()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"TimeCreated/TimeModified {text!r} is not a date") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=state.tz)


def settle(state: CompanyState, clock: Clock | None) -> None:
    """Counters past the highest ID and TxnNumber; without ``clock``, the clock after the
    latest moment the records carry."""
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
