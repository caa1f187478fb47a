"""``qbsync demo``: the headless main job until the notebooks exist."""

from __future__ import annotations

from syncengine.cli import main


def test_demo_narrates_the_refusals_quickbooks_gives(capsys):
    """The demo shows a 3100 duplicate name, a 3200 stale edit and a paged query."""
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert 'refused 3100: The name "ACME SUPPLY" of the list element is already in use.' in out
    assert "refused 3200" in out
    assert "CustomerQuery with an iterator, 2 a page: 6 customers" in out
