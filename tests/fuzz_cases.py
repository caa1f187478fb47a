"""Hostile inputs for property-based fuzzing, shared by the test suite (a few hundred cases) and
``benchmarks/fuzz.py`` (tens of thousands).

Each target is a function that feeds one generated input to a reader and returns the outcome's
kind (``"ok"`` or the name of the typed error it raised); anything else it raises is a crash.
The inputs are valid documents and plans mutated (snippets inserted, spans cut or doubled,
tags renamed, DTDs, entities, surrogates, NULs, CRs), trees of qbXML-like elements, plain data
of the plan and playbook keys with odd values, and raw bytes.
"""

from __future__ import annotations

import atexit
import math
import re
import shutil
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from qbsim import Company
from qbsim.errors import FaultPlanError, NotImplementedInQbsim, QBXMLRPError
from qbsim.faults import load_plan
from syncengine import qbxml
from syncengine.qbxml.parse import ResponseParseError, parse_response
from syncengine.rehearsal.playbooks.load import PlaybookError
from syncengine.rehearsal.playbooks.load import load as load_playbook

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = [
    '<!DOCTYPE QBXML [<!ENTITY e "x">]>',
    '<!DOCTYPE QBXML SYSTEM "file:///etc/passwd">',
    '<!ENTITY e SYSTEM "http://example.invalid/">',
    "&e;",
    "&amp;",
    "&#xD800;",
    "&#0;",
    "&#x1F600;",
    "\ud800",
    "\udfff",
    "\x00",
    "\r\n",
    "\r",
    "\ufeff",
    "<![CDATA[<x>]]>",
    "]]>",
    "<",
    ">",
    "&",
    '"',
    "<?pi x?>",
    '<?qbxml version="99.0"?>',
    "<!-- c -->",
    "<Name>",
    "</Name>",
    "<ListID/>",
    ' statusCode="x"',
    ' statusSeverity="Error"',
    ' requestID="1"',
    ' iteratorRemainingCount="-1"',
    "<CustomerRet><ListID>1</ListID></CustomerRet>",
    "<CustomerAddRq><CustomerAdd><Name>x</Name></CustomerAdd></CustomerAddRq>",
    "<CustomerQueryRq/>",
    "9" * 30,
    "-1",
    "0.5",
    "Łódź €",
]
TAGS = [
    "QBXML",
    "QBXMLMsgsRq",
    "QBXMLMsgsRs",
    "CustomerAddRq",
    "CustomerAdd",
    "CustomerAddRs",
    "CustomerQueryRq",
    "CustomerQueryRs",
    "CustomerModRq",
    "CustomerMod",
    "InvoiceAddRq",
    "InvoiceAdd",
    "InvoiceLineAdd",
    "ListDelRq",
    "ListDelType",
    "TxnDelRq",
    "CustomerRet",
    "InvoiceRet",
    "ListID",
    "TxnID",
    "EditSequence",
    "Name",
    "FullName",
    "CustomerRef",
    "ItemRef",
    "Amount",
    "TimeModified",
    "IsActive",
    "MaxReturned",
    "ErrorRecovery",
    "Memo",
]
ATTRS = [
    "statusCode",
    "statusSeverity",
    "statusMessage",
    "requestID",
    "onError",
    "iterator",
    "iteratorID",
    "iteratorRemainingCount",
    "retCount",
    "newMessageSetID",
    "oldMessageSetID",
    "messageSetStatusCode",
    "metaData",
]
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(SNIPPETS)


# -- qbXML documents ---------------------------------------------------------------------------


@cache
def requests() -> tuple[str, ...]:
    """Valid request documents the engine builds: adds, a query, a mod, a delete."""
    return (
        qbxml.MessageSet([qbxml.add("Customer", {"Name": "Acme", "Phone": "555"})]).to_xml(),
        qbxml.MessageSet(
            [qbxml.add("Customer", {"Name": "Zoë"}), qbxml.query("Customer", {})]
        ).to_xml(),
        qbxml.MessageSet([qbxml.mod("Customer", "80000001-1", "1", {"Name": "B"})]).to_xml(),
        qbxml.MessageSet([qbxml.query("Customer", {"MaxReturned": 2})]).to_xml(),
    )


@cache
def responses() -> tuple[str, ...]:
    """What a simulated company answers to the seed requests (data, errors, 'not found')."""
    company = Company()
    return tuple(company.process(request) for request in requests() + requests()[:1])


@st.composite
def mutated(draw: st.DrawFn, seeds: Callable[[], tuple[str, ...]]) -> str | bytes:
    """One seed document with one to four mutations, as str or UTF-8 bytes."""
    doc = draw(st.sampled_from(seeds()))
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(doc)))
        end = draw(st.integers(start, min(len(doc), start + 40)))
        how = draw(st.sampled_from(["insert", "cut", "double", "replace", "tag", "truncate"]))
        if how == "insert":
            doc = doc[:start] + draw(TEXT) + doc[start:]
        elif how == "cut":
            doc = doc[:start] + doc[end:]
        elif how == "double":
            doc = doc[:end] + doc[start:end] + doc[end:]
        elif how == "replace":
            doc = doc[:start] + draw(TEXT) + doc[end:]
        elif how == "tag":
            doc = doc.replace(draw(st.sampled_from(TAGS)), draw(st.sampled_from(TAGS)), 1)
        else:
            doc = doc[:start]
    return _as_bytes(draw, doc)


def _as_bytes(draw: st.DrawFn, doc: str) -> str | bytes:
    if not draw(st.booleans()):
        return doc
    return doc.encode("utf-8", errors="surrogatepass")


