"""Room for the sync wizard: candidates waiting for approval in each direction, and decisions.

Candidates start checked. "Approve checked" approves every checked candidate of a direction
and either keeps the unchecked ones waiting (*kept*: out of the badge until the next sync
job finishes, then offered again, checked) or clears them. Approved candidates wait as
pending until the connector runs; the sync job then marks them synced or failed.

An export candidate stands for an app record's open PSR (one live candidate per record); an
import candidate for a QuickBooks object's change at one EditSequence (one live candidate per
ListID/TxnID; a settled one is not offered again until QuickBooks changes the object again).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from syncengine.errors import RecordError
from syncengine.store.entities import chunks

if TYPE_CHECKING:
    from syncengine.store import Store

DIRECTIONS = ("export", "import")
LIVE = ("waiting", "approved")
_ACTIVE = "'queued', 'locked', 'failed'"
_OPEN_PSR = "SELECT 1 FROM psrs p WHERE p.entity_id = w.entity_id AND p.state IN ({})"


@dataclass(frozen=True)
class Candidate:
    """Something the wizard offers: an app record to export or a QuickBooks object to import."""

    direction: str
    entity_type: str
    name: str = ""
    entity_id: int | None = None
    qb_id: str | None = None
    summary: str = ""
    action: str = ""
    qb_type: str = ""
    edit_sequence: str | None = None


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
                " summary, action, qb_type, edit_sequence, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        c.direction,
                        c.entity_type,
                        c.entity_id,
                        c.qb_id,
                        c.name,
                        c.summary,
                        c.action,
                        c.qb_type,
                        c.edit_sequence,
                        now,
                    )
                    for c in candidates
                ],
            )

    def offer_exports(self, entity_ids: Sequence[int] | None = None) -> int:
        """Offer every open PSR that has no live export candidate; close the live candidates
        whose PSR left the queue; only for these app records when given (the queue changed
        there). Returns how many were offered."""
        if entity_ids is None:
            return self._offer_exports("", ())
        offered = 0
        for part in chunks(list(dict.fromkeys(entity_ids))):
            offered += self._offer_exports(
                f" AND {{0}}.entity_id IN ({','.join('?' * len(part))})", part
            )
        return offered

    def _offer_exports(self, scope: str, ids: Sequence[int]) -> int:
        """:meth:`offer_exports` where ``scope`` (a condition on ``{0}.entity_id``) holds."""
        now = self._store.now()
        live = " WHERE direction = 'export' AND state IN ('waiting', 'approved')" + scope.format(
            "w"
        )
        with self._store.write() as conn:
            conn.execute(
                "UPDATE wizard_candidates AS w SET state = 'cleared', decided_at = ?"
                f"{live} AND NOT EXISTS ({_OPEN_PSR.format(_ACTIVE)})",
                (now, *ids),
            )
            conn.execute(  # what the record is called and what its PSR does now
                "UPDATE wizard_candidates AS w SET action = (SELECT p.action FROM psrs p"
                f" WHERE p.entity_id = w.entity_id AND p.state IN ({_ACTIVE}) ORDER BY p.id DESC"
                f" LIMIT 1), name = (SELECT e.name FROM entities e WHERE e.id = w.entity_id){live}",
                ids,
            )
            cur = conn.execute(
                "INSERT INTO wizard_candidates (direction, entity_type, entity_id, name, action,"
                " created_at) SELECT 'export', p.entity_type, p.entity_id, e.name, p.action, ?"
                " FROM psrs p JOIN entities e ON e.id = p.entity_id"
                f" WHERE p.state IN ('queued', 'failed'){scope.format('p')} AND NOT EXISTS"
                " (SELECT 1 FROM wizard_candidates w WHERE w.direction = 'export'"
                " AND w.entity_id = p.entity_id AND w.state IN ('waiting', 'approved'))"
                " ORDER BY p.dep_order, p.id",
                (now, *ids),
            )
        return cur.rowcount

    def offer_imports(self, candidates: Sequence[Candidate]) -> int:
        """Offer QuickBooks changes: a live candidate of the same object takes the newer
        version; a change already settled at this EditSequence is not offered again.
        Returns how many were newly offered."""
        new = []
        with self._store.write() as conn:
            for c in candidates:
                rows = conn.execute(
                    "SELECT id, state, edit_sequence FROM wizard_candidates"
                    " WHERE direction = 'import' AND qb_id = ? AND entity_type = ?"
                    " ORDER BY id DESC",
                    (c.qb_id, c.entity_type),
                ).fetchall()
                live = [r for r in rows if r["state"] in LIVE]
                if live:
                    conn.execute(
                        "UPDATE wizard_candidates SET action = ?, edit_sequence = ?, name = ?,"
                        " summary = ?, entity_id = ? WHERE id = ?",
                        (c.action, c.edit_sequence, c.name, c.summary, c.entity_id, live[0]["id"]),
                    )
                elif not any(r["edit_sequence"] == c.edit_sequence for r in rows):
                    new.append(c)
            self.add_many(new)
        return len(new)

    def set_checked(self, ids: Sequence[int], checked: bool) -> None:
        """Check or uncheck waiting candidates; checking a kept one offers it again now."""
        with self._store.write() as conn:
            conn.executemany(
                "UPDATE wizard_candidates SET checked = ?,"
                " decided_at = CASE WHEN ? THEN NULL ELSE decided_at END"
                " WHERE id = ? AND state = 'waiting'",
                [(int(checked), int(checked), i) for i in ids],
            )

    def approve_checked(self, direction: str, keep_unchecked: bool = True) -> int:
        """Approve every checked waiting candidate; keep the unchecked ones (until the next
        job finishes) or clear them. Returns how many were approved."""
        now = self._store.now()
        undecided = "direction = ? AND state = 'waiting' AND decided_at IS NULL"
        with self._store.write() as conn:
            cur = conn.execute(
                "UPDATE wizard_candidates SET state = 'approved', decided_at = ?"
                f" WHERE {undecided} AND checked = 1",
                (now, direction),
            )
            new_state = "waiting" if keep_unchecked else "cleared"
            conn.execute(
                f"UPDATE wizard_candidates SET state = ?, decided_at = ? WHERE {undecided}"
                " AND checked = 0",
                (new_state, now, direction),
            )
        return cur.rowcount

    def approve_all(self) -> int:
        """Approve every waiting candidate, checked or not (the wizard is being switched off:
        everything flows). Returns how many."""
        with self._store.write() as conn:
            cur = conn.execute(
                "UPDATE wizard_candidates SET state = 'approved', checked = 1, decided_at = ?"
                " WHERE state = 'waiting'",
                (self._store.now(),),
            )
        return cur.rowcount

    def clear(self, ids: Sequence[int]) -> None:
        """Clear waiting candidates for good (an export's PSR is the caller's to delete)."""
        with self._store.write() as conn:
            conn.executemany(
                "UPDATE wizard_candidates SET state = 'cleared', decided_at = ?"
                " WHERE id = ? AND state = 'waiting'",
                [(self._store.now(), i) for i in ids],
            )

    def approved_exports(self) -> set[int]:
        """The app records whose export change is approved and not yet synced."""
        rows = self._store.conn.execute(
            "SELECT entity_id FROM wizard_candidates WHERE direction = 'export'"
            " AND state = 'approved'"
        )
        return {entity_id for (entity_id,) in rows}

    def approved_imports(self) -> list[dict[str, Any]]:
        """The approved import candidates, oldest first."""
        rows = self._store.conn.execute(
            "SELECT * FROM wizard_candidates WHERE direction = 'import' AND state = 'approved'"
            " ORDER BY id"
        )
        return [dict(row) for row in rows]

    def settle(self, ids: Sequence[int], state: str, job_id: int) -> None:
        """Mark candidates ``synced`` or ``failed`` by a job."""
        with self._store.write() as conn:
            conn.executemany(
                "UPDATE wizard_candidates SET state = ?, job_id = ? WHERE id = ?",
                [(state, job_id, i) for i in ids],
            )

    def settle_job(self, job_id: int) -> None:
        """After a job: each live export candidate whose PSR the job finished is synced or
        failed; kept candidates come back, checked."""
        outcome = (
            "SELECT ji.state FROM job_items ji JOIN psrs p ON p.id = ji.psr_id"
            " WHERE ji.job_id = ? AND p.entity_id = w.entity_id AND ji.state IN ('done', 'failed')"
            " ORDER BY ji.seq DESC LIMIT 1"
        )
        with self._store.write() as conn:
            conn.execute(
                "UPDATE wizard_candidates AS w SET job_id = ?,"
                f" state = CASE ({outcome}) WHEN 'done' THEN 'synced' ELSE 'failed' END"
                f" WHERE direction = 'export' AND state IN ('waiting', 'approved')"
                f" AND EXISTS ({outcome})",
                (job_id, job_id, job_id),
            )
            conn.execute(
                "UPDATE wizard_candidates SET checked = 1, decided_at = NULL"
                " WHERE state = 'waiting' AND decided_at IS NOT NULL"
            )

    def badge(self, direction: str) -> int:
        """How many candidates wait for a decision in this direction (kept ones do not)."""
        row = self._store.conn.execute(
            "SELECT COUNT(*) FROM wizard_candidates WHERE direction = ? AND state = 'waiting'"
            " AND decided_at IS NULL",
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
