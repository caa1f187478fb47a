"""A rehearsal over the Web Connector's real path (SOAP server on loopback, qbsim's simulated
Web Connector over HTTP) ends with the same records as the in-process one, with and without
faults; and the simulated Web Connector makes the calls in the Web Connector's order."""

from __future__ import annotations

from pathlib import Path

import pytest
import simpy

from qbsim import QuickBooksHost
from qbsim.webconnector import SimulatedWebConnector
from syncengine.rehearsal.rehearse import Rehearsal, rehearse
from tests.webconnector_world import PASSWORD, company, server

FAULTS = Path(__file__).resolve().parent.parent / "scenarios" / "faults"
RECORDS = (
    "records",
    "synced",
    "failed",
    "waiting",
    "deleted",
    "imported",
    "by_type",
    "failed_by_code",
    "quickbooks_records",
    "duplicates_in_quickbooks",
)
"""What the records ended as, in the app and in QuickBooks."""


@pytest.mark.parametrize("faults", [None, "busy-office.yaml", "every-fault.yaml"])
def test_the_webconnector_path_ends_with_the_same_records(faults):
    """In-process and over the Web Connector, the same app, seed and fault plan end with the
    same records synced, failed and waiting, and the same QuickBooks."""
    plan = FAULTS / faults if faults else None
    inprocess = rehearse(Rehearsal(records=150, seed=3, faults=plan)).as_dict()
    over_soap = rehearse(Rehearsal(records=150, seed=3, faults=plan, via="webconnector"))
    assert {k: inprocess[k] for k in RECORDS} == {k: over_soap.as_dict()[k] for k in RECORDS}
    assert over_soap.transport["answered"] > 0


class CallLog:
    """Wraps the simulated Web Connector's SOAP calls to keep their order."""

    def __init__(self, connector: SimulatedWebConnector) -> None:
        self.names: list[str] = []
        self._call = connector.call
        connector.call = self  # type: ignore[method-assign]

    def __call__(self, operation: str, **params):
        self.names.append(operation)
        return self._call(operation, **params)


def test_the_simulated_web_connector_calls_in_the_real_order():
    """serverVersion, clientVersion, authenticate, then send/receive pairs, closeConnection;
    the first sendRequestXML carries QuickBooks' HostQuery answer."""
    acme = company("acme", 10, seed=1)
    env = simpy.Environment()
    host = QuickBooksHost(env, acme.company)
    with server(acme) as (url, service):
        connector = SimulatedWebConnector(host, url, "acme", PASSWORD)
        log = CallLog(connector)
        run = env.run(until=env.process(connector.update()))
        sessions = list(service._sessions)
    names = log.names
    assert names[:3] == ["serverVersion", "clientVersion", "authenticate"]
    assert names[-1] == "closeConnection" and run.finished
    pairs = names[3:-1]
    assert pairs == ["sendRequestXML", "receiveResponseXML"] * (len(pairs) // 2)
    assert run.progress[-1] == 100 and not sessions  # the ticket is used up


def test_a_wrong_password_is_nvu_for_the_simulated_web_connector():
    """The simulated Web Connector is refused with nvu and sends nothing to QuickBooks."""
    acme = company("acme", 3, seed=1)
    env = simpy.Environment()
    host = QuickBooksHost(env, acme.company)
    with server(acme) as (url, _):
        run = env.run(until=env.process(SimulatedWebConnector(host, url, "acme", "no").update()))
    assert run.status == "nvu" and run.requests == 0 and host.served == 0
