"""Training exercises: a situation set up in a fresh workspace against a seeded simulated
company, a task in plain words, and a check that reads the real state — the workspace store,
and QuickBooks' records through qbXML queries — and says, item by item, what is still wrong.

::

    room = DUPLICATE_NAME.start()            # a Classroom: store, app, company, clock
    ...                                      # the trainee works on room.store
    print(DUPLICATE_NAME.check(room))        # CheckResult: what is wrong, or done

Every sentence a check says is read from the state as it stands (the record's name now, its
PSR, the status code QuickBooks gave, the sync job that sent it), never written for the usual
case. :mod:`syncengine.ui.training` shows the exercises with the sync screens.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qbsim import Company
from qbsim.testing import add, rets, send
from syncengine.actions.common import named
from syncengine.actions.next_sync import outlook
from syncengine.app import App
from syncengine.app.types import ENTITY_TYPES
from syncengine.clock import FixedClock, shown
from syncengine.reports import guide
from syncengine.settings.schedule import manual_sync
from syncengine.store import Entity, Psr, Store
from syncengine.store.psrs import DONE, FAILED, LOCKED, REMOVED, STATES
from syncengine.sync import JobReport
from syncengine.transports.simulated import SimulatedTransport
from syncengine.wizard import Wizard

SEED = 1
"""The simulated company's seed: the same exercise sets up the same IDs every time."""
MINUTES_BETWEEN_JOBS = 5
"""Each sync job starts this many minutes after the one before (the app's clock is fixed)."""


@dataclass
class Classroom:
    """One exercise's world: a workspace store (in memory, fixed clock), the app over it, a
    seeded simulated company, and the records the exercise is about (``records``: role ->
    app record ID; ``facts``: what the set-up noted about QuickBooks)."""

    store: Store
    app: App
    company: Company
    clock: FixedClock
    records: dict[str, int] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def open(cls, seed: int = SEED) -> Classroom:
        """An empty workspace and an empty simulated company."""
        clock = FixedClock()
        store = Store(":memory:", clock=clock)
        return cls(store, App(store), Company(seed=seed), clock)

    def transport(self) -> SimulatedTransport:
        """A session on the company for one sync job, which starts a few minutes later."""
        self.clock.advance(minutes=MINUTES_BETWEEN_JOBS)
        return SimulatedTransport(self.company)

    def sync(self) -> JobReport:
        """Run a sync job as the Jobs screen's Run does."""
        transport = self.transport()
        try:
            return manual_sync(self.store, transport)
        finally:
            transport.close()

    def record(self, role: str) -> Entity:
        """The app record the exercise calls ``role``, as it stands now."""
        return self.store.entities.get(self.records[role])

    def close(self) -> None:
        """Close the workspace."""
        self.store.close()


@dataclass(frozen=True)
class Finding:
    """One item a check looked at: ``ok`` or not, and what it found, in a sentence."""

    ok: bool
    text: str


