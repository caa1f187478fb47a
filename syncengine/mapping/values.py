"""Small conversions shared by the list and transaction mappings.

App records keep money as decimal text, dates as ``YYYY-MM-DD``, durations as minutes and
references as app record IDs (``syncengine.app.fields``); qbXML wants AMTTYPE/PRICETYPE text,
``PT2H30M0S`` durations and ``…Ref`` elements holding a ListID/TxnID or a FullName.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from syncengine.errors import SyncError

QbIdOf = Callable[[int], str]
"""Export side: the ListID/TxnID of an app record the request refers to."""

EntityOf = Callable[[str, str], "int | None"]
"""Import side: the app record linked to a ListID/TxnID of an entity type (None: not linked)."""

_DURATION = re.compile(r"^P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")


class Unresolved(SyncError):
    """A QuickBooks record refers to something the app does not hold (yet), so it cannot
    become an app record; says which reference."""

    def __init__(self, what: str, qb_id: str, name: str = "") -> None:
        self.what, self.qb_id, self.name = what, qb_id, name
        shown = f"{name!r} ({qb_id})" if name else qb_id
        super().__init__(f"refers to {what} {shown}, which the app does not hold")


def ref_id(qb_id: str) -> dict[str, str]:
    """A ``…Ref`` element by ListID/TxnID."""
    return {"ListID": qb_id}


def ref_name(full_name: str) -> dict[str, str]:
    """A ``…Ref`` element by FullName (lists the app names as text: terms, accounts)."""
    return {"FullName": full_name}


def ref_full_name(block: Any) -> str | None:
    """The FullName of a ``…Ref`` read from a response, or None."""
    return block.get("FullName") if isinstance(block, Mapping) else None


def resolve(entity_of: EntityOf, entity_type: str, block: Any) -> int:
    """The app record a response's ``…Ref`` (by ListID) points at; Unresolved if none."""
    qb_id = block.get("ListID") or block.get("TxnID") or ""
    found = entity_of(entity_type, qb_id)
    if found is None:
        raise Unresolved(entity_type, qb_id, block.get("FullName", ""))
    return found


def copy_fields(
    source: Mapping[str, Any], pairs: Iterable[tuple[str, str]], reverse: bool = False
) -> dict[str, Any]:
    """``{to: source[from]}`` for each (app, qbXML) pair present; ``reverse`` reads qbXML.

    Going to qbXML an empty string is kept: it clears the field in a Mod.
    """
    out: dict[str, Any] = {}
    get = source.get
    if reverse:
        for app, qb in pairs:
            value = get(qb)
            if value is not None and value != "":
                out[app] = value
    else:
        for app, qb in pairs:
            value = get(app)
            if value is not None:
                out[qb] = value
    return out


def canonical_number(value: Any) -> str:
    """A decimal as the shortest exact text: ``85``, ``3.5``, ``-0.25`` (``85.00`` → ``85``)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def duration_text(minutes: int) -> str:
    """Whole minutes as qbXML's TIMEINTERVALTYPE: 150 → ``PT2H30M0S``."""
    return f"PT{minutes // 60}H{minutes % 60}M0S"


def duration_minutes(text: str) -> int:
    """qbXML's ``PT2H30M0S`` (or ``P1DT2H``) as whole minutes (seconds rounded)."""
    found = _DURATION.match(text.strip())
    if found is None:
        raise ValueError(f"not a qbXML duration: {text!r}")
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in found.groups())
    return round(days * 1440 + hours * 60 + minutes + seconds / 60)


def is_true(value: Any) -> bool:
    """A qbXML BOOLTYPE (``true``/``false``) or a Python bool as a bool."""
    return value is True or (isinstance(value, str) and value.lower() == "true")
