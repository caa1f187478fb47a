"""The words the store's Literal types allow are the words its tables' CHECK constraints allow."""

from __future__ import annotations

import re
from typing import get_args

import pytest

from syncengine.store import Store
from syncengine.store.jobs import JobOutcome
from syncengine.store.log import OUTCOMES
from syncengine.store.psrs import ACTIONS, STATES


def _checked_words(table: str, column: str) -> tuple[str, ...]:
    """The words ``CHECK (column IN (...))`` allows in a table of a freshly migrated store."""
    with Store() as store:
        row = store.conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,))
        sql = row.fetchone()[0]
    found = re.search(rf"CHECK \({column} IN \(([^)]*)\)\)", sql)
    assert found is not None, f"no CHECK on {table}.{column}"
    return tuple(re.findall(r"'([^']*)'", found.group(1)))


@pytest.mark.parametrize(
    ("table", "column", "words"),
    [
        ("psrs", "state", STATES),
        ("psrs", "action", ACTIONS),
        ("jobs", "outcome", get_args(JobOutcome)),
        ("sync_log", "outcome", OUTCOMES),
    ],
)
def test_literal_words_match_the_schema_check(
    table: str, column: str, words: tuple[str, ...]
) -> None:
    """Each Literal type names exactly the words its column accepts, in the same order."""
    assert _checked_words(table, column) == words
