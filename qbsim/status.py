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
INFERRED = frozenset({1060, 3000, 3130, 3170, 3175, 3210})

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


def in_use(list_name: str, name: str) -> StatusError:
    return StatusError(
        3170,
        f'There was an error when deleting a {list_name} list, element "{name}".  '
        "QuickBooks error message: This list element is in use and cannot be deleted.",
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
