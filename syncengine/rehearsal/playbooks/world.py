"""Where a playbook runs: a workspace file in a folder of its own, the simulated QuickBooks
company kept beside it (as ``job run --simulated`` keeps it), and the app records' keys.

Each step is done as a user would do it, and answers with what they would be shown
(:class:`Shown`: exit status, stdout, stderr). ``run``, ``app`` and ``settings`` steps are
``qbsync`` command lines run in this process, in the playbook's folder (where the playbook's
fault plan is ``faults.yaml``): an app edit is ``app add/edit/delete``, a setting ``settings
set`` (:mod:`~syncengine.rehearsal.playbooks.command_line`); the starting settings and app
records are entered the same way. A person's edit in QuickBooks is qbXML sent to the company
(:mod:`~syncengine.rehearsal.playbooks.quickbooks`); a ``sync`` is a sync job in simulated
time against the company, with the fault plan: simulated time and the faults that fired carry
on from one ``sync`` step to the next.

A playbook runs on a clock of its own (:attr:`World.clock`), never the machine's, so its
stamps are the same every run: it starts at the playbook's ``start``; every command line runs
at its current time and moves it on by :data:`COMMAND_SECONDS` after; a ``sync`` step (and
``autosync run --simulated``) moves it on by the simulated seconds it took; a QuickBooks edit
leaves it where it is.
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import simpy

from qbsim import Company, FaultPlan, QuickBooksHost
from qbsim.fromanswers import place_fields
from qbsim.testing import RequestRefused, add, with_refs
from syncengine.cli import main
from syncengine.clock import FixedClock
from syncengine.errors import SyncError
from syncengine.rehearsal.appgen import generate_app
from syncengine.rehearsal.driver import DriveOutcome, SimulatedClock, drive
from syncengine.rehearsal.playbooks import command_line as cl
from syncengine.rehearsal.playbooks import model
from syncengine.rehearsal.playbooks import quickbooks as qb
from syncengine.rehearsal.playbooks.model import REFERENCE
from syncengine.rehearsal.playbooks.shown import Shown
from syncengine.rehearsal.rehearse import company_file, setup_company
from syncengine.reports.sync_report import sync_report
from syncengine.store import Store
from syncengine.sync import SyncJob

COMMAND_SECONDS = 60.0
"""How far a playbook's clock moves on after each command line it runs: a minute."""

PLAN_FILE = "faults.yaml"
"""The playbook's fault plan, in its folder: ``run: job run --simulated --faults faults.yaml``."""

NEWEST = {
    "psr": "SELECT MAX(id) FROM psrs WHERE entity_id = ?",
    "candidate": "SELECT MAX(id) FROM wizard_candidates WHERE entity_id = ?",
}


