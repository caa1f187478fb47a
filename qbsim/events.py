"""The event log of a simulated run: who did what, when, in simulated seconds.

Every host request, fault and bookkeeper action writes one or more ``Event`` rows. Rows hold
only simulated time and values derived from the inputs and the seed (never wall time, object
ids or hash order), so two runs with one seed give equal logs; ``EventLog.to_frame`` hands
them to pandas.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import astuple, dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Event:
    """One thing that happened.

    ``actor`` is who acted (``client``, ``quickbooks``, ``fault:<label>``, ``bookkeeper``);
    ``event`` a short verb (``sent``, ``answered``, ``refused``, ``lost``, ``rename`` …);
    ``request_id``/``response_id`` tie the rows of one host request together (``rq-0001`` /
    ``rs-0001``); ``seconds`` is the time QuickBooks spent on an answered request.
    """

    time: float
    actor: str
    event: str
    detail: str = ""
    request_type: str = ""
    request_id: str = ""
    response_id: str = ""
    seconds: float = 0.0


COLUMNS = tuple(f.name for f in fields(Event))


class EventLog:
    """An append-only list of events, in the order they happened."""

    def __init__(self) -> None:
        self._events: list[Event] = []

    def record(self, time: float, actor: str, event: str, detail: str = "", **ids: Any) -> Event:
        """Append one event; keyword arguments fill the other ``Event`` fields."""
        entry = Event(float(time), actor, event, detail, **ids)
        self._events.append(entry)
        return entry

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events)

    def where(self, *, actor: str | None = None, event: str | None = None) -> list[Event]:
        """The events by one actor and/or of one kind (an ``actor`` ending in ``*`` is a prefix)."""
        return [e for e in self._events if _match(e.actor, actor) and _match(e.event, event)]

    def rows(self) -> list[tuple]:
        """Plain tuples in ``COLUMNS`` order (what two runs compare)."""
        return [astuple(e) for e in self._events]

    def to_frame(self) -> pd.DataFrame:
        """The log as a DataFrame with the ``COLUMNS`` of ``Event``."""
        import pandas as pd  # imported here so qbsim loads fast without a DataFrame in sight

        return pd.DataFrame(self.rows(), columns=list(COLUMNS))


def _match(value: str, wanted: str | None) -> bool:
    if wanted is None:
        return True
    if wanted.endswith("*"):
        return value.startswith(wanted[:-1])
    return value == wanted
