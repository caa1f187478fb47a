"""The simulator driver: a sync job talking to qbsim's ``QuickBooksHost`` in simpy time.

``drive(host, job)`` is a simpy process body. It asks the job for a request, waits while the
host answers it (queue, profile latency, faults), and hands the answer back; when the host
refuses (``QBXMLRPError``) or the answer is lost (``ResponseLost``), it tells the job with the
engine's typed ``TransportError`` and, by :class:`RetryPolicy`, waits in simulated time and
goes on, or gives up and leaves the job unfinished (``SyncJob.start`` resumes it). Faults,
a bookkeeper and timers run in the same environment, so they happen between requests exactly
when the plan says. :class:`SimulatedClock` is the engine clock of such a run: every
timestamp the store writes is simulated time.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from qbsim import QBXMLRPError, QuickBooksHost
from syncengine.errors import TransportError
from syncengine.transports.hresults import (
    AccessDenied,
    RequestRejected,
    UnsupportedSetup,
    transport_error,
    unsigned,
)

RPC_DISCONNECTED = 0x80010108
"""The HRESULT COM reports when an answer never came back (the request may be applied)."""


HOPELESS: tuple[type[TransportError], ...] = (RequestRejected, AccessDenied, UnsupportedSetup)
"""Refusals that waiting does not cure: the driver gives up on them at once."""


class SimulatedTime(Protocol):
    """What the clock reads: simpy's ``Environment`` (its ``now`` in seconds)."""

    @property
    def now(self) -> float: ...


class Conversation(Protocol):
    """The part of ``SyncJob`` a driver uses (see ``syncengine.sync``)."""

    @property
    def finished(self) -> bool: ...

    def next_request(self) -> str | None: ...

    def receive(self, response_xml: str) -> None: ...

    def failed(self, error: Exception) -> None: ...


class SimulatedClock:
    """The engine's clock in a rehearsal: ``start`` plus the environment's seconds."""

    def __init__(self, env: SimulatedTime, start: datetime) -> None:
        self.env = env
        self.start = start
        self._seconds, self._now = 0.0, start

    def now(self) -> datetime:
        """The simulated instant: ``start`` + ``env.now`` seconds."""
        seconds = self.env.now
        if seconds != self._seconds:
            self._seconds, self._now = seconds, self.start + timedelta(seconds=seconds)
        return self._now


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait after a transport failure, and when to give up.

    The n-th failure in a row waits ``first_wait * factor**(n-1)`` simulated seconds, at most
    ``longest_wait``; a lost answer waits ``lost_wait`` (the job's recovery asks QuickBooks
    what it applied). After ``attempts`` failures in a row the driver gives up.
    """

    first_wait: float = 15.0
    factor: float = 2.0
    longest_wait: float = 300.0
    lost_wait: float = 1.0
    attempts: int = 12

    def __post_init__(self) -> None:
        if self.attempts < 1 or min(self.first_wait, self.lost_wait) < 0 or self.factor < 1:
            raise ValueError(f"retry policy needs attempts >= 1, waits >= 0, factor >= 1: {self}")

    def wait(self, error: TransportError, failures: int) -> float:
        """Seconds to wait after the ``failures``-th failure in a row."""
        if error.hresult == RPC_DISCONNECTED:
            return self.lost_wait
        return min(self.longest_wait, self.first_wait * self.factor ** (failures - 1))


@dataclass
class DriveStats:
    """What one or more drives saw: requests, answers, refusals by HRESULT, time waited."""

    requests: int = 0
    answered: int = 0
    lost: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    waited_seconds: float = 0.0
    gave_up: int = 0

    def count_refusal(self, hresult: int) -> None:
        """Add one refusal under its HRESULT (``0x80040414``)."""
        key = f"0x{hresult:08X}"
        self.refused[key] = self.refused.get(key, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        """Plain values for a JSON report (refusals sorted by HRESULT)."""
        return {
            "requests": self.requests,
            "answered": self.answered,
            "lost": self.lost,
            "refused": dict(sorted(self.refused.items())),
            "waited_seconds": round(self.waited_seconds, 3),
            "gave_up": self.gave_up,
        }


@dataclass(frozen=True)
class DriveOutcome:
    """How a drive ended: the job finished, or the driver gave up on ``error``."""

    finished: bool
    error: TransportError | None = None


Exchange = Callable[[str, str], None]
"""Called with (request, response) after each answered request (benchmarks keep them)."""


def drive(
    host: QuickBooksHost,
    job: Conversation,
    policy: RetryPolicy | None = None,
    stats: DriveStats | None = None,
    on_exchange: Exchange | None = None,
) -> Generator[Any, Any, DriveOutcome]:
    """Run ``job`` against ``host`` until it is complete or the policy gives up (a simpy
    process body: ``env.process(drive(host, job))``). Its value is a :class:`DriveOutcome`."""
    policy = policy or RetryPolicy()
    stats = stats if stats is not None else DriveStats()
    failures = 0
    while (request := job.next_request()) is not None:
        error = yield from _exchange(host, job, request, stats, on_exchange)
        if error is None:
            failures = 0
            continue
        failures += 1
        if isinstance(error, HOPELESS) or failures >= policy.attempts:
            stats.gave_up += 1
            return DriveOutcome(False, error)
        seconds = policy.wait(error, failures)
        stats.waited_seconds += seconds
        yield host.env.timeout(seconds)
    return DriveOutcome(True)


def _exchange(
    host: QuickBooksHost,
    job: Conversation,
    request: str,
    stats: DriveStats,
    on_exchange: Exchange | None,
) -> Generator[Any, Any, TransportError | None]:
    """Carry one request and hand its answer to the job; the error the job was told of when
    there was no (readable) answer, else None."""
    stats.requests += 1
    try:
        response = yield host.request(request)
    except QBXMLRPError as exc:
        return _tell_job(job, exc, stats)
    stats.answered += 1
    try:
        job.receive(response)
    except TransportError as error:  # unreadable: the job has recorded it as lost
        stats.lost += 1
        return error
    if on_exchange is not None:
        on_exchange(request, response)
    return None


def _tell_job(job: Conversation, exc: QBXMLRPError, stats: DriveStats) -> TransportError:
    """Translate the host's failure at the edge and hand it to the job."""
    hresult = unsigned(exc.hresult)
    error = transport_error(hresult, str(exc))
    if hresult == RPC_DISCONNECTED:
        stats.lost += 1
    else:
        stats.count_refusal(hresult)
    job.failed(error)
    return error
