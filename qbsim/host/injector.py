"""``FaultInjector``: runs a fault plan on a host — decides when each fault fires.

Timed faults (only ``at``, and an effect that needs no request) fire from a simpy process at
their moment; the others are checked, in plan order, when each request reaches its turn,
before QuickBooks applies it. Chances are drawn from one ``random.Random`` seeded by the plan's
or the host's seed, so a run repeats exactly. :meth:`FaultInjector.outcomes` says, for every
planned fault, how often it fired and, for one that never took effect, why.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from qbsim.faults import Fault, FaultPlan, Target, Trigger
from qbsim.host import effects
from qbsim.host.desktop import Window
from qbsim.host.effects import Armed, Firing
from qbsim.host.requests import RequestSummary

if TYPE_CHECKING:
    from qbsim.host.core import QuickBooksHost, RequestIds


@dataclass
class _Tally:
    """What one fault's trigger saw: requests of its type, those also naming its record (the
    ones ``on_request`` counts), chances drawn, firings, and firings with nothing to act on."""

    typed: int = 0
    matched: int = 0
    draws: int = 0
    fired: int = 0
    no_effect: int = 0
    last_detail: str = ""


@dataclass(frozen=True)
class FaultOutcome:
    """How one planned fault went: how often it fired, how many of those firings found
    nothing to act on, and — when it never took effect — why (else ``why_not`` is None)."""

    fault: Fault
    fired: int
    no_effect: int
    why_not: str | None


@dataclass
class FaultInjector:
    """The live state of a fault plan on one host."""

    host: QuickBooksHost
    plan: FaultPlan
    seed: int
    rng: random.Random = field(init=False)
    slow_windows: list[tuple[Window, float]] = field(default_factory=list)
    in_use: list[effects.InUse] = field(default_factory=list)
    _tallies: list[_Tally] = field(init=False)

    @property
    def reads_requests(self) -> bool:
        """Whether a fault of the plan looks at requests (their types, names and records);
        else the host needs only their types and sizes."""
        return any(not fault.is_timed for fault in self.plan.faults)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{self.seed}/faults")
        self._tallies = [_Tally() for _ in self.plan.faults]
        for index, fault in enumerate(self.plan.faults):
            if fault.is_timed:
                self.host.env.process(self._timed(index, fault))

    def _timed(self, index: int, fault: Fault):
        assert fault.when.at is not None  # what makes a fault timed
        delay = max(0.0, float(fault.when.at) - self.host.env.now)
        yield self.host.env.timeout(delay)
        if self._chance(index, fault):
            self._fire(index, Firing(fault, fault.target, Armed()), None)

    def before_request(self, summary: RequestSummary, ids: RequestIds) -> Armed:
        """Fire the faults this request triggers; what they ask of it comes back."""
        self._forget_expired()
        armed = Armed()
        for index, fault in enumerate(self.plan.faults):
            if fault.is_timed or not self._triggered(index, fault, summary):
                continue
            target = _aimed(fault, summary)
            self._fire(index, Firing(fault, target, armed, summary), ids)
        return armed

    def _triggered(self, index: int, fault: Fault, summary: RequestSummary) -> bool:
        trigger, tally = fault.when, self._tallies[index]
        if trigger.times is not None and tally.fired >= trigger.times:
            return False
        if trigger.at is not None and self.host.env.now < trigger.at:
            return False
        pattern = trigger.request_type
        if pattern is not None and not any(fnmatchcase(t, pattern) for t in summary.types):
            return False
        tally.typed += 1
        if trigger.name is not None and not summary.of_type(pattern).mentions(trigger.name):
            return False
        tally.matched += 1
        if trigger.on_request is not None and tally.matched < trigger.on_request:
            return False
        return self._chance(index, fault)

    def _chance(self, index: int, fault: Fault) -> bool:
        probability = fault.when.probability
        if probability >= 1.0:
            return True
        self._tallies[index].draws += 1
        return self.rng.random() < probability

    def _fire(self, index: int, firing: Firing, ids: RequestIds | None) -> None:
        tally = self._tallies[index]
        tally.fired += 1
        detail = effects.apply(self, firing)
        if isinstance(detail, effects.NoEffect):
            tally.no_effect += 1
            tally.last_detail = str(detail)
        request_id = ids.request if ids is not None else ""
        fault = firing.fault
        self.host.log.record(
            self.host.env.now, f"fault:{fault.name}", fault.effect, detail, request_id=request_id
        )

    # -- state the effects leave behind ------------------------------------------------
    def slow_factor(self) -> float:
        """The product of the ``slow`` factors in force now (1.0 when none)."""
        now, factor = self.host.env.now, 1.0
        for window, multiplier in self.slow_windows:
            if window.start <= now < window.end:
                factor *= multiplier
        return factor

    def _forget_expired(self) -> None:
        now = self.host.env.now
        hooks = self.host.company.request_hooks
        for lock in [lock for lock in self.in_use if lock.until <= now]:
            self.in_use.remove(lock)
            if lock in hooks:
                hooks.remove(lock)

    def fired(self, fault: Fault) -> int:
        """How many times a fault of this plan has fired so far."""
        return self._tallies[self.plan.faults.index(fault)].fired

    def outcomes(self) -> list[FaultOutcome]:
        """Every planned fault, in plan order, with its firings so far and why it never took
        effect (its time not reached, no request of its type or name, its request number
        not reached, its chance gave no hit, or nothing to act on when it fired)."""
        return [
            FaultOutcome(fault, tally.fired, tally.no_effect, self._why_not(fault, tally))
            for fault, tally in zip(self.plan.faults, self._tallies, strict=True)
        ]

    def _why_not(self, fault: Fault, tally: _Tally) -> str | None:
        if tally.fired > tally.no_effect:
            return None
        if tally.fired:
            return f"it fired {tally.fired} time(s) but had nothing to act on: {tally.last_detail}"
        trigger, now = fault.when, self.host.env.now
        if trigger.at is not None and now < trigger.at:
            return f"the run ended at {now:g} s, before its time ({trigger.at:g} s)"
        if fault.is_timed or tally.draws:
            return f"its probability {trigger.probability:g} gave no hit in {tally.draws} draw(s)"
        return _unmatched(trigger, tally)


def _unmatched(trigger: Trigger, tally: _Tally) -> str:
    """Why a request-triggered fault never got to draw its chance."""
    after = f" at or after {trigger.at:g} s" if trigger.at is not None else ""
    if trigger.request_type is not None and not tally.typed:
        return f"no {trigger.request_type} request was sent{after}"
    if trigger.name is not None and not tally.matched:
        among = (
            f" among {tally.typed} {trigger.request_type} request(s)"
            if trigger.request_type
            else ""
        )
        return f"no request named {trigger.name!r}{among}{after}: no record of that name was sent"
    return (
        f"its trigger's request number {trigger.on_request} was never reached: only"
        f" {tally.matched} matching request(s){after}"
    )


def _aimed(fault: Fault, summary: RequestSummary) -> Target | None:
    """The record a request-triggered fault acts on: its target, the triggering request's
    first record of the target's kind, or that request's own record (or the record named
    ``when.name``). The triggering requests are those of the trigger's type, not the whole
    message set: a CustomerAddRq's fault never lands on an item added before it."""
    triggering = summary.of_type(fault.when.request_type)
    if fault.aims_by_kind:
        assert fault.target is not None  # what aims_by_kind means
        return triggering.first_of(fault.target.kind)
    return fault.target or triggering.target(fault.when.name)
