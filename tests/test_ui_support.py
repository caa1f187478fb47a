"""Support's view over what a customer sent: errors with the guide's fix, the playbooks that
reproduce the chosen error's code, and a playbook run's verdict; driven headless by setting
values and clicking, asserted on what the view shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syncengine.ui import SupportView
from tests.sync_world import World

FOLDER = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A workspace file whose latest job failed customer 'Birch' with 3100 and held back its
    invoice (no status code)."""
    world = World(tmp_path / "shop.db")
    world.app.vendors.add(name="Birch")
    world.sync()
    labor = world.app.items.add(name="Labor", kind="service", price="85")
    birch = world.app.customers.add(name="Birch")
    lines = [{"item": labor.id, "quantity": 1}]
    world.app.invoices.add(customer=birch.id, ref_number="1001", status="approved", lines=lines)
    world.sync()
    world.store.close()
    return tmp_path / "shop.db"


def _json(folder: Path, *errors: dict) -> Path:
    path = folder / "errors.json"
    path.write_text(json.dumps({"job": {"id": 4}, "errors": list(errors)}), encoding="utf-8")
    return path


def test_opening_a_workspace_lists_its_errors_with_the_guides_fix(shop):
    """The summary counts the errors by code; the first is chosen, with the guide's steps."""
    view = SupportView(shop, FOLDER)
    assert view.summary.text == (
        "shop.db: sync job 2, 2 errors: status 3100 (1), no status code (1)"
    )
    assert [label for label, _ in view.errors.options] == [
        "#1 status 3100: customer 'Birch' (record 3)",
        "#2 no status code: invoice '1001' (record 4)",
    ]
    assert "Guide 3100, Name already in use" in view.fix.text
    assert "1. Rename the record in the app and sync again." in view.fix.text


def test_the_playbooks_reproducing_the_errors_code_are_offered(shop):
    """3100: the duplicate-name playbooks, each with where it shows the code."""
    view = SupportView(shop, FOLDER)
    names = [name for _, name in view.playbooks.options]
    assert "duplicate-name-rename-in-app" in names
    view.playbooks.value = "duplicate-name-rename-in-app"
    assert view.covers.text.endswith(
        "duplicate-name-rename-in-app.yaml: step 1 expects birch's PSR to fail with it;"
        " step 1 expects 1 error of it in the job"
    )
    assert not view.run_button.disabled


def test_run_playbook_shows_the_verdict_and_where_the_run_met_the_code(shop):
    """The playbook passes and its first step failed with 3100, as the customer's did."""
    view = SupportView(shop, FOLDER)
    view.playbooks.value = "duplicate-name-rename-in-app"
    view.run_button.click()
    assert view.said == "ran duplicate-name-rename-in-app: as expected"
    lines = view.verdict.text.splitlines()
    assert lines[0].endswith("duplicate-name-rename-in-app: passed (4 steps, 26 expectations)")
    assert lines[1:4] == [
        "step 1 (Sync; the add fails with 3100):",
        "  queue birch.error_code: 3100",
        "  jobs errors: {3100: 1}",
    ]
    assert view.errors_shown == ""


def test_an_error_without_a_code_offers_no_playbook_and_says_why(shop):
    """The held-back invoice: no playbook, Run disabled, the reason in its place."""
    view = SupportView(shop, FOLDER)
    view.errors.value = 1
    assert view.playbooks.options == () and view.run_button.disabled
    assert view.covers.text.startswith("No status code: QuickBooks never saw this record")
    assert "waits for PSR" in view.fix.text


def test_a_code_no_playbook_reproduces_says_what_to_do(tmp_path):
    """3210 from a report's JSON: the guide's fix, and no playbook for it yet."""
    error = {"id": 7, "status_code": 3210, "message": "Value refused", "entity_type": "customer"}
    view = SupportView(_json(tmp_path, error), FOLDER)
    assert view.summary.text == "errors.json: sync job 4, 1 error: status 3210 (1)"
    assert view.covers.text == (
        f"No playbook in {FOLDER} reproduces 3210. `qbsync guide 3210` says what it means;"
        " `qbsync scenario new NAME` writes a playbook for it."
    )


def test_a_file_that_is_not_a_customers_is_refused_in_the_view(tmp_path):
    """Open on a text file: the refusal is said where the user clicked, nothing raised."""
    (tmp_path / "notes.txt").write_text("it broke", encoding="utf-8")
    view = SupportView(folder=FOLDER)
    view.path.value = str(tmp_path / "notes.txt")
    view.open_button.click()
    assert "notes.txt: neither a workspace nor JSON" in view.said
    assert view.errors_shown == "" and view.errors.options == ()


def test_run_without_a_playbook_is_refused(tmp_path):
    """A click from code with nothing chosen says what to choose."""
    view = SupportView(folder=FOLDER)
    view.run_button.click()
    assert view.said == "choose an error, then one of the playbooks that reproduce it"
