"""Synced fields in one comparable form, so an app value and QuickBooks' value of the same
thing compare equal (``85`` and ``85.00``, ``"true"`` and ``True``, ``1:30`` and 90 minutes).

:func:`comparable` is what the sync job keeps as a record's baseline and what it compares;
:func:`covers` says whether the app's value of a field is already what QuickBooks holds,
ignoring parts the app leaves empty (QuickBooks fills some, such as a line's description).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import Any

from syncengine.app.fields import Bool, Duration, Field, Invalid, Money, Ref
from syncengine.app.lines import Rows
from syncengine.app.types import ENTITY_TYPES
from syncengine.mapping.values import canonical_number, is_true

Convert = Callable[[Any], Any]


def _converter(field: Field | None) -> Convert:
    """The function that gives a value of ``field`` its comparable form (chosen once per
    field, not per value)."""
    if isinstance(field, Rows):
        parts = {p.name: _converter(p) for p in field.parts}

        def rows(value: Any) -> list[dict[str, Any]]:
            return [{k: parts.get(k, str)(v) for k, v in row.items()} for row in value]

        return rows
    if isinstance(field, Money):
        return canonical_number
    if isinstance(field, Bool):
        return lambda value: is_true(value) if isinstance(value, str) else bool(value)
    if isinstance(field, Ref):
        return int
    if isinstance(field, Duration):
        return partial(_minutes, field)
    return str


def _minutes(field: Duration, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return field.clean(value, lambda *a: 0)
    except Invalid:
        return -1


@cache
def _converters(entity_type: str, fields: tuple[str, ...]) -> tuple[tuple[str, Convert], ...]:
    etype = ENTITY_TYPES[entity_type]
    return tuple((name, _converter(etype.field(name))) for name in fields)


def comparable(entity_type: str, data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """``data`` restricted to ``fields`` (the synced ones), blanks dropped, values canonical."""
    return {
        name: convert(data[name])
        for name, convert in _converters(entity_type, fields)
        if data.get(name) not in (None, "", [])
    }


def covers(app_value: Any, qb_value: Any) -> bool:
    """True when QuickBooks' value holds everything the app's value says (comparable forms);
    for lines: as many lines, each agreeing on every part the app gives."""
    if isinstance(app_value, list) and isinstance(qb_value, list):
        if len(app_value) != len(qb_value):
            return False
        return all(
            all(q.get(k) == v for k, v in a.items())
            for a, q in zip(app_value, qb_value, strict=True)
        )
    return app_value == qb_value
