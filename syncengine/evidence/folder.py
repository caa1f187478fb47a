"""A folder of qbXML documents as a conversation: every ``*.xml`` file, in the order of the
files' names, each a request (``QBXML/QBXMLMsgsRq``) or an answer (``QBXML/QBXMLMsgsRs``).

Each request is paired with the answer that follows it; a request followed by another request
(or by nothing) had no answer: its :class:`~syncengine.evidence.Exchange` has
``response_xml`` None (a lost answer). Files are read as hostile documents are
(:mod:`qbschema.safexml`: no DTD, no entities, a size limit). A file that is neither, or an
answer with no request before it, is refused naming the file.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from qbschema import safexml
from syncengine.evidence import EvidenceError, Exchange

REQUEST, RESPONSE = "QBXMLMsgsRq", "QBXMLMsgsRs"


def read(folder: Path) -> list[Exchange]:
    """The conversation the ``*.xml`` files of ``folder`` hold, in the order of their names;
    :class:`EvidenceError` naming the file that cannot be read as part of one."""
    files = sorted(p for p in folder.glob("*.xml") if p.is_file())
    if not files:
        raise EvidenceError(
            f"{folder}: no *.xml files; give a folder of qbXML request and response files"
            " (named so that each answer sorts right after its request, e.g. 001-rq.xml,"
            " 001-rs.xml)"
        )
    exchanges: list[Exchange] = []
    pending: tuple[Path, str] | None = None
    for path in files:
        kind, text = _document(path)
        if kind == REQUEST:
            if pending is not None:
                exchanges.append(_exchange(*pending, None))
            pending = (path, text)
        elif pending is None:
            raise EvidenceError(
                f"{path}: an answer (QBXMLMsgsRs) with no request before it; name the files"
                " so that each request sorts right before its answer"
            )
        else:
            exchanges.append(_exchange(*pending, (path, text)))
            pending = None
    if pending is not None:
        exchanges.append(_exchange(*pending, None))
    return exchanges


def _exchange(path: Path, request: str, answer: tuple[Path, str] | None) -> Exchange:
    if answer is None:
        return Exchange(request, None, f"{path} (no answer after it)")
    return Exchange(request, answer[1], f"{path} -> {answer[0].name}")


def _document(path: Path) -> tuple[str, str]:
    """Whether the file is a request or an answer, and its text."""
    try:
        data = safexml.read_file(path)
        root = safexml.parse(data)
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except etree.XMLSyntaxError as exc:
        raise EvidenceError(f"{path}:{exc.lineno}: not well-formed XML: {exc.msg}") from None
    except safexml.UnsafeDocumentError as exc:
        raise EvidenceError(f"{path}:{exc.line}: refused: {exc}") from None
    kind = _kind(root)
    if kind is None:
        found = f"<{root.tag}>" + "".join(f"<{c.tag}>" for c in root[:1] if isinstance(c.tag, str))
        raise EvidenceError(
            f"{path}: not a qbXML request or answer (QBXML holding QBXMLMsgsRq or QBXMLMsgsRs"
            f" expected, found {found}); take it out of the folder"
        )
    return kind, _text(path, data, root)


def _kind(root: etree._Element) -> str | None:
    messages = [child for child in root if isinstance(child.tag, str)]
    if root.tag != "QBXML" or len(messages) != 1 or messages[0].tag not in (REQUEST, RESPONSE):
        return None
    return str(messages[0].tag)


def _text(path: Path, data: bytes, root: etree._Element) -> str:
    encoding = root.getroottree().docinfo.encoding or "utf-8"
    try:
        return data.decode(encoding).lstrip("\ufeff")
    except (LookupError, UnicodeDecodeError) as exc:
        raise EvidenceError(
            f"{path}: not text in its declared encoding {encoding}: {exc}"
        ) from None