@dataclass(frozen=True)
class CheckResult:
    """What "Check my work" found: each item right or still wrong."""

    title: str
    findings: tuple[Finding, ...]

    @property
    def problems(self) -> list[str]:
        """What is still wrong, item by item (empty: the exercise is done)."""
        return [f.text for f in self.findings if not f.ok]

    @property
    def done(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    def __str__(self) -> str:
        right = [f"  ✓ {f.text}" for f in self.findings if f.ok]
        if self.done:
            return "\n".join([f"Done: {self.title}. Every check holds:", *right])
        wrong = [f"  {n}. {text}" for n, text in enumerate(self.problems, 1)]
        lines = [f"Not done yet: {len(wrong)} thing(s) still wrong:", *wrong]
        return "\n".join(lines + (["Already right:", *right] if right else []))


@dataclass(frozen=True)
class Exercise:
    """A training exercise: ``title``, the ``task`` in plain words, the screens it is done
    with (``views``: records, queue, jobs, wizard), how its situation is set up and how the
    trainee's work is checked (a list of :class:`Finding`)."""

    key: str
    title: str
    task: str
    views: tuple[str, ...]
    set_up: Callable[[Classroom], None]
    findings: Callable[[Classroom], list[Finding]]

    def start(self, seed: int = SEED) -> Classroom:
        """A fresh classroom with this exercise's situation set up."""
        room = Classroom.open(seed)
        self.set_up(room)
        return room

    def check(self, room: Classroom) -> CheckResult:
        """Read the state of ``room`` and say what is right and what is still wrong."""
        return CheckResult(self.title, tuple(self.findings(room)))


# -- reading QuickBooks and the queue -----------------------------------------------------------
def qb_record(room: Classroom, entity_id: int) -> dict[str, Any] | None:
    """QuickBooks' record that the app record is linked to, read with a qbXML query by its
    ListID or TxnID; None when it has no link or QuickBooks does not have that record."""
    link = room.store.links.get(entity_id)
    if link is None:
        return None
    key = "ListID" if ENTITY_TYPES[link.entity_type].is_list else "TxnID"
    found = rets(send(room.company, f"{link.qb_type}QueryRq", {key: link.qb_id}))
    return found[0] if found else None


def qb_list_record(room: Classroom, kind: str, list_id: str) -> dict[str, Any] | None:
    """QuickBooks' ``kind`` record (``Vendor``...) with this ListID, through a qbXML query."""
    found = rets(send(room.company, f"{kind}QueryRq", {"ListID": list_id}))
    return found[0] if found else None


def last_psr(room: Classroom, entity_id: int) -> Psr | None:
    """The record's newest PSR, whatever its state."""
    return room.store.psrs.for_entities([entity_id], STATES).get(entity_id)


def failure(psr: Psr) -> str:
    """``failed with status 3100 (Name already in use): <QuickBooks' words>``; a PSR the
    engine held back itself has no status code, only its message."""
    code = psr.error_code
    entry = guide.for_error(code, psr.error_message or "") if code is not None else None
    status = "" if code is None else f" with status {code}"
    title = f" ({entry.title})" if entry is not None and entry.exact else ""
    return f"failed{status}{title}: {psr.error_message}"


def psr_story(room: Classroom, entity_id: int) -> str:
    """Where the record's newest PSR stands, for people (why QuickBooks lacks the record)."""
    psr = last_psr(room, entity_id)
    if psr is None:
        return "it was never queued"
    head = f"PSR {psr.id} ({psr.action})"
    if psr.state == FAILED:
        return f"{head} {failure(psr)}"
    if psr.state == REMOVED:
        before = f"; it had {failure(psr)}" if psr.error_message else ""
        return f"{head} was deleted from the queue{before}"
    if psr.state == LOCKED:
        return f"{head} is locked in sync job {psr.job_id}, which has not finished"
    if psr.state == DONE:
        return _gone_from_quickbooks(room, entity_id, psr)
    return f"{head} is {psr.state}, not yet sent"


def _gone_from_quickbooks(room: Classroom, entity_id: int, psr: Psr) -> str:
    link = room.store.links.get(entity_id)
    if link is not None and link.qb_deleted_at is not None:
        return f"QuickBooks deleted it (the sync saw it at {shown(link.qb_deleted_at)})"
    return f"PSR {psr.id} ({psr.action}) went in sync job {psr.job_id}, but QuickBooks lacks it"


def in_quickbooks(
    room: Classroom, role: str, expected: Mapping[str, str] | None = None
) -> tuple[Finding, dict[str, Any] | None]:
    """Whether QuickBooks holds the ``role`` record with the ``expected`` values (qbXML field
    -> value; default: its name), and QuickBooks' record when it does."""
    entity = room.record(role)
    ret = qb_record(room, entity.id)
    if ret is None:
        why = f"{full_stop(psr_story(room, entity.id))} {outlook(room.app, entity.id)}"
        return Finding(False, f"{named(entity)} is still not in QuickBooks: {why}"), None
    wanted = dict(expected) if expected is not None else _name_of(entity)
    differ = [
        f"{k} is {ret.get(k)!r}, the app has {v!r}" for k, v in wanted.items() if ret.get(k) != v
    ]
    if differ:
        why = f"{'; '.join(differ)}. {outlook(room.app, entity.id)}"
        return Finding(False, f"{named(entity)} differs in QuickBooks: {why}"), ret
    shown_as = ", ".join(f"{k} {v!r}" for k, v in wanted.items())
    return Finding(True, f"{named(entity)} is in QuickBooks with {shown_as}"), ret


def full_stop(text: str) -> str:
    """``text`` ending in exactly one full stop (QuickBooks' messages often have their own)."""
    return text.rstrip().rstrip(".") + "."


def lower_first(text: str) -> str:
    """A sentence to follow a colon: its first letter in lower case."""
    return text[:1].lower() + text[1:]


def _name_of(entity: Entity) -> dict[str, str]:
    key = "Name" if ENTITY_TYPES[entity.entity_type].is_list else "RefNumber"
    return {key: entity.name}


def for_customer(room: Classroom, role: str, customer_role: str) -> Finding:
    """Whether the ``role`` transaction is in QuickBooks for the customer the app gives it."""
    found, ret = in_quickbooks(room, role)
    if ret is None or not found.ok:
        return found
    customer = room.record(customer_role)
    link = room.store.links.get(customer.id)
    ref = ret.get("CustomerRef", {})
    if link is None or ref.get("ListID") != link.qb_id:
        text = f"{named(room.record(role))} is in QuickBooks for {ref.get('FullName')!r}, not"
        return Finding(False, f"{text} for QuickBooks' copy of {named(customer)}")
    return Finding(True, f"{found.text}, for customer {ref.get('FullName')!r}")


# -- a: a duplicate name ------------------------------------------------------------------------
def _set_up_duplicate_name(room: Classroom) -> None:
    supplier = add(room.company, "Vendor", {"Name": "Acme Ltd", "Phone": "555-0110"})
    room.facts.update(vendor=supplier["ListID"], vendor_name=supplier["Name"])
    consulting = room.app.items.add(name="Consulting", kind="service", price="120")
    customer = room.app.customers.add(name="Acme Ltd", phone="555-0199")
    lines = [{"item": consulting.id, "quantity": 2}]
    invoice = room.app.invoices.add(
        customer=customer.id, ref_number="1001", status="approved", lines=lines
    )
    room.records.update(customer=customer.id, invoice=invoice.id)
    room.sync()


def _duplicate_name_findings(room: Classroom) -> list[Finding]:
    customer, _ = in_quickbooks(room, "customer")
    return [customer, for_customer(room, "invoice", "customer"), _supplier_kept(room)]


def _supplier_kept(room: Classroom) -> Finding:
    name = room.facts["vendor_name"]
    ret = qb_list_record(room, "Vendor", room.facts["vendor"])
    if ret is None:
        return Finding(False, f"the vendor {name!r} is no longer in QuickBooks")
    if ret["Name"] != name:
        return Finding(
            False,
            f"the vendor {name!r} is now called {ret['Name']!r} in QuickBooks: the supplier"
            " keeps its name; give the customer a name of its own instead",
        )
    return Finding(True, f"the vendor {name!r} keeps its name in QuickBooks")


DUPLICATE_NAME = Exercise(
    key="duplicate-name",
    title="Fix a duplicate name",
    task=(
        "The office added the customer Acme Ltd and invoice 1001 for it, but QuickBooks"
        " already has a vendor called Acme Ltd (the same firm: Acme also supplies the office)."
        " The last sync failed. Find the error in the queue, fix it as the status-code guide"
        " says, and sync again until the customer and its invoice are in QuickBooks. The"
        " vendor must keep its name."
    ),
    views=("queue", "records", "jobs"),
    set_up=_set_up_duplicate_name,
    findings=_duplicate_name_findings,
)


# -- b: a record deleted in QuickBooks -----------------------------------------------------------
def _set_up_deleted_in_quickbooks(room: Classroom) -> None:
    consulting = room.app.items.add(name="Consulting", kind="service", price="120")
    customer = room.app.customers.add(name="Birch Dental", phone="555-0100")
    room.records.update(customer=customer.id)
    room.sync()
    link = room.store.links.get(customer.id)
    assert link is not None, "the set-up's first sync adds the customer"
    send(room.company, "ListDelRq", {"ListDelType": "Customer", "ListID": link.qb_id})
    room.facts.update(deleted=link.qb_id)
    room.app.customers.update(customer.id, phone="555-0142")
    lines = [{"item": consulting.id, "quantity": 1}]
    invoice = room.app.invoices.add(
        customer=customer.id, ref_number="1002", status="approved", lines=lines
    )
    room.records.update(invoice=invoice.id)
    room.sync()


def _deleted_in_quickbooks_findings(room: Classroom) -> list[Finding]:
    customer = room.record("customer")
    phone = str(customer.data.get("phone") or "")
    found, _ = in_quickbooks(room, "customer", {"Name": customer.name, "Phone": phone})
    return [found, for_customer(room, "invoice", "customer")]


DELETED_IN_QUICKBOOKS = Exercise(
    key="deleted-in-quickbooks",
    title="Recover a record deleted in QuickBooks",
    task=(
        "Someone deleted the customer Birch Dental in QuickBooks. Since then the office"
        " changed its phone number in the app and made invoice 1002 for it, and the last sync"
        " failed. Find out why from the queue and the job's errors, do what the status-code"
        " guide says, and sync until Birch Dental (with its new phone number) and invoice"
        " 1002 are in QuickBooks."
    ),
    views=("queue", "records", "jobs"),
    set_up=_set_up_deleted_in_quickbooks,
    findings=_deleted_in_quickbooks_findings,
)


# -- c: hold back a change with the sync wizard --------------------------------------------------
def _set_up_hold_back(room: Classroom) -> None:
    cedar = room.app.customers.add(name="Cedar Works")
    room.sync()
    room.app.customers.update(cedar.id, name="Cedar Works Ltd")
    dunmore = room.app.customers.add(name="Dunmore Supply")
    fir = room.app.customers.add(name="Fir Grove Farm")
    room.records.update(renamed=cedar.id, added=dunmore.id, held=fir.id)


def _hold_back_findings(room: Classroom) -> list[Finding]:
    renamed, _ = in_quickbooks(room, "renamed")
    added, _ = in_quickbooks(room, "added")
    return [_wizard_on(room), _held_back(room, "held"), renamed, added]


def _wizard_on(room: Classroom) -> Finding:
    if Wizard(room.store).enabled:
        return Finding(True, "the sync wizard is on")
    return Finding(
        False, "the sync wizard is off: every change goes with the next sync; turn it on"
    )


def _held_back(room: Classroom, role: str) -> Finding:
    entity = room.record(role)
    psr = last_psr(room, entity.id)
    if qb_record(room, entity.id) is not None:
        job = f" in sync job {psr.job_id}" if psr is not None and psr.job_id else ""
        return Finding(
            False,
            f"{named(entity)} reached QuickBooks{job}: it was to be held back. QuickBooks keeps"
            " what it took; reset the exercise to try again",
        )
    if psr is not None and psr.state == REMOVED:
        return Finding(
            False,
            f"{named(entity)} was cleared: PSR {psr.id} ({psr.action}) was deleted from the"
            " queue, so the change is lost; it was to be kept waiting (keep unchecked)",
        )
    next_sync = outlook(room.app, entity.id)
    said = lower_first(next_sync.text)
    if next_sync.state != "held_back":
        return Finding(False, f"{named(entity)} is not held back: {said}")
    return Finding(True, f"{named(entity)} is held back: {said}")


HOLD_BACK = Exercise(
    key="hold-back",
    title="Hold back a change with the sync wizard",
    task=(
        "Three changes wait to go to QuickBooks: Cedar Works renamed to Cedar Works Ltd, and"
        " two new customers, Dunmore Supply and Fir Grove Farm. Fir Grove Farm's credit check"
        " is not done, so its change must not reach QuickBooks yet, but it must not be lost"
        " either. Turn the sync wizard on, let the two other changes go, keep Fir Grove Farm's"
        " change waiting, and run a sync job."
    ),
    views=("wizard", "jobs"),
    set_up=_set_up_hold_back,
    findings=_hold_back_findings,
)

EXERCISES: dict[str, Exercise] = {
    e.key: e for e in (DUPLICATE_NAME, DELETED_IN_QUICKBOOKS, HOLD_BACK)
}
"""The exercises, in the order a trainee does them."""
