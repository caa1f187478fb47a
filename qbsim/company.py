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
from qbsim.journal import Journal
from qbsim.model.base import DEFAULT_TZ, Clock, CompanyState, Record, TrackedDict, fixed_clock
from qbsim.model.special import CompanyInfo, HostInfo, default_preferences


class Company:
    """A company file: ``process(request_xml)`` answers one qbXML document, untimed.

    ``clock`` gives the time QuickBooks stamps on records (a fixed, ticking clock by default,
    so runs repeat; pass simulated or wall time). ``seed`` drives everything random qbsim makes
    (iterator IDs), so the same seed and requests give the same answers.

    ``host``, ``info`` and ``preferences`` are what HostQuery, CompanyQuery and
    PreferencesQuery report; change them to rehearse another product, a multi-user file or
    other preferences. ``save``/``load`` keep a company in a JSON file (see ``qbsim.persist``);
    ``Company.open`` and ``keep_in`` keep it there durably, every change on disk before its
    answer is returned (see ``qbsim.journal``); a journal grown larger than the file is
    folded into it as it happens, so a company answering for weeks reopens quickly.
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
        self.message_sets: dict[str, wire.StoredSet] = TrackedDict()
        self.host = HostInfo()
        self.info = CompanyInfo()
        self.preferences: dict[str, Any] = default_preferences()
        # Called before each request is applied: hook(request_type, element) returns a
        # StatusError to answer that request with instead (faults such as "record in use").
        self.request_hooks: list[Callable[[str, etree._Element], StatusError | None]] = []
        # What the last document processed was, learnt while answering it (see wire.process).
        self.answered: wire.Answered | None = None
        # The journal of a company kept on disk (None: in memory only), and how many
        # changes have been journalled since the company file was first written.
        self.journal: Journal | None = None
        self.journal_seq = 0

    def process(self, request_xml: str | bytes) -> str:
        """Answer one qbXML request document; raises ``QBXMLRPError`` as COM would. A company
        kept on disk writes what the document changed before the answer is returned."""
        if self.journal is None:
            return wire.process(self, request_xml)
        try:
            return wire.process(self, request_xml)
        finally:
            self.journal.commit(self)
            if self.journal.outgrown():
                self.save(self.journal.path)

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
        """Write the whole company (records, history, counters, message sets) as JSON,
        atomically, and empty the journal beside it (the file now holds what it held)."""
        from qbsim import persist  # persist imports Company: import here, not at the top

        persist.save(self, path)
        if self.journal is not None and Path(path) == self.journal.path:
            self.journal.emptied(self)

    @classmethod
    def load(cls, path: str | Path, *, clock: Clock | None = None) -> Company:
        """A company read back from its file and journal (``save``, ``open``); without
        ``clock`` time goes on after the last moment the file records. Changes made to it
        stay in memory until ``save``."""
        from qbsim import persist

        return persist.load(path, clock=clock)

    @classmethod
    def from_query_answers(cls, folder: str | Path, *, clock: Clock | None = None) -> Company:
        """A company holding the records of a folder of query answers (``qbsync
        export-company``), IDs and names as QuickBooks answered them; see ``qbsim.fromanswers``."""
        from qbsim.fromanswers import from_query_answers

        return from_query_answers(folder, clock=clock)

    @classmethod
    def open(cls, path: str | Path, *, clock: Clock | None = None, fsync: bool = True) -> Company:
        """The company kept at ``path`` (``keep_in``), kept there: each change it answers is
        journalled first. ``fsync=False`` is for benchmarks only (see ``qbsim.journal``)."""
        company = cls.load(path, clock=clock)
        company.journal = Journal(company, path, fsync=fsync)
        return company

    def keep_in(self, path: str | Path, *, fsync: bool = True) -> None:
        """Write this company to ``path`` now and keep it there from now on, as ``open``
        does: every change on disk before its answer leaves."""
        self.close()
        self.save(path)
        self.journal = Journal(self, path, fsync=fsync)

    def close(self) -> None:
        """Stop keeping the company on disk: fold a journal grown larger than the company
        file into the file, and close it. Nothing is lost without this; it saves time at
        the next open."""
        journal = self.journal
        if journal is None:
            return
        if journal.size > journal.path.stat().st_size:
            self.save(journal.path)
        journal.close()
        self.journal = None
