"""Everything one run of a sync job's conversation works with, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from syncengine.app import App
from syncengine.app.scope import Scope
from syncengine.store import Store
from syncengine.sync.ids import Ids
from syncengine.sync.selection import DateRange
from syncengine.sync.sets import SetWriter
from syncengine.sync.state import JobState, load


@dataclass
class Context:
    """The store, the app over it, the job's state, the ID cache, the set writer, and per
    PSR sent and not yet answered its fields (``sent``) and the free text the text policy
    replaced (``text_changes``); what the settings let into the sync (``scope``), the job's
    date range (``window``) and whether the sync wizard holds changes for approval."""

    store: Store
    app: App
    state: JobState
    ids: Ids
    sets: SetWriter
    batch_size: int
    import_changes: bool
    sent: dict[int, dict[str, Any]] = field(default_factory=dict)
    text_changes: dict[int, list[str]] = field(default_factory=dict)
    shared_known: set[tuple[str, str]] = field(default_factory=set)
    scope: Scope = field(default_factory=Scope)
    window: DateRange = field(default_factory=DateRange)
    wizard: bool = False

    @property
    def job_id(self) -> int:
        return self.state.job.id

    @classmethod
    def load(
        cls,
        store: Store,
        job_id: int,
        batch_size: int,
        import_changes: bool,
        sent: dict[int, dict[str, Any]],
    ) -> Context:
        """The context of an unfinished job, its state read from the store; ``sent`` holds
        the fields of the PSRs this process has sent (the baselines-to-be)."""
        job = store.jobs.get(job_id)
        state = load(store, job)
        sets = SetWriter(store, job.id, job.created_at)
        app = App(store)
        ctx = cls(store, app, state, Ids(store), sets, batch_size, import_changes, sent)
        ctx.scope, ctx.window = Scope.of(store.settings), DateRange.of(job)
        ctx.wizard = bool(store.settings.get("wizard.enabled"))
        return ctx
