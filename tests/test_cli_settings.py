"""``qbsync settings``: show every setting, set one through ``SyncSettings.set`` and say what
the change did to the queue; bad keys and values are refused naming the setting."""

from __future__ import annotations

import pytest

from tests.cli_workspace import app_of, make_workspace, qbsync


@pytest.fixture
def shop(tmp_path):
    return make_workspace(tmp_path)


@pytest.fixture
def queued_invoice(shop, capsys):
    """The workspace's invoice approved: its add is queued (PSR 5)."""
    assert qbsync(capsys, "--db", shop, "record", "set-status", "5", "approved").code == 0
    return shop


def _settings(capsys, shop, *argv):
    return qbsync(capsys, "--db", shop, "settings", *argv)


def test_show_lists_every_setting_with_default_and_meaning(shop, capsys):
    """``show --json``: every setting, its value, default and meaning."""
    rows = {r["key"]: r for r in _settings(capsys, shop, "show", "--json").json}
    assert rows["export.mark_paid"]["value"] is False
    assert rows["export.mark_paid"]["doc"] == "mark invoices paid after export"
    assert rows["sync.time"]["property"] == "time"


def test_show_writes_values_as_set_takes_them(shop, capsys):
    """The table shows ``true`` and ``billing,ship_document``, the words ``settings set``
    takes, and a meaning in full; a value copied from it sets the same value again."""
    out = _settings(capsys, shop, "show").out
    lines = {line.split()[0]: line.split() for line in out.splitlines()[1:]}
    assert lines["sync.time"][1:3] == ["true", "true"]
    assert lines["sources.invoice"][1] == "billing,ship_document"
    assert "count as exported and never sync" in out and "…" not in out
    ran = _settings(capsys, shop, "set", "sources.invoice", lines["sources.invoice"][1])
    assert ran.code == 0


def test_show_changed_lists_only_what_differs(shop, capsys):
    """``show --changed``: only settings not at their default."""
    _settings(capsys, shop, "set", "export.mark_paid", "true")
    rows = _settings(capsys, shop, "show", "--changed", "--json").json
    assert [r["key"] for r in rows] == ["export.mark_paid"]


def test_switching_an_area_off_cancels_its_psrs(queued_invoice, capsys):
    """``sync.customer_invoices false``: the invoice's add is cancelled, and it says so."""
    ran = _settings(capsys, queued_invoice, "set", "sync.customer_invoices", "false")
    assert ran.out.startswith("sync.customer_invoices: true -> false. Re-scoped the queue:")
    assert "1 PSR(s) cancelled (out of the sync), 0 queued" in ran.out


def test_switching_it_back_on_queues_them_again(queued_invoice, capsys):
    """Back on: the invoice is queued again, counted in the JSON's ``rescoped``."""
    _settings(capsys, queued_invoice, "set", "sync.customer_invoices", "off")
    data = _settings(capsys, queued_invoice, "set", "sync.customer_invoices", "on", "--json").json
    assert data["rescoped"] == {"queued": 1, "cancelled": 0}
    assert data["queue_after"]["queued"] == 5


def test_a_setting_by_its_property_name(shop, capsys):
    """``mark_paid yes`` sets ``export.mark_paid``; the queue is unchanged."""
    ran = _settings(capsys, shop, "set", "mark_paid", "yes")
    assert ran.out.startswith("export.mark_paid: false -> true. The queue is unchanged")
    with app_of(shop) as app:
        assert app.store.settings.get("export.mark_paid") is True


def test_a_list_setting_takes_comma_separated_words(shop, capsys):
    """``sources.invoice billing``: only billing feeds invoices now."""
    data = _settings(capsys, shop, "set", "sources.invoice", "billing", "--json").json
    assert (data["old"], data["value"]) == (["billing", "ship_document"], ["billing"])


def test_a_date_setting_can_be_cleared(shop, capsys):
    """``range.from_date 2025-01-01`` then ``none``: set, then cleared."""
    _settings(capsys, shop, "set", "range.from_date", "2025-01-01")
    data = _settings(capsys, shop, "set", "range.from_date", "none", "--json").json
    assert (data["old"], data["value"]) == ("2025-01-01", None)


def test_switching_the_wizard_on_says_what_it_holds(queued_invoice, capsys):
    """``wizard.enabled true``: the queued changes now wait for approval."""
    ran = _settings(capsys, queued_invoice, "set", "wizard.enabled", "true")
    assert "The wizard now holds 5 more change(s) for approval." in ran.out


def test_an_unknown_key_is_refused(shop, capsys):
    """``sync.tim``: exit 2 naming the keys there are."""
    ran = _settings(capsys, shop, "set", "sync.tim", "false")
    assert ran.code == 2 and "no setting 'sync.tim'; known: delete_action.customer" in ran.err


def test_a_switch_that_is_no_switch_is_refused(shop, capsys):
    """``export.mark_paid maybe``: exit 2 naming the setting, the value and what is allowed."""
    ran = _settings(capsys, shop, "set", "export.mark_paid", "maybe")
    assert ran.code == 2
    assert "setting export.mark_paid = 'maybe': must be true or false" in ran.err


def test_a_value_not_allowed_is_refused(shop, capsys):
    """``delete_action.customer erase``: exit 2 with the allowed values."""
    ran = _settings(capsys, shop, "set", "delete_action.customer", "erase")
    assert ran.code == 2
    assert "setting delete_action.customer = 'erase': allowed: inactivate, delete" in ran.err


def test_a_broken_rule_is_refused(shop, capsys):
    """``sources.bill`` with no source: exit 2 saying to switch the area off instead."""
    ran = _settings(capsys, shop, "set", "sources.bill", ",")
    assert ran.code == 2 and "choose at least one source document" in ran.err


def test_a_setting_the_engine_keeps_is_refused_with_its_reason(shop, capsys):
    """``schedule.mode auto``: exit 2 with the engine's reason and the command to use."""
    ran = _settings(capsys, shop, "set", "schedule.mode", "auto")
    assert ran.code == 2 and "schedule.mode is not set by hand" in ran.err
    assert "qbsync autosync start" in ran.err and "()" not in ran.err


@pytest.mark.parametrize("key", ["import.modified_mark", "import.deleted_mark"])
def test_an_import_mark_is_refused_in_plain_words(shop, capsys, key):
    """An import mark: exit 2 saying what moves it and which command makes the import start
    over, naming no Python method."""
    ran = _settings(capsys, shop, "set", key, "2025-01-06T09:00:00")
    assert ran.code == 2 and f"setting {key} is not set by hand" in ran.err
    assert "switched back on" in ran.err and "`qbsync settings set`" in ran.err
    assert "()" not in ran.err
