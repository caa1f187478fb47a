"""``qbsync qbxml validate FILE...``: check qbXML documents against Intuit's XSD.
``qbsync qbxml send FILE``: send one request document to QuickBooks and print its answer.

Each problem is printed as ``FILE:LINE: element: message`` and each valid file as
``FILE: OK``. Exit 1 when any file is invalid, not well-formed, declares a DTD (entities are
never resolved) or is larger than ``qbschema.safexml.MAX_DOCUMENT_BYTES``; 2 when the XSD cannot
be found (or a file cannot be read). ``--builtin`` checks with the project's compiled content
models instead, for machines without the XSD; it covers only the message types the product
speaks. lxml and the content models are imported when a file is checked, not before.

``send`` checks the document first (against the XSD; the built-in check where there is none),
then sends it to the workspace's simulated company (``--simulated``: the company ``job run
--simulated`` keeps beside the workspace, or ``--company PATH``) or to QuickBooks over COM
(``--com``), and prints the answer document as it came back. Exit 0 when QuickBooks answered,
whatever the statuses in the answer; 2 when the document was refused before it was answered
(unreadable, invalid, refused whole by the request processor, QuickBooks out of reach).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from syncengine.commands.common import refusals

if TYPE_CHECKING:
    from lxml import etree

    import qbschema


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``qbxml`` command family to the ``qbsync`` parser."""
    family = subparsers.add_parser(
        "qbxml", help="qbXML documents: validate, send one to QuickBooks"
    )
    actions = family.add_subparsers(dest="qbxml_action", metavar="ACTION", required=True)
    validate = actions.add_parser(
        "validate",
        help="check qbXML files against Intuit's XSD (QBXML_SCHEMA_DIR)",
        description="Check qbXML request or response files against Intuit's qbXML 16.0 XSD.",
    )
    validate.add_argument("files", nargs="+", metavar="FILE", type=Path)
    validate.add_argument(
        "--builtin",
        action="store_true",
        help="check with the project's compiled content models instead of the XSD",
    )
    validate.set_defaults(handler=run_validate)
    _send(actions)


def _send(actions: argparse._SubParsersAction) -> None:
    from syncengine.commands.common import add_workspace_option
    from syncengine.commands.jobs import add_com_options

    text = "send one qbXML request document to QuickBooks and print the answer"
    send = actions.add_parser("send", help=text, description=text)
    add_workspace_option(send)
    send.add_argument("file", metavar="FILE", type=Path, help="a qbXML request document")
    where = send.add_mutually_exclusive_group(required=True)
    where.add_argument("--simulated", action="store_true", help="the workspace's simulated company")
    where.add_argument("--com", action="store_true", help="QuickBooks on this machine (Windows)")
    send.add_argument("--company", type=Path, metavar="PATH", help="simulated company file")
    send.add_argument("--seed", type=int, default=1, help="seed of a new simulated company")
    add_com_options(send)
    send.set_defaults(handler=run_send)


def run_validate(args: argparse.Namespace) -> int:
    """Validate every file; 0 all valid, 1 any invalid, 2 no XSD or an unreadable file."""
    if not args.builtin and not _xsd_ready():
        return 2
    check = _builtin_problems if args.builtin else _xsd_problems
    worst = 0
    for path in args.files:
        worst = max(worst, _validate_file(path, check))
    return worst


@refusals("qbxml send")
def run_send(args: argparse.Namespace) -> int:
    """Check the request document, send it, print the answer; 0 answered, 2 refused."""
    print(_answer(args, _checked_request(args.file)))
    return 0


