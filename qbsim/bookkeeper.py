"""A bookkeeper working in QuickBooks while the sync runs: a seeded simpy process.

At random moments (a Poisson process of ``rate_per_hour`` actions) the bookkeeper adds,
renames, edits, deletes or inactivates a customer, vendor or other list element, through
qbXML into the company as a second QuickBooks user would (see ``qbsim.host.user``). Each
action, and QuickBooks' answer to it, goes into the host's event log. One seed, one day.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qbsim.faults import Target
from qbsim.host.user import Answer, Found

if TYPE_CHECKING:
    import simpy

    from qbsim.host.core import QuickBooksHost

ACTIONS = ("add", "rename", "edit", "delete", "inactivate")
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "add": 3.0,
    "rename": 1.0,
    "edit": 3.0,
    "delete": 0.5,
    "inactivate": 1.0,
}
_WORDS = (
    ("Harbor", "Maple", "Summit", "Cedar", "Granite", "Willow", "Beacon", "Juniper", "Alder"),
    ("Bakery", "Plumbing", "Design", "Motors", "Dental", "Books", "Roofing", "Florist", "Labs"),
)


@dataclass
class Bookkeeper:
    """A person editing QuickBooks at ``rate_per_hour`` actions, from ``start`` to ``stop``.

    ``kinds`` are the lists they work in (``Customer``, ``Vendor``, ``ItemService`` …);
    ``weights`` how often each of ``ACTIONS`` is chosen. Call ``start()`` once.
    """

    host: QuickBooksHost
    rate_per_hour: float = 30.0
    seed: int = 0
    kinds: Sequence[str] = ("Customer", "Vendor")
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    start_at: float = 0.0
    stop_at: float | None = None
    name: str = "bookkeeper"
    actions_done: int = 0

    def __post_init__(self) -> None:
        if self.rate_per_hour <= 0:
            raise ValueError(f"{self.name}: rate_per_hour must be > 0, not {self.rate_per_hour}")
        unknown = sorted(set(self.weights) - set(ACTIONS))
        if unknown:
            raise ValueError(
                f"{self.name}: unknown action {unknown[0]!r}; use {', '.join(ACTIONS)}"
            )
        self.rng = random.Random(f"{self.seed}/{self.name}")
        self._serial = 0

    def start(self) -> simpy.Process:
        """Begin working (a simpy process in the host's environment)."""
        return self.host.env.process(self._work())

    def _work(self):
        env = self.host.env
        if self.start_at > env.now:
            yield env.timeout(self.start_at - env.now)
        while True:
            pause = self.rng.expovariate(self.rate_per_hour / 3600.0)
            if self.stop_at is not None and env.now + pause > self.stop_at:
                return
            yield env.timeout(pause)
            self.act()

    def act(self) -> None:
        """Do one action now (also usable directly, without the process)."""
        actions = [a for a in ACTIONS if self.weights.get(a, 0) > 0]
        action = self.rng.choices(actions, [self.weights[a] for a in actions])[0]
        kind = self.rng.choice(list(self.kinds))
        detail = getattr(self, f"_{action}")(kind)
        self.actions_done += 1
        self.host.note(self.name, action, detail)

    # -- the actions ------------------------------------------------------------------
    def _add(self, kind: str) -> str:
        name = self._new_name()
        return _say(f"add {kind} {name!r}", self.host.user.add(Target(kind, name)))

    def _rename(self, kind: str) -> str:
        found = self._pick(kind)
        if found is None:
            return f"rename {kind}: none to rename"
        name = self._new_name()
        answer = self.host.user.modify(found, {"Name": name})
        return _say(f"rename {kind} {found.full_name!r} -> {name!r}", answer)

    def _edit(self, kind: str) -> str:
        found = self._pick(kind)
        if found is None:
            return f"edit {kind}: none to edit"
        return _say(f"edit {kind} {found.full_name!r}", self.host.user.modify(found))

    def _delete(self, kind: str) -> str:
        found = self._pick(kind)
        if found is None:
            return f"delete {kind}: none to delete"
        return _say(f"delete {kind} {found.full_name!r}", self.host.user.delete(found))

    def _inactivate(self, kind: str) -> str:
        found = self._pick(kind)
        if found is None:
            return f"inactivate {kind}: none active"
        answer = self.host.user.modify(found, {"IsActive": "false"})
        return _say(f"inactivate {kind} {found.full_name!r}", answer)

    def _pick(self, kind: str) -> Found | None:
        user = self.host.user
        candidates = user.list_ids(kind)
        return user.find(Target(kind, list_id=self.rng.choice(candidates))) if candidates else None

    def _new_name(self) -> str:
        self._serial += 1
        first, second = (self.rng.choice(words) for words in _WORDS)
        return f"{first} {second} {self._serial}"


def _say(what: str, answer: Answer) -> str:
    list_id = (answer.fields or {}).get("ListID", "")
    outcome = f"ok {list_id}".rstrip() if answer.ok else f"{answer.code} {answer.message}"
    return f"{what}: {outcome}"
