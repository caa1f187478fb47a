"""``qbsync wizard``: turn it on, list what waits with the badge, check and uncheck, approve
the checked keeping or clearing the unchecked, and the log; refused while it is off."""

from __future__ import annotations

import pytest

from tests.cli_workspace import app_of, make_workspace, qbsync, record_id


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


def test_a_new_change_is_offered_without_refresh(shop, capsys):
    """A record added after the wizard was enabled is offered at once: the badge counts it,
    and ``refresh`` finds nothing left to offer."""
    with app_of(shop) as app:
        app.customers.add(name="Cedar")
    assert _wizard(capsys, shop, "status", "--json").json["badge"]["export"] == 5
    assert _wizard(capsys, shop, "refresh", "--json").json == {"offered": 0}


def test_the_badge_follows_the_queue(shop, capsys):
    """Deleting a PSR from the queue takes its candidate out of the badge, no refresh."""
    assert qbsync(capsys, "--db", shop, "queue", "delete", "4").code == 0
    assert _wizard(capsys, shop, "status", "--json").json["badge"] == {"export": 3, "import": 0}
    assert "vendor 'Birch'" not in _states(capsys, shop)


def test_a_status_change_waits_for_approval_at_once(shop, capsys):
    """``record set-status INVOICE approved`` queues the invoice: offered, in the badge."""
    invoice = record_id(shop, "invoice", "1001")
    assert qbsync(capsys, "--db", shop, "record", "set-status", invoice, "approved").code == 0
    assert _wizard(capsys, shop, "status", "--json").json["badge"] == {"export": 5, "import": 0}
    assert _states(capsys, shop)["invoice '1001'"] == "waiting"


def test_disabling_with_unchecked_changes_asks_what_to_do(shop, capsys):
    """``disable`` with an unchecked change refuses, naming ``--keep`` and ``--clear``."""
    _wizard(capsys, shop, "uncheck", "4")
    ran = _wizard(capsys, shop, "disable")
    assert ran.code == 2 and "1 export, 0 import unchecked change(s) wait" in ran.err
    assert "qbsync wizard disable --keep" in ran.err and "--clear" in ran.err
    assert _wizard(capsys, shop, "status", "--json").json["enabled"] is True


def test_disabling_and_clearing_keeps_the_unchecked_out(shop, capsys):
    """``disable --clear``: the unchecked vendor's PSR leaves the queue; the rest approved."""
    _wizard(capsys, shop, "uncheck", "4")
    ran = _wizard(capsys, shop, "disable", "--clear")
    assert ran.code == 0 and "approved: 3 export" in ran.out
    assert "1 unchecked cleared (PSR 4 deleted from the queue)" in ran.out
    with app_of(shop) as app:
        assert app.store.psrs.get(4).state == "removed"


def test_disabling_and_keeping_lets_the_unchecked_go(shop, capsys):
    """``disable --keep --json``: the unchecked change goes with the next sync, and says so."""
    _wizard(capsys, shop, "uncheck", "4")
    data = _wizard(capsys, shop, "disable", "--keep", "--json").json
    assert (data["enabled"], data["approved"], data["kept"]) == (
        False,
        {"export": 4, "import": 0},
        1,
    )


def test_disabling_with_everything_checked_needs_no_choice(shop, capsys):
    """``disable`` with nothing unchecked: the four waiting changes are approved."""
    ran = _wizard(capsys, shop, "disable")
    assert ran.code == 0 and "approved: 4 export" in ran.out


@pytest.fixture
def logged(shop, capsys):
    """Job 1 sent three changes and failed one (the vendor, 3100), approved again: pending."""
    _wizard(capsys, shop, "approve")
    qbsync(capsys, "--db", shop, "job", "run", "--simulated")
    _wizard(capsys, shop, "approve")
    return shop


def _logged(capsys, shop, *argv):
    return [(r["record"], r["outcome"]) for r in _wizard(capsys, shop, "log", *argv, "--json").json]


def test_the_log_by_outcome(logged, capsys):
    """``log --outcome failed``: only the vendor QuickBooks refused; ``pending``: its retry."""
    assert _logged(capsys, logged, "--outcome", "failed") == [("vendor 'Birch'", "failed")]
    assert _logged(capsys, logged, "--outcome", "pending") == [("vendor 'Birch'", "pending")]


def test_the_log_limited_to_the_latest(logged, capsys):
    """``log --limit 2``: the latest two entries of the whole log, oldest first."""
    whole = _logged(capsys, logged)
    assert len(whole) == 5 and _logged(capsys, logged, "--limit", "2") == whole[-2:]


def test_the_log_since_a_time(logged, capsys):
    """``log --since``: nothing from a time to come, everything since long ago."""
    assert _logged(capsys, logged, "--since", "2999-01-01") == []
    assert len(_logged(capsys, logged, "--since", "2000-01-01 09:30")) == 5


def test_a_since_that_is_no_time_is_refused(logged, capsys):
    """``log --since yesterday``: exit 2 saying what form to give."""
    ran = _wizard(capsys, logged, "log", "--since", "yesterday")
    assert ran.code == 2 and "give 2026-01-05" in ran.err


def test_an_action_names_its_own_psr_with_the_wizard_on(shop, capsys):
    """With the wizard on (candidates follow the queue), undo sync names the PSR it queued."""
    invoice = record_id(shop, "invoice", "1001")
    qbsync(capsys, "--db", shop, "record", "set-status", invoice, "approved")
    _wizard(capsys, shop, "approve")
    qbsync(capsys, "--db", shop, "job", "run", "--simulated")
    note = qbsync(capsys, "--db", shop, "record", "undo-sync", invoice, "--json").json["note"]
    rows = qbsync(capsys, "--db", shop, "queue", "list", "--type", "invoice", "--json").json
    assert [row["action"] for row in rows] == ["delete"] and f"PSR {rows[0]['id']} " in note
