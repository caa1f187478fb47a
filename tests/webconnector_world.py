"""Test helper: company files served by the Web Connector server on loopback, each with its
own workspace (a generated app) and its own simulated QuickBooks company."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from qbsim import Company
from syncengine.rehearsal.appgen import generate_app
from syncengine.rehearsal.rehearse import setup_company
from syncengine.store import Store
from syncengine.sync import identity
from syncengine.webconnector.config import CompanyConfig
from syncengine.webconnector.credentials import hash_password
from syncengine.webconnector.service import Served, WebConnectorService
from syncengine.webconnector.wsgi import serving

PASSWORD = "correct horse"


class FixedClock:
    """The store's clock: one instant a test moves by hand."""

    def __init__(self) -> None:
        self.at = datetime(2025, 1, 6, 9, 0)

    def now(self) -> datetime:
        return self.at


@dataclass
class Served1:
    """One served company: its config, workspace and simulated QuickBooks."""

    config: CompanyConfig
    store: Store
    company: Company


def company(username: str, records: int, seed: int, **options: int) -> Served1:
    """A company with ``records`` generated app records waiting in the queue."""
    store = Store(":memory:", FixedClock())
    generate_app(store, records, seed)
    owner = identity.OWNER_ID
    password = hash_password(PASSWORD, n=2**10)
    file_id = identity.file_id_for(store)  # as `qbsync webconnector user` keeps it
    config = CompanyConfig(username, password, ":memory:", owner, file_id, **options)
    return Served1(config, store, setup_company(seed))


def hcp_of(served: Served1) -> str:
    """The strHCPResponse a Web Connector with this company's .qwc sends: the company file
    stamped with the .qwc's FileID (as the Web Connector stamps it), then HostQuery,
    CompanyQuery with the OwnerID, PreferencesQuery."""
    from qbsim.webconnector import hcp_request, stamp_request

    owner, file_id = served.config.owner_id, served.config.file_id
    served.company.process(stamp_request(owner, file_id))
    return served.company.process(hcp_request(owner))


@contextmanager
def server(*companies: Served1, **options: object) -> Iterator[tuple[str, WebConnectorService]]:
    """The server for ``companies`` on a free loopback port: (URL, service)."""
    served = {c.config.username: Served(c.config, c.store) for c in companies}
    service = WebConnectorService(served, **options)  # type: ignore[arg-type]
    with serving(service) as url:
        yield url, service


def post(url: str, body: bytes) -> tuple[int, bytes]:
    """POST ``body`` as a SOAP call; (HTTP status, body)."""
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "text/xml; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def http_transport(url: str):
    """A body-in, body-out transport over HTTP (what qbwc-kit's FakeWebConnector takes)."""

    def transport(body: str) -> str:
        return post(url, body.encode())[1].decode()

    return transport
