"""The engine's error tree.

::

    SyncError                      anything the engine refuses or cannot do
    ├── TransportError             could not talk to QuickBooks (not running, file closed,
    │   │                          SOAP timeout, response lost); carries ``hresult`` if known
    │   └── ...                    one subclass per transport family, mapped at the edge
    │   └── ResponseParseError     (syncengine.qbxml) an answer that cannot be read: treated
    │                              like a lost response
    ├── QBStatusError              QuickBooks answered and said no: ``code``, ``severity``,
    │                              ``message``, ``request_type``, ``request_id``
    ├── RecordError                app data QuickBooks cannot take: names the record, the
    │                              field and the value (too long, not Latin-1, missing)
    ├── ActionRefused              (syncengine.actions) an action on a record that does not
    │                              apply to it: names the record and says what to do instead
    └── BuildError                 (syncengine.qbxml) a request the engine must not send
                                   (rollbackOnError, an over-long requestID)

"Could not talk" and "the server said no" are different branches on purpose: the first may be
retried as a whole, the second belongs to one record and needs a person or a rule.
"""

from __future__ import annotations


class SyncError(Exception):
    """Base of every error the engine raises on purpose."""


class TransportError(SyncError):
    """QuickBooks could not be reached or did not answer; ``hresult`` as COM reports it."""

    def __init__(self, message: str, hresult: int | None = None) -> None:
        self.hresult = hresult
        code = f" (HRESULT 0x{hresult:08X})" if hresult is not None else ""
        super().__init__(f"{message}{code}")


class QBStatusError(SyncError):
    """QuickBooks processed the request and answered with an error status code."""

    def __init__(
        self,
        code: int,
        severity: str,
        message: str,
        request_type: str = "",
        request_id: str | None = None,
    ) -> None:
        self.code = code
        self.severity = severity
        self.message = message
        self.request_type = request_type
        self.request_id = request_id
        where = f"{request_type} " if request_type else ""
        rid = f" (requestID {request_id})" if request_id else ""
        super().__init__(f"{where}status {code} {severity}{rid}: {message}")


class RecordError(SyncError, ValueError):
    """A record's field holds a value QuickBooks cannot store; says which and what to do.
    ``hint``, when given, is the fix the PSR keeps (None: the guide's general one)."""

    def __init__(
        self, record: str, field: str, value: object, reason: str, *, hint: str | None = None
    ) -> None:
        self.record = record
        self.field = field
        self.value = value
        self.reason = reason
        self.hint = hint
        shown = "is missing" if value is None else f"= {str(value)[:60]!r}"
        super().__init__(f"{record}: field {field} {shown}: {reason}")


class ActionRefused(SyncError):
    """An action on a record (delete a PSR, undo sync, clear ID, ...) that does not apply to it;
    the message names the record and says what to do instead."""
