"""qbXML in and out: the engine's only way of speaking to QuickBooks.

Build requests::

    from syncengine import qbxml

    request = qbxml.add("Customer", {"Name": "Zoë Ltd"}, record="Customer 'Zoë Ltd' (app id 17)",
                        request_id="17")
    text = qbxml.MessageSet([request], new_message_set_id="job-4").to_xml()

and read what QuickBooks answered::

    answer = qbxml.parse_response(response_text)
    customer = answer[0].raise_for_status().record

Text QuickBooks cannot store is handled when a request is made (``syncengine.qbxml.text``,
``docs/text-policy.md``): identity fields are rejected with ``RecordError``, free text is
transliterated and the change listed in ``request.changes``.

The names above load with their modules the first time one of them is used, so that what
needs only :mod:`syncengine.qbxml.status` (the status-code guide, ``qbsync guide``) does not
import lxml and the content models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what a type checker and a reader see; at run time __getattr__ loads them
    from syncengine.qbxml.build import (
        CLEAR_ALL,
        MAX_MESSAGE_SET_ID,
        MAX_REQUEST_ID,
        PROLOG,
        QBXML_VERSION,
        BuildError,
        MessageSet,
        Request,
        add,
        clear_status,
        continue_query,
        list_delete,
        list_deleted_query,
        message_set,
        mod,
        query,
        record_label,
        ref,
        status_check,
        txn_delete,
        txn_deleted_query,
        txn_void,
    )
    from syncengine.qbxml.parse import (
        Response,
        ResponseParseError,
        ResponseSet,
        parse_request,
        parse_response,
        read_generic,
    )
    from syncengine.qbxml.text import FREE_TEXT_FIELDS, TextChange, check_text

__all__ = [
    "CLEAR_ALL",
    "FREE_TEXT_FIELDS",
    "MAX_MESSAGE_SET_ID",
    "MAX_REQUEST_ID",
    "PROLOG",
    "QBXML_VERSION",
    "BuildError",
    "MessageSet",
    "Request",
    "Response",
    "ResponseParseError",
    "ResponseSet",
    "TextChange",
    "add",
    "check_text",
    "clear_status",
    "continue_query",
    "list_delete",
    "list_deleted_query",
    "message_set",
    "mod",
    "parse_request",
    "parse_response",
    "query",
    "read_generic",
    "record_label",
    "ref",
    "status_check",
    "txn_delete",
    "txn_deleted_query",
    "txn_void",
]

_MODULES = ("build", "parse", "text")

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """A public name (or one of ``_MODULES``): the first one asked for loads the modules."""
        if name not in __all__ and name not in _MODULES:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        for part in _MODULES:
            module = importlib.import_module(f"{__name__}.{part}")
            globals().update({n: getattr(module, n) for n in __all__ if hasattr(module, n)})
        return globals()[name]
