"""What a status code means for the person fixing a failed PSR: the status-code guide's entry.

Every error the job records through :func:`explain` carries the guide's entry for its code
(meaning, steps, and ``qbsync guide CODE`` to read more; see :mod:`syncengine.reports.guide`). The
PSR keeps QuickBooks' own message beside it, so nothing QuickBooks said is lost.
"""

from __future__ import annotations

from syncengine.reports import guide

ENGINE = "The record was not sent: correct it in the app and sync again."
DEFAULT = "QuickBooks refused the change; read its message, correct the record and sync again."


def explain(code: int | None, action: str = "") -> str:
    """The user-facing explanation of a status code for a PSR's action (code None: the
    engine refused the record before sending it)."""
    if code is None:
        return ENGINE
    return guide.hint(code, action) or DEFAULT
