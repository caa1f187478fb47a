"""Fault plans as data: what goes wrong in QuickBooks, and when, during a simulated run.

A plan is a list of faults; each has an ``effect`` and a trigger (``when``)::

    title: Acme is taken, then a dialog pops up
    seed: 11                      # optional; else the host's seed draws the probabilities
    faults:
      - effect: duplicate_name    # someone adds "Acme Corp" in QuickBooks first: our add → 3100
        when: {request_type: CustomerAddRq, name: Acme Corp}
      - effect: modal_dialog      # every call is refused with 0x80040414 for 45 s
        when: {at: 120}
        duration: 45

Trigger keys (all optional, all must hold): ``at`` (simulated seconds), ``on_request`` (the Nth
request that matches the other keys, 1-based; counts every request when alone),
``request_type`` (a type or pattern such as ``Customer*Rq``), ``name`` (a name the request
adds, modifies, deletes or refers to; case-insensitive), ``probability`` (0..1, drawn per
candidate), ``times`` (how many firings, default 1; ``unlimited``). A fault whose trigger has
only ``at`` fires at that moment when its effect needs no request (a window, or a company
change with a ``target``); otherwise it fires on the first matching request at or after ``at``.

Other keys: ``label`` (names the fault in the event log), ``target`` ({kind, name} or {kind,
list_id}: the record a company-changing effect acts on, else the request's own record; {kind}
alone: the first record of that kind the triggering request adds, changes or refers to, such
as the Customer of an InvoiceAddRq),
``duration`` (seconds, for windows and ``record_in_use``), ``factor`` (``slow``), ``code``
(``record_in_use``: 3170, 3175, 3176 or 3180), ``changes`` (``edit_in_quickbooks``: fields to
set), ``description`` (free text).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from qbsim import hresults, safe_yaml
from qbsim.errors import FaultPlanError

COMPANY_EFFECTS = frozenset({"duplicate_name", "delete_entity", "edit_in_quickbooks"})
WINDOW_EFFECTS = frozenset({"drop_connection", "quickbooks_not_running", "modal_dialog"}) | {
    "wrong_file_open"
}
EFFECTS = COMPANY_EFFECTS | WINDOW_EFFECTS | {"record_in_use", "lose_response", "slow"}
IN_USE_CODES = frozenset({3170, 3175, 3176, 3180})
DEFAULT_IN_USE_SECONDS = 30.0
DEFAULT_SLOW_FACTOR = 5.0
UNLIMITED = None
CODES_MET = {
    "duplicate_name": (3100,),
    "delete_entity": (3120, 3140),
    "edit_in_quickbooks": (3200,),
    "lose_response": (hresults.RPC_DISCONNECTED,),
    "drop_connection": (hresults.COULD_NOT_ACCESS,),
    "modal_dialog": (hresults.MODAL_DIALOG,),
    "quickbooks_not_running": (hresults.COULD_NOT_START, hresults.NO_FILE_NAME_NOT_RUNNING),
    "wrong_file_open": (hresults.OTHER_FILE_OPEN,),
    "slow": (),
}
"""What a client meets when an effect fires: the status codes QuickBooks answers its request
with (an add whose name was taken: 3100; a Mod of a deleted record: 3120, a transaction naming
it: 3140; a Mod with the old EditSequence: 3200), or the HRESULTs its calls are refused with.
``record_in_use`` answers with its fault's ``code`` (:func:`codes_met`)."""


@dataclass(frozen=True)
class Trigger:
    """When a fault fires (see the module docstring for each key)."""

    at: float | None = None
    on_request: int | None = None
    request_type: str | None = None
    name: str | None = None
    probability: float = 1.0
    times: int | None = 1

    @property
    def watches_requests(self) -> bool:
        """Whether the trigger looks at requests (else only ``at`` and chance decide)."""
        return any(v is not None for v in (self.on_request, self.request_type, self.name))


@dataclass(frozen=True)
class Target:
    """The record a company-changing fault acts on: a kind and a name or a ListID."""

    kind: str
    name: str | None = None
    list_id: str | None = None
    parent: str | None = None  # FullName of the parent, for a job or a sub-item


