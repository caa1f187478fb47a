"""The conflict rule, as one pure function over a record's three versions.

``app`` is the record as the app holds it, ``qb`` as QuickBooks holds it now (read back into
app fields), ``baseline`` as both last agreed (None when unknown). A field the app changed
since the baseline is *held*: the app's value wins and is (or stays) queued for QuickBooks.
Every other synced field QuickBooks changed since the baseline takes QuickBooks' value (with no
baseline: every field the two sides disagree on). A field changed on both sides to different
values is a *conflict*, reported so a person can see what was overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from syncengine import mapping


@dataclass(frozen=True)
class Merge:
    """What to do with a record seen in QuickBooks: app ``updates`` (None clears a field),
    the new ``baseline``, the fields QuickBooks ``changed``, the ``held`` ones (the app's
    change wins) and the ``conflicts`` (changed on both sides to different values)."""

    updates: dict[str, Any]
    baseline: dict[str, Any]
    changed: frozenset[str]
    held: frozenset[str]
    conflicts: tuple[str, ...]
    app: dict[str, Any]
    qb: dict[str, Any]


def app_changed(app: dict[str, Any], baseline: dict[str, Any] | None) -> frozenset[str]:
    """Synced fields the app holds with a value QuickBooks did not have at the baseline."""
    if baseline is None:
        return frozenset(app)
    return frozenset(f for f, v in app.items() if not mapping.covers(v, baseline.get(f)))


def qb_changed(
    app: dict[str, Any], qb: dict[str, Any], baseline: dict[str, Any] | None
) -> frozenset[str]:
    """Synced fields QuickBooks changed since the baseline (unknown baseline: every field on
    which QuickBooks and the app disagree)."""
    if baseline is None:
        return frozenset(f for f, v in qb.items() if app.get(f) != v)
    return frozenset(f for f in qb.keys() | baseline.keys() if qb.get(f) != baseline.get(f))


def merge(
    entity_type: str,
    app_data: dict[str, Any],
    baseline: dict[str, Any] | None,
    qb_raw: dict[str, Any],
    hold: bool,
) -> Merge:
    """Apply the conflict rule; ``hold``: the app has a change for QuickBooks on this record
    (a queued PSR, or the Mod QuickBooks just refused as stale)."""
    app = mapping.comparable(entity_type, app_data)
    qb = mapping.comparable(entity_type, qb_raw)
    baseline = None if baseline is None else mapping.comparable(entity_type, baseline)
    held = app_changed(app, baseline) if hold else frozenset()
    changed = qb_changed(app, qb, baseline)
    updates = {
        f: qb_raw.get(f)
        for f in sorted(changed - held)
        if app.get(f) != qb.get(f) and (f in app or f in qb)
    }
    conflicts = tuple(sorted(f for f in held & changed if qb.get(f) != app[f]))
    new_baseline = {f: v for f, v in qb.items() if f not in held}
    if baseline is not None:
        new_baseline.update({f: baseline[f] for f in sorted(held) if f in baseline})
    return Merge(updates, new_baseline, changed, held, conflicts, app, qb)


def describe(label: str, result: Merge, sent: bool) -> str:
    """The sync-log line of a record changed on both sides."""
    parts = [
        f"{f} is {result.qb.get(f)!r} in QuickBooks and {result.app[f]!r} in the app"
        for f in result.conflicts
    ]
    verdict = "the app's values were sent" if sent else "the app's values are kept and queued"
    taken = sorted(result.updates)
    tail = f"; QuickBooks' {', '.join(taken)} taken into the app" if taken else ""
    if not parts:
        app, qb = ", ".join(sorted(result.held)), ", ".join(sorted(result.changed))
        return f"{label}: the app changed {app}, QuickBooks {qb}; both kept{tail}"
    return f"{label}: changed in QuickBooks and in the app: {'; '.join(parts)}; {verdict}{tail}"
