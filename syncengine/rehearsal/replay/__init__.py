"""``qbsync replay EVIDENCE --out scenarios/NAME.yaml``: support reproduces a customer's error
from what the customer sent (a workspace, a folder of qbXML files, a Web Connector log).

The conversation (:mod:`syncengine.evidence`) is replayed against qbsim from the company it
implies (:mod:`.play`), written as a playbook (:mod:`.playbook`), and that playbook is then
run by the scenario runner: whether it reproduces the customer's answers is what the run
found, not what the replay assumed. It stops at the customer's first error, or at a later
answer a :class:`~.play.Stop` names (``--code``, ``--exchange``). Where qbsim answered
otherwise, the playbook is marked ``known_failure`` naming the fidelity gap, both answers are
reported, and the exit is 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syncengine.evidence import read
from syncengine.rehearsal.playbooks.runner import Outcome, run, verdict
from syncengine.rehearsal.replay import playbook
from syncengine.rehearsal.replay.play import Gap, Replay, Stop, replay


@dataclass
class Reproduction:
    """A replay written and run: what was replayed, where it stopped, the gap if any, the
    playbook and its run."""

    evidence: str
    out: Path
    replay: Replay
    outcome: Outcome

    @property
    def reproduced(self) -> bool:
        """The playbook ran as the customer's QuickBooks answered (no gap, every
        expectation held)."""
        return self.replay.gap is None and self.outcome.passed

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the ``replay --json`` document."""
        last = self.replay.played[-1]
        gap = self.replay.gap
        return {
            "evidence": self.evidence,
            "exchanges": self.replay.total,
            "replayed": len(self.replay.played),
            "stopped_at": {"exchange": last.index, "source": last.source, "file": last.file},
            "stop": self.replay.stop.as_dict(),
            "error": None if self.replay.error is None else self.replay.error.index,
            "passed_errors": [p.index for p in self.replay.passed_errors],
            "reproduced": self.reproduced,
            "fidelity_gap": None if gap is None else _gap_dict(gap),
            "implied_company": self.replay.implied.records,
            "inferred_edits": self.replay.inferred,
            "notes": self.replay.notes,
            "playbook": str(self.out),
            "playbook_run": {
                "passed": self.outcome.passed,
                "as_expected": self.outcome.as_expected,
                "verdict": verdict(self.outcome),
                "failures": self.outcome.failures,
            },
        }


def _gap_dict(gap: Gap) -> dict[str, Any]:
    elements = gap.elements()
    return {
        "exchange": gap.index,
        "source": gap.source,
        "difference": gap.describe(),
        "request_element": elements["request"],
        "recorded_element": elements["recorded"],
        "qbsim_element": elements["qbsim"],
        "recorded_answer": gap.recorded,
        "qbsim_answer": gap.simulated,
    }


def reproduce(evidence: str | Path, out: Path, name: str, stop: Stop | None = None) -> Reproduction:
    """Replay the evidence up to ``stop`` (default: its first error), write its playbook to
    ``out`` (named ``name``) and run it. :class:`~syncengine.evidence.EvidenceError` for
    evidence that cannot be read or holds no such stop."""
    exchanges = read(evidence)
    label = str(evidence)
    result = replay(exchanges, playbook.base(name, label), stop)
    data = playbook.playbook_data(name, label, result)
    out.write_text(playbook.render(data, label), encoding="utf-8")
    return Reproduction(label, out, result, run(out))


def render(done: Reproduction, full: bool = False) -> str:
    """What the replay did, for people: what it replayed, where it stopped, the gap (the
    request element and both answers' response elements to it; ``full``: the whole answers
    too), the notes, and where the playbook is with its run's verdict."""
    result, last = done.replay, done.replay.played[-1]
    lines = [
        f"Replayed {len(result.played)} of {result.total} exchange(s) of {done.evidence}"
        f" against qbsim.",
        f"Stopped at exchange {last.index} ({last.source}): {_stop_reason(done)}.",
    ]
    if result.passed_errors:
        passed = ", ".join(str(p.index) for p in result.passed_errors)
        lines.append(f"Went on past the customer's earlier error(s) at exchange(s) {passed}.")
    if result.gap is not None:
        lines += _gap_lines(result.gap, full)
    lines += [f"  inferred: {edit}" for edit in result.inferred]
    lines += [f"  note: {note}" for note in result.notes]
    lines.append(f"Playbook: {done.out} ({verdict(done.outcome)})")
    lines.append(_conclusion(done))
    return "\n".join(lines)


def _stop_reason(done: Reproduction) -> str:
    result = done.replay
    if result.gap is not None:
        return "qbsim answered otherwise than the customer's QuickBooks"
    if result.error is not None:
        codes = ", ".join(f"{r.tag} {r.code}" for r in result.error.recorded or () if r.failed)
        return f"the customer's error: {codes}"
    if result.stop.exchange is not None:
        return f"exchange {result.stop.exchange}, as --exchange asked"
    if result.stop.code is not None:
        return f"the first answer with status code {result.stop.code}"
    return "the end of the conversation (no request was refused in it)"


def _gap_lines(gap: Gap, full: bool) -> list[str]:
    elements = gap.elements()
    if gap.difference is None:
        parts = [
            ("the request as sent", elements["request"]),
            ("qbsim refused it", elements["qbsim"]),
        ]
    else:
        parts = [
            ("the request as sent to qbsim", elements["request"]),
            ("the recorded answer to it", elements["recorded"]),
            ("qbsim's answer to it", elements["qbsim"]),
        ]
    if full:
        parts += [
            ("the whole recorded answer", gap.recorded),
            ("qbsim's whole answer", gap.simulated),
        ]
    lines = [f"Fidelity gap: {gap.describe()}"]
    for title, text in parts:
        lines += [f"  {title}:", *[f"    {line}" for line in text.strip().splitlines()]]
    if not full:
        lines.append("  (the whole answers: --full, or --json)")
    return lines


def _conclusion(done: Reproduction) -> str:
    if done.reproduced and done.replay.error is None:
        return "Reproduced: the playbook replays the conversation as it was recorded."
    if done.reproduced:
        return "Reproduced: the playbook fails as the customer's sync did."
    if done.replay.gap is not None:
        return (
            "Not reproduced: the playbook is marked known_failure with the fidelity gap;"
            " fix qbsim, then remove the mark."
        )
    return "Not reproduced: the written playbook did not run as the replay did (a bug: report it)."