@dataclass
class World:
    """A playbook's workspace (``db``), its company file, the app records' keys → IDs, and
    the clock every stamp in the workspace comes from."""

    db: Path
    seed: int
    plan: FaultPlan
    clock: FixedClock
    keys: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    """Simulated seconds the ``sync`` steps have taken so far (the fault plan's clock)."""

    @property
    def company_path(self) -> Path:
        """The simulated company's file, beside the workspace."""
        return company_file(self.db)

    # -- the starting point -----------------------------------------------------------------
    @classmethod
    def build(
        cls, playbook: model.Playbook, folder: Path, plan: FaultPlan, plan_text: str | None = None
    ) -> World:
        """The starting company, settings and app records of ``playbook`` (in that order: the
        records are entered under the settings), in ``folder``; ``plan_text``, the fault plan's
        YAML, is saved there as ``faults.yaml`` for command lines to name, as are the
        playbook's ``files:``."""
        world = cls(folder / "workspace.db", playbook.seed, plan, FixedClock(playbook.start))
        world._start_company(playbook.quickbooks, empty=playbook.empty_company)
        if plan_text is not None:
            (folder / PLAN_FILE).write_text(plan_text, encoding="utf-8")
        for name, text in playbook.files.items():  # plain names: the schema saw to it
            (folder / name).write_text(text, encoding="utf-8")
        Store(world.db, world.clock).close()  # a new workspace, for the command lines to open
        world.start(cl.settings_set(playbook.settings), "settings")
        world._start_app(playbook.app)
        return world

    def _start_company(self, records: model.Company, *, empty: bool = False) -> None:
        company = start_company(records, self.seed, empty=empty)
        company.save(self.company_path)

    def _start_app(self, app: model.App) -> None:
        if app.generate:
            with self.store() as store:
                generate_app(store, app.generate, self.seed)
        for record in app.records:
            line = cl.app_add(record, self.resolve(record.fields))
            self.start([line], f"app.records {record.key!r}")
            self.keys[record.key] = self.newest_record()

    def start(self, lines: list[list[str]], where: str) -> None:
        """Run the command lines of the starting point; a refusal stops the playbook."""
        shown = self.run_lines(lines)
        if shown.exit != 0:
            done = "; ".join(cl.shown(argv) for argv in lines)
            raise SyncError(f"{where}: `{done}` was refused: {shown.stderr.strip()}")

    def newest_record(self) -> int:
        """The ID of the app record added last."""
        with self.store() as store:
            return int(store.conn.execute("SELECT MAX(id) FROM entities").fetchone()[0])

    @contextlib.contextmanager
    def store(self) -> Iterator[Store]:
        """The workspace, on the playbook's clock, opened for one step and closed after it (as
        a command does)."""
        store = Store(self.db, self.clock)
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
    def commands(self, step: model.Step) -> list[list[str]]:
        """The ``qbsync`` command lines (without ``--db``) a ``run``, ``app`` or ``settings``
        step is; none for a QuickBooks edit or a ``sync``."""
        if step.run is not None:
            return [shlex.split(self.text(step.run))]
        if step.settings is not None:
            return cl.settings_set(step.settings)
        if step.app is not None:
            return [self._app_line(step.app)]
        return []

    def _app_line(self, edit: model.AppEdit) -> list[str]:
        if edit.add is not None:
            return cl.app_add(edit.add, self.resolve(edit.add.fields))
        if edit.delete is not None:
            return cl.app_delete(self.id_of(edit.delete))
        fields = dict(edit.edit or {})
        key = str(fields.pop("record")).strip("{}")
        return cl.app_edit(self.id_of(key), self.resolve(fields))

    def do(self, step: model.Step) -> Shown:
        """Do one step; what it showed. A refusal by the engine shows as the CLI's would."""
        try:
            lines = self.commands(step)
            if not lines:
                return getattr(self, f"_{step.action}")(getattr(step, step.action))
            shown = self.run_lines(lines)
        except (SyncError, RequestRefused) as exc:
            return Shown(2, "", f"{exc}\n")
        if step.app is not None and step.app.add is not None and shown.exit == 0:
            self.keys[step.app.add.key] = self.newest_record()
        return shown

    def run_lines(self, lines: list[list[str]]) -> Shown:
        """Each command line in turn, in the playbook's folder and on its clock (moved on by
        :data:`COMMAND_SECONDS` after each), until one fails: the last exit status and
        everything they printed."""
        shown = Shown()
        with in_folder(self.db.parent):
            for argv in lines:
                one = run_cli(["--db", str(self.db), *argv], self.clock)
                self.clock.advance(COMMAND_SECONDS)
                shown = Shown(one.exit, shown.stdout + one.stdout, shown.stderr + one.stderr)
                if one.exit != 0:
                    break
        return shown

    def _quickbooks(self, edit: model.QuickBooksEdit) -> Shown:
        company = self.company()
        shown = qb.edit(company, edit)
        company.save(self.company_path)
        return shown

    def _sync(self, options: model.Sync) -> Shown:
        company = self.company()
        env = simpy.Environment(initial_time=self.elapsed)
        host = QuickBooksHost(env, company, faults=self.plan, seed=self.seed)
        start = self.clock.now() - timedelta(seconds=self.elapsed)  # now, at env.now
        with Store(self.db, SimulatedClock(env, start)) as store:
            job = SyncJob.start(
                store, batch_size=options.batch_size, import_changes=options.import_changes
            )
            outcome = cast("DriveOutcome", env.run(until=env.process(drive(host, job))))
            text = sync_report(store, job.job_id).render()
        company.save(self.company_path)
        self.clock.advance(env.now - self.elapsed)
        self.elapsed, self.plan = env.now, remaining(host)
        fired = [e.actor.removeprefix("fault:") for e in host.log.where(actor="fault:*")]
        text += "".join(f"\nfault fired: {label}" for label in fired) + "\n"
        if outcome.finished:
            return Shown(0, text)
        return Shown(2, text, f"the job is kept unfinished: {outcome.error}\n")


def start_company(records: model.Company, seed: int, *, empty: bool = False) -> Company:
    """A playbook's starting company: the setup interview's accounts and terms (none when
    ``empty``), then each record in order, placed as it is when it names its ListID or TxnID,
    else added through qbXML. A record refused is a :class:`SyncError` naming it."""
    company = Company(seed=seed) if empty else setup_company(seed)
    for kind, rows in records.items():
        for number, fields in enumerate(rows, 1):
            try:
                if model.placed(fields):
                    place_fields(company, kind, with_refs(dict(fields)))
                else:
                    add(company, kind, fields)
            except ValueError as exc:  # the schema checked it: a name placed twice, say
                raise SyncError(f"quickbooks: {kind}#{number}: {exc}") from None
    return company


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


@contextlib.contextmanager
def in_folder(folder: Path) -> Iterator[None]:
    """Work in ``folder`` (a command line's relative paths are read there), then go back."""
    back = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(back)


def run_cli(argv: list[str], clock: FixedClock | None = None) -> Shown:
    """``qbsync ARGV`` in this process, on ``clock`` (None: the system clock): its exit status
    and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv, clock=clock)
        except SystemExit as exc:  # argparse refusing the command line
            code = exc.code if isinstance(exc.code, int) else 2
    return Shown(code, out.getvalue(), err.getvalue())
