"""What a qbXML status code means for a sync: nothing found, retry, stale, not processed.

The families follow what QuickBooks Desktop returns (see ``QBXML-NOTES.md`` §2): code 1, and
500 on a query, mean the query matched nothing; 3170/3175/3176/3180 are lock and "modified by
another user" errors that a resend usually clears; 3200 is a stale EditSequence.
"""

from __future__ import annotations

OK = 0
NO_MATCH = 1
PARTIAL_QUERY = 500
NAME_IN_USE = 3100
OBJECT_NOT_FOUND = 3120
INVALID_REFERENCE = 3140
STALE_EDIT_SEQUENCE = 3200
NOT_PROCESSED = 3231
RETRYABLE_LOCKS = frozenset({3170, 3175, 3176, 3180})

# messageSetStatusCode values of an error-recovery status check.
NO_SAVED_STATE = 600
SAVED_CHECKSUM_MISMATCH = 9001
NO_SAVED_RESPONSE = 9002
MESSAGE_SET_ID_TOO_LONG = 9004
COULD_NOT_SAVE_RESPONSE = 9005


def severity_of(code: int) -> str:
    """The wire severity QuickBooks gives a code: ``Info``, ``Warn`` or ``Error``."""
    if code < 500:
        return "Info"
    if code < 1000:
        return "Warn"
    return "Error"


def is_nothing_found(code: int, rs_type: str) -> bool:
    """True when the response means "no matching object" (1, or 500 on a query)."""
    return code == NO_MATCH or (code == PARTIAL_QUERY and rs_type.endswith("QueryRs"))


def is_retryable_lock(code: int) -> bool:
    """True for the lock / modified-by-another-user family, which a resend usually clears."""
    return code in RETRYABLE_LOCKS


def is_stale(code: int) -> bool:
    """True when the EditSequence sent is out of date: re-query, then resend or report."""
    return code == STALE_EDIT_SEQUENCE
