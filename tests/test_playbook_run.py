"""``PlaybookRun``: a playbook run one step at a time (what the scenario player and ``qbsync
scenario run`` share): each step's result, finished, a refusal past the end, run to end, and
its temporary folder kept until closed."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from syncengine.errors import SyncError
from syncengine.rehearsal import playbooks
from syncengine.rehearsal.playbooks import PlaybookError, PlaybookRun

UNDO = Path(__file__).resolve().parents[1] / "scenarios" / "undo-then-prevent-sync.yaml"


@pytest.fixture
def stepping() -> PlaybookRun:
    with PlaybookRun(UNDO) as playbook_run:
        yield playbook_run


def test_next_step_runs_one_step_and_gives_its_result(stepping):
    """The first step: its number, title, the command line it ran, output, expectations."""
    assert stepping.done == 0 and stepping.upcoming is stepping.playbook.steps[0]
    result = stepping.next_step()
    assert (result.index, result.title) == (1, "Sync the customer, the item and the invoice")
    assert result.did == "qbsync job run --simulated"
    assert result.shown.exit == 0 and "Sync job 1: finished" in result.shown.stdout
    assert [c.what for c in result.checks][:2] == ["exit status", "queue inv.state"]
    assert not result.failures
    assert stepping.done == 1 and not stepping.finished


def test_a_step_names_the_record_as_it_stands_before_it(stepping):
    """``{inv}`` and ``{psr:inv}`` are the invoice's ID and its newest PSR's when run."""
    titles = [stepping.next_step().did for _ in range(5)]
    assert titles[1] == "qbsync record undo-sync 3"
    assert titles[4] == "qbsync queue delete 4"


def test_next_step_after_the_last_is_refused(stepping):
    """Once finished, next_step says every step has run and how to run it again."""
    outcome = stepping.run_to_end()
    assert stepping.finished and stepping.upcoming is None and outcome.passed
    with pytest.raises(SyncError, match="all 6 steps of 'undo-then-prevent-sync' have run"):
        stepping.next_step()


def test_stepping_gives_what_run_gives(stepping):
    """Steps taken one by one, then the rest, give the outcome ``run`` gives."""
    stepping.next_step()
    stepped = stepping.run_to_end().as_dict()
    whole = playbooks.run(UNDO).as_dict()
    assert [s["expectations"] for s in stepped["steps"]] == [
        s["expectations"] for s in whole["steps"]
    ]
    assert (stepped["passed"], stepped["failures"]) == (whole["passed"], whole["failures"])


def test_the_workspace_stays_until_closed():
    """The run's folder holds the workspace after the last step and is gone after close()."""
    playbook_run = PlaybookRun(UNDO)
    playbook_run.run_to_end()
    folder = playbook_run.world.db.parent
    assert playbook_run.world.db.is_file()
    playbook_run.close()
    assert not folder.exists()


def test_a_starting_point_refused_is_a_playbook_error_and_leaves_no_folder(tmp_path, monkeypatch):
    """A starting record the app refuses: PlaybookError naming it; its folder is removed."""
    made: list[str] = []
    real = tempfile.TemporaryDirectory

    def recording(*args, **kwargs):
        folder = real(*args, **kwargs)
        made.append(folder.name)
        return folder

    monkeypatch.setattr(tempfile, "TemporaryDirectory", recording)
    path = tmp_path / "bad-start.yaml"
    path.write_text(
        "name: bad-start\ntitle: t\ncovers: {behaviour: b, source: s}\n"
        "app:\n  records:\n    - {key: inv, type: invoice, ref_number: '1', customer: 99}\n"
        "steps:\n  - title: Sync\n    run: job run --simulated\n",
        encoding="utf-8",
    )
    with pytest.raises(PlaybookError, match=r"the starting point: app\.records 'inv'"):
        PlaybookRun(path)
    assert made and not Path(made[0]).exists()
