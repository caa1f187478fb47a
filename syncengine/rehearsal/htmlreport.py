"""A rehearsal's report as one self-contained HTML file (``qbsync rehearse --html FILE``).

The page holds where the app came from, what pre-flight found (with ``--preflight``), the
summary (the same numbers as ``--json``), the plots as one inline PNG
(``data:`` URI; no external asset), each error code with the guide's fix, the planned faults and
how often each fired, and the estimate on real QuickBooks. Every text taken from data (record
names in error messages, fault labels) is HTML-escaped. :func:`write_html` writes the file
whole or not at all.
"""

from __future__ import annotations

import base64
import html
import os
import uuid
from pathlib import Path

from syncengine.errors import SyncError
from syncengine.rehearsal.faultreport import faults_lines
from syncengine.rehearsal.rehearse import RehearsalReport
from syncengine.reports import guide

SUMMARY = ("records", "synced", "failed", "waiting", "duplicates", "lost", "jobs", "requests")
"""The summary's rows, in order; :func:`summary` gives their values."""

_STYLE = (
    "body{font-family:sans-serif;margin:2em;max-width:70em}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}"
    "td.n{text-align:right}img{max-width:100%}"
)


class HtmlReportError(SyncError):
    """The HTML report cannot be written where asked; the message names the path."""


def summary(report: RehearsalReport) -> dict[str, int]:
    """The summary's numbers, keyed as :data:`SUMMARY` (duplicates and lost: in QuickBooks)."""
    return {
        "records": report.records,
        "synced": report.synced,
        "failed": report.failed,
        "waiting": report.waiting,
        "duplicates": report.duplicates_in_quickbooks,
        "lost": report.lost_in_quickbooks,
        "jobs": report.jobs,
        "requests": int(report.transport["requests"]),
    }


def fix_for(code: str, example: str) -> tuple[str, tuple[str, ...]]:
    """The title and steps that fix errors under ``code`` (a status code, ``transport`` or
    ``not sent``): the guide's entry, or for a record the engine held back its own message."""
    entry = guide.for_error(int(code), example) if code.isdigit() else None
    entry = entry or guide.for_error(None, example)
    if entry is not None:
        return f"{entry.title} (qbsync guide {entry.key}):", entry.steps
    return "Held back by the engine, not sent to QuickBooks:", (example,)


def check_path(path: Path) -> None:
    """:class:`HtmlReportError` unless ``path`` names a file in an existing folder."""
    if not path.parent.is_dir():
        raise HtmlReportError(
            f"cannot write the HTML report {path}: its folder {path.parent} does not exist;"
            " create the folder or give another path"
        )
    if path.is_dir():
        raise HtmlReportError(
            f"cannot write the HTML report {path}: it is a folder; give a file name such as"
            f" {path / 'rehearsal.html'}"
        )


