"""Every playbook in ``scenarios/`` runs and every expectation holds; a playbook marked
``known_failure`` must fail (strict xfail), so a fix in the engine shows up as a pass to
unmark."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncengine.rehearsal import playbooks

FOLDER = Path(__file__).resolve().parents[1] / "scenarios"
PLAYBOOKS = sorted(FOLDER.glob("*.yaml"))


def _param(path: Path) -> object:
    reason = playbooks.load(path).known_failure
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(path, id=path.stem, marks=marks)


def test_the_folder_holds_playbooks():
    """The collection below is not empty by accident."""
    assert len(PLAYBOOKS) >= 10


@pytest.mark.parametrize("path", [_param(p) for p in PLAYBOOKS])
def test_playbook(path: Path):
    """The playbook's every expectation holds (failures named with step, expected, actual)."""
    outcome = playbooks.run(path)
    assert outcome.passed, playbooks.render(outcome)
