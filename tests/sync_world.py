"""A small world for sync-job tests: a workspace store, the app over it, and a simulated
QuickBooks company reached through the simulated transport. No mocks: every request the job
makes is answered by ``qbsim``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qbsim import Company
from qbsim.testing import query
from syncengine.app import App
from syncengine.clock import FixedClock
from syncengine.store import Link, Psr, PsrFilter, Store
from syncengine.sync import JobReport, SyncJob, run_job
from syncengine.transports.simulated import SimulatedTransport


class World:
    """A store (in memory, or a file to reopen as a new process would), the app, QuickBooks."""

    def __init__(self, path: str | Path = ":memory:", company: Company | None = None) -> None:
        self.path = str(path)
        self.clock = FixedClock()
        self.store = Store(self.path, clock=self.clock)
        self.app = App(self.store)
        self.company = company or Company()

    def sync(self, **options: Any) -> JobReport:
        """Run (or resume) a sync job to its end against the company."""
        return run_job(self.store, SimulatedTransport(self.company), **options)

    def start(self, **options: Any) -> SyncJob:
        """A sync job to drive by hand."""
        return SyncJob.start(self.store, **options)

    def finish(self, job: SyncJob) -> None:
        """Drive a job to its end, every answer delivered."""
        while (request := job.next_request()) is not None:
            job.receive(self.company.process(request))

    def reopen(self) -> None:
        """What a restarted process sees: a new Store on the same file."""
        self.store.close()
        self.store = Store(self.path, clock=self.clock)
        self.app = App(self.store)

    def qb(self, kind: str, **filters: Any) -> list[dict[str, Any]]:
        """QuickBooks' records of a kind (all of them, inactive too, for list kinds)."""
        if kind in ("Customer", "Vendor", "Employee") or kind.startswith("Item"):
            filters.setdefault("ActiveStatus", "All")
        return query(self.company, kind, **filters)

    def qb_named(self, kind: str, full_name: str) -> dict[str, Any]:
        """The one QuickBooks record of a kind with this FullName."""
        found = query(self.company, kind, FullName=full_name)
        assert len(found) == 1, f"{len(found)} {kind} records named {full_name!r}"
        return found[0]

    def link(self, entity_id: int) -> Link:
        """The record's link (it must have one)."""
        link = self.store.links.get(entity_id)
        assert link is not None, f"record {entity_id} has no link"
        return link

    def psrs(self, entity_id: int) -> list[Psr]:
        """Every PSR of a record, oldest first."""
        every = self.store.psrs.find(PsrFilter(state=None), "id")
        return [p for p in every if p.entity_id == entity_id]

    def last_psr(self, entity_id: int) -> Psr:
        return self.psrs(entity_id)[-1]


def labor(world: World) -> int:
    """A service item most transactions can use."""
    return world.app.items.add(name="Labor", kind="service", price="85").id


def acme(world: World) -> int:
    return world.app.customers.add(name="Acme").id
