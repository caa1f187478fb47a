"""Room for the sync wizard: candidates waiting for approval in each direction, and decisions.

Candidates start checked. "Approve checked" approves every checked candidate of a direction
and either keeps the unchecked ones waiting or clears them. Approved candidates wait as
pending until the connector runs; the job runner then marks them synced or failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from syncengine.errors import RecordError

if TYPE_CHECKING:
    from syncengine.store import Store

DIRECTIONS = ("export", "import")


@dataclass(frozen=True)
class Candidate:
    """Something the wizard offers: an app record to export or a QuickBooks object to import."""

    direction: str
    entity_type: str
    name: str = ""
    entity_id: int | None = None
    qb_id: str | None = None
    summary: str = ""


class WizardStore:
    """Rows of ``wizard_candidates``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add_many(self, candidates: Sequence[Candidate]) -> None:
        """Offer candidates, checked and waiting."""
        now = self._store.now()
        for c in candidates:
            if c.direction not in DIRECTIONS:
                raise RecordError("wizard candidate", "direction", c.direction, "export or import")
        with self._store.write() as conn:
            conn.executemany(
                "INSERT INTO wizard_candidates (direction, entity_type, entity_id, qb_id, name,"
                " summary, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (c.direction, c.entity_type, c.entity_id, c.qb_id, c.name, c.summary, now)
                    for c in candidates
                ],
            )

    def set_checked(self, ids: Sequence[int], checked: bool) -> None:
        """Check or uncheck waiting candidates."""
        with self._store.write() as conn:
            conn.executemany(
                "UPDATE wizard_candidates SET checked = ? WHERE id = ? AND state = 'waiting'",
                [(int(checked), i) for i in ids],
            )

    def approve_checked(self, direction: str, keep_unchecked: bool = True) -> int:
        """Approve every checked waiting candidate; clear the unchecked ones unless kept.
        Returns how many were approved."""
        now = self._store.now()
        with self._store.write() as conn:
            cur = conn.execute(
                "UPDATE wizard_candidates SET state = 'approved', decided_at = ?"
                " WHERE direction = ? AND state = 'waiting' AND checked = 1",
                (now, direction),
            )
            if not keep_unchecked:
                conn.execute(
                    "UPDATE wizard_candidates SET state = 'cleared', decided_at = ?"
                    " WHERE direction = ? AND state = 'waiting' AND checked = 0",
                    (now, direction),
                )
        return cur.rowcount

    def badge(self, direction: str) -> int:
        """How many candidates wait for a decision in this direction."""
        row = self._store.conn.execute(
            "SELECT COUNT(*) FROM wizard_candidates WHERE direction = ? AND state = 'waiting'",
            (direction,),
        ).fetchone()
        return int(row[0])

    def frame(self, direction: str | None = None) -> pd.DataFrame:
        """Candidates (of one direction, or all), oldest first."""
        if direction is None:
            return self._store.read_frame("SELECT * FROM wizard_candidates ORDER BY id")
        return self._store.read_frame(
            "SELECT * FROM wizard_candidates WHERE direction = ? ORDER BY id", [direction]
        )
