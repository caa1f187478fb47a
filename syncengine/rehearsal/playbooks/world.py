"""Where a playbook runs: a workspace file in a folder of its own, the simulated QuickBooks
company kept beside it (as ``job run --simulated`` keeps it), and the app records' keys.

Each step is done as a user would do it, and answers with what they would be shown
(:class:`Shown`: exit status, stdout, stderr): ``run`` is the ``qbsync`` command line itself;
app edits and settings go through the engine's API, each behind one small function, until
the command line has them; a person's edit in QuickBooks is qbXML sent to the company
(:mod:`~syncengine.rehearsal.playbooks.quickbooks`); a ``sync`` is a sync job in simulated
time against the company, with the fault plan: simulated time and the faults that fired carry
on from one ``sync`` step to the next.
"""

from __future__ import annotations

import contextlib
import io
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import simpy

from qbsim import Company, FaultPlan, QuickBooksHost
from qbsim.testing import RequestRefused, add
from syncengine.app import App
from syncengine.cli import main
from syncengine.errors import SyncError
from syncengine.rehearsal.appgen import generate_app
from syncengine.rehearsal.driver import DriveOutcome, drive
from syncengine.rehearsal.playbooks import model
from syncengine.rehearsal.playbooks import quickbooks as qb
from syncengine.rehearsal.playbooks.model import REFERENCE
from syncengine.rehearsal.playbooks.shown import Shown
from syncengine.rehearsal.rehearse import company_file, setup_company
from syncengine.reports.sync_report import sync_report
from syncengine.settings import SyncSettings
from syncengine.store import Store
from syncengine.sync import SyncJob

NEWEST = {
    "psr": "SELECT MAX(id) FROM psrs WHERE entity_id = ?",
    "candidate": "SELECT MAX(id) FROM wizard_candidates WHERE entity_id = ?",
}


