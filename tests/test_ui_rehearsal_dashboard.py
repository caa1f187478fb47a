"""The rehearsal dashboard, headless: choose a rehearsal, click Rehearse, and read what a
person sees — the progress bar at its end, the plots, the summary with each error's fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from syncengine.ui import RehearsalDashboard
from syncengine.ui.rehearsal_plots import figure, plotted

FAULTS = Path(__file__).parent.parent / "scenarios" / "faults"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def ran() -> tuple[RehearsalDashboard, list[int]]:
    """200 records under the busy-office plan, rehearsed by a click; the bar's values seen."""
    board = RehearsalDashboard(FAULTS, records=200, seed=1)
    board.faults.value = str(FAULTS / "busy-office.yaml")
    values: list[int] = []
    board.progress.observe(lambda change: values.append(change["new"]), names="value")
    board.rehearse_button.click()
    return board, values


def test_the_choices_offer_every_fault_plan_and_profile():
    """Faults: none, or each plan of the folder by name; the default latency profile."""
    board = RehearsalDashboard(FAULTS)
    labels = [label for label, _ in board.faults.options]
    assert labels == ["no faults", "busy-office", "every-fault", "migration-day"]
    assert board.profile.value == "default" and board.records.value == 200


def test_rehearse_moves_the_bar_to_its_end(ran):
    """The bar moves as message sets are answered and ends full, with the words beside it."""
    board, values = ran
    assert board.errors_shown == ""
    assert (board.progress.value, board.progress.max) == (200, 200)
    assert len(set(values)) > 2 and values[-1] == 200
    assert board.progress_label.value == "200/200 records, sync job 2, 2 min 57 s simulated"


def test_the_message_says_what_synced_and_how_long_on_real_quickbooks(ran):
    """The message area gives the outcome and the estimate on real QuickBooks."""
    board, _ = ran
    assert board.said == (
        "rehearsed 200 records: 194 synced, 6 failed, 0 waiting; about 2 min 57 s on real"
        " QuickBooks (profile default)"
    )


def test_the_summary_lists_each_error_code_with_its_fix(ran):
    """Every code that fired is listed with its count and the guide's (or engine's) fix."""
    board, _ = ran
    text = board.summary_text
    assert list(board.report.errors_by_code) == ["3100", "not sent", "transport"]
    assert "  3100: 2 time(s), 1 still failing. Name already in use (qbsync guide 3100):" in text
    assert "    1. Rename the record in the app and sync again." in text
    assert "  transport: 1 time(s), 0 still failing. Connection dropped mid-request" in text
    assert "    1. Make sure QuickBooks is running, then sync again" in text
    assert "  not sent: 10 time(s), 5 still failing. Held back by the engine" in text
    assert "which failed in this job. Fix PSR 11 first" in text
    assert "On real QuickBooks: about 2 min 57 s (177 simulated seconds" in text
    assert "Name already in use (qbsync guide 3100):" in board.summary.value


def test_the_plots_are_drawn(ran):
    """A PNG is shown; its figure has the three plots, the time plots over the timeline."""
    board, _ = ran
    assert bytes(board.plot.value).startswith(PNG)
    fig = figure(board.report)
    assert isinstance(fig.canvas, FigureCanvasAgg)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[1:] == ["Queue depth (PSRs waiting)", "Errors by status code"]
    assert titles[0].startswith("Records in QuickBooks")
    numbers = plotted(board.report)
    assert list(fig.axes[0].lines[0].get_ydata()) == list(numbers["synced"])
    assert list(fig.axes[1].lines[0].get_ydata()) == list(numbers["queue_depth"])
    assert [p.get_height() for p in fig.axes[2].patches] == [2, 10, 1]


def test_a_rehearsal_without_faults_has_no_errors_and_writes_nothing_to_stderr(capfd):
    """No faults: every record synced, "No errors.", and matplotlib said nothing on stderr."""
    board = RehearsalDashboard(FAULTS, records=40, seed=2)
    board.rehearse_button.click()
    assert board.report is not None and board.report.synced == 40
    assert "No errors." in board.summary_text
    assert bytes(board.plot.value).startswith(PNG)
    assert capfd.readouterr().err == ""


def test_a_fault_plan_that_cannot_be_read_is_refused_in_the_message_area(tmp_path):
    """A broken plan is said where the user clicked, with the reason; nothing is raised."""
    (tmp_path / "broken.yaml").write_text("faults: [{effect: no_such_effect}]\n")
    board = RehearsalDashboard(tmp_path, records=10)
    board.faults.value = str(tmp_path / "broken.yaml")
    board.rehearse_button.click()
    assert board.said.startswith("cannot rehearse: ")
    assert board.errors_shown == "" and board.report is None
