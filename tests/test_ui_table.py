"""The table widget and the view base, driven as a person would (values set, buttons clicked),
without a browser."""

from __future__ import annotations

import pandas as pd

from syncengine.errors import SyncError
from syncengine.ui import DataTable, View


def _frame(n: int = 45) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": range(1, n + 1),
            "kind": ["customer" if i % 3 else "vendor" for i in range(n)],
            "name": [f"Name {i:02d}" for i in range(n)],
            "code": [3100.0 if i % 5 == 0 else float("nan") for i in range(n)],
        }
    )


def _table() -> DataTable:
    columns = {"id": "ID", "kind": "Type", "name": "Name", "code": "Error code"}
    return DataTable(_frame(), columns, filters=["kind"], page_size=10)


def test_first_page_shows_page_size_rows_and_the_count():
    """A new table shows its first page and says how many rows there are."""
    table = _table()
    assert len(table.page_frame) == 10
    assert table.status.value == "page 1 of 5: 45 of 45 rows shown"
    assert "<th>Error code</th>" in table.table.value
    assert table.previous.disabled and not table.next.disabled


def test_text_filter_keeps_matching_rows():
    """Typing in Find keeps the rows with that text in any column, case ignored."""
    table = _table()
    table.text.value = "NAME 1"
    assert list(table.shown["name"]) == [f"Name {i}" for i in range(10, 20)]
    assert table.status.value == "page 1 of 1: 10 of 45 rows shown"


def test_column_filter_offers_the_columns_values():
    """A column's dropdown lists its values; choosing one keeps only those rows."""
    table = _table()
    assert table.filters["kind"].options == ("(all)", "customer", "vendor")
    table.filters["kind"].value = "vendor"
    assert set(table.shown["kind"]) == {"vendor"}
    assert len(table.shown) == 15


def test_sort_descending_and_whole_floats_shown_as_integers():
    """Sorting by a column puts the rows in its order; 3100.0 reads 3100, NaN reads nothing."""
    table = _table()
    table.sort.value = "code"
    table.descending.value = True
    assert table.page_frame.iloc[0]["code"] == 3100.0
    assert "<td>3100</td>" in table.table.value and "3100.0" not in table.table.value
    assert "<td>nan</td>" not in table.table.value


def test_paging_moves_and_stops_at_the_last_page():
    """Next goes forward, and is disabled on the last page."""
    table = _table()
    for _ in range(6):
        table.next.click()
    assert table.page == 4 and table.next.disabled
    assert list(table.page_frame["id"]) == [41, 42, 43, 44, 45]


def test_selection_is_of_the_shown_page():
    """Selecting rows gives their keys; a new filter clears the selection."""
    table = _table()
    table.select([2, 3, 99])
    assert table.selected == [2, 3]
    table.text.value = "Name"
    assert table.selected == []


def test_new_frame_keeps_the_filters():
    """After new data arrives the same filters apply."""
    table = _table()
    table.filters["kind"].value = "vendor"
    table.set_frame(_frame(9))
    assert list(table.shown["id"]) == [1, 4, 7]


def test_a_refusal_is_said_and_a_bug_is_shown_in_the_output():
    """A SyncError from a callback is said in the message area; another exception goes, with
    its traceback, into the Output area; neither is raised."""
    view = View()

    def refuse() -> None:
        raise SyncError("PSR 7 is locked in job 2; finish or cancel that job first")

    def crash() -> None:
        raise KeyError("no column")

    view.guarded(refuse)()
    assert view.said == "PSR 7 is locked in job 2; finish or cancel that job first"
    assert view.errors_shown == ""
    view.guarded(crash)()
    assert "Error in test_a_refusal" in view.errors_shown
    assert "KeyError: 'no column'" in view.errors_shown
    assert "Traceback" in view.errors_shown
    assert "KeyError" in view.said


def test_a_view_displays_as_its_root_widget():
    """A view is its own cell value: it hands out its root widget's display data."""
    table = _table()
    bundle = table._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == table.widget.model_id


def test_rows_read_apart_and_row_labels_are_not_cut():
    """In a page the cells are spaced apart (not run together as 'FinishedOutcome'), and the
    row list for selection is wide enough for labels such as "PSR 13: add customer '...'"."""
    table = _table()
    assert table.table.value.startswith("<style>.qbsync-table th, .qbsync-table td {padding:")
    assert table.rows.layout.width == "min(100%, 48em)"
