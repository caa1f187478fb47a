"""``qbsync qbxml validate FILE...``: check qbXML documents against Intuit's XSD.

Each problem is printed as ``FILE:LINE: element: message`` and each valid file as
``FILE: OK``. Exit 1 when any file is invalid, not well-formed, declares a DTD (entities are
never resolved) or is larger than ``qbschema.safexml.MAX_DOCUMENT_BYTES``; 2 when the XSD cannot
be found (or a file cannot be read). ``--builtin`` checks with the project's compiled content
models instead, for machines without the XSD; it covers only the message types the product
speaks. lxml and the content models are imported when a file is checked, not before.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree

    import qbschema


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``qbxml`` command family to the ``qbsync`` parser."""
    family = subparsers.add_parser("qbxml", help="qbXML documents: validate")
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


def run_validate(args: argparse.Namespace) -> int:
    """Validate every file; 0 all valid, 1 any invalid, 2 no XSD or an unreadable file."""
    if not args.builtin and not _xsd_ready():
        return 2
    check = _builtin_problems if args.builtin else _xsd_problems
    worst = 0
    for path in args.files:
        worst = max(worst, _validate_file(path, check))
    return worst


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