def _element(draw: st.DrawFn, depth: int) -> str:
    tag = draw(st.sampled_from(TAGS))
    attrs = "".join(
        f' {name}="{draw(st.text(max_size=6) | st.sampled_from(["0", "1", "3100", "Error"]))}"'
        for name in draw(st.lists(st.sampled_from(ATTRS), max_size=3, unique=True))
    )
    if depth == 0 or draw(st.booleans()):
        return f"<{tag}{attrs}>{_escaped(draw(TEXT))}</{tag}>"
    kids = "".join(_element(draw, depth - 1) for _ in range(draw(st.integers(0, 3))))
    return f"<{tag}{attrs}>{kids}</{tag}>"


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;") if len(text) % 2 else text


@st.composite
def element_trees(draw: st.DrawFn, envelope: str) -> str | bytes:
    """A qbXML document whose message set holds random elements of qbXML names."""
    body = "".join(_element(draw, 3) for _ in range(draw(st.integers(0, 3))))
    doc = (
        '<?xml version="1.0"?>\n<?qbxml version="16.0"?>\n'
        f'<QBXML><{envelope} onError="continueOnError">{body}</{envelope}></QBXML>'
    )
    return _as_bytes(draw, doc)


RAW = st.binary(max_size=200) | st.text(max_size=200)
RESPONSES = mutated(responses) | element_trees("QBXMLMsgsRs") | RAW
REQUESTS = mutated(requests) | element_trees("QBXMLMsgsRq") | RAW


def read_response(document: str | bytes) -> str:
    """Feed the engine's response reader, deep and shallow."""
    try:
        parse_response(document)
        parse_response(document, shallow=True)
    except ResponseParseError:
        return "ResponseParseError"
    return "ok"


def answer_request(document: str | bytes) -> str:
    """Feed a fresh simulated company; its answer must be readable by the engine."""
    try:
        answer = Company().process(document)
    except NotImplementedInQbsim:
        return "NotImplementedInQbsim"
    except QBXMLRPError:
        return "QBXMLRPError"
    parse_response(answer)
    return "ok"


# -- plans and playbooks -----------------------------------------------------------------------

ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, -1, -0.5, 0, 1e308, "unlimited", "", "CustomerAddRq", "x" * 300]),
    st.text(max_size=20),
)
PLAN_KEYS = [
    "faults",
    "seed",
    "title",
    "description",
    "effect",
    "when",
    "at",
    "on_request",
    "request_type",
    "name",
    "probability",
    "times",
    "label",
    "target",
    "kind",
    "list_id",
    "parent",
    "duration",
    "factor",
    "code",
    "changes",
]
EFFECTS = ["slow", "lose_response", "duplicate_name", "record_in_use", "modal_dialog", "nope"]


def _hashable(value: Any) -> bool:
    return not isinstance(value, float) or not math.isnan(value)


PLAN_DATA = st.recursive(
    ODD | st.sampled_from(EFFECTS),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(PLAN_KEYS) | ODD.filter(_hashable), inner, max_size=5)
    ),
    max_leaves=20,
)


@st.composite
def plan_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A plan-shaped dict: a faults list of fault-shaped dicts with odd values."""
    faults = draw(st.lists(st.dictionaries(st.sampled_from(PLAN_KEYS), PLAN_DATA), max_size=3))
    for fault in faults:
        if draw(st.booleans()):
            fault["effect"] = draw(st.sampled_from(EFFECTS))
    extra = draw(st.dictionaries(st.sampled_from(["seed", "title", "description"]), PLAN_DATA))
    return {"faults": faults, **extra}


@cache
def plan_texts() -> tuple[str, ...]:
    return tuple(p.read_text() for p in sorted((ROOT / "scenarios/faults").glob("*.yaml")))


@cache
def playbook_texts() -> tuple[str, ...]:
    return tuple(p.read_text() for p in sorted((ROOT / "scenarios").glob("*.yaml"))[:6])


def _dumped(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True)


def _text(document: str | bytes) -> str:
    return document if isinstance(document, str) else document.decode("utf-8", "surrogatepass")


PLAN_TEXT = mutated(plan_texts).map(_text) | plan_dicts().map(_dumped)
PLANS = PLAN_TEXT | plan_dicts()
PLAYBOOKS = mutated(playbook_texts) | st.binary(max_size=100) | plan_dicts().map(_dumped)


def read_plan(plan: str | dict[str, Any]) -> str:
    """Feed qbsim's fault-plan loader (YAML text or a dict)."""
    try:
        load_plan(plan if isinstance(plan, dict) else plan + "\n")
    except FaultPlanError:
        return "FaultPlanError"
    return "ok"


_FOLDER = Path(tempfile.mkdtemp(prefix="qbsync-fuzz-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)
_NAME = re.compile(rb"^name: ([a-z0-9-]{1,60})$", re.MULTILINE)


def read_playbook(document: str | bytes) -> str:
    """Write a playbook file (text or bytes), named as its ``name:`` says when it says one
    plainly (so the loader's checks all run), and feed the playbook loader."""
    if isinstance(document, str):
        document = document.encode("utf-8", errors="surrogatepass")
    named = _NAME.search(document)
    path = _FOLDER / f"{named[1].decode() if named else 'fuzzed'}.yaml"
    path.write_bytes(document)
    try:
        load_playbook(path)
    except PlaybookError:
        return "PlaybookError"
    return "ok"


TARGETS: dict[str, tuple[Callable[[Any], str], st.SearchStrategy[Any]]] = {
    "qbxml response parser": (read_response, RESPONSES),
    "qbsim request handler": (answer_request, REQUESTS),
    "fault plan loader": (read_plan, PLANS),
    "playbook loader": (read_playbook, PLAYBOOKS),
}
"""Each target's reader and the strategy of its inputs."""
