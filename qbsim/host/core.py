"""``QuickBooksHost``: a ``Company`` served in simulated time, one request at a time.

The host owns the simpy clock of a rehearsal: it makes the company stamp simulated time,
queues requests (QuickBooks answers one at a time), charges each the latency its profile
gives, applies the fault plan and writes the event log. A request at its turn goes through:
fault triggers → the caller's session (or the Web Connector's) → ``Company.process`` (applied
at the start of its turn) → the latency → the answer (or a lost response).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

import simpy
import simpy.rt
from lxml import etree

from qbsim.errors import NotImplementedInQbsim, QBXMLRPError, ResponseLost, StatusError
from qbsim.events import EventLog
from qbsim.faults import FaultPlan, load_plan
from qbsim.host.desktop import DO_NOT_CARE, MULTI_USER, Desktop
from qbsim.host.injector import FaultInjector
from qbsim.host.requests import RequestSummary, charged, read_response, sketch, summarise
from qbsim.host.user import QuickBooksUser
from qbsim.model.base import CompanyState
from qbsim.model.refs import ITEM_KINDS
from qbsim.profile import Profile, load_profile

if TYPE_CHECKING:
    from qbsim.wire import Answered

WEB_CONNECTOR = "Web Connector"
_REQUEST_TAG = re.compile(r"<(\w+Rq)\b")


class HostedCompany(Protocol):
    """What the host needs of a company (``qbsim.Company`` has it)."""

    state: CompanyState
    request_hooks: list[Callable[[str, etree._Element], StatusError | None]]
    answered: Answered | None  # what the last ``process`` answered, if the company knows

    def process(self, request_xml: str | bytes) -> str: ...

    def end_session(self) -> None: ...


@dataclass(frozen=True)
class RequestIds:
    """The ids that tie one host request's events together."""

    request: str
    response: str


