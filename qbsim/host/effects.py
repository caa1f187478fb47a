"""What each fault does, and what a client then sees.

Company-changing effects act as another QuickBooks user, through ``QuickBooksUser`` (qbXML
into ``Company.process``): ``duplicate_name`` adds a record with the name our add is about to
use (our add → 3100); ``delete_entity`` deletes the record (our Mod → 3120, a transaction
referring to it → 3140, ListDeletedQuery lists it); ``edit_in_quickbooks`` modifies it (our
Mod with the old EditSequence → 3200; an import by modified date sees it). ``record_in_use``
installs a request hook that refuses Mod/ListDel of the record with a 3170/3175/3176/3180
status until the time is up. ``lose_response`` lets QuickBooks apply the request and drops its
answer. Window effects make QuickBooks refuse for ``duration`` seconds (see ``Desktop``), and
``slow`` multiplies latency. Each function returns a line for the event log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from lxml import etree

from qbschema import SchemaDataError
from qbsim import status
from qbsim.errors import QBXMLRPError, StatusError
from qbsim.faults import DEFAULT_IN_USE_SECONDS, WINDOW_EFFECTS, Fault, Target
from qbsim.host.desktop import Window
from qbsim.host.requests import RequestSummary
from qbsim.model.lists import KINDS

if TYPE_CHECKING:
    from qbsim.host.injector import FaultInjector

_MODIFIED_BY_ANOTHER_USER = "QuickBooks error message: This list has been modified by another user."


class NoEffect(str):
    """An effect's line for the event log when it found nothing to act on (no such record,
    no name to take, QuickBooks refused the other user's change)."""


@dataclass
class Armed:
    """What fired faults ask of the request being served."""

    lose_response: bool = False


@dataclass(frozen=True)
class Firing:
    """One firing of a fault: the record it acts on and the request it fired on (if any)."""

    fault: Fault
    target: Target | None
    armed: Armed
    summary: RequestSummary | None = None


class Effect(Protocol):
    """An effect: do it now, on the injector's host; say what happened in one line."""

    def __call__(self, injector: FaultInjector, firing: Firing) -> str: ...


def apply(injector: FaultInjector, firing: Firing) -> str:
    """Carry out one fault's effect now; a sentence saying what happened (or why not)."""
    effect = firing.fault.effect
    try:
        if effect in WINDOW_EFFECTS:
            return _window(injector, firing)
        return _EFFECTS[effect](injector, firing)
    except (SchemaDataError, QBXMLRPError) as exc:
        return NoEffect(f"{effect} could not be keyed into QuickBooks: {exc}")


def _window(injector: FaultInjector, firing: Firing) -> str:
    fault = firing.fault
    assert fault.duration is not None  # the plan's check requires it of a window
    window = injector.host.desktop.add_window(fault.effect, float(fault.duration))
    return f"{fault.effect} from {window.start:g}s to {window.end:g}s"


def _slow(injector: FaultInjector, firing: Firing) -> str:
    fault, now = firing.fault, injector.host.env.now
    assert fault.duration is not None  # the plan's check requires it of a window
    span = Window("slow", now, now + float(fault.duration))
    injector.slow_windows.append((span, fault.factor))
    return f"latency x{fault.factor:g} from {span.start:g}s to {span.end:g}s"


def _lose_response(injector: FaultInjector, firing: Firing) -> str:
    del injector
    firing.armed.lose_response = True
    return "the response to this request will be lost after QuickBooks applies it"


def _duplicate_name(injector: FaultInjector, firing: Firing) -> str:
    target = firing.target
    if target is None or not target.name:
        return NoEffect(
            "no name to take: the request adds nothing by name and the fault has no target"
        )
    body = firing.summary.add_body(target) if firing.summary is not None else None
    user = injector.host.user
    answer = user.send_element(body) if body is not None else user.add(target)
    if not answer.ok:
        return NoEffect(
            f"could not add {target.kind} {target.name!r}: {answer.code} {answer.message}"
        )
    list_id = (answer.fields or {}).get("ListID", "")
    return f"added {answer.kind} {target.name!r} ({list_id}) in QuickBooks first"


