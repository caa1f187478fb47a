"""What qbsim raises and returns, mirroring how QuickBooks and QBXMLRP2 fail.

::

    QBXMLRPError            the request processor refused the whole document (COM raises it);
    │                       ``hresult`` as real COM reports it, e.g. 0x80040400 parse error
    NotImplementedInQbsim   a valid qbXML request type this simulator does not answer
    StatusError             (inside the model) one request fails with a status code; the wire
                            layer turns it into that request's ``xxxRs`` status attributes
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qbsim import hresults

if TYPE_CHECKING:
    from qbsim.model.base import Record


class QBXMLRPError(Exception):
    """A COM-level failure: the whole request document was refused, nothing was applied."""

    def __init__(self, hresult: int, detail: str = "") -> None:
        self.hresult = hresult
        self.message = hresults.message(hresult)
        self.detail = detail
        # args are the constructor's arguments: simpy re-creates a failure as
        # ``type(exc)(*exc.args)`` for each process that waits on it.
        super().__init__(hresult, detail)

    def __str__(self) -> str:
        extra = f" ({self.detail})" if self.detail else ""
        return f"0x{self.hresult:08X}: {self.message}{extra}"


class NotImplementedInQbsim(NotImplementedError):
    """The request is valid qbXML, but qbsim does not simulate it; see qbsim/COVERAGE.md."""

    def __init__(self, request_type: str) -> None:
        self.request_type = request_type
        super().__init__(request_type)  # the constructor's argument, so copies rebuild alike

    def __str__(self) -> str:
        coverage = "see qbsim/COVERAGE.md for what is"
        return f"{self.request_type} is not implemented in qbsim ({coverage})"


class StatusError(Exception):
    """One request failed with a QuickBooks status code and message."""

    def __init__(self, code: int, message: str, severity: str = "Error") -> None:
        self.code, self.message, self.severity = code, message, severity
        super().__init__(f"{code} {severity}: {message}")


@dataclass
class Outcome:
    """What a model operation hands back to the wire layer: Rs children in order and a status.

    The children's data may be the company's own stored Ret data, not a copy: read it or
    render it, never change it, and copy it (``qbsim.model.base.plain_copy``) to keep it.
    A query hands back its ``matches`` instead, (Ret tag, record) pairs: the wire layer pages
    them first and builds the Ret data (``show``) of the page it answers with only.
    """

    children: list[tuple[str, Any]] = field(default_factory=list)
    code: int = 0
    message: str = "Status OK"
    severity: str = "Info"
    rs_attrs: dict[str, str] = field(default_factory=dict)  # iteratorID, counts
    # For queries that shape their Rets: how matches and an iterator's later pages show a
    # record (Record -> Ret data). None: the stored Ret as it is.
    view: Any = None
    matches: list[tuple[str, Record]] | None = None

    def show(self, record: Record) -> Any:
        """The Ret data this answer shows for ``record`` (read-only, see above)."""
        return record.ret if self.view is None else self.view(record)


# -- Added for the simulated host (qbsim.host, qbsim.faults, qbsim.profile) ----------------
class ResponseLost(QBXMLRPError):
    """QuickBooks applied the request but its answer never reached the caller.

    A real client sees only the transport failure (``hresult`` 0x80010108, RPC_E_DISCONNECTED);
    the subclass lets tests tell this case apart. The change IS in the company file.
    """

    def __init__(self, detail: str = "") -> None:
        super().__init__(hresults.RPC_DISCONNECTED, detail)
        self.args = (detail,)  # what the constructor takes (simpy copies failures by args)


class FaultPlanError(ValueError):
    """A fault plan (YAML or dict) that cannot be read; the message names the fault and key."""


class ProfileError(ValueError):
    """A latency profile that cannot be read or fitted; the message says which and why."""