class QuickBooksHost:
    """A simulated QuickBooks Desktop machine answering qbXML in ``env``'s time.

    ``profile`` is a profile name, path, dict or ``Profile``; ``faults`` a ``FaultPlan``, a
    dict, a YAML path or text (None: no faults); ``seed`` draws latency jitter, tickets and
    fault chances (a plan's own ``seed`` wins for the chances); ``start`` is the wall-clock
    moment simulated time 0 stands for (default: the company clock's next reading).
    """

    def __init__(
        self,
        env: simpy.Environment,
        company: HostedCompany,
        *,
        profile: str | Path | dict | Profile = "default",
        faults: FaultPlan | dict | str | Path | None = None,
        seed: int = 0,
        start: datetime | None = None,
        log: EventLog | None = None,
    ) -> None:
        self.env, self.company, self.seed = env, company, seed
        self.profile = load_profile(profile)
        self.plan = load_plan(faults)
        self.log = log if log is not None else EventLog()
        self.start = start if start is not None else company.state.now()
        company.state.clock = self.now
        self.desktop = Desktop(company.state.file_name, self._now, random.Random(f"{seed}/tickets"))
        self.user = QuickBooksUser(company)
        self._latency_rng = random.Random(f"{seed}/latency")
        self._line = simpy.Resource(env, capacity=1)
        self._issued = 0
        self.served = 0
        self._web_ticket: str | None = None
        fault_seed = seed if self.plan.seed is None else self.plan.seed
        self.faults = FaultInjector(self, self.plan, fault_seed)

    @classmethod
    def realtime(
        cls, company: HostedCompany, *, speed: float = 1.0, **options: Any
    ) -> QuickBooksHost:
        """A host in simpy's ``RealtimeEnvironment``: ``speed`` simulated s per wall second."""
        if speed <= 0:
            raise ValueError(f"speed must be > 0 simulated seconds per wall second, not {speed}")
        env = simpy.rt.RealtimeEnvironment(factor=1.0 / speed, strict=False)
        return cls(env, company, **options)

    # -- time -----------------------------------------------------------------------
    def now(self) -> datetime:
        """The simulated wall-clock moment: ``start`` + ``env.now`` seconds."""
        return self.start + timedelta(seconds=self.env.now)

    def _now(self) -> float:
        return self.env.now

    # -- requests -------------------------------------------------------------------
    def request(
        self,
        request_xml: str | bytes,
        ticket: str | None = None,
        precheck: Callable[[], None] | None = None,
    ) -> simpy.Process:
        """Queue one request document; the event's value is the response document.

        Without ``ticket`` the request runs in the Web Connector's session on the open company
        file (begun when needed). The event fails with ``QBXMLRPError`` (``hresult``) where COM
        would raise, ``ResponseLost`` when the answer was lost after QuickBooks applied it.
        Yield the event (or use ``call``): a failure nobody waits for stops ``env.run``.
        """
        self._issued += 1
        ids = RequestIds(f"rq-{self._issued:04d}", f"rs-{self._issued:04d}")
        text = (
            request_xml.decode(errors="replace") if isinstance(request_xml, bytes) else request_xml
        )
        kinds = ",".join(t for t in _REQUEST_TAG.findall(text) if t != "QBXMLMsgsRq")
        self._record("client", "sent", ids, kinds)
        return self.env.process(self._serve(request_xml, ticket, precheck, ids, kinds))

    def call(self, request_xml: str | bytes, ticket: str | None = None) -> str:
        """Run the simulation until this request is answered; return it or raise its error."""
        # simpy types a process's value as Optional[Any]; _serve's is the response.
        return cast("str", self.env.run(until=self.request(request_xml, ticket)))

    def _serve(self, request_xml, ticket, precheck, ids: RequestIds, kinds: str):
        with self._line.request() as turn:
            yield turn
            self.served += 1
            # Faults that look at requests need them read first; latency alone can wait
            # for what the company learns while answering.
            reads = self.faults.reads_requests
            summary = summarise(request_xml, self._name_of) if reads else None
            armed = self.faults.before_request(summary or RequestSummary(), ids)
            refusal: QBXMLRPError | NotImplementedInQbsim | None
            try:
                if precheck is not None:
                    precheck()
                self._session_for(ticket)
                response = self.company.process(request_xml)
            except (QBXMLRPError, NotImplementedInQbsim) as exc:
                refusal = exc
            else:
                refusal = None
            if refusal is not None:
                yield self.env.timeout(self.profile.refusal)
                self._record("quickbooks", "refused", ids, kinds, _describe(refusal))
                raise refusal
            summary, answers = self._answered(request_xml, response, summary)
            seconds = self._latency(summary, answers)
            yield self.env.timeout(seconds)
            detail = " ".join(f"{tag}:{code}" for tag, code, _ in answers)
            if armed.lose_response:
                self._record("quickbooks", "lost", ids, kinds, f"applied {detail}", seconds)
                raise ResponseLost(f"{ids.request} was applied; its response never arrived")
            self._record("quickbooks", "answered", ids, kinds, detail, seconds, ids.response)
            return response

    def _answered(
        self, request_xml: str | bytes, response: str, summary: RequestSummary | None
    ) -> tuple[RequestSummary, list[tuple[str, int, int]]]:
        """The request's summary and each answer's (tag, status code, records returned):
        from the company's own account when it has one, else by reading the texts."""
        answered = self.company.answered
        if answered is None:
            return summary or sketch(request_xml), read_response(response)
        if summary is None:
            summary = RequestSummary(answered.types, (), answered.lines)
        return summary, list(answered.answers)

    def _latency(self, summary: RequestSummary, answers: list[tuple[str, int, int]]) -> float:
        total = self.profile.message_set
        for request_type, size in charged(summary, answers):
            total += self.profile.seconds(request_type, size, self._latency_rng)
        return total * self.faults.slow_factor()

    def _name_of(self, kind: str, list_id: str) -> str | None:
        kinds = ITEM_KINDS if kind == "Item" else (kind,)
        record = self.company.state.find_any(kinds, list_id)
        if record is None:
            return None
        return record.ret.get("FullName") or record.ret.get("Name")

    # -- sessions -------------------------------------------------------------------
    def _session_for(self, ticket: str | None) -> None:
        if ticket is not None:
            self.desktop.session(ticket)
            return
        current = self.desktop.session_or_none(self._web_ticket)
        if current is not None and current.alive:
            self.desktop.session(self._web_ticket)
            return
        self._web_ticket = self.begin_session(WEB_CONNECTOR, self.desktop.company_file, DO_NOT_CARE)

    def begin_session(self, app_name: str, file_name: str, mode: int) -> str:
        """BeginSession on this machine's QuickBooks (see ``Desktop.begin`` for refusals)."""
        try:
            session = self.desktop.begin(app_name, file_name, mode)
        except QBXMLRPError as exc:
            self.log.record(self.env.now, app_name, "begin_session refused", _describe(exc))
            raise
        self.log.record(self.env.now, app_name, "begin_session", f"{session.file_name} mode {mode}")
        return session.ticket

    def end_session(self, ticket: str | None = None) -> None:
        """EndSession for ``ticket`` (default: the Web Connector's session); iterators die."""
        ticket = self._web_ticket if ticket is None else ticket
        session = self.desktop.session_or_none(ticket)
        if session is None:
            return
        self.desktop.end(session.ticket)
        self.company.end_session()
        self.log.record(self.env.now, session.app_name, "end_session")

    def note(self, actor: str, event: str, detail: str = "") -> None:
        """Write one event at the current simulated time."""
        self.log.record(self.env.now, actor, event, detail)

    # -- the person at the QuickBooks screen -----------------------------------------
    def close_company_file(self) -> None:
        """File > Close Company: sessions end; a BeginSession without a name gets 0x80040417."""
        self.desktop.close_file()
        self.note("quickbooks user", "close_company_file")

    def open_company_file(self, file_name: str | None = None, mode: int = MULTI_USER) -> None:
        """Open a company file (another name: 0x8004040A for our file) in a mode (0 or 1)."""
        self.desktop.open(file_name, mode)
        self.note(
            "quickbooks user",
            "open_company_file",
            f"{file_name or self.desktop.company_file} mode {mode}",
        )

    def quit_quickbooks(self) -> None:
        """Close QuickBooks; BeginSession with the file name starts it again."""
        self.desktop.quit()
        self.note("quickbooks user", "quit_quickbooks")

    def _record(self, actor, event, ids: RequestIds, kinds, detail="", seconds=0.0, response=""):
        self.log.record(
            self.env.now,
            actor,
            event,
            detail,
            request_type=kinds,
            request_id=ids.request,
            response_id=response,
            seconds=seconds,
        )


def _describe(exc: Exception) -> str:
    hresult = getattr(exc, "hresult", None)
    return f"0x{hresult:08X}" if hresult is not None else type(exc).__name__