def _delete_entity(injector: FaultInjector, firing: Firing) -> str:
    found = _find(injector, firing.target)
    if isinstance(found, str):
        return found
    answer = injector.host.user.delete(found)
    if not answer.ok:
        return NoEffect(
            f"could not delete {found.kind} {found.full_name!r}: {answer.code} {answer.message}"
        )
    return f"deleted {found.kind} {found.full_name!r} ({found.list_id}) in QuickBooks"


def _edit(injector: FaultInjector, firing: Firing) -> str:
    found = _find(injector, firing.target)
    if isinstance(found, str):
        return found
    answer = injector.host.user.modify(found, firing.fault.changes)
    if not answer.ok:
        return NoEffect(
            f"could not edit {found.kind} {found.full_name!r}: {answer.code} {answer.message}"
        )
    sequence = (answer.fields or {}).get("EditSequence", "")
    return (
        f"edited {found.kind} {found.full_name!r} ({found.list_id}) in QuickBooks: "
        f"EditSequence {found.edit_sequence} -> {sequence}"
    )


def _record_in_use(injector: FaultInjector, firing: Firing) -> str:
    fault = firing.fault
    found = _find(injector, firing.target)
    if isinstance(found, str):
        return found
    seconds = fault.duration if fault.duration is not None else DEFAULT_IN_USE_SECONDS
    until = injector.host.env.now + seconds
    lock = InUse(
        found.list_id, found.kind, found.full_name, until, fault.code, injector.host.desktop.now
    )
    injector.in_use.append(lock)
    injector.host.company.request_hooks.append(lock)
    return f"{found.kind} {found.full_name!r} in use until {until:g}s (status {fault.code})"


def _find(injector: FaultInjector, target: Target | None):
    if target is None:
        return NoEffect("no record to act on: the request names none and the fault has no target")
    found = injector.host.user.find(target)
    if found is None:
        shown = target.name or target.list_id
        return NoEffect(f"{target.kind} {shown!r} is not in QuickBooks: nothing to do")
    return found


@dataclass(eq=False)
class InUse:
    """A request hook: Mod/ListDel of one record is refused with an in-use status until then."""

    list_id: str
    kind: str
    name: str
    until: float
    code: int
    now: Callable[[], float]

    def __call__(self, request_type: str, element: etree._Element) -> StatusError | None:
        if self.now() >= self.until or _touched_id(request_type, element) != self.list_id:
            return None
        return in_use_status(self.code, self.kind, self.name)


def _touched_id(request_type: str, element: etree._Element) -> str | None:
    if request_type == "ListDelRq":
        return element.findtext("ListID")
    if request_type.endswith("ModRq"):
        return element.findtext(f"{request_type[: -len('ModRq')]}Mod/ListID")
    return None


def in_use_status(code: int, kind: str, name: str) -> StatusError:
    """The status QuickBooks answers while another user holds a record (3170-family).

    3170 and 3180 carry the texts integrators captured ("This list has been modified by
    another user."); 3175 is ``status.locked``; 3176's text is ours (none was found).
    """
    word = getattr(KINDS.get(kind), "word", kind)
    if code == 3175:
        return status.locked(word, name)
    if code == 3180:
        return StatusError(
            3180,
            f'There was an error when saving a {word} list, element "{name}". '
            f"{_MODIFIED_BY_ANOTHER_USER}",
        )
    detail = (
        _MODIFIED_BY_ANOTHER_USER
        if code == 3170
        else "QuickBooks error message: Failed to acquire the lock."
    )
    return StatusError(
        code, f'There was an error when modifying a {word} list, element "{name}".  {detail}'
    )


_EFFECTS: dict[str, Effect] = {
    "slow": _slow,
    "lose_response": _lose_response,
    "duplicate_name": _duplicate_name,
    "delete_entity": _delete_entity,
    "edit_in_quickbooks": _edit,
    "record_in_use": _record_in_use,
}
