"""The sync wizard: what waits for approval in each direction, "Approve checked", the log.

With the wizard on, a change goes to QuickBooks (or into the app) only once approved::

    offered ──► waiting, checked ──check/uncheck──► waiting, unchecked
                   │                                   │
                   │ approve_checked                   │ approve_checked
                   ▼                                   ├── unchecked="keep"  ► kept: out of the
                approved (pending until the            │      badge until the next sync job
                connector runs)                        │      finishes, then waiting, checked
                   │                                   └── unchecked="clear" ► cleared: an
                   ├── QuickBooks took it / imported ► synced        export's PSR is deleted
                   └── failed ► failed (an export's PSR is back      from the queue; an
                                in the queue: offered again)        import is not applied

Export candidates are the queue's open PSRs (:meth:`Wizard.refresh`, and after every job);
import candidates are QuickBooks' changes, offered by the job's import phase instead of being
applied, and applied by the next job once approved (read again from QuickBooks). Switched off,
everything flows directly: :meth:`Wizard.disable` approves whatever waits checked, and keeps
(lets go) or clears the unchecked. With the wizard on, the export candidates follow the
queue as it changes (``PsrStore``): the badge is always current.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from syncengine.clock import utc
from syncengine.errors import RecordError
from syncengine.queue import SyncQueue
from syncengine.store import NotFound, Refused, Store
from syncengine.store.psrs import ACTIONS, OPEN_STATES
from syncengine.store.wizard import DIRECTIONS
from syncengine.sync.selection import DateRange, selected

UNCHECKED = ("keep", "clear")
IMPORT_ACTIONS = ("created", "updated", "deleted", "linked", "conflict", "create", "update")
OUTCOMES = {"success": "successful", "failed": "failed"}
LOG_OUTCOMES = ("pending", "successful", "failed")
CANDIDATE_COLUMNS = ["id", "direction", "record", "action", "checked", "state"]
LOG_COLUMNS = ["time", "direction", "record", "outcome", "action", "job_id", "message"]
_OFF = (
    "the sync wizard is off: every change goes with the next sync; turn it on first with"
    " qbsync wizard enable"
)


@dataclass(frozen=True)
class ApprovalResult:
    """What "Approve checked" did: approved per direction, unchecked kept or cleared, and the
    PSRs deleted from the queue for cleared export candidates."""

    approved: dict[str, int] = field(default_factory=dict)
    kept: int = 0
    cleared: int = 0
    removed_psrs: tuple[int, ...] = ()

    @property
    def total(self) -> int:
        """Candidates approved in every direction."""
        return sum(self.approved.values())

    def summary(self) -> str:
        """What "Approve checked" did, for people: what was approved and goes with the next
        sync, and what became of the unchecked changes."""
        approved = ", ".join(f"{n} {d}" for d, n in self.approved.items())
        lines = [f"approved: {approved or 'nothing'}; they go with the next sync"]
        if self.kept:
            lines.append(f"{self.kept} unchecked kept: offered again after the next sync")
        if self.cleared:
            lines.append(self.cleared_words())
        return "\n".join(lines)

    def cleared_words(self) -> str:
        """``2 unchecked cleared (PSR 7, 9 deleted from the queue)``."""
        removed = ", ".join(map(str, self.removed_psrs))
        deleted = f" (PSR {removed} deleted from the queue)" if removed else ""
        return f"{self.cleared} unchecked cleared{deleted}"


class Wizard:
    """The sync wizard over one workspace store (its state lives in ``store.wizard``)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def enabled(self) -> bool:
        """True when changes wait for approval (setting ``wizard.enabled``)."""
        return bool(self.store.settings.get("wizard.enabled"))

    def enable(self) -> None:
        """Hold changes for approval from now on, offering what the queue holds."""
        with self.store.write():
            self.store.settings.write_raw("wizard.enabled", True)
            self.store.wizard.offer_exports()

    def disable(self, unchecked: str = "keep") -> ApprovalResult:
        """Let everything flow directly: whatever waits checked is approved for the next sync;
        the unchecked (kept ones too) go with it (``keep``) or are cleared (``clear``: an
        export's PSR is deleted from the queue, an import is not applied)."""
        if unchecked not in UNCHECKED:
            raise RecordError("disable the sync wizard", "unchecked", unchecked, "keep or clear")
        with self.store.write():
            held = self.unchecked()
            removed = self._clear() if unchecked == "clear" else ()
            approved = self._waiting()
            self.store.wizard.approve_all()
            self.store.settings.write_raw("wizard.enabled", False)
        count = sum(held.values())
        kept, cleared = (count, 0) if unchecked == "keep" else (0, count)
        return ApprovalResult(approved, kept, cleared, removed)

    def unchecked(self) -> dict[str, int]:
        """How many unchecked candidates wait (kept ones too), per direction: what the user
        holds back."""
        frame = self.store.wizard.frame()
        held = frame[(frame.state == "waiting") & (frame.checked == 0)]
        return {d: int((held.direction == d).sum()) for d in DIRECTIONS}

    def _waiting(self) -> dict[str, int]:
        frame = self.store.wizard.frame()
        waiting = frame[frame.state == "waiting"]
        return {d: int((waiting.direction == d).sum()) for d in DIRECTIONS}

    def _clear(self) -> tuple[int, ...]:
        """Clear every waiting unchecked candidate; the PSRs deleted from the queue."""
        frame = self.store.wizard.frame()
        rows = frame[(frame.state == "waiting") & (frame.checked == 0)]
        exports = rows[rows.direction == "export"]
        removed = self._remove_psrs([int(i) for i in exports.entity_id])
        self.store.wizard.clear([int(i) for i in rows.id])
        return removed

    def refresh(self) -> int:
        """Offer every queued change that has no candidate yet; how many were offered.
        (Import candidates come from the sync job's import phase.)"""
        self._refuse_if_off()
        return self.store.wizard.offer_exports()

    def candidates(self, direction: str | None = None) -> pd.DataFrame:
        """What waits (``waiting``, ``kept``) or is approved, oldest first: id, direction,
        record, action, checked, state, then entity_type, entity_id, qb_id, summary."""
        _check_direction(direction)
        where = "state IN ('waiting', 'approved')" + (" AND direction = ?" if direction else "")
        frame = self.store.read_frame(
            "SELECT id, direction, entity_type, name, action, checked, state, decided_at,"
            f" entity_id, qb_id, summary, created_at FROM wizard_candidates WHERE {where}"
            " ORDER BY id",
            [direction] if direction else [],
        )
        frame["record"] = [_label(t, n) for t, n in zip(frame.entity_type, frame.name, strict=True)]
        frame["checked"] = frame["checked"].astype(bool)
        kept = (frame["state"] == "waiting") & frame["decided_at"].notna()
        frame.loc[kept, "state"] = "kept"
        rest = ["entity_type", "entity_id", "qb_id", "summary", "created_at"]
        return frame[CANDIDATE_COLUMNS + rest]

    def badge(self) -> dict[str, int]:
        """How many candidates wait for a decision, per direction."""
        return {d: self.store.wizard.badge(d) for d in DIRECTIONS}

    def check(self, candidate_ids: list[int], checked: bool = True) -> None:
        """Check (or uncheck) waiting candidates; refused for any that does not wait."""
        self._refuse_if_off()
        rows = self.store.wizard.frame().set_index("id")
        for cid in candidate_ids:
            if cid not in rows.index:
                raise NotFound(f"no wizard candidate {cid}; qbsync wizard list shows their IDs")
            row = rows.loc[cid]
            if row.state != "waiting":
                raise Refused(
                    f"wizard candidate {cid} ({_label(row.entity_type, row['name'])}) is"
                    f" {row.state}; only waiting candidates can be checked or unchecked"
                )
        self.store.wizard.set_checked(candidate_ids, checked)

    def approve_checked(
        self, direction: str | None = None, unchecked: str = "keep"
    ) -> ApprovalResult:
        """Approve every checked waiting candidate (of one direction, or both); the unchecked
        ones are kept until the next sync has run, or cleared for good."""
        self._refuse_if_off()
        _check_direction(direction)
        if unchecked not in UNCHECKED:
            raise RecordError("approve checked", "unchecked", unchecked, "keep or clear")
        approved: dict[str, int] = {}
        with self.store.write():
            left = self._unchecked(direction)
            removed = self._remove_psrs(left["export"]) if unchecked == "clear" else ()
            for d in [direction] if direction else DIRECTIONS:
                approved[d] = self.store.wizard.approve_checked(d, unchecked == "keep")
        count = sum(len(ids) for ids in left.values())
        kept, cleared = (count, 0) if unchecked == "keep" else (0, count)
        return ApprovalResult(approved, kept, cleared, removed)

    def log(
        self, outcome: str | None = None, since: datetime | None = None, limit: int | None = None
    ) -> pd.DataFrame:
        """Syncs over time: pending (waiting for the connector), successful and failed, in
        both directions, oldest first: time (aware, UTC), direction, record, outcome, action,
        job_id, message. Only one ``outcome``, only from ``since`` on, only the latest
        ``limit``, when given."""
        if outcome is not None and outcome not in LOG_OUTCOMES:
            raise RecordError("sync wizard log", "outcome", outcome, ", ".join(LOG_OUTCOMES))
        frame = self._log()
        if outcome is not None:
            frame = frame[frame.outcome == outcome]
        if since is not None:
            frame = frame[frame.time >= pd.Timestamp(utc(since))]
        return frame.tail(limit).reset_index(drop=True) if limit is not None else frame

    def _log(self) -> pd.DataFrame:
        """The whole log, oldest first."""
        done = self.store.read_frame(
            "SELECT l.at AS time, l.direction, l.entity_type, COALESCE(e.name, l.qb_id, '')"
            " AS name, l.outcome, l.action, l.job_id, l.message FROM sync_log l"
            " LEFT JOIN entities e ON e.id = l.entity_id WHERE l.outcome IN ('success', 'failed')"
            f" AND l.action IN ({','.join('?' * len(_LOGGED))}) ORDER BY l.id",
            list(_LOGGED),
        )
        done["outcome"] = done["outcome"].map(OUTCOMES)
        frame = pd.concat([self._pending(), done], ignore_index=True)
        frame["record"] = [_label(t, n) for t, n in zip(frame.entity_type, frame.name, strict=True)]
        frame["time"] = pd.to_datetime(frame["time"], format="ISO8601", utc=True)
        return frame.sort_values("time", kind="stable", ignore_index=True)[LOG_COLUMNS]

    def _pending(self) -> pd.DataFrame:
        """Changes the next job takes: queued exports it will lock, approved imports."""
        exports = self.store.read_frame(
            "SELECT p.id, p.updated_at AS time, 'export' AS direction, p.entity_type, e.name,"
            " 'pending' AS outcome, p.action, NULL AS job_id, '' AS message FROM psrs p"
            " JOIN entities e ON e.id = p.entity_id WHERE p.state IN ('queued', 'failed')"
        )
        taken = selected(self.store, DateRange())
        if taken is not None:
            exports = exports[exports["id"].isin(taken)]
        imports = self.store.read_frame(
            "SELECT decided_at AS time, 'import' AS direction, entity_type, name,"
            " 'pending' AS outcome, action, NULL AS job_id, summary AS message"
            " FROM wizard_candidates WHERE direction = 'import' AND state = 'approved'"
        )
        return pd.concat([exports.drop(columns="id"), imports], ignore_index=True)

    def _unchecked(self, direction: str | None) -> dict[str, list[int]]:
        """Entity ids (export) and candidate ids (import) of undecided unchecked candidates."""
        frame = self.store.wizard.frame(direction)
        undecided = frame[
            (frame.state == "waiting") & frame.decided_at.isna() & (frame.checked == 0)
        ]
        out: dict[str, list[int]] = {d: [] for d in DIRECTIONS}
        for row in undecided.itertuples():
            out[row.direction].append(int(row.entity_id) if row.direction == "export" else row.id)
        return out

    def _remove_psrs(self, entity_ids: list[int]) -> tuple[int, ...]:
        """Delete from the queue the open PSRs of cleared export candidates."""
        queue = SyncQueue(self.store)
        psrs = self.store.psrs.for_entities(entity_ids, OPEN_STATES).values()
        for psr in psrs:
            queue.remove(psr.id, "cleared in the sync wizard")
        return tuple(p.id for p in psrs)

    def _refuse_if_off(self) -> None:
        if not self.enabled:
            raise Refused(_OFF)


_LOGGED = tuple(dict.fromkeys(ACTIONS + IMPORT_ACTIONS + ("query",)))


def _label(entity_type: str, name: str | None) -> str:
    return f"{entity_type} {name!r}" if name else entity_type


def _check_direction(direction: str | None) -> None:
    if direction is not None and direction not in DIRECTIONS:
        raise RecordError("sync wizard", "direction", direction, "export or import")
