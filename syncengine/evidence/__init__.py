"""What a customer sends support, read as one conversation with QuickBooks: each request
document sent and the answer that came back, in the order sent, with their times where the
evidence has them.

Three kinds of evidence are read by :func:`read`: a workspace (its saved message sets,
:mod:`.workspace`), a folder of qbXML request and response files (:mod:`.folder`) and a
QuickBooks Web Connector log written in verbose mode (``QWCLog.txt``, :mod:`.qwclog`).
``qbsync replay`` replays the conversation against qbsim; ``qbsync profile fit`` fits a
latency profile from its times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from syncengine.errors import SyncError

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first bytes of every SQLite database file (a workspace)."""


class EvidenceError(SyncError):
    """Evidence that cannot be read as a conversation; the message names the file, the place
    in it and what to send instead."""


@dataclass(frozen=True)
class Exchange:
    """One request document sent to QuickBooks and its answer (``None``: none came back).

    ``source`` says where in the evidence it was read (a file and line, or a workspace's job
    and message set), so a report can point the reader at it.
    """

    request_xml: str
    response_xml: str | None
    source: str
    sent_at: datetime | None = None
    answered_at: datetime | None = None

    @property
    def seconds(self) -> float | None:
        """How long QuickBooks took to answer, when the evidence has both times."""
        if self.sent_at is None or self.answered_at is None:
            return None
        return (self.answered_at - self.sent_at).total_seconds()


def read(path: str | Path) -> list[Exchange]:
    """The conversation the evidence at ``path`` holds, oldest first; :class:`EvidenceError`
    when it is none of the three kinds or cannot be read."""
    where = Path(path)
    if where.is_dir():
        from syncengine.evidence import folder

        return folder.read(where)
    if not where.is_file():
        raise EvidenceError(
            f"{where}: no such file or folder; give a workspace, a folder of qbXML request and"
            " response files, or a Web Connector log (QWCLog.txt)"
        )
    if _starts_with(where, SQLITE_HEADER):
        from syncengine.evidence import workspace

        return workspace.read(where)
    from syncengine.evidence import qwclog

    return qwclog.read(where)


def _starts_with(path: Path, header: bytes) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(len(header)) == header
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot be read ({exc.strerror})") from None
