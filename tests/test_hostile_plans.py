"""Hostile fault plans and playbooks: refused before anything runs, naming the file and the
field; YAML read safely with aliases bounded (a "billion laughs" plan of under 500 bytes once
took gigabytes)."""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
import textwrap

import pytest

from qbsim.errors import FaultPlanError
from qbsim.faults import load_plan
from syncengine.rehearsal.playbooks.load import PlaybookError
from syncengine.rehearsal.playbooks.load import load as load_playbook

NAMES = "abcdefghi"
# Nine levels of nine aliases: 9**9 (387 million) strings once expanded, in under 500 bytes.
LAUGHS = "\n".join(
    ['  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"  {n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]" for p, n in itertools.pairwise(NAMES)]
)
PLAN_LAUGHS = f"description:\n{LAUGHS}\ntitle: *i\nfaults: []\n"
PLAYBOOK_LAUGHS = f"name: laughs\ncovers:\n{LAUGHS}\ntitle: *i\nsteps: *i\n"
MEMORY_CAP = 1 << 31  # 2 GiB of address space for the child: enough to import, not to expand


def _load_capped(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a child with its address space capped and a timeout."""
    setup = f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CAP}, {MEMORY_CAP}))"
    return subprocess.run(
        [sys.executable, "-c", f"{setup}\n{textwrap.dedent(code)}"],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_billion_laughs_plan_is_refused_quickly(tmp_path):
    """A plan of nested aliases is refused as it is read: no MemoryError, no minutes of work."""
    path = tmp_path / "laughs.yaml"
    path.write_text(PLAN_LAUGHS)
    assert len(PLAN_LAUGHS.encode()) < 500
    done = _load_capped(
        f"""
        from qbsim.errors import FaultPlanError
        from qbsim.faults import load_plan
        try:
            load_plan({str(path)!r})
        except FaultPlanError as exc:
            print(exc)
        """
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert "aliases expand this document past 100,000 nodes" in done.stdout
    assert str(path) in done.stdout


def test_billion_laughs_playbook_is_refused_quickly(tmp_path):
    """A playbook of nested aliases is a PlaybookError naming the file."""
    path = tmp_path / "laughs.yaml"
    path.write_text(PLAYBOOK_LAUGHS)
    done = _load_capped(
        f"""
        from syncengine.rehearsal.playbooks.load import PlaybookError, load
        try:
            load({str(path)!r})
        except PlaybookError as exc:
            print(exc)
        """
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert f"{path}: not YAML" in done.stdout and "billion laughs" in done.stdout


def test_self_referring_alias_is_refused():
    """An alias inside its own anchor's value is refused, not turned into a loop."""
    with pytest.raises(FaultPlanError, match="refers to a value that contains it"):
        load_plan("title: &t [*t]\nfaults: []\n")


def test_a_few_aliases_still_work():
    """Ordinary anchors and aliases (a shared trigger) keep working."""
    plan = load_plan(
        "faults:\n"
        "  - {effect: slow, duration: 5, when: &w {at: 10}}\n"
        "  - {effect: modal_dialog, duration: 5, when: *w}\n"
    )
    assert [f.when.at for f in plan.faults] == [10, 10]


@pytest.mark.parametrize("loader", ["plan", "playbook"])
def test_binary_file_is_refused_naming_it(tmp_path, loader):
    """A binary file is refused with its name and what is wrong, not UnicodeDecodeError."""
    path = tmp_path / "photo.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    error = FaultPlanError if loader == "plan" else PlaybookError
    with pytest.raises(error, match=f"{path}: not a text file"):
        load_plan(path) if loader == "plan" else load_playbook(path)


@pytest.mark.parametrize(
    ("fault", "field"),
    [
        ("{effect: slow, duration: 5, when: {at: -3}}", "when.at is -3"),
        ("{effect: slow, duration: 5, when: {at: .nan}}", "when.at is nan"),
        ("{effect: slow, duration: 5, when: {at: .inf}}", "when.at is inf"),
        ("{effect: slow, duration: .nan, when: {at: 3}}", "duration is nan"),
        ("{effect: slow, duration: 5, factor: .nan, when: {at: 3}}", "factor is nan"),
        ("{effect: lose_response, when: {probability: .nan, at: 1}}", "probability nan"),
        ("{effect: slow, duration: 5, label: [x], when: {at: 3}}", "label is ['x']"),
        ("{effect: lose_response, description: 7, when: {at: 3}}", "description is 7"),
        ("{effect: 5, when: {at: 3}}", "unknown effect 5"),
        ("{effect: lose_response, when: {name: [a]}}", "when.name is ['a']"),
        ("{effect: duplicate_name, target: {kind: 5, name: x}, when: {at: 1}}", "target.kind"),
        (
            "{effect: duplicate_name, target: {kind: Customer, name: [x]}, when: {at: 1}}",
            "target.name",
        ),
        ("{effect: lose_response, 3: x, when: {at: 3}}", "unknown key 3"),
        ("{effect: lose_response, when: {at: 3, 1.5: x}}", "unknown key 1.5"),
    ],
)
def test_bad_fault_is_refused_naming_the_field(fault, field):
    """Negative or non-finite times, wrong types and odd keys: a FaultPlanError naming them."""
    with pytest.raises(FaultPlanError) as caught:
        load_plan(f"faults:\n  - {fault}\n")
    assert field in str(caught.value)
    assert "faults[0]" in str(caught.value)


@pytest.mark.parametrize(
    ("plan", "field"),
    [("title: [x]\nfaults: []\n", "title is ['x']"), ("seed: .nan\nfaults: []\n", "seed")],
)
def test_bad_plan_keys_are_refused(plan, field):
    """The plan's own keys are typed too."""
    with pytest.raises(FaultPlanError, match=field.replace("[", "\\[").replace("]", "\\]")):
        load_plan(plan)


def test_nan_is_not_a_number_of_seconds():
    """math.nan given in a dict plan is refused like YAML's .nan."""
    with pytest.raises(FaultPlanError, match=r"when\.at is nan"):
        load_plan({"faults": [{"effect": "slow", "duration": 1, "when": {"at": math.nan}}]})


@pytest.mark.parametrize("settings", ["", "[a, b]", "7"], ids=["null", "list", "number"])
def test_playbook_settings_that_are_not_a_mapping_are_refused(tmp_path, settings):
    """``settings:`` left empty or given a list is a PlaybookError naming the key (the fuzzer
    found an AttributeError here)."""
    path = tmp_path / "odd.yaml"
    path.write_text(
        "name: odd\ntitle: t\ncovers: {behaviour: b, source: s}\n"
        f"settings: {settings}\nsteps:\n  - {{title: s, run: queue list}}\n"
    )
    with pytest.raises(PlaybookError, match=f"{path}:4: settings: "):
        load_playbook(path)
