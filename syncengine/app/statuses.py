"""Transaction statuses, as data: each type's default, its workflow, the statuses at which it
becomes ready to sync, the parts it needs before it counts as fully recorded, and the status
that closes it.

A transaction enters the sync queue when it is at one of its ``sync_at`` statuses *and* fully
recorded (rule 2). Undo sync puts it back to its ``default`` status (rule 6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class TxnStatuses:
    """One transaction type's statuses, the parts it must have to be fully recorded, and its
    closed-like status (``closed``: where the playbooks of rule 6 leave it)."""

    entity_type: str
    default: str
    statuses: tuple[str, ...]
    sync_at: tuple[str, ...]
    required: tuple[str, ...]
    required_if_billable: tuple[str, ...] = ()
    closed: str = ""


STATUS_TABLE: dict[str, TxnStatuses] = {
    t.entity_type: t
    for t in (
        TxnStatuses(
            "invoice",
            "draft",
            ("draft", "pending_approval", "approved", "sent", "paid", "closed"),
            ("approved", "sent", "paid", "closed"),
            ("customer", "lines"),
            closed="closed",
        ),
        TxnStatuses(
            "bill",
            "entered",
            ("entered", "pending_approval", "approved", "paid"),
            ("approved", "paid"),
            ("vendor", "lines"),
            closed="paid",
        ),
        TxnStatuses(
            "payment",
            "pending",
            ("pending", "received", "deposited"),
            ("received", "deposited"),
            ("customer", "amount"),
            closed="deposited",
        ),
        TxnStatuses(
            "credit_memo",
            "draft",
            ("draft", "approved", "applied"),
            ("approved", "applied"),
            ("customer", "lines"),
            closed="applied",
        ),
        TxnStatuses(
            "purchase_order",
            "draft",
            ("draft", "submitted", "approved", "received", "closed"),
            ("approved", "received", "closed"),
            ("vendor", "lines"),
            closed="closed",
        ),
        TxnStatuses(
            "sales_receipt",
            "draft",
            ("draft", "completed"),
            ("completed",),
            ("lines",),
            closed="completed",
        ),
        TxnStatuses(
            "time_entry",
            "open",
            ("open", "submitted", "approved", "billed"),
            ("approved", "billed"),
            ("employee", "duration"),
            required_if_billable=("customer", "service_item"),
            closed="billed",
        ),
    )
}


def missing_parts(entity_type: str, data: Mapping[str, Any]) -> list[str]:
    """The parts a transaction still lacks before it is fully recorded (empty: complete)."""
    spec = STATUS_TABLE[entity_type]
    needed = spec.required + (spec.required_if_billable if data.get("billable") else ())
    missing = [name for name in needed if not data.get(name)]
    if "amount" in needed and "amount" not in missing and Decimal(data["amount"]) <= 0:
        missing.append("amount")
    return missing


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