@dataclass(frozen=True)
class Fault:
    """One fault: an effect, its trigger and the effect's settings."""

    effect: str
    when: Trigger = field(default_factory=Trigger)
    label: str = ""
    target: Target | None = None
    duration: float | None = None
    factor: float = DEFAULT_SLOW_FACTOR
    code: int = 3175
    changes: Mapping[str, Any] | None = None
    description: str = ""

    def __post_init__(self) -> None:
        _check_fault(self, self.label or self.effect)

    @property
    def name(self) -> str:
        """How the event log names this fault."""
        return self.label or self.effect

    @property
    def is_timed(self) -> bool:
        """True when the fault fires at ``when.at`` by itself rather than on a request."""
        if self.when.at is None or self.when.watches_requests:
            return False
        return self.effect in WINDOW_EFFECTS or self.effect == "slow" or self.target is not None

    @property
    def aims_by_kind(self) -> bool:
        """True when the target gives only a kind: the triggering request's record of it."""
        target = self.target
        return target is not None and target.name is None and target.list_id is None


def codes_met(fault: Fault) -> tuple[int, ...]:
    """The status codes or HRESULTs a client meets when ``fault`` fires (see ``CODES_MET``)."""
    if fault.effect == "record_in_use":
        return (fault.code,)
    return CODES_MET[fault.effect]


@dataclass(frozen=True)
class FaultPlan:
    """An ordered list of faults; ``seed`` (optional) overrides the host's for their chances."""

    faults: tuple[Fault, ...] = ()
    seed: int | None = None
    title: str = ""

    @classmethod
    def of(cls, *faults: Fault, seed: int | None = None, title: str = "") -> FaultPlan:
        return cls(tuple(faults), seed, title)


def _check_fault(fault: Fault, where: str) -> None:
    if fault.effect not in EFFECTS:
        raise FaultPlanError(
            f"fault {where!r}: unknown effect {fault.effect!r}; use one of {_list(EFFECTS)}"
        )
    _check_types(fault, where)
    trigger = fault.when
    if not 0.0 <= trigger.probability <= 1.0:
        raise FaultPlanError(f"fault {where!r}: probability {trigger.probability} is not in 0..1")
    if trigger.times is not None and trigger.times < 1:
        raise FaultPlanError(f"fault {where!r}: times must be 1 or more (or 'unlimited')")
    if trigger.on_request is not None and trigger.on_request < 1:
        raise FaultPlanError(f"fault {where!r}: on_request counts from 1")
    needs_window = fault.effect in WINDOW_EFFECTS or fault.effect == "slow"
    if needs_window and (fault.duration is None or fault.duration <= 0):
        raise FaultPlanError(f"fault {where!r}: {fault.effect} needs a duration in seconds > 0")
    if fault.effect == "record_in_use" and fault.code not in IN_USE_CODES:
        raise FaultPlanError(f"fault {where!r}: code must be one of {_list(IN_USE_CODES)}")
    if fault.effect == "slow" and fault.factor <= 0:
        raise FaultPlanError(f"fault {where!r}: factor must be > 0")
    if trigger.at is None and not trigger.watches_requests:
        raise FaultPlanError(
            f"fault {where!r}: 'when' needs at least one of at, on_request, request_type, name"
        )
    if fault.aims_by_kind and not trigger.watches_requests:
        raise FaultPlanError(
            f"fault {where!r}: a target of only a kind needs a request to find it in; give"
            " 'when' a request_type, name or on_request, or the target a name"
        )


_NUMBER = (int, float)
_TYPES: tuple[tuple[str, str, tuple[type, ...], str], ...] = (
    ("when", "at", _NUMBER, "a number of seconds"),
    ("when", "on_request", (int,), "a whole number"),
    ("when", "request_type", (str,), "a request type such as CustomerAddRq"),
    ("when", "name", (str,), "a name"),
    ("when", "probability", _NUMBER, "a number from 0 to 1"),
    ("when", "times", (int,), "a whole number or 'unlimited'"),
    ("", "duration", _NUMBER, "a number of seconds"),
    ("", "factor", _NUMBER, "a number"),
    ("", "code", (int,), "a status code"),
    ("", "label", (str,), "a name for the event log"),
    ("", "description", (str,), "text"),
)
# Numbers that must be finite, and the least each may be.
_FINITE: tuple[tuple[str, str, float], ...] = (
    ("when", "at", 0.0),
    ("", "duration", -math.inf),
    ("", "factor", -math.inf),
)


def _check_types(fault: Fault, where: str) -> None:
    for part, key, types, wanted in _TYPES:
        value = getattr(fault.when if part else fault, key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, types)):
            shown = f"{part}.{key}" if part else key
            raise FaultPlanError(f"fault {where!r}: {shown} is {value!r}; give {wanted}")
    _check_finite(fault, where)
    if fault.changes is not None and not isinstance(fault.changes, Mapping):
        raise FaultPlanError(f"fault {where!r}: changes must map field names to values")


