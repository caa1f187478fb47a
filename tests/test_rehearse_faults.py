"""A rehearsal's outcome lists every planned fault with how often it fired, and says why one
never took effect; each example plan fires every fault on the rehearsal its header names
(issue 13, section 1)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from qbsim.errors import FaultPlanError
from qbsim.faults import load_plan
from syncengine.cli import main

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "scenarios" / "faults"
EVERY_REASON = """
title: faults that cannot all fire
faults:
  - label: keyed by hand first
    effect: duplicate_name
    when: {request_type: CustomerAddRq, on_request: 1}
  - label: after the end
    effect: modal_dialog
    when: {at: 99999}
    duration: 10
  - label: no edits in a migration
    effect: record_in_use
    when: {request_type: CustomerModRq}
  - label: a name nobody has
    effect: lose_response
    when: {request_type: CustomerAddRq, name: Nobody Such}
  - label: too far down the line
    effect: lose_response
    when: {request_type: CustomerAddRq, on_request: 999}
  - label: never lucky
    effect: lose_response
    when: {request_type: "*AddRq", probability: 0.0, times: unlimited}
  - label: gone already
    effect: delete_entity
    when: {at: 1}
    target: {kind: Customer, name: Nobody Such}
"""


def _rehearse(capsys, *argv: str) -> tuple[int, str]:
    code = main(["rehearse", *argv])
    return code, capsys.readouterr().out


@pytest.fixture
def plan(tmp_path) -> Path:
    path = tmp_path / "reasons.yaml"
    path.write_text(EVERY_REASON)
    return path


def test_json_lists_every_planned_fault_with_why_it_never_fired(plan, capsys):
    """``--json``: ``faults_planned`` holds each fault in plan order, fired or why not."""
    code, out = _rehearse(capsys, "--generate", "40", "--faults", str(plan), "--json")
    planned = {f["label"]: f for f in json.loads(out)["faults_planned"]}
    assert code == 0 and len(planned) == 7
    assert (planned["keyed by hand first"]["fired"], planned["keyed by hand first"]["why_not"]) == (
        1,
        None,
    )
    why = {label: fault["why_not"] for label, fault in planned.items()}
    assert "before its time (99999 s)" in why["after the end"]
    assert why["no edits in a migration"] == "no CustomerModRq request was sent"
    assert "no request named 'Nobody Such'" in why["a name nobody has"]
    assert "request number 999 was never reached" in why["too far down the line"]
    assert "its probability 0 gave no hit" in why["never lucky"]
    assert "had nothing to act on" in why["gone already"]
    assert "is not in QuickBooks" in why["gone already"]


def test_text_says_which_faults_never_took_effect(plan, capsys):
    """The text report counts what took effect and names each fault that did not."""
    _code, out = _rehearse(capsys, "--generate", "40", "--faults", str(plan))
    assert "Faults planned: 7, 1 took effect:" in out
    assert "keyed by hand first (duplicate_name): fired 1 time(s)" in out
    assert "no edits in a migration (record_in_use): never took effect: no CustomerModRq" in out


def header_rehearsal(plan: Path) -> list[str]:
    """The ``qbsync rehearse ...`` line a plan's header comment names, as ``rehearse``'s
    arguments, with this plan as ``--faults``."""
    header = []
    for line in plan.read_text().splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    found = re.search(r"qbsync rehearse ([^`\n]+)", "\n".join(header))
    assert found, f"{plan.name}: its header names no `qbsync rehearse ...` to fire every fault on"
    argv = shlex.split(found.group(1))
    if "--faults" in argv:
        given = argv.index("--faults") + 1
        assert (ROOT / argv[given]).resolve() == plan.resolve(), f"{plan.name}: another plan"
        del argv[given - 1 : given + 1]
    return [*argv, "--faults", str(plan)]


@pytest.mark.parametrize("plan", sorted(PLANS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_plan_fires_every_fault_on_the_rehearsal_its_header_names(plan, capsys):
    """Each plan in scenarios/faults/, on the rehearsal its header names: every planned fault
    takes effect (none is reported as never having taken effect)."""
    code, out = _rehearse(capsys, *header_rehearsal(plan), "--json")
    never = {f["label"]: f["why_not"] for f in json.loads(out)["faults_planned"] if f["why_not"]}
    assert code == 0 and never == {}


def test_a_target_of_only_a_kind_needs_a_request_to_find_it_in():
    """``target: {kind: Customer}`` with only ``at`` is refused: no request names one."""
    plan = {
        "faults": [{"effect": "delete_entity", "when": {"at": 5}, "target": {"kind": "Customer"}}]
    }
    with pytest.raises(FaultPlanError, match="a target of only a kind needs a request"):
        load_plan(plan)
