"""A customer's errors, from what they send support: their workspace file (the latest sync
job's errors, as ``qbsync report --errors`` shows them) or what ``qbsync report --errors
--json`` (or ``report --json``) printed. Each error comes with this guide's entry for its code.

    found = read_errors("shop.db")        # or "errors.json"
    found.codes()                         # [3100, 3200]: each code once, as first met
    render_errors(found.errors)           # the errors for people, each with the guide's fix
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from syncengine.errors import SyncError
from syncengine.reports import guide
from syncengine.reports.sync_report import ErrorLine, job_errors, latest_job_id
from syncengine.store import Store

SQLITE_HEADER = b"SQLite format 3\x00"
_ERROR_FIELDS = [f.name for f in fields(ErrorLine) if f.name != "guide"]


class CustomerFileError(SyncError):
    """A file that is neither a workspace nor a report's JSON; the message says what to send."""


@dataclass(frozen=True)
class CustomerErrors:
    """The errors of one sync job of the customer's, and the file they were read from."""

    source: Path
    job_id: int | None
    errors: tuple[ErrorLine, ...]

    def codes(self) -> list[int]:
        """Each status code or HRESULT of the errors once, in the order first met."""
        found = [code_of(e) for e in self.errors]
        return list(dict.fromkeys(code for code in found if code is not None))

    def describe(self) -> str:
        """``errors.json: sync job 3, 3 errors: status 3100 (1), not sent (1), ...``."""
        counts: dict[str, int] = {}
        for error in self.errors:
            code = code_of(error)
            name = "no status code" if code is None else code_name(code)
            counts[name] = counts.get(name, 0) + 1
        job = f"sync job {self.job_id}" if self.job_id is not None else "a sync job"
        each = ", ".join(f"{name} ({n})" for name, n in counts.items())
        return f"{self.source.name}: {job}, {_count(len(self.errors))}" + (
            f": {each}" if each else ""
        )


def code_of(error: ErrorLine) -> int | None:
    """The error's status code, else the HRESULT its message names (a transport error);
    None for an error neither leads to (a record the engine held back)."""
    if error.status_code is not None:
        return error.status_code
    if error.guide is not None and error.guide.kind == "hresult":
        return error.guide.code
    return None


def code_name(code: int) -> str:
    """``status 3100`` or ``HRESULT 0x80040408``."""
    kind = "HRESULT" if code >= guide.HRESULT_FLOOR else "status"
    return f"{kind} {guide.format_code(code)}"


def _count(n: int) -> str:
    return "1 error" if n == 1 else f"{n} errors"


def read_errors(path: str | Path) -> CustomerErrors:
    """The latest job's errors of a workspace file, or the errors a report's JSON holds;
    :class:`CustomerFileError` for a missing file or one that is neither."""
    path = Path(path)
    try:
        head = path.read_bytes()[: len(SQLITE_HEADER)]
    except OSError as exc:
        raise CustomerFileError(f"{path}: cannot read it ({exc.strerror}); {_SEND}") from None
    if head == SQLITE_HEADER:
        return _from_workspace(path)
    return _from_report(path, _json(path))


_SEND = (
    "ask the customer for their workspace file (shop.db) or the output of"
    " `qbsync --db shop.db report --errors --json`"
)


def _from_workspace(path: Path) -> CustomerErrors:
    with Store(path) as store:
        job_id = latest_job_id(store)
        return CustomerErrors(path, job_id, tuple(job_errors(store, job_id)))


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CustomerFileError(f"{path}: neither a workspace nor JSON; {_SEND}") from None


def _from_report(path: Path, data: Any) -> CustomerErrors:
    report = data.get("report", data) if isinstance(data, dict) else None
    if not isinstance(report, dict) or not isinstance(report.get("errors"), list):
        raise CustomerFileError(f"{path}: JSON without a report's 'errors' list; {_SEND}")
    job = report.get("job") or {}
    errors = tuple(_error_line(row) for row in report["errors"])
    return CustomerErrors(path, job.get("id"), errors)


def _error_line(row: dict[str, Any]) -> ErrorLine:
    """One error of a report's JSON, with this guide's entry for its code."""
    values: dict[str, Any] = {name: row.get(name) for name in _ERROR_FIELDS}
    for text in (
        "entity_type",
        "name",
        "severity",
        "message",
        "hint",
        "request_type",
        "created_at",
    ):
        values[text] = values[text] or ""
    entry = guide.for_error(values["status_code"], values["message"])
    return ErrorLine(**values, guide=entry)