def _check_finite(fault: Fault, where: str) -> None:
    for part, key, least in _FINITE:
        value = getattr(fault.when if part else fault, key)
        if value is not None and not (math.isfinite(value) and value >= least):
            shown = f"{part}.{key}" if part else key
            floor = f" of {least:g} or more" if math.isfinite(least) else ""
            raise FaultPlanError(
                f"fault {where!r}: {shown} is {value!r}; give a finite number{floor}"
            )


def _list(values) -> str:
    return ", ".join(str(v) for v in sorted(values, key=str))


# -- reading plans --------------------------------------------------------------------
_TRIGGER_KEYS = {f.name for f in fields(Trigger)}
_TARGET_KEYS = {f.name for f in fields(Target)}
_FAULT_KEYS = {f.name for f in fields(Fault)}


def plan_from_dict(data: Mapping[str, Any], where: str = "fault plan") -> FaultPlan:
    """A plan from its YAML form; FaultPlanError says which fault and key is wrong."""
    if not isinstance(data, Mapping):
        raise FaultPlanError(f"{where}: expected a mapping with a 'faults' list")
    _no_unknown(data, {"faults", "seed", "title", "description"}, where)
    entries = data.get("faults") or []
    if not isinstance(entries, list):
        raise FaultPlanError(f"{where}: 'faults' must be a list")
    faults = tuple(_fault(entry, f"{where}: faults[{i}]") for i, entry in enumerate(entries))
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise FaultPlanError(f"{where}: seed must be an integer, not {seed!r}")
    title = data.get("title", "")
    if not isinstance(title, str):
        raise FaultPlanError(f"{where}: title is {title!r}; give text")
    return FaultPlan(faults, seed, title)


def _fault(entry: Any, where: str) -> Fault:
    if not isinstance(entry, Mapping) or "effect" not in entry:
        raise FaultPlanError(f"{where}: each fault is a mapping with an 'effect'")
    _no_unknown(entry, _FAULT_KEYS, where)
    values = dict(entry)
    values["when"] = _trigger(values.get("when") or {}, f"{where}.when")
    if values.get("target") is not None:
        values["target"] = _target(values["target"], f"{where}.target")
    try:
        return Fault(**values)
    except FaultPlanError as exc:
        raise FaultPlanError(f"{where}: {exc}") from None
    except TypeError as exc:
        raise FaultPlanError(f"{where}: {exc}") from None


def _trigger(entry: Any, where: str) -> Trigger:
    if not isinstance(entry, Mapping):
        raise FaultPlanError(f"{where}: expected a mapping of trigger keys")
    _no_unknown(entry, _TRIGGER_KEYS, where)
    values = dict(entry)
    if values.get("times") == "unlimited":
        values["times"] = UNLIMITED
    return Trigger(**values)


def _target(entry: Any, where: str) -> Target:
    if not isinstance(entry, Mapping) or "kind" not in entry:
        raise FaultPlanError(f"{where}: expected {{kind: Customer, name: ...}} or a list_id")
    _no_unknown(entry, _TARGET_KEYS, where)
    for key, value in entry.items():
        if value is not None and not isinstance(value, str):
            raise FaultPlanError(f"{where}: target.{key} is {value!r}; give text")
    return Target(**entry)


def _no_unknown(entry: Mapping, allowed: set[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed, key=str)
    if unknown:
        raise FaultPlanError(f"{where}: unknown key {unknown[0]!r}; allowed: {_list(allowed)}")


def load_plan(source: FaultPlan | Mapping[str, Any] | str | Path | None) -> FaultPlan:
    """A plan from a ``FaultPlan``, a dict, a YAML file path or YAML text (None: no faults).

    A ``str`` is a path when it ends in ``.yaml``/``.yml`` and holds no newline, else YAML text.
    """
    if source is None:
        return FaultPlan()
    if isinstance(source, FaultPlan):
        return source
    if isinstance(source, Mapping):
        return plan_from_dict(source)
    text, where = str(source), "fault plan text"
    if isinstance(source, Path) or (text.endswith((".yaml", ".yml")) and "\n" not in text):
        path = Path(source)
        if not path.is_file():
            raise FaultPlanError(f"no fault plan file at {path} (give a path, YAML text or dict)")
        try:
            text, where = safe_yaml.read_text(path, "fault plan"), str(path)
        except ValueError as exc:
            raise FaultPlanError(str(exc)) from None
    try:
        data = safe_yaml.load(text)
    except yaml.YAMLError as exc:
        raise FaultPlanError(f"{where}: not valid YAML: {exc}") from None
    return plan_from_dict(data or {}, where)
