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
from typing import Any

from qbsim import hresults


class QBXMLRPError(Exception):
    """A COM-level failure: the whole request document was refused, nothing was applied."""

    def __init__(self, hresult: int, detail: str = "") -> None:
        self.hresult = hresult
        self.message = hresults.message(hresult)
        self.detail = detail
        extra = f" ({detail})" if detail else ""
        super().__init__(f"0x{hresult:08X}: {self.message}{extra}")


class NotImplementedInQbsim(NotImplementedError):
    """The request is valid qbXML, but qbsim does not simulate it; see qbsim/COVERAGE.md."""

    def __init__(self, request_type: str) -> None:
        self.request_type = request_type
        super().__init__(
            f"{request_type} is not implemented in qbsim (see qbsim/COVERAGE.md for what is)"
        )


class StatusError(Exception):
    """One request failed with a QuickBooks status code and message."""

    def __init__(self, code: int, message: str, severity: str = "Error") -> None:
        self.code, self.message, self.severity = code, message, severity
        super().__init__(f"{code} {severity}: {message}")


@dataclass
class Outcome:
    """What a model operation hands back to the wire layer: Rs children in order and a status."""

    children: list[tuple[str, Any]] = field(default_factory=list)
    code: int = 0
    message: str = "Status OK"
    severity: str = "Info"
    rs_attrs: dict[str, str] = field(default_factory=dict)  # iteratorID, counts
