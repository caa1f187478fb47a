"""The company-file check of a Web Connector run: :func:`syncengine.sync.identity.check`, the
conversation :func:`~syncengine.sync.identity.ensure` also runs, fed what strHCPResponse shows.

The Web Connector stamps the file with the ``.qwc``'s FileID under its OwnerID before the
first run (QBXML-NOTES.md §20) and shows the stamp in strHCPResponse's CompanyRet, so with a
``.qwc`` written by ``qbsync webconnector qwc`` (OwnerID :data:`identity.OWNER_ID`, FileID the
workspace's) the check needs no request at all. Without a CompanyRet (a client that sends no
strHCPResponse) it asks with a CompanyQuery; a file not stamped yet is stamped on the
workspace's first sync; another workspace's file is refused (``WrongCompanyFile``).
"""

from __future__ import annotations

from collections.abc import Generator

from syncengine.store import Store
from syncengine.sync import identity
from syncengine.webconnector.hcp import HostCompany

Flow = Generator[str, str, None]


def check_company(store: Store, file_id: str, host: HostCompany) -> Flow:
    """Yield the requests the check needs (none when ``host`` shows the company and its
    stamp), receiving their answers; raises ``WrongCompanyFile`` for another workspace's file.
    ``file_id`` stamps a file on the workspace's first sync (the ``.qwc``'s FileID)."""
    found = None
    if host.has_company:
        found = identity.CompanyFile(host.company_name, host.file_id(identity.OWNER_ID))
    yield from identity.check(store, file_id, found)
