"""Status codes and message texts qbsim answers with, in QuickBooks' own wording.

QuickBooks appends its internal message after two spaces ("...  QuickBooks error message: ...").
Where the public record gives no exact text, the wording is ours and says so in ``INFERRED``.
"""

from __future__ import annotations

from qbsim.errors import StatusError

OK = "Status OK"
NO_MATCH = "A query request did not find a matching object in QuickBooks"
NOT_PROCESSED = "The request has not been processed."
_NOT_IN_LIST = (
    "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."
)

# Codes whose message text we wrote ourselves because no capture of the real text was found.
INFERRED = frozenset({1060, 3000, 3070, 3130, 3170, 3175, 3210})

SEVERITY_BY_CODE = {0: "Info", 1: "Info", 500: "Warn", 530: "Warn"}


def severity(code: int) -> str:
    """The wire severity of a status code: Info below 500, Warn to 999, Error above."""
    if code < 500:
        return "Info"
    return "Warn" if code < 1000 else "Error"


def name_in_use(name: str) -> StatusError:
    return StatusError(3100, f'The name "{name}" of the list element is already in use.')


def not_found(object_id: str) -> StatusError:
    return StatusError(
        3120, f'Object "{object_id}" specified in the request cannot be found.  {_NOT_IN_LIST}'
    )


def bad_parent(name: str, list_name: str) -> StatusError:
    return StatusError(
        3130,
        f'There is an invalid reference to a parent "{name}" in the {list_name} list.  '
        f"{_NOT_IN_LIST}",
    )


def bad_reference(kind: str, name: str, in_object: str, line: bool = False) -> StatusError:
    where = f"{in_object} line" if line else in_object
    return StatusError(
        3140,
        f'There is an invalid reference to QuickBooks {kind} "{name}" in the {where}.  '
        f"{_NOT_IN_LIST}",
    )


def missing_element(element: str) -> StatusError:
    return StatusError(3150, f'There is a missing element: "{element}".')


def in_use(
    list_name: str, name: str, detail: str = "This list element is in use and cannot be deleted."
) -> StatusError:
    return StatusError(
        3170,
        f'There was an error when deleting a {list_name} list, element "{name}".  '
        f"QuickBooks error message: {detail}",
    )


def locked(list_name: str, name: str) -> StatusError:
    return StatusError(
        3175,
        f'There was an error when modifying a {list_name} list, element "{name}".  '
        "QuickBooks error message: The list element is in use by another user.",
    )


def cannot_clear(field: str) -> StatusError:
    return StatusError(3190, f"Cannot clear the element in the {field} field.")


def stale_edit_sequence(sequence: str) -> StatusError:
    return StatusError(3200, f'The provided edit sequence "{sequence}" is out-of-date. ')


def invalid_value(field: str, value: str, detail: str) -> StatusError:
    return StatusError(
        3210,
        f'The "{field}" field has an invalid value "{value}".  QuickBooks error message: {detail}',
    )


def invalid_id(value: str, field: str) -> StatusError:
    return StatusError(3000, f'The given object ID "{value}" in the field "{field}" is invalid.')


def partial(value: str) -> StatusError:
    return StatusError(
        500,
        "The query request has not been fully completed. There was a required element "
        f'("{value}") that could not be found in QuickBooks.',
        "Warn",
    )


def request_id_too_long() -> StatusError:
    return StatusError(1060, "The requestID is too long: QuickBooks allows 50 characters.")


def string_too_long(value: str, field: str) -> StatusError:
    """3070: a text longer than QuickBooks stores for that field."""
    return StatusError(3070, f'The string "{value}" in the field "{field}" is too long.')


# -- Transactions (qbsim/model/txn*.py) -------------------------------------------------------
# 3180 for a transaction QuickBooks will not save is our choice (the captured 3180 texts are
# about lists); 3170 for a linked transaction that cannot be deleted likewise.
INFERRED = INFERRED | frozenset({3180})


def bad_date(value: str, field: str) -> StatusError:
    return StatusError(
        3020, f'There was an error when converting the date value "{value}" in the field "{field}"'
    )


def bad_date_range() -> StatusError:
    return StatusError(3030, "Invalid date range: From date is greater than To date.")


def txn_not_saved(txn_word: str, detail: str) -> StatusError:
    return StatusError(
        3180, f"There was an error when saving a {txn_word}.  QuickBooks error message: {detail}"
    )


def txn_in_use(txn_word: str, txn_id: str, detail: str) -> StatusError:
    return StatusError(
        3170,
        f'There was an error when deleting the {txn_word} "{txn_id}".  '
        f"QuickBooks error message: {detail}",
    )


def cannot_link_closed(txn_id: str) -> StatusError:
    """570, Intuit's status-code table: the transaction linked to is closed already."""
    return StatusError(
        570,
        f'Unable to link to transaction "{txn_id}" because it has already been closed.',
        "Warn",
    )


# -- Every code qbsim answers with (read by the engine's status-code guide and its tests) ----
# Codes the wire layer writes itself rather than through a constructor above: a query that
# matched nothing, requests after a failure under stopOnError, and the messageSetStatusCode
# values of error recovery (qbsim.wire). The fault plan's "record in use" adds 3176.
ANSWERED_BY_WIRE = {
    0: "Status OK (a request, or a recovered message set)",
    1: "a query matched nothing",
    3231: "not processed: an earlier request failed under stopOnError",
    600: "messageSetStatusCode: nothing stored to clear for oldMessageSetID",
    9001: "messageSetStatusCode: the stored answers fail their checksum",
    9002: "messageSetStatusCode: no stored answers for that message set",
    9004: "messageSetStatusCode: a message set ID longer than 24 characters",
}
ANSWERED_BY_CONSTRUCTOR = {
    500: "partial",
    570: "cannot_link_closed",
    1060: "request_id_too_long",
    3000: "invalid_id",
    3020: "bad_date",
    3030: "bad_date_range",
    3070: "string_too_long",
    3100: "name_in_use",
    3120: "not_found",
    3130: "bad_parent",
    3140: "bad_reference",
    3150: "missing_element",
    3170: "in_use, txn_in_use",
    3175: "locked",
    3176: "qbsim.host.effects.in_use_status (fault plan: record_in_use)",
    3180: "txn_not_saved",
    3190: "cannot_clear",
    3200: "stale_edit_sequence",
    3210: "invalid_value",
}


def codes() -> dict[int, str]:
    """Every status code qbsim can answer with (a request's ``statusCode`` or a message set's
    ``messageSetStatusCode``), each with where it comes from."""
    return {**ANSWERED_BY_WIRE, **ANSWERED_BY_CONSTRUCTOR}
