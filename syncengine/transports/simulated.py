"""A simulated QuickBooks company in-process: ``send`` is ``qbsim.Company.process``.

Untimed and synchronous, for tests, notebooks and benchmarks. What the simulated request
processor refuses (``qbsim.QBXMLRPError``, with the HRESULT real COM would give) becomes the
engine's typed ``TransportError`` through the same table the COM transport uses.
"""

from __future__ import annotations

from qbsim import Company, QBXMLRPError
from syncengine.transports.base import BaseTransport
from syncengine.transports.hresults import transport_error, unsigned


class SimulatedTransport(BaseTransport):
    """One session on a ``qbsim.Company``; closing it ends the session (iterators die)."""

    def __init__(self, company: Company) -> None:
        self.company = company

    def send(self, request_xml: str) -> str:
        """QuickBooks' answer to one request document, as the simulated company gives it."""
        try:
            return self.company.process(request_xml)
        except QBXMLRPError as exc:
            raise transport_error(unsigned(exc.hresult), str(exc)) from exc

    def close(self) -> None:
        """End the session: the company forgets this session's iterators."""
        self.company.end_session()
