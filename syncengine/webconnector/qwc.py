"""The ``.qwc`` file a consultant adds to the Web Connector: where the service is, who signs in,
and the GUIDs that tie it to one company file (QBXML-NOTES.md §12).

The Web Connector takes an ``AppURL`` over https only, except on localhost; ``AppSupport`` must
be on the same host. The password is never in the file: the Web Connector asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

from syncengine.errors import SyncError
from syncengine.webconnector.config import CompanyConfig

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


class QwcRefused(SyncError):
    """A .qwc the Web Connector would not take; the message says what to change."""


@dataclass(frozen=True)
class QwcOptions:
    """What the .qwc says besides the company's user and GUIDs."""

    url: str
    app_name: str = "QB Sync Lab"
    description: str = "Syncs the app with this QuickBooks company file"
    every_minutes: int | None = 15
    """None: no Scheduler, the application runs only when asked (Update Selected)."""
    read_only: bool = False
    """IsReadOnly, an optional .qwc element (QBXML-NOTES.md §12): the application only reads."""


EXPORT_DESCRIPTION = "Exports this company file, read only (queries only), for a rehearsal"


def check_url(url: str) -> None:
    """Refuse an AppURL the Web Connector refuses: not https, unless the host is localhost."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise QwcRefused(
            f"--url {url!r} is not an http(s) URL; give e.g. https://sync.example.com/"
        )
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        raise QwcRefused(
            f"--url {url}: the Web Connector accepts http only for localhost; serve it over"
            " https (README: Web Connector, TLS) and give the https URL"
        )


def qwc(company: CompanyConfig, options: QwcOptions) -> bytes:
    """The .qwc text for ``company`` (see the module docstring)."""
    check_url(options.url)
    parts = urlsplit(options.url)
    root = etree.Element("QBWCXML")
    fields = (
        ("AppName", options.app_name),
        ("AppID", ""),
        ("AppURL", options.url),
        ("AppDescription", options.description),
        ("AppSupport", f"{parts.scheme}://{parts.netloc}/support"),
        ("UserName", company.username),
        ("OwnerID", company.owner_id),
        ("FileID", company.file_id),
        ("QBType", "QBFS"),
        ("Style", "Document"),
        ("IsReadOnly", "true" if options.read_only else "false"),
    )
    for tag, text in fields:
        etree.SubElement(root, tag).text = text
    if options.every_minutes is not None:  # Scheduler is optional (QBXML-NOTES.md §12)
        scheduler = etree.SubElement(root, "Scheduler")
        etree.SubElement(scheduler, "RunEveryNMinutes").text = str(options.every_minutes)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
