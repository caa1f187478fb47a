"""Reading qbXML documents that may be hostile: one hardened lxml configuration for all.

Every parser here resolves no entity, loads no DTD, fetches nothing from the network and keeps
libxml2's limits on depth and text size (``huge_tree`` off). A document that declares a DTD
(``<!DOCTYPE ...>``, where entities and external references live) is refused, as is one larger
than :data:`MAX_DOCUMENT_BYTES` or text that cannot be encoded (a lone surrogate). Refusals are
:class:`UnsafeDocumentError`; callers turn it into their own error (a ``ResponseParseError``,
a ``QBXMLRPError``, a CLI message).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

MAX_DOCUMENT_BYTES = 128 * 1024 * 1024
"""The largest qbXML document read (128 MiB): far above any paged answer, far below memory."""


class UnsafeDocumentError(ValueError):
    """A document refused before or right after parsing: a DTD, too large, or not encodable;
    ``line`` is where the refused part starts (0: the document as a whole)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


@cache
def parser(*, clean: bool = False, text: bool = False) -> etree.XMLParser:
    """The hardened parser; ``clean`` also drops blank text, comments and processing
    instructions (for reading answers, where none of them carries data); ``text`` reads the
    bytes as UTF-8 whatever the declaration says (for documents given as ``str``)."""
    return etree.XMLParser(
        encoding="utf-8" if text else None,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=clean,
        remove_comments=clean,
        remove_pis=clean,
    )


def parse(document: str | bytes, *, clean: bool = False) -> etree._Element:
    """The root of ``document``; UnsafeDocumentError for a DTD, an oversized document or text
    with a lone surrogate; lxml's XMLSyntaxError when it is not well-formed."""
    if len(document) > MAX_DOCUMENT_BYTES:
        raise UnsafeDocumentError(_too_large(len(document)))
    if isinstance(document, str):
        root = _parse_text(document, clean)
    else:
        root = etree.fromstring(document, parser(clean=clean))
    try:
        refuse_dtd(root)
    except UnsafeDocumentError as exc:
        exc.line = _line_of_doctype(document)
        raise
    return root


def _parse_text(document: str, clean: bool) -> etree._Element:
    """lxml reads a str directly (faster than bytes) unless it declares an encoding."""
    try:
        return etree.fromstring(document, parser(clean=clean))
    except etree.XMLSyntaxError:
        _encoded(document)  # a lone surrogate is named; else the syntax error stands
        raise
    except ValueError:  # "Unicode strings with encoding declaration are not supported"
        return etree.fromstring(_encoded(document), parser(clean=clean, text=True))


def _line_of_doctype(document: str | bytes) -> int:
    if isinstance(document, str):
        return document.count("\n", 0, max(document.find("<!DOCTYPE"), 0)) + 1
    return document.count(b"\n", 0, max(document.find(b"<!DOCTYPE"), 0)) + 1


def _encoded(document: str) -> bytes:
    try:
        raw = document.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(exc.object[exc.start])
        raise UnsafeDocumentError(
            f"the document holds a lone surrogate U+{code:04X} at character {exc.start}"
            " (text damaged by a wrong decoding); it is not XML"
        ) from None
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise UnsafeDocumentError(_too_large(len(raw)))
    return raw


def _too_large(size: int | None) -> str:
    shown = "more than" if size is None else f"{size:,} bytes,"
    return (
        f"the document is {shown} {MAX_DOCUMENT_BYTES:,} bytes, the most read; a qbXML"
        " document that large is not one QuickBooks sends or takes (page queries with iterators)"
    )


def refuse_dtd(root: etree._Element) -> None:
    """UnsafeDocumentError when the document of ``root`` declares a DTD (entities, external
    references): qbXML never carries one, and resolving it could read files or exhaust memory."""
    doctype = root.getroottree().docinfo.doctype
    if doctype:
        raise UnsafeDocumentError(
            f"the document declares a DTD ({doctype[:80]}); qbXML never carries one, and DTDs"
            " and entities are refused: remove the <!DOCTYPE ...> declaration"
        )


def read_file(path: str | Path) -> bytes:
    """The bytes of ``path``, at most MAX_DOCUMENT_BYTES (``/dev/zero`` is refused, not read
    until memory runs out); OSError when it cannot be read."""
    with open(path, "rb") as stream:
        raw = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise UnsafeDocumentError(_too_large(None))
    return raw
