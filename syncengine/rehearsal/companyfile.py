"""The simulated company a workspace keeps beside it (``<workspace>.qbsim.json``): reading it,
with a damaged file reported as damaged and what to do (:func:`read_company`, the one place
that decides so), and whether it holds what the workspace's links say QuickBooks holds
(:func:`missing_links`).

A workspace whose company is lost cannot just start a new, empty one: its links would go on
saying records are in QuickBooks that the new company lacks. The commands that make a new
company refuse to for a workspace with links unless told to (``--new-company``), and then say
how many links point at nothing; ``qbsync doctor`` names them.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from syncengine.errors import SyncError

if TYPE_CHECKING:
    from qbsim import Company


class CompanyDamaged(SyncError):
    """The simulated company file cannot be read: the message names it, why, and what to do."""

    def __init__(self, path: Path, why: str) -> None:
        self.path, self.why = path, why
        super().__init__(damaged_text(path, why))


def read_company(path: Path, *, keep: bool = False) -> Company:
    """The simulated company saved at ``path`` with its journal replayed; with ``keep`` it is
    kept there (each change it answers journalled first, ``Company.open``), else only read
    (``qbsync doctor``). :class:`CompanyDamaged` when the file cannot be read or is not a
    whole company (cut short, not JSON, the wrong shape)."""
    from qbsim import Company

    try:
        return Company.open(path) if keep else Company.load(path)
    # What a file that is not a whole company makes the loader raise: no JSON or UTF-8
    # (ValueError, PersistError among them), a missing key, a value of the wrong type.
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise CompanyDamaged(path, _why(exc)) from None


def company_from_answers(folder: Path, *, seed: int = 0) -> Company:
    """The simulated company a folder of query answers describes (``qbsync export-company``
    writes one), its random choices drawn from ``seed``; a :class:`SyncError` naming the file
    and element when the folder holds none or a malformed one."""
    from qbsim import Company
    from qbsim.fromanswers import QueryAnswersError

    try:
        company = Company.from_query_answers(folder)
    except QueryAnswersError as exc:
        raise SyncError(str(exc)) from None
    company.rng.seed(seed)
    return company


def damaged_text(path: Path, why: str) -> str:
    """What to say about the damaged company file ``path``: why, and what to do."""
    return (
        f"the simulated company {path} cannot be read: {why}. Restore it from a backup, or give"
        " another with --company; to start a new, empty one, move it away and run again with"
        " --new-company (the workspace's links then point at records it lacks: `qbsync doctor`"
        " lists them)"
    )


def _why(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    if isinstance(exc, json.JSONDecodeError):
        return f"it is damaged, not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
    if isinstance(exc, UnicodeDecodeError):
        return "it is damaged, not UTF-8 text"
    if isinstance(exc, ValueError):
        return f"it is damaged ({exc})"
    return f"it is damaged, not the shape of a company file ({type(exc).__name__}: {exc})"


@dataclass(frozen=True)
class MissingLink:
    """An app record linked to a QuickBooks object the simulated company does not hold."""

    entity_id: int
    entity_type: str
    name: str
    qb_type: str
    qb_id: str

    def __str__(self) -> str:
        named = f" {self.name!r}" if self.name else ""
        return f"{self.entity_type} {self.entity_id}{named} ({self.qb_type} {self.qb_id})"


_LINKS = """
SELECT l.entity_id, l.entity_type, COALESCE(e.name, ''), l.qb_type, l.qb_id
FROM links l LEFT JOIN entities e ON e.id = l.entity_id
WHERE l.qb_deleted_at IS NULL ORDER BY l.entity_id
"""


def linked_count(conn: sqlite3.Connection) -> int:
    """How many app records the workspace links to a QuickBooks object it believes exists."""
    return int(conn.execute("SELECT COUNT(*) FROM links WHERE qb_deleted_at IS NULL").fetchone()[0])


def missing_links(conn: sqlite3.Connection, company: Company) -> list[MissingLink]:
    """The links (not known deleted in QuickBooks) whose ListID/TxnID ``company`` lacks."""
    missing = []
    for row in conn.execute(_LINKS):
        link = MissingLink(*row)
        if not any(company.lookup(kind, link.qb_id) for kind in _kinds(link)):
            missing.append(link)
    return missing


def _kinds(link: MissingLink) -> tuple[str, ...]:
    """The QuickBooks kinds the link may name (older links did not keep theirs)."""
    if link.qb_type:
        return (link.qb_type,)
    from syncengine.app.types import ENTITY_TYPES

    entity = ENTITY_TYPES.get(link.entity_type)
    return tuple(entity.qb_types) if entity is not None else ()
