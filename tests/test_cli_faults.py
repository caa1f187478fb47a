"""``--faults PLAN`` through the command line: ``job run --simulated``, ``autosync run
--simulated`` and ``rehearse`` list every planned fault the same way, each with how often it
fired or the precise reason it never took effect (issue 13, section 1)."""

from __future__ import annotations

import pytest

from tests.cli_workspace import make_workspace, qbsync

PLAN = """\
title: a request of each fault's type goes out
faults:
  - label: acme taken
    effect: duplicate_name
    when: {request_type: CustomerAddRq, name: Acme}
  - label: never lucky
    effect: lose_response
    when: {request_type: "*AddRq", probability: 0.0, times: unlimited}
  - label: a name nobody has
    effect: duplicate_name
    when: {request_type: CustomerAddRq, name: Nobody Such}
"""
NEVER_LUCKY = "  never lucky (lose_response): never took effect: its probability 0 gave no hit in"
NOBODY = (
    "  a name nobody has (duplicate_name): never took effect: no request named 'Nobody Such'"
    " among 1 CustomerAddRq request(s)"
)


@pytest.fixture
def shop(tmp_path):
    return make_workspace(tmp_path)


@pytest.fixture
def plan(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN)
    return path


def test_job_run_says_why_each_fault_never_took_effect(shop, plan, capsys):
    """Matching requests went out: the chance gave no hit in N draws; no request named the
    record: how many of its type were sent (not "no request matched, or its chance...")."""
    ran = qbsync(capsys, "--db", shop, "job", "run", "--simulated", "--faults", plan)
    assert ran.code == 0, ran.err
    assert "Faults planned: 3, 1 took effect:" in ran.out
    assert "  acme taken (duplicate_name): fired 1 time(s)" in ran.out
    assert NEVER_LUCKY in ran.out
    assert NOBODY in ran.out


def test_job_run_json_gives_the_rehearsals_fault_objects(shop, plan, capsys):
    """``--json``: ``faults_planned``, as ``rehearse --json`` gives it."""
    ran = qbsync(capsys, "--db", shop, "job", "run", "--simulated", "--faults", plan, "--json")
    planned = {f["label"]: f for f in ran.json["faults_planned"]}
    assert planned["acme taken"] == {
        "label": "acme taken",
        "effect": "duplicate_name",
        "fired": 1,
        "no_effect": 0,
        "why_not": None,
    }
    assert planned["never lucky"]["why_not"].startswith("its probability 0 gave no hit in")
    assert "no request named 'Nobody Such' among 1" in planned["a name nobody has"]["why_not"]


def test_autosync_run_says_why_each_fault_never_took_effect(shop, plan, capsys):
    """``autosync run --simulated --faults``: the same lines."""
    qbsync(capsys, "--db", shop, "autosync", "set", "--every", "600", "--begin", "2025-01-01")
    ran = qbsync(
        capsys, "--db", shop, "autosync", "run", "--simulated", "--for", "100", "--faults", plan
    )
    assert ran.code == 0, ran.err
    assert "Faults planned: 3, 1 took effect:" in ran.out
    assert NEVER_LUCKY in ran.out and NOBODY in ran.out


def test_rehearse_says_why_each_fault_never_took_effect(plan, capsys):
    """``rehearse --faults``: the same reasons, counted over the rehearsal's requests."""
    ran = qbsync(capsys, "rehearse", "--generate", "40", "--faults", plan)
    assert ran.code == 0, ran.err
    assert NEVER_LUCKY in ran.out
    assert "  a name nobody has (duplicate_name): never took effect: no request named" in ran.out
