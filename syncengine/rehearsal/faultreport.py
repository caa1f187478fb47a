"""Planned faults as a user reads them after a simulated run: every fault of the plan, in plan
order, with how often it fired and, for one that never took effect, why.

qbsim's ``FaultInjector.outcomes()`` is the one source of the counts and reasons;
:func:`planned_faults` turns them into the ``--json`` objects and :func:`faults_lines` into
the text, for ``qbsync rehearse``, ``job run --simulated --faults`` and ``autosync run
--simulated --faults`` alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qbsim import QuickBooksHost


def planned_faults(host: QuickBooksHost) -> list[dict[str, Any]]:
    """Each fault of the host's plan: ``label``, ``effect``, ``fired``, ``no_effect`` (firings
    that found nothing to act on) and ``why_not`` (None when it took effect)."""
    return [
        {
            "label": outcome.fault.name,
            "effect": outcome.fault.effect,
            "fired": outcome.fired,
            "no_effect": outcome.no_effect,
            "why_not": outcome.why_not,
        }
        for outcome in host.faults.outcomes()
    ]


def faults_lines(planned: list[dict[str, Any]]) -> list[str]:
    """A count of the faults that took effect, then one line per planned fault ([] when the
    plan is empty)."""
    if not planned:
        return []
    took = sum(1 for fault in planned if fault["why_not"] is None)
    lines = [f"Faults planned: {len(planned)}, {took} took effect:"]
    for fault in planned:
        lines.append(f"  {fault['label']} ({fault['effect']}): {_outcome(fault)}")
    return lines


def faults_text(planned: list[dict[str, Any]]) -> str:
    """:func:`faults_lines` as one text ("" when the plan is empty)."""
    return "\n".join(faults_lines(planned))


def _outcome(fault: dict[str, Any]) -> str:
    if fault["why_not"] is not None:
        return f"never took effect: {fault['why_not']}"
    quiet = f" ({fault['no_effect']} with nothing to act on)" if fault["no_effect"] else ""
    return f"fired {fault['fired']} time(s){quiet}"
