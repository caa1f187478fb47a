"""The sync queue view over a real workspace and a simulated company, driven as a person
would: filters set, rows selected, buttons clicked; what the view then shows is asserted."""

from __future__ import annotations

from html import escape

import pytest

from syncengine.ui import QueueView
from tests.sync_world import World


@pytest.fixture
def world() -> World:
    """A synced workspace whose vendor 'Birch' failed with 3100 (a customer has the name),
    then two new customers queued: PSR 2 failed, PSRs 4 and 5 queued."""
    world = World()
    world.app.customers.add(name="Birch")
    world.app.vendors.add(name="Birch")
    world.app.customers.add(name="Acme")
    world.sync()
    world.app.customers.add(name="Cedar")
    world.app.customers.add(name="Dune")
    return world


def _ids(view: QueueView) -> list[int]:
    return [int(i) for i in view.table.shown["id"]]


def test_queue_shows_its_psrs_with_error_code_and_message(world):
    """The failed add and the queued ones are rows; the failure shows 3100 and its message."""
    view = QueueView(world.store)
    assert _ids(view) == [2, 4, 5]
    html = view.table.table.value
    assert "<td>vendor</td><td>Birch</td><td>add</td><td>failed</td><td>3100</td>" in html
    message = world.store.psrs.get(2).error_message
    assert message and "already in use" in message
    assert f"<td>{escape(message)}</td>" in html
    assert "<td>customer</td><td>Cedar</td><td>add</td><td>queued</td><td></td><td></td>" in html
    assert "NA" not in html and "nan" not in html


def test_state_and_type_filters(world):
    """Choosing state 'failed' leaves the failed PSR; type 'customer' the customers."""
    view = QueueView(world.store)
    assert view.table.filters["state"].options == ("(all)", "failed", "queued")
    view.table.filters["state"].value = "failed"
    assert _ids(view) == [2]
    view.table.filters["state"].value = "(all)"
    view.table.filters["entity_type"].value = "customer"
    assert _ids(view) == [4, 5]


def test_text_filter_finds_a_name(world):
    """Typing a name keeps that record's PSR."""
    view = QueueView(world.store)
    view.table.text.value = "dune"
    assert _ids(view) == [5]


def test_delete_from_queue_says_what_it_did_and_the_row_goes(world):
    """Deleting a queued PSR removes it from the table and says the change stays out."""
    view = QueueView(world.store)
    view.click("Delete from queue", [5])
    assert view.said.startswith("customer 'Dune' (id 5): PSR 5 (add) deleted from the queue")
    assert _ids(view) == [2, 4]
    assert view.errors_shown == ""


def test_proxy_deletes_the_queued_psr(world):
    """Proxying a queued record takes its PSR out of the queue and says so."""
    view = QueueView(world.store)
    view.click("Proxy", [4])
    assert view.said.startswith("customer 'Cedar' (id 4): proxied")
    assert _ids(view) == [2, 5]


def test_clear_id_refusal_is_shown_next_to_the_buttons(world):
    """Clear ID on a record QuickBooks never had is refused; the reason is said in the view."""
    view = QueueView(world.store)
    view.click("Clear ID", [2])
    assert "vendor 'Birch' (id 2) has no QuickBooks ID to clear" in view.said
    assert "qbsync-refused" in view.message.value
    assert _ids(view) == [2, 4, 5]


def test_locked_psr_cannot_be_deleted_and_the_view_says_why(world):
    """With a job holding the PSRs, Delete from queue is refused naming the job."""
    view = QueueView(world.store)
    world.start()
    view.refresh()
    assert set(view.table.shown["state"]) == {"locked"}
    view.click("Delete from queue", [4])
    assert view.said == (
        "PSR 4 (add customer 'Cedar') is locked in sync job 2; finish or cancel that job,"
        " then delete the PSR"
    )
    assert 4 in _ids(view)


def test_a_click_with_nothing_selected_says_to_select(world):
    """An action with no row selected asks for a selection and changes nothing."""
    view = QueueView(world.store)
    view.buttons["Resync"].click()
    assert view.said == "Resync: select one or more PSRs in the list first"
    assert _ids(view) == [2, 4, 5]


def test_refresh_shows_a_new_psr_keeping_the_filter(world):
    """A record added after the view was built appears after Refresh, filters kept."""
    view = QueueView(world.store)
    view.table.filters["entity_type"].value = "customer"
    world.app.customers.add(name="Elm")
    view.buttons["Refresh"].click()
    assert _ids(view) == [4, 5, 6]


def test_an_exception_in_a_callback_is_shown_in_the_output_not_raised(world, monkeypatch):
    """A bug behind a button ends up in the view's Output with its traceback."""
    view = QueueView(world.store)

    def broken(**_kwargs: object) -> None:
        raise RuntimeError("queue unreadable")

    monkeypatch.setattr(view.queue, "frame", broken)
    view.buttons["Refresh"].click()
    assert "RuntimeError: queue unreadable" in view.errors_shown
    assert "Traceback (most recent call last)" in view.errors_shown
    assert "RuntimeError" in view.said


def test_an_exception_in_a_table_filter_is_shown_in_the_views_output(world, monkeypatch):
    """A bug behind the table's own controls is shown in the queue view's Output too."""
    view = QueueView(world.store)

    def broken(_page: int) -> None:
        raise ZeroDivisionError("page size")

    monkeypatch.setattr(view.table, "go", broken)
    view.table.text.value = "Dune"
    assert "ZeroDivisionError: page size" in view.errors_shown
