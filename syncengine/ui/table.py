"""A table over a pandas DataFrame in plain ipywidgets: a text filter, a dropdown filter per
chosen column, sort, paging and row selection.

The page is an HTML table; rows are selected in a ``SelectMultiple`` listing the page's rows
(selection is of the shown page and is cleared when the rows shown change). Filtering works on
strings built once per frame (:meth:`DataTable.set_frame`), so a re-filter of 10,000 rows is a
few vectorised pandas operations (``benchmarks/bench_ui.py`` measures it).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import ipywidgets as w
import pandas as pd

from syncengine.ui.common import View

ALL = "(all)"
"""A column filter's choice that lets every row through."""
_SEP = "\x1f"
_STYLE = (
    "<style>.qbsync-table th, .qbsync-table td {padding: 2px 12px 2px 0; text-align: left;"
    " vertical-align: top}</style>"
)
"""Cells spaced apart and aligned left (JupyterLab gives a widget's table no padding)."""


def cell_text(value: Any) -> str:
    """A value as a table shows it: nothing for a missing one (None, NaN, NA, NaT), whole
    floats without ``.0``."""
    if value is None or (
        not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)
    ):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _strings(column: pd.Series) -> pd.Series:
    return column.map(cell_text).astype(str)


class DataTable(View):
    """A filtered, sorted, paged view of ``frame``'s ``columns`` (name -> heading), whose rows
    are told apart by the ``key`` column (the first sort, if shown; else the tie-breaker);
    ``filters`` are columns with a dropdown each. Errors in its callbacks are said and shown by
    ``host`` (the view it is part of; default: the table itself)."""

    def __init__(
        self,
        frame: pd.DataFrame,
        columns: Mapping[str, str],
        *,
        key: str = "id",
        filters: Sequence[str] = (),
        page_size: int = 20,
        row_label: Callable[[Mapping[str, Any]], str] | None = None,
        host: View | None = None,
    ) -> None:
        super().__init__()
        self.host = host or self
        self.columns = dict(columns)
        self.key = key
        self.page_size = page_size
        self.row_label = row_label or (lambda row: f"{key} {cell_text(row[key])}")
        self.page = 0
        self.shown = frame.iloc[0:0]
        self._quiet = False
        self._build_controls(filters)
        self.set_frame(frame)

    def _build_controls(self, filters: Sequence[str]) -> None:
        self.text = w.Text(placeholder="filter: text in any column", description="Find")
        self.filters = {
            c: w.Dropdown(options=[ALL], value=ALL, description=self.columns.get(c, c))
            for c in filters
        }
        first = self.key if self.key in self.columns else next(iter(self.columns))
        self.sort = w.Dropdown(options=[(h, c) for c, h in self.columns.items()], value=first)
        self.sort.description = "Sort by"
        self.descending = w.Checkbox(value=False, description="descending", indent=False)
        self.previous = w.Button(description="◀ Previous")
        self.next = w.Button(description="Next ▶")
        self.status = w.Label()
        self.table = w.HTML()
        self.rows = w.SelectMultiple(
            options=[],
            rows=min(self.page_size, 10),
            description="Select",
            layout=w.Layout(width="min(100%, 48em)"),
        )
        for control in (self.text, self.sort, self.descending, *self.filters.values()):
            self.host.on_change(control, self._refilter)
        self.host.on_click(self.previous, lambda: self.go(self.page - 1))
        self.host.on_click(self.next, lambda: self.go(self.page + 1))
        self.widget = w.VBox(
            [
                w.HBox([self.text, *self.filters.values()]),
                w.HBox([self.sort, self.descending]),
                self.table,
                w.HBox([self.previous, self.next, self.status]),
                self.rows,
                *([self.output] if self.host is self else []),
            ]
        )

    def set_frame(self, frame: pd.DataFrame) -> None:
        """Show new data (after an action, say), keeping the filters, sort and page."""
        self.frame = frame.reset_index(drop=True)
        strings = {c: _strings(self.frame[c]) for c in self.columns}
        self._strings = strings
        haystack = pd.Series([""] * len(self.frame), dtype=object)
        for column in self.columns:
            haystack = haystack + _SEP + strings[column]
        self._haystack = haystack.str.lower()
        self._quiet = True
        try:
            for column, dropdown in self.filters.items():
                _set_choices(dropdown, strings[column])
        finally:
            self._quiet = False
        self._apply(keep_page=True)

    def _refilter(self) -> None:
        if not self._quiet:
            self._apply(keep_page=False)

    def _apply(self, keep_page: bool) -> None:
        mask = pd.Series(True, index=self.frame.index)
        needle = self.text.value.strip().lower()
        if needle:
            mask &= self._haystack.str.contains(needle, regex=False)
        for column, dropdown in self.filters.items():
            if dropdown.value != ALL:
                mask &= self._strings[column] == dropdown.value
        chosen = self.frame.loc[mask]
        by = [self.sort.value] if self.sort.value == self.key else [self.sort.value, self.key]
        self.shown = chosen.sort_values(
            by, ascending=not self.descending.value, kind="stable", na_position="last"
        )
        self.go(self.page if keep_page else 0)

    @property
    def pages(self) -> int:
        """How many pages the shown rows fill (at least one)."""
        return max(1, math.ceil(len(self.shown) / self.page_size))

    def go(self, page: int) -> None:
        """Show page ``page`` (from 0; clamped to the pages there are)."""
        self.page = min(max(page, 0), self.pages - 1)
        start = self.page * self.page_size
        rows = self.shown.iloc[start : start + self.page_size]
        self.table.value = self._html(rows)
        self.rows.value = ()
        self.rows.options = [(self.row_label(r), r[self.key]) for r in _records(rows)]
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= self.pages - 1
        self.status.value = (
            f"page {self.page + 1} of {self.pages}: {len(self.shown):,} of"
            f" {len(self.frame):,} rows shown"
        )

    @property
    def page_frame(self) -> pd.DataFrame:
        """The rows of the page shown, in their order."""
        start = self.page * self.page_size
        return self.shown.iloc[start : start + self.page_size]

    @property
    def selected(self) -> list[Any]:
        """The ``key`` values of the selected rows, in the page's order."""
        return list(self.rows.value)

    def select(self, keys: Sequence[Any]) -> None:
        """Select the page's rows whose ``key`` is among ``keys`` (as a click would)."""
        wanted = set(keys)
        self.rows.value = tuple(v for _, v in self.rows.options if v in wanted)

    def _html(self, rows: pd.DataFrame) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.columns.values())
        body = []
        for row in _records(rows):
            tds = "".join(f"<td>{html.escape(cell_text(row[c]))}</td>" for c in self.columns)
            body.append(f"<tr>{tds}</tr>")
        empty = f'<tr><td colspan="{len(self.columns)}">no rows</td></tr>'
        return (
            f'{_STYLE}<table class="qbsync-table"><thead><tr>'
            f"{head}</tr></thead><tbody>{''.join(body) or empty}</tbody></table>"
        )


def _records(rows: pd.DataFrame) -> list[dict[str, Any]]:
    # The frames here have string column names; pandas types record keys as Hashable.
    return cast("list[dict[str, Any]]", rows.to_dict("records"))


def _set_choices(dropdown: w.Dropdown, values: pd.Series) -> None:
    choices = [ALL, *sorted(v for v in values.unique() if v)]
    keep = dropdown.value if dropdown.value in choices else ALL
    dropdown.options = choices
    dropdown.value = keep
