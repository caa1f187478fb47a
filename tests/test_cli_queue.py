"""``qbsync queue``: list and filter the queue, delete a PSR, proxy a record; a workspace is
required and never created by mistake."""

from __future__ import annotations

import pytest

from tests.cli_workspace import app_of, make_workspace, qbsync, record_id


@pytest.fixture
def shop(tmp_path):
    return make_workspace(tmp_path)


@pytest.fixture
def synced(shop, capsys):
    """The shop after one sync: the vendor Birch failed with 3100, the rest is done."""
    assert qbsync(capsys, "--db", shop, "job", "run", "--simulated").code == 0
    return shop


def test_the_queue_is_listed_as_a_table(shop, capsys):
    """``queue list`` shows each queued PSR and the queue's counts."""
    ran = qbsync(capsys, "--db", shop, "queue", "list")
    assert ran.code == 0
    assert ran.out.splitlines()[0].split()[:4] == ["id", "entity_id", "entity_type", "name"]
    assert "4 shown; queue: 4 queued" in ran.out


def test_json_lists_the_psrs(shop, capsys):
    """``--json``: one object per PSR with its record's name, action and state."""
    rows = qbsync(capsys, "--db", shop, "queue", "list", "--json").json
    assert [(r["name"], r["action"], r["state"]) for r in rows][:2] == [
        ("Labor", "add", "queued"),
        ("Acme", "add", "queued"),
    ]


def test_the_queue_is_filtered_by_entity_type(shop, capsys):
    """``--type customer`` keeps only customers."""
    rows = qbsync(capsys, "--db", shop, "queue", "list", "--type", "customer", "--json").json
    assert {r["entity_type"] for r in rows} == {"customer"} and len(rows) == 2


def test_failed_psrs_are_found_by_state_and_code(synced, capsys):
    """After a sync, ``--state failed --code 3100`` finds the vendor QuickBooks refused."""
    argv = ("queue", "list", "--state", "failed", "--code", "3100", "--json")
    rows = qbsync(capsys, "--db", synced, *argv).json
    assert [(r["entity_type"], r["name"]) for r in rows] == [("vendor", "Birch")]


def test_the_queue_is_searched_by_text(synced, capsys):
    """``--text "already in use"`` matches the error message."""
    rows = qbsync(capsys, "--db", synced, "queue", "list", "--text", "already in use", "--json")
    assert [r["name"] for r in rows.json] == ["Birch"]


def test_all_shows_closed_psrs_sorted(synced, capsys):
    """``--all --sort name`` includes done PSRs, by name."""
    rows = qbsync(capsys, "--db", synced, "queue", "list", "--all", "--sort", "name", "--json")
    names = [r["name"] for r in rows.json]
    assert names == sorted(names, key=str.lower) and len(names) == 4


def test_an_unknown_sort_column_is_refused(shop, capsys):
    """A column the queue cannot sort by: exit 2."""
    ran = qbsync(capsys, "--db", shop, "queue", "list", "--sort", "colour")
    assert ran.code == 2 and "invalid choice: 'colour'" in ran.err


def test_a_psr_is_deleted_from_the_queue(shop, capsys):
    """``queue delete PSR``: the PSR is removed; the output names the record."""
    ran = qbsync(capsys, "--db", shop, "queue", "delete", "4")
    assert ran.code == 0 and ran.out.startswith("vendor 'Birch' (id 4): PSR 4 (add) deleted")
    with app_of(shop) as app:
        assert app.store.psrs.get(4).state == "removed"


def test_deleting_a_done_psr_is_refused(synced, capsys):
    """A PSR QuickBooks already took cannot be deleted: exit 2, the reason on stderr."""
    ran = qbsync(capsys, "--db", synced, "queue", "delete", "1")
    assert (ran.code, ran.out) == (2, "")
    assert ran.err.startswith("qbsync queue delete: PSR 1 (add item 'Labor') is already done")


def test_a_deleted_psr_cannot_be_restored(shop, capsys):
    """``queue restore`` is always refused, saying what to do instead."""
    qbsync(capsys, "--db", shop, "queue", "delete", "4")
    ran = qbsync(capsys, "--db", shop, "queue", "restore", "4")
    assert ran.code == 2 and ran.err.startswith("qbsync queue restore: ")


def test_a_record_is_proxied(shop, capsys):
    """``queue proxy RECORD``: the record is flagged and its PSR leaves the queue."""
    acme = record_id(shop, "customer", "Acme")
    data = qbsync(capsys, "--db", shop, "queue", "proxy", str(acme), "--json").json
    assert data["done"] == "proxied"
    with app_of(shop) as app:
        assert app.store.flags.of(acme) == {"proxy"}
        assert app.store.psrs.get(2).state == "removed"


def test_unproxying_a_record_without_a_proxy_is_refused(shop, capsys):
    """``queue unproxy`` on a record that has no proxy: exit 2."""
    ran = qbsync(capsys, "--db", shop, "queue", "unproxy", "2")
    assert ran.code == 2 and "qbsync queue unproxy: " in ran.err


def test_an_unknown_psr_is_refused(shop, capsys):
    """A PSR ID that does not exist: exit 2 naming it."""
    ran = qbsync(capsys, "--db", shop, "queue", "delete", "99")
    assert ran.code == 2 and "99" in ran.err


def test_the_workspace_may_be_given_after_the_command(shop, capsys):
    """``queue list --db PATH`` works as well as ``--db PATH queue list``."""
    assert qbsync(capsys, "queue", "list", "--db", shop, "--json").code == 0


def test_a_missing_workspace_option_is_refused(capsys):
    """No ``--db``: exit 2 saying to give one."""
    ran = qbsync(capsys, "queue", "list")
    assert ran.code == 2 and "no workspace given; put --db PATH" in ran.err


def test_a_mistyped_workspace_is_refused_and_not_created(tmp_path, capsys):
    """A path with no workspace: exit 2, and no empty workspace appears there."""
    missing = tmp_path / "shoop.db"
    ran = qbsync(capsys, "--db", missing, "queue", "list")
    assert ran.code == 2 and f"no workspace at {missing}" in ran.err
    assert not missing.exists()
