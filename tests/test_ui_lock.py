"""The notebook views hold the workspace as ``qbsync`` does: a click that writes, while another
process (a ``qbsync job run``, another notebook) holds the workspace file, is refused in the
view's message area naming the holder, and changes nothing; once the holder lets go the same
click works; clicks that only read need no lock. The holder is a real second process."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from qbsim.company import Company
from syncengine.lock import read_holder
from syncengine.transports.simulated import SimulatedTransport
from syncengine.ui import JobsView, QueueView, SettingsView, WizardView
from tests.sync_world import World, acme, labor
from tests.test_cli_lock import held_by_another


@pytest.fixture
def world(tmp_path: Path) -> World:
    """A workspace file with an approved invoice waiting in the queue."""
    world = World(tmp_path / "shop.db", company=Company())
    lines = [{"item": labor(world), "quantity": 1}]
    world.app.invoices.add(
        customer=acme(world), ref_number="1001", txn_date=date(2025, 1, 3), lines=lines,
        status="approved",
    )  # fmt: skip
    return world


def _jobs(world: World) -> JobsView:
    return JobsView(world.store, lambda: SimulatedTransport(world.company))


def test_run_while_another_process_holds_the_workspace_is_refused_naming_it(world):
    view = _jobs(world)
    with held_by_another(Path(world.path)) as holder:
        view.new.click()
        assert f"is in use by pid {holder.pid}" in view.said
        assert "job run --simulated" in view.said
        assert view.said.endswith("nothing was changed; click again when it has finished")
        assert world.store.jobs.current() is None
        assert view.errors_shown == ""
    view.new.click()
    assert view.said.startswith("sync job 1 created")
    view.run.click()
    assert view.said.startswith("sync job 1 finished")


def test_the_lock_is_held_while_the_click_runs_and_let_go_after(world):
    seen = []
    view = _jobs(world)
    view.holding_while(world.store, lambda: seen.append(read_holder(Path(world.path))), "Look")()
    assert seen[0] is not None and seen[0].command == "notebook: JobsView Look"
    assert read_holder(Path(world.path)) is None
    with held_by_another(Path(world.path)):
        pass  # taken at once: nothing was left holding it


def test_refresh_reads_while_another_process_holds(world):
    view = _jobs(world)
    with held_by_another(Path(world.path)):
        view.refresh_button.click()
    assert view.said == ""
    assert view.errors_shown == ""


def test_wizard_and_settings_clicks_are_refused_while_held(world):
    settings = SettingsView(world.store)
    wizard = WizardView(world.store)
    with held_by_another(Path(world.path)) as holder:
        wizard.enable.click()
        assert f"pid {holder.pid}" in wizard.said
        settings.apply.click()
        assert f"pid {holder.pid}" in settings.said
    assert not world.store.settings.get("wizard.enabled")


def test_queue_actions_are_refused_while_held(world):
    view = QueueView(world.store)
    view.table.rows.value = (view.table.rows.options[0][1],)
    psrs_before = world.store.psrs.frame().to_dict("records")
    with held_by_another(Path(world.path)) as holder:
        for button in view.buttons.values():
            if button.description != "Refresh":
                button.click()
                assert f"pid {holder.pid}" in view.said, button.description
    assert world.store.psrs.frame().to_dict("records") == psrs_before


def test_an_in_memory_workspace_needs_no_lock():
    world = World()
    view = _jobs(world)
    view.new.click()
    assert view.said.startswith("sync job 1 created")
