"""Transaction statuses: each type's default, its workflow, the statuses at which it becomes
ready to sync, the parts it needs before it counts as fully recorded, and the status that
closes it. Each type's row is part of its entry in the registry (:mod:`syncengine.app.types`).

A transaction enters the sync queue when it is at one of its ``sync_at`` statuses *and* fully
recorded (rule 2). Undo sync puts it back to its ``default`` status (rule 6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from syncengine.app.types import ENTITY_TYPES, TxnStatuses

if TYPE_CHECKING:
    from syncengine.app.scope import Scope

__all__ = ["STATUS_TABLE", "TxnStatuses", "at_sync_status", "missing_parts", "status_frame"]


STATUS_TABLE: dict[str, TxnStatuses] = {
    t.key: t.statuses for t in ENTITY_TYPES.values() if t.statuses is not None
}
"""Each transaction type's row, as its entry in :data:`~syncengine.app.types.ENTITY_TYPES`
gives it."""


def missing_parts(entity_type: str, data: Mapping[str, Any]) -> list[str]:
    """The parts a transaction still lacks before it is fully recorded (empty: complete)."""
    spec = STATUS_TABLE[entity_type]
    needed = spec.required + (spec.required_if_billable if data.get("billable") else ())
    missing = [name for name in needed if not data.get(name)]
    if "amount" in needed and "amount" not in missing and Decimal(data["amount"]) <= 0:
        missing.append("amount")
    return missing


@dataclass(frozen=True)
class NotReady:
    """The first rule a transaction fails to queue now: its ``status`` does not sync, it
    lacks ``parts`` (``missing``), or the sync's ``scope`` leaves it out (``out_of_scope``,
    the scope's own words). Each caller words it for its reader."""

    rule: Literal["status", "parts", "scope"]
    missing: tuple[str, ...] = ()
    out_of_scope: str = ""


def not_ready(
    entity_type: str, status: str | None, data: Mapping[str, Any], scope: Scope | None
) -> NotReady | None:
    """Why a record would not queue now (None: it would; list records always do): checked
    in this order, status, parts, then ``scope`` (None: everything is in scope)."""
    if ENTITY_TYPES[entity_type].is_list:
        return None
    if not at_sync_status(entity_type, status):
        return NotReady("status")
    missing = missing_parts(entity_type, data)
    if missing:
        return NotReady("parts", missing=tuple(missing))
    why = scope.refuses(entity_type, data) if scope is not None else None
    return NotReady("scope", out_of_scope=why) if why is not None else None


def at_sync_status(entity_type: str, status: str | None) -> bool:
    """True when the status is one at which this transaction type syncs."""
    return status in STATUS_TABLE[entity_type].sync_at


def status_frame() -> pd.DataFrame:
    """The status table as a DataFrame: one row per transaction type."""
    return pd.DataFrame(
        [
            {
                "entity_type": t.entity_type,
                "default": t.default,
                "statuses": list(t.statuses),
                "sync_at": list(t.sync_at),
                "fully_recorded_needs": list(t.required),
                "if_billable_also": list(t.required_if_billable),
                "closed": t.closed,
            }
            for t in STATUS_TABLE.values()
        ]
    )
