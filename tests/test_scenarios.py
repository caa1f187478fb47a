"""Every playbook in ``scenarios/`` runs and every expectation holds; a playbook marked
``known_failure`` must fail (strict xfail), so a fix in the engine shows up as a pass to
unmark."""

from __future__ import annotations

import re
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


def _readme_blocks() -> list[str]:
    text = (FOLDER / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)


def test_the_readme_example_runs_as_written(tmp_path: Path):
    """The README's full example, saved under its name, passes unchanged."""
    example = _readme_blocks()[0]
    path = tmp_path / "customer-renamed-in-quickbooks.yaml"
    path.write_text(example, encoding="utf-8")
    outcome = playbooks.run(path)
    assert outcome.passed, playbooks.render(outcome)


def test_the_readme_starting_company_and_app_are_valid(tmp_path: Path):
    """The README's fragments for `quickbooks:` and `app:` build a starting point that syncs."""
    company, app = _readme_blocks()[1:3]
    head = "name: fragments\ntitle: t\ncovers: {behaviour: b, source: s}\n"
    steps = "steps:\n  - title: Sync\n    run: job run --simulated --strict\n"
    path = tmp_path / "fragments.yaml"
    path.write_text(head + company + app + steps, encoding="utf-8")
    outcome = playbooks.run(path)
    assert outcome.passed, playbooks.render(outcome)