def _checked_request(path: Path) -> str:
    """The text of the request document at ``path``, refused (naming the file, the line and
    the element) when it cannot be read, is no request or does not fit the schema."""
    from lxml import etree

    import qbschema
    from qbschema import safexml
    from syncengine.commands.common import Refusal

    try:
        data = safexml.read_file(path)
        root = safexml.parse(data)
    except OSError as exc:
        raise Refusal(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (etree.XMLSyntaxError, safexml.UnsafeDocumentError) as exc:
        raise Refusal(f"{path}: not a qbXML document: {exc}") from None
    if root.find("QBXMLMsgsRq") is None:
        raise Refusal(f"{path}: not a request document (QBXML/QBXMLMsgsRq expected)")
    check = _xsd_problems if qbschema.find_xsd_dir() is not None else _builtin_problems
    problems = list(check(root))
    if problems:
        found = "; ".join(f"{path}:{line}: {el}: {msg}" for line, el, msg in problems[:3])
        raise Refusal(f"not sent, the document does not fit the qbXML schema: {found}")
    encoding = root.getroottree().docinfo.encoding or "utf-8"
    return data.decode(encoding, errors="replace").lstrip("\ufeff")


def _answer(args: argparse.Namespace, text: str) -> str:
    """QuickBooks' answer to ``text``: the simulated company's (saved after), or over COM."""
    from syncengine.commands.jobs import com_transport

    if args.com:
        with com_transport(args) as transport:
            return str(transport.send(text))
    return _simulated_answer(args, text)


def _simulated_answer(args: argparse.Namespace, text: str) -> str:
    from syncengine.commands.common import open_workspace
    from syncengine.commands.jobs import company_held, save_company, workspace_company
    from syncengine.transports.simulated import SimulatedTransport

    with open_workspace(args) as store, company_held(args, "qbxml send"):
        sim = workspace_company(args, store)
        try:
            return SimulatedTransport(sim.company).send(text)
        finally:
            save_company(sim.company, sim.path)


def _xsd_ready() -> bool:
    from lxml import etree

    import qbschema

    folder = qbschema.find_xsd_dir()
    if folder is None:
        print(
            "qbsync qbxml validate: Intuit's qbXML XSD (qbxmlops160.xsd) was not found. Set "
            "QBXML_SCHEMA_DIR to the folder that holds it, or check with --builtin instead.",
            file=sys.stderr,
        )
        return False
    try:
        qbschema.load_xsd(folder)
    except (OSError, etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
        print(f"qbsync qbxml validate: the XSD in {folder} does not load: {exc}", file=sys.stderr)
        return False
    return True


def _validate_file(
    path: Path, check: Callable[[etree._Element], Iterator[tuple[int, str, str]]]
) -> int:
    root = _read(path)
    if isinstance(root, int):
        return root
    problems = list(check(root))
    for line, element, message in problems:
        print(f"{path}:{line}: {element}: {message}")
    if problems:
        return 1
    print(f"{path}: OK")
    return 0


def _read(path: Path) -> etree._Element | int:
    """The document's root, or the exit status after printing why it cannot be checked
    (2: unreadable; 1: not well-formed, a DTD, too large)."""
    from lxml import etree

    from qbschema import safexml

    try:
        return safexml.parse(safexml.read_file(path))
    except OSError as exc:
        print(f"{path}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else 0)
        print(f"{path}:{line}: (document): not well-formed XML: {exc.msg}")
    except safexml.UnsafeDocumentError as exc:
        print(f"{path}:{exc.line}: (document): {exc}")
    return 1


def _xsd_problems(root: etree._Element) -> Iterator[tuple[int, str, str]]:
    import qbschema

    for issue in qbschema.validate_xsd(root):
        yield issue.line, issue.element, issue.message


def _builtin_problems(root: etree._Element) -> Iterator[tuple[int, str, str]]:
    import qbschema

    sch = qbschema.schema()
    if root.tag != "QBXML":
        yield root.sourceline or 0, str(root.tag), "the root element must be QBXML"
        return
    messages = [c for c in root if isinstance(c.tag, str)]
    if len(messages) != 1 or messages[0].tag not in sch.envelope:
        yield root.sourceline or 0, "QBXML", "QBXML must hold one QBXMLMsgsRq or QBXMLMsgsRs"
        return
    msgs = messages[0]
    yield from _envelope_problems(msgs, sch.envelope[msgs.tag])
    nodes = _message_nodes(sch, msgs.tag)
    for child in msgs:
        if not isinstance(child.tag, str):
            continue
        node = nodes.get(child.tag)
        if node is None:
            yield (
                child.sourceline or 0,
                str(child.tag),
                "not a message type the built-in check knows; validate against the XSD",
            )
            continue
        for problem in qbschema.check_element(sch, child, node):
            yield problem.line or child.sourceline or 0, problem.path, problem.message


def _envelope_problems(msgs: etree._Element, specs: dict) -> Iterator[tuple[int, str, str]]:
    from qbschema.model import simple_problem

    line = msgs.sourceline or 0
    for name, value in msgs.attrib.items():
        spec = specs.get(name)
        why = f"attribute {name} is not allowed" if spec is None else None
        if spec is not None and simple_problem(spec, value):
            why = f"attribute {name} {simple_problem(spec, value)}"
        if why:
            yield line, str(msgs.tag), why
    for name, spec in specs.items():
        if spec.get("req") and name not in msgs.attrib:
            yield line, str(msgs.tag), f"attribute {name} is required"


def _message_nodes(sch: qbschema.Schema, envelope: str) -> dict[str, qbschema.Node]:
    if envelope == "QBXMLMsgsRq":
        return {name: sch.request_node(name) for name in sch.messages}
    return {info["rs"]: sch.node(info["rs_node"]) for info in sch.messages.values()}