def write_html(report: RehearsalReport, path: Path) -> None:
    """Write :func:`render` of ``report`` to ``path``: through a temporary file in the same
    folder renamed into place, so a reader never sees half a report."""
    check_path(path)
    text = render(report)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    # os.open with 0o666, not mkstemp's 0o600: the report gets the umask's usual permissions
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def render(report: RehearsalReport) -> str:
    """The whole page."""
    title = _esc(f"Rehearsal of {report.records:,} records{report.app_from} (seed {report.seed})")
    body = [
        f"<h1>{title}</h1>",
        f"<p>{_esc(_setup(report))}</p>",
        *([f'<p id="app-note">{_br(report.app_note)}</p>'] if report.app_note else []),
        *_preflight(report),
        *_summary(report),
        *_plots(report),
        *_errors(report),
        *_faults(report),
        *_duration(report),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8" />'
        f"<title>{title}</title><style>{_STYLE}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _br(text: str) -> str:
    """Lines of text, escaped, one under the other."""
    return "<br>".join(_esc(line) for line in text.splitlines())


def _setup(report: RehearsalReport) -> str:
    return (
        f"Profile {report.profile}, {report.faults or 'no faults'},"
        f" {report.batch_size} requests per message set."
    )


_PREFLIGHT = ("record", "field", "value", "problem", "fix")


def _preflight(report: RehearsalReport) -> list[str]:
    """Pre-flight's findings as a table, one row each (nothing without ``--preflight``)."""
    if report.preflight is None:
        return []
    if not report.preflight:
        return ["<h2>Pre-flight</h2>", "<p>Nothing QuickBooks would refuse.</p>"]
    head = "<tr>" + "".join(f"<th>{name}</th>" for name in _PREFLIGHT) + "</tr>"
    rows = [
        f'<tr data-check="{_esc(f["check"])}">'
        + "".join(f"<td>{_esc(f[name])}</td>" for name in _PREFLIGHT)
        + "</tr>"
        for f in report.preflight
    ]
    count = f"<p>{len(report.preflight)} finding(s) before the first sync.</p>"
    return ["<h2>Pre-flight</h2>", count, '<table id="preflight">', head, *rows, "</table>"]


def _summary(report: RehearsalReport) -> list[str]:
    rows = [
        f'<tr><th>{name}</th><td class="n" data-field="{name}" data-value="{value}">'
        f"{value:,}</td></tr>"
        for name, value in summary(report).items()
    ]
    waiting = [
        f'<li data-reason="{_esc(reason)}">'
        + _esc(", ".join(f"{n:,} {kind}" for kind, n in by_type.items()) + f": {reason}")
        + "</li>"
        for reason, by_type in report.waiting_why.items()
    ]
    why = (
        ["<p>Why records wait:</p>", f'<ul id="waiting">{"".join(waiting)}</ul>'] if waiting else []
    )
    return ["<h2>Summary</h2>", '<table id="summary">', *rows, "</table>", *why]


def _plots(report: RehearsalReport) -> list[str]:
    # Imported here: matplotlib takes a while to load and only the HTML report needs it.
    from syncengine.rehearsal import plots

    data = base64.b64encode(plots.png(plots.figure(report))).decode("ascii")
    alt = "Records in QuickBooks and queue depth over simulated time; errors by status code"
    return ["<h2>Plots</h2>", f'<img id="plots" alt="{alt}" src="data:image/png;base64,{data}" />']


def _errors(report: RehearsalReport) -> list[str]:
    if not report.errors_by_code:
        return ["<h2>Errors by status code</h2>", "<p>No errors.</p>"]
    head = "<tr><th>code</th><th>times</th><th>still failing</th><th>example</th><th>fix</th></tr>"
    rows = [_error_row(report, code, count) for code, count in report.errors_by_code.items()]
    return ["<h2>Errors by status code</h2>", '<table id="errors">', head, *rows, "</table>"]


def _error_row(report: RehearsalReport, code: str, count: int) -> str:
    example = report.error_examples.get(code, "")
    title, steps = fix_for(code, example)
    items = "".join(f"<li>{_esc(step)}</li>" for step in steps)
    still = report.failed_by_code.get(code, 0)
    return (
        f'<tr data-code="{_esc(code)}"><td>{_esc(code)}</td><td class="n">{count:,}</td>'
        f'<td class="n">{still:,}</td><td>{_esc(example)}</td>'
        f"<td>{_esc(title)}<ol>{items}</ol></td></tr>"
    )


def _faults(report: RehearsalReport) -> list[str]:
    lines = faults_lines(report.faults_planned)
    if not lines:
        return ["<h2>Faults</h2>", "<p>No fault plan.</p>"]
    items = "".join(f"<li>{_esc(line.strip())}</li>" for line in lines[1:])
    return ["<h2>Faults</h2>", f"<p>{_esc(lines[0])}</p>", f'<ul id="faults">{items}</ul>']


def _duration(report: RehearsalReport) -> list[str]:
    text = (
        f"About {report.estimated_duration} on real QuickBooks"
        f" ({report.simulated_seconds:,.0f} simulated seconds by the latency profile"
        f" {report.profile})."
    )
    return ["<h2>Estimated duration</h2>", f'<p id="duration">{_esc(text)}</p>']
