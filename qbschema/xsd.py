"""Validation against Intuit's own qbXML XSD, found through ``QBXML_SCHEMA_DIR``.

The XSD is not part of the project. It is looked up, in order: the ``QBXML_SCHEMA_DIR``
environment variable; ``../shared/reference/qbxml-xsd`` beside the project checkout (and beside
the current directory); on Windows, the qbXML SDK's install folders under Program Files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from qbschema import safexml

ENTRY = "qbxmlops160.xsd"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class XsdIssue:
    """One schema violation: the line, the element at fault and lxml's explanation."""

    line: int
    element: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.element}: {self.message}"


def _candidates() -> list[Path]:
    found = []
    env = os.environ.get("QBXML_SCHEMA_DIR")
    if env:
        found.append(Path(env))
    relative = Path("shared") / "reference" / "qbxml-xsd"
    found += [PROJECT_ROOT.parent / relative, Path.cwd().parent / relative]
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if base:
            found += sorted(Path(base, "Intuit", "IDN").glob("*/tools/*"))
    return found


def find_xsd_dir() -> Path | None:
    """The first folder holding ``qbxmlops160.xsd``, or None when no XSD is reachable."""
    env = os.environ.get("QBXML_SCHEMA_DIR")
    for folder in _candidates():
        if (folder / ENTRY).is_file():
            return folder
        if env and folder == Path(env):
            return None  # an explicit setting that is wrong must not silently fall back
    return None


def load_xsd(folder: Path | None = None) -> etree.XMLSchema:
    """Load the XSD (about 0.2 s, once per folder); FileNotFoundError says where it looked."""
    folder = folder or find_xsd_dir()
    if folder is None:
        looked = ", ".join(str(p) for p in _candidates())
        raise FileNotFoundError(
            f"qbXML XSD ({ENTRY}) not found; set QBXML_SCHEMA_DIR. Looked in: {looked}"
        )
    return _load(folder.resolve())


@cache
def _load(folder: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(folder / ENTRY)))


def _element_path(doc: etree._Element, line: int, message: str) -> str:
    quoted = message.split("'")
    if message.startswith("Element '") and len(quoted) > 1:
        return quoted[1]
    return doc.tag


def validate_xsd(document: str | bytes | etree._Element) -> list[XsdIssue]:
    """Every schema violation of a qbXML document (empty list when valid)."""
    if isinstance(document, etree._Element):
        doc = document
    else:
        raw = document.encode() if isinstance(document, str) else document
        doc = safexml.parse(raw)
    xsd = load_xsd()
    if xsd.validate(doc):
        return []
    return [
        XsdIssue(err.line, _element_path(doc, err.line, err.message), err.message)
        for err in xsd.error_log
    ]
