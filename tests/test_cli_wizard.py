"""``qbsync wizard``: turn it on, list what waits with the badge, check and uncheck, approve
the checked keeping or clearing the unchecked, and the log; refused while it is off."""

from __future__ import annotations

import pytest

from tests.cli_workspace import app_of, make_workspace, qbsync


@pytest.fixture
def shop(tmp_path, capsys):
    """The shop with the wizard on: its four queued PSRs wait for approval."""
    path = make_workspace(tmp_path)
    assert qbsync(capsys, "--db", path, "wizard", "enable").code == 0
    return path


def _wizard(capsys, shop, *argv):
    return qbsync(capsys, "--db", shop, "wizard", *argv)


def _states(capsys, shop) -> dict[str, str]:
    rows = _wizard(capsys, shop, "list", "--json").json["candidates"]
    return {row["record"]: row["state"] for row in rows}


def test_enabling_offers_the_queue(shop, capsys):
    """``status``: on, with the four queued changes waiting for export."""
    data = _wizard(capsys, shop, "status", "--json").json
    assert data == {"enabled": True, "badge": {"export": 4, "import": 0}}


def test_the_candidates_are_listed_checked(shop, capsys):
    """``list``: every candidate waits, checked, and the badge is below the table."""
    ran = _wizard(capsys, shop, "list")
    assert ran.out.splitlines()[0].split() == [
        "id",
        "direction",
        "record",
        "action",
        "checked",
        "state",
    ]
    acme = ["2", "export", "customer", "'Acme'", "add", "True", "waiting"]
    assert ran.out.splitlines()[2].split() == acme
    assert ran.out.rstrip().endswith("waiting: 4 export, 0 import")


def test_approving_keeps_the_unchecked_by_default(shop, capsys):
    """Uncheck one, approve: three approved, the unchecked one kept."""
    _wizard(capsys, shop, "uncheck", "4")
    data = _wizard(capsys, shop, "approve", "--json").json
    assert (data["approved"], data["kept"], data["cleared"]) == ({"export": 3, "import": 0}, 1, 0)
    assert _states(capsys, shop)["vendor 'Birch'"] == "kept"


def test_clearing_the_unchecked_deletes_their_psrs(shop, capsys):
    """``approve --unchecked clear``: the unchecked change's PSR leaves the queue."""
    _wizard(capsys, shop, "uncheck", "4")
    ran = _wizard(capsys, shop, "approve", "--unchecked", "clear")
    assert "1 unchecked cleared (PSR 4 deleted from the queue)" in ran.out
    with app_of(shop) as app:
        assert app.store.psrs.get(4).state == "removed"


def test_approved_changes_go_with_the_next_sync(shop, capsys):
    """After approval the job sends the approved changes and the log says they succeeded."""
    _wizard(capsys, shop, "uncheck", "4")
    _wizard(capsys, shop, "approve")
    qbsync(capsys, "--db", shop, "job", "run", "--simulated")
    rows = _wizard(capsys, shop, "log", "--json").json
    assert [(r["record"], r["outcome"]) for r in rows if r["outcome"] == "successful"] == [
        ("item 'Labor'", "successful"),
        ("customer 'Acme'", "successful"),
        ("customer 'Birch'", "successful"),
    ]


def test_checking_a_candidate_that_does_not_exist_is_refused(shop, capsys):
    """``check 99``: exit 2 naming the candidate."""
    ran = _wizard(capsys, shop, "check", "99")
    assert ran.code == 2 and ran.err.startswith("qbsync wizard check: no wizard candidate 99")


def test_the_wizard_refuses_approval_while_off(shop, capsys):
    """After ``disable`` approving is refused: exit 2 saying it is off."""
    _wizard(capsys, shop, "disable")
    ran = _wizard(capsys, shop, "approve")
    assert ran.code == 2 and "the sync wizard is off" in ran.err


def test_refresh_offers_a_new_change(shop, capsys):
    """A record added after the wizard was enabled is offered by ``refresh``."""
    with app_of(shop) as app:
        app.customers.add(name="Cedar")
    data = _wizard(capsys, shop, "refresh", "--json").json
    assert data == {"offered": 1}
