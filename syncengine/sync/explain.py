"""What a status code means for the person fixing a failed PSR, in a sentence or two.

A small table for now; a later issue builds the full status-code guide. The PSR keeps
QuickBooks' own message beside the explanation, so nothing QuickBooks said is lost.
"""

from __future__ import annotations

from syncengine.qbxml import status

LOCK = (
    "The record or its list was in use or locked in QuickBooks (another user, an open "
    "window). The sync tried again once; close the record in QuickBooks and sync again."
)
EXPLANATIONS: dict[int, str] = {
    3000: "QuickBooks does not know an ID the request used; Clear ID and sync again.",
    3020: "A date QuickBooks could not read; correct it in the app and sync again.",
    3070: "A value is longer than QuickBooks allows; shorten it in the app and sync again.",
    status.NAME_IN_USE: (
        "QuickBooks already has a record with this name (names are unique across customers, "
        "vendors, employees and other names). Rename the record in the app, or delete this "
        "PSR and edit the QuickBooks record so the next import links it."
    ),
    status.OBJECT_NOT_FOUND: (
        "The QuickBooks record this change was meant for is gone (deleted in QuickBooks). "
        "Use Clear ID to add the record to QuickBooks again, or delete it in the app."
    ),
    3130: "The parent this record names is not in QuickBooks; sync the parent first.",
    status.INVALID_REFERENCE: (
        "A record this one refers to (customer, vendor, item, account, terms) is not in "
        "QuickBooks. Sync that record first, or correct the reference in the app."
    ),
    3170: LOCK,
    3175: LOCK,
    3176: LOCK,
    3180: LOCK,
    3190: "QuickBooks will not clear a field it requires; give it a value in the app.",
    status.STALE_EDIT_SEQUENCE: (
        "QuickBooks changed the record again while this job resolved a conflict on it; "
        "sync again to apply the conflict rule with QuickBooks' latest version."
    ),
    3210: "QuickBooks refused a value (for example paying more than is due); correct it.",
    3250: "This feature is not turned on in this QuickBooks company file.",
    3260: "The QuickBooks user this application logs in as may not do this.",
}
IN_USE = (
    "QuickBooks would not delete it: other records use it (transactions, jobs, a payment) or "
    "another user has it open; it was tried again once. Delete or re-point those first, or "
    "make it inactive instead (setting delete_action for its type)."
)
DEFAULT = "QuickBooks refused the change; read its message, correct the record and sync again."
ENGINE = "The record was not sent: correct it in the app and sync again."


def explain(code: int | None, action: str = "") -> str:
    """The user-facing explanation of a status code for a PSR's action (code None: the
    engine refused the record before sending it)."""
    if code is None:
        return ENGINE
    if action == "delete" and status.is_retryable_lock(code):
        return IN_USE
    return EXPLANATIONS.get(code, DEFAULT)
