"""The first ``sendRequestXML`` of a run: the Web Connector's HostQuery, CompanyQuery and
PreferencesQuery answers (``strHCPResponse``), read into :class:`HostCompany`.

The Web Connector stamps each company file it connects a service to with a data extension
"FileID" on the Company record under the service's OwnerID (QBXML-NOTES.md §20; sample
``qbws_strHCPResponse_Premier2012_sample_AppLock_FileID.xml``), so the CompanyRet tells which
file QuickBooks has open. Read with the hardened parser; an unreadable text is a ``SyncError``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from qbschema import safexml
from syncengine.errors import SyncError


class HCPError(SyncError):
    """strHCPResponse could not be read; the message says why."""


@dataclass(frozen=True)
class HostCompany:
    """What QuickBooks said of itself and its open company file at the start of a run."""

    product: str = ""
    country: str = ""
    file_mode: str = ""
    qbxml_versions: tuple[str, ...] = ()
    company_name: str = ""
    has_company: bool = False
    """Whether the text held a CompanyRet at all."""
    data_ext: dict[tuple[str, str], str] = field(default_factory=dict)
    """Company data extensions: (OwnerID upper-cased, DataExtName) -> value."""

    def file_id(self, owner_id: str) -> str | None:
        """The FileID the Web Connector stamped under ``owner_id``, if any."""
        return self.data_ext.get((owner_id.upper(), "FileID"))


def read_hcp(text: str) -> HostCompany:
    """The host and company facts in ``text`` (empty text: nothing known)."""
    if not text.strip():
        return HostCompany()
    try:
        root = safexml.parse(text, clean=True)
    except (safexml.UnsafeDocumentError, etree.XMLSyntaxError) as exc:
        raise HCPError(f"strHCPResponse cannot be read: {exc}") from exc
    host = root.find(".//HostRet")
    company = root.find(".//CompanyRet")
    return HostCompany(
        product=_text(host, "ProductName"),
        country=_text(host, "Country"),
        file_mode=_text(host, "QBFileMode"),
        qbxml_versions=tuple(v.text or "" for v in host.iter("SupportedQBXMLVersion"))
        if host is not None
        else (),
        company_name=_text(company, "CompanyName"),
        has_company=company is not None,
        data_ext=_data_ext(company),
    )


def _text(parent: etree._Element | None, tag: str) -> str:
    if parent is None:
        return ""
    return (parent.findtext(tag) or "").strip()


def _data_ext(company: etree._Element | None) -> dict[tuple[str, str], str]:
    if company is None:
        return {}
    found = {}
    for ext in company.findall("DataExtRet"):
        key = (_text(ext, "OwnerID").upper(), _text(ext, "DataExtName"))
        found[key] = _text(ext, "DataExtValue")
    return found