@dataclass
class World:
    """A playbook's workspace (``db``), its company file, the app records' keys → IDs."""

    db: Path
    seed: int
    plan: FaultPlan
    keys: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    """Simulated seconds the ``sync`` steps have taken so far (the fault plan's clock)."""

    @property
    def company_path(self) -> Path:
        """The simulated company's file, beside the workspace."""
        return company_file(self.db)

    # -- the starting point -----------------------------------------------------------------
    @classmethod
    def build(cls, playbook: model.Playbook, folder: Path, plan: FaultPlan) -> World:
        """The starting company, settings and app records of ``playbook`` (in that order: the
        records are entered under the settings), in ``folder``."""
        world = cls(folder / "workspace.db", playbook.seed, plan)
        company = setup_company(playbook.seed)
        for kind, records in playbook.quickbooks.items():
            for fields in records:
                add(company, kind, fields)
        company.save(world.company_path)
        with world.store() as store:
            for key, value in playbook.settings.items():
                set_setting(store, key, value)
            if playbook.app.generate:
                generate_app(store, playbook.app.generate, playbook.seed)
            for record in playbook.app.records:
                world.keys[record.key] = add_record(store, world.resolve(record.fields), record)
        return world

    @contextlib.contextmanager
    def store(self) -> Iterator[Store]:
        """The workspace, opened for one step and closed after it (as a command does)."""
        store = Store(self.db)
        try:
            yield store
        finally:
            store.close()

    def company(self) -> Company:
        """The simulated company as saved after the last step."""
        return Company.load(self.company_path)

    # -- names ------------------------------------------------------------------------------
    def id_of(self, key: str) -> int:
        """The app ID of the record the playbook calls ``key``."""
        if key not in self.keys:
            known = ", ".join(self.keys) or "none yet"
            raise SyncError(f"no app record with key {key!r}; keys: {known}")
        return self.keys[key]

    def text(self, line: str) -> str:
        """``line`` with each ``{key}`` replaced by the record's ID, ``{psr:key}`` by its
        newest PSR's, ``{candidate:key}`` by its newest wizard candidate's."""
        return REFERENCE.sub(lambda m: str(self._reference(m[1], m[2])), line)

    def resolve(self, value: Any) -> Any:
        """Field values with every ``"{key}"`` made the record's ID (at any depth)."""
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, str) and (whole := REFERENCE.fullmatch(value)):
            return self._reference(whole[1], whole[2])
        return value

    def _reference(self, what: str | None, key: str) -> int:
        record = self.id_of(key)
        if not what:
            return record
        with self.store() as store:
            newest = store.conn.execute(NEWEST[what], (record,)).fetchone()[0]
        if newest is None:
            raise SyncError(f"app record {key!r} (id {record}) has no {what} yet")
        return int(newest)

    # -- the steps ----------------------------------------------------------------------------
    def do(self, step: model.Step) -> Shown:
        """Do one step; what it showed. A refusal by the engine shows as the CLI's would."""
        try:
            return getattr(self, f"_{step.action}")(getattr(step, step.action))
        except (SyncError, RequestRefused) as exc:
            return Shown(2, "", f"{exc}\n")

    def _run(self, line: str) -> Shown:
        return run_cli(["--db", str(self.db), *shlex.split(self.text(line))])

    def _app(self, edit: model.AppEdit) -> Shown:
        with self.store() as store:
            if edit.add is not None:
                self.keys[edit.add.key] = add_record(store, self.resolve(edit.add.fields), edit.add)
                return Shown(stdout=f"added {edit.add.type} {edit.add.key}\n")
            if edit.delete is not None:
                delete_record(store, self.id_of(edit.delete))
                return Shown(stdout=f"deleted {edit.delete}\n")
            fields = dict(edit.edit or {})
            key = str(fields.pop("record")).strip("{}")
            edit_record(store, self.id_of(key), self.resolve(fields))
        return Shown(stdout=f"edited {key}: {', '.join(fields)}\n")

    def _settings(self, values: dict[str, Any]) -> Shown:
        with self.store() as store:
            for key, value in values.items():
                set_setting(store, key, value)
        return Shown(stdout="".join(f"{k} = {v}\n" for k, v in values.items()))

    def _quickbooks(self, edit: model.QuickBooksEdit) -> Shown:
        company = self.company()
        shown = qb.edit(company, edit)
        company.save(self.company_path)
        return shown

    def _sync(self, options: model.Sync) -> Shown:
        company = self.company()
        env = simpy.Environment(initial_time=self.elapsed)
        host = QuickBooksHost(env, company, faults=self.plan, seed=self.seed)
        with self.store() as store:
            job = SyncJob.start(
                store, batch_size=options.batch_size, import_changes=options.import_changes
            )
            outcome = cast("DriveOutcome", env.run(until=env.process(drive(host, job))))
            text = sync_report(store, job.job_id).render()
        company.save(self.company_path)
        self.elapsed, self.plan = env.now, remaining(host)
        fired = [e.actor.removeprefix("fault:") for e in host.log.where(actor="fault:*")]
        text += "".join(f"\nfault fired: {label}" for label in fired) + "\n"
        if outcome.finished:
            return Shown(0, text)
        return Shown(2, text, f"the job is kept unfinished: {outcome.error}\n")


def remaining(host: QuickBooksHost) -> FaultPlan:
    """The host's fault plan less what has fired: a fault allowed ``times`` firings has that
    many fewer left (none left: gone), so the next ``sync`` step goes on with the same plan."""
    faults = []
    for fault in host.plan.faults:
        times = fault.when.times
        left = None if times is None else times - host.faults.fired(fault)
        if left is None or left > 0:
            faults.append(replace(fault, when=replace(fault.when, times=left)))
    return replace(host.plan, faults=tuple(faults))


# -- one small function each: the command line will do these ---------------------------------
def run_cli(argv: list[str]) -> Shown:
    """``qbsync ARGV`` in this process: its exit status and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse refusing the command line
            code = exc.code if isinstance(exc.code, int) else 2
    return Shown(code, out.getvalue(), err.getvalue())


def add_record(store: Store, fields: dict[str, Any], record: model.AppRecord) -> int:
    """Add an app record (and move a transaction to its status); its ID."""
    app = App(store)
    added = app.collection(record.type).add(**fields)
    if record.status is not None:
        app.collection(record.type).update(added.id, status=record.status)
    return added.id


def edit_record(store: Store, record_id: int, fields: dict[str, Any]) -> None:
    """Change fields of an app record (``status`` too), as a user's edit in the app."""
    app = App(store)
    app.collection(app.record(record_id).entity_type).update(record_id, **fields)


def delete_record(store: Store, record_id: int) -> None:
    """Delete an app record, as a user in the app."""
    app = App(store)
    app.collection(app.record(record_id).entity_type).delete(record_id)


def set_setting(store: Store, key: str, value: Any) -> None:
    """Change one setting as the user does (with what it does to the queue)."""
    SyncSettings(store).set(key, value)
