"""``qbsim.Company``: one simulated QuickBooks company file that answers qbXML."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timezone
from pathlib import Path
from typing import Any

from lxml import etree

from qbsim import wire
from qbsim.errors import StatusError
from qbsim.iterators import Iteration
from qbsim.model.base import DEFAULT_TZ, Clock, CompanyState, Record, fixed_clock
from qbsim.model.special import CompanyInfo, HostInfo, default_preferences


class Company:
    """A company file: ``process(request_xml)`` answers one qbXML document, untimed.

    ``clock`` gives the time QuickBooks stamps on records (a fixed, ticking clock by default,
    so runs repeat; pass simulated or wall time). ``seed`` drives everything random qbsim makes
    (iterator IDs), so the same seed and requests give the same answers.

    ``host``, ``info`` and ``preferences`` are what HostQuery, CompanyQuery and
    PreferencesQuery report; change them to rehearse another product, a multi-user file or
    other preferences. ``save``/``load`` keep a company in a JSON file (see ``qbsim.persist``).
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        seed: int = 0,
        name: str = "Rehearsal Company",
        file_name: str = "rehearsal.qbw",
        tz: timezone = DEFAULT_TZ,
    ) -> None:
        self.state = CompanyState(clock or fixed_clock(), tz, name, file_name)
        self.rng = random.Random(seed)
        self.iterators: dict[str, Iteration] = {}
        self.message_sets: dict[str, wire.StoredSet] = {}
        self.host = HostInfo()
        self.info = CompanyInfo()
        self.preferences: dict[str, Any] = default_preferences()
        # Called before each request is applied: hook(request_type, element) returns a
        # StatusError to answer that request with instead (faults such as "record in use").
        self.request_hooks: list[Callable[[str, etree._Element], StatusError | None]] = []
        # What the last document processed was, learnt while answering it (see wire.process).
        self.answered: wire.Answered | None = None

    def process(self, request_xml: str | bytes) -> str:
        """Answer one qbXML request document; raises ``QBXMLRPError`` as COM would."""
        return wire.process(self, request_xml)

    def end_session(self) -> None:
        """What EndSession does to this company: iterators die with the session."""
        self.iterators.clear()

    def lookup(self, kind: str, record_id: str) -> Record | None:
        """A record by kind (``Customer``, ``Invoice``) and ListID/TxnID, or None."""
        return self.state.find(kind, record_id)

    def count(self, kind: str) -> int:
        """How many records of a kind the company holds now."""
        return len(self.state.records.get(kind, {}))

    def save(self, path: str | Path) -> None:
        """Write the whole company (records, history, counters, message sets) as JSON."""
        from qbsim import persist  # persist imports Company: import here, not at the top

        persist.save(self, path)

    @classmethod
    def load(cls, path: str | Path, *, clock: Clock | None = None) -> Company:
        """A company read back from ``save``; without ``clock`` time goes on after the last
        moment the file records."""
        from qbsim import persist

        return persist.load(path, clock=clock)
