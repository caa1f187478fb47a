"""A rehearsal's outcome lists every planned fault with how often it fired, and says why one
never took effect; the example plans fire what they promise on the README's 2,000 records
(issue 13, section 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qbsim.errors import FaultPlanError
from qbsim.faults import load_plan
from syncengine.cli import main

PLANS = Path(__file__).parent.parent / "scenarios" / "faults"
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


@pytest.mark.parametrize("name", ["busy-office", "migration-day"])
def test_example_plans_fire_every_fault_on_the_readmes_2000_records(name, capsys):
    """``rehearse --generate 2000 --seed 1 --faults PLAN``: every planned fault takes effect."""
    plan = str(PLANS / f"{name}.yaml")
    _code, out = _rehearse(capsys, "--generate", "2000", "--seed", "1", "--faults", plan, "--json")
    never = {f["label"]: f["why_not"] for f in json.loads(out)["faults_planned"] if f["why_not"]}
    assert never == {}


def test_a_target_of_only_a_kind_needs_a_request_to_find_it_in():
    """``target: {kind: Customer}`` with only ``at`` is refused: no request names one."""
    plan = {
        "faults": [{"effect": "delete_entity", "when": {"at": 5}, "target": {"kind": "Customer"}}]
    }
    with pytest.raises(FaultPlanError, match="a target of only a kind needs a request"):
        load_plan(plan)
