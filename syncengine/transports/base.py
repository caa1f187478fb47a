"""The one verb every transport has: ``send(request_xml) -> response_xml``.

A transport raises ``TransportError`` (or a subclass) when it could not talk to QuickBooks,
and returns QuickBooks' response text otherwise — status errors inside that text are the
caller's business. Transports are context managers so sessions are always closed.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, TypeVar, runtime_checkable

_T = TypeVar("_T", bound="BaseTransport")


@runtime_checkable
class Transport(Protocol):
    """Something that carries one qbXML request document to QuickBooks and back."""

    def send(self, request_xml: str) -> str:
        """Send one request document; return QuickBooks' response document."""
        ...

    def close(self) -> None:
        """End the session and release the connection (safe to call twice)."""
        ...


class BaseTransport:
    """Context-manager plumbing shared by the concrete transports."""

    def close(self) -> None:  # pragma: no cover - overridden where there is something to close
        return None

    def __enter__(self: _T) -> _T:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
