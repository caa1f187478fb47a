"""The clock the engine reads: every timestamp the store writes comes from one of these.

Real runs (COM, Web Connector) use :class:`SystemClock`; tests and notebooks use
:class:`FixedClock`, which only moves when told to; a simpy-driven clock (simulated time) fits
the same :class:`Clock` protocol. Nothing in the engine calls ``datetime.now()`` itself.

The store keeps every instant one way, in UTC (:func:`stamp`), whatever zone the clock reads;
people see it in their own zone, the machine's or ``TZ`` (:func:`shown`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Protocol, runtime_checkable

SHOWN = "%Y-%m-%d %H:%M:%S"
"""How people see an instant, in their own zone."""
UTC = timezone.utc


@runtime_checkable
class Clock(Protocol):
    """Anything that can say what time it is now."""

    def now(self) -> datetime:
        """The current instant as this clock sees it."""
        ...


class SystemClock:
    """Wall-clock time in the machine's local zone, with its UTC offset."""

    def now(self) -> datetime:
        """The real current time, timezone-aware."""
        return datetime.now().astimezone()


class FixedClock:
    """A clock that stands still until :meth:`set` or :meth:`advance` moves it."""

    DEFAULT_START = datetime(2025, 1, 6, 9, 0, 0)

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or self.DEFAULT_START

    def now(self) -> datetime:
        """The instant this clock was last set to."""
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to ``when`` (backwards too: tests may need it)."""
        self._now = when

    def advance(self, seconds: float = 0.0, **delta: float) -> datetime:
        """Move forward by ``seconds`` (plus any ``timedelta`` keywords) and return the new now."""
        self._now += timedelta(seconds=seconds, **delta)
        return self._now


def elapse(clock: Clock, seconds: float) -> None:
    """Let ``seconds`` of simulated time spent by a command pass on ``clock``: a
    :class:`FixedClock` (a playbook run's) moves on by them; a real clock moves by itself."""
    if isinstance(clock, FixedClock):
        clock.advance(seconds)


def utc(when: datetime) -> datetime:
    """``when`` as an aware UTC instant; a naive time is taken to be UTC already."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def stamp(when: datetime) -> str:
    """The text form the store keeps: ISO 8601 in UTC, space-separated, to the millisecond
    (``2026-01-05 14:00:30.039+00:00``)."""
    return utc(when).isoformat(sep=" ", timespec="milliseconds")


def parse_stamp(text: str) -> datetime:
    """A stored timestamp as an aware UTC instant. Older workspaces hold naive stamps (taken
    as UTC) or stamps with another offset (converted)."""
    return utc(datetime.fromisoformat(text.strip()))


def local(when: datetime | str) -> datetime:
    """An instant (or a stored stamp) in the user's zone: the machine's, or ``TZ``."""
    instant = parse_stamp(when) if isinstance(when, str) else utc(when)
    # Through a plain datetime: a pandas Timestamp has no zone-less astimezone().
    return datetime.fromtimestamp(instant.timestamp(), UTC).astimezone()


def shown(when: datetime | str | None) -> str:
    """An instant as every command prints it for people: the user's zone, to the second."""
    return "an unknown time" if when is None else local(when).strftime(SHOWN)


def shown_json(when: datetime | str) -> str:
    """An instant as every command prints it with ``--json``: ISO 8601 in the user's zone,
    with its offset, to the millisecond."""
    return local(when).isoformat(timespec="milliseconds")


def today(clock: Clock) -> date:
    """The clock's current calendar date."""
    return clock.now().date()
