"""``qbsync app``: list, show, add, edit (rename) and delete the app's records, each change
saying what the next sync will do with the record, read from the queue."""

from __future__ import annotations

import re

import pytest

from tests.cli_workspace import app_of, make_workspace, qbsync


@pytest.fixture
def shop(tmp_path):
    return make_workspace(tmp_path)


def _app(capsys, shop, *argv):
    return qbsync(capsys, "--db", shop, "app", *argv)


def _sync(capsys, shop) -> None:
    assert qbsync(capsys, "--db", shop, "job", "run", "--simulated").code == 0


def test_the_list_filters_by_type(shop, capsys):
    """``list --type customer``: only customers, with what the next sync does."""
    rows = _app(capsys, shop, "list", "--type", "customer", "--json").json
    assert [(r["id"], r["name"]) for r in rows] == [(2, "Acme"), (3, "Birch")]
    assert rows[0]["next_sync"] == "The next sync adds it to QuickBooks (PSR 2)."


def test_the_list_filters_by_name_and_status(shop, capsys):
    """``--name`` matches text in the name; ``--status`` the transaction's status."""
    assert [r["id"] for r in _app(capsys, shop, "list", "--name", "bir", "--json").json] == [3, 4]
    rows = _app(capsys, shop, "list", "--status", "draft", "--json").json
    assert [(r["entity_type"], r["name"]) for r in rows] == [("invoice", "1001")]


def test_the_list_is_a_table_for_people(shop, capsys):
    """Without ``--json``: a table and the count."""
    ran = _app(capsys, shop, "list", "--type", "vendor")
    assert ran.out.splitlines()[0].split() == ["id", "entity_type", "name", "status", "next_sync"]
    assert ran.out.rstrip().endswith("1 record(s)")


def test_an_unknown_type_is_refused(shop, capsys):
    """``list --type widget``: exit 2 naming the types there are."""
    ran = _app(capsys, shop, "list", "--type", "widget")
    assert ran.code == 2 and "no record type 'widget'; types: customer, vendor" in ran.err


def test_show_prints_fields_and_the_next_sync(shop, capsys):
    """``show 5``: the invoice's fields, and why it is not queued (its status)."""
    data = _app(capsys, shop, "show", "5", "--json").json
    assert (data["name"], data["fields"]["customer"], data["qb_id"]) == ("1001", 2, None)
    assert data["next_sync"].endswith(
        "it queues at status approved, sent, paid, closed (it is draft), once fully recorded."
    )


def test_show_prints_times_as_every_command_does(shop, capsys):
    """For people, ``app show`` gives times to the second in the user's zone, no offset."""
    out = _app(capsys, shop, "show", "5").out
    created = next(line for line in out.splitlines() if line.startswith("created_at"))
    assert re.fullmatch(r"created_at +\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", created)


def test_show_of_an_unknown_record_is_refused(shop, capsys):
    """``show 99``: exit 2."""
    ran = _app(capsys, shop, "show", "99")
    assert ran.code == 2 and "99" in ran.err


def test_a_new_customer_is_queued(shop, capsys):
    """``add customer name=Cedar``: added, and its add is queued for the next sync."""
    ran = _app(capsys, shop, "add", "customer", "name=Cedar", "email=c@cedar.test")
    assert ran.code == 0
    assert ran.out.startswith("customer 'Cedar' (id 6): added. The next sync adds it to")


def test_an_invoice_is_added_with_lines_by_name(shop, capsys):
    """``--line item=Labor,...`` (references by name or ID) and a sync status: queued."""
    ran = _app(
        capsys, shop, "add", "invoice", "customer=Acme", "ref_number=1002",
        "--line", "item=Labor,quantity=2,rate=40", "--line", "item=1,quantity=1,rate=5",
        "status=approved", "--json",
    )  # fmt: skip
    assert ran.json["next_sync"]["state"] == "queued"
    with app_of(shop) as app:
        lines = app.invoices.get(ran.json["id"])["lines"]
    assert [str(line["amount"]) for line in lines] == ["80.00", "5.00"]


def test_an_unknown_field_names_the_record_field_and_value(shop, capsys):
    """``nme=x``: exit 2 naming the record, the field, the value and the known fields."""
    ran = _app(capsys, shop, "add", "customer", "nme=Cedar")
    assert ran.code == 2
    assert "new customer: field nme = 'Cedar': no such field for a customer; known: name" in ran.err


def test_a_bad_line_value_names_the_line_and_part(shop, capsys):
    """``--line item=1,quantity=two``: exit 2 naming lines[0].quantity and the rule."""
    ran = _app(capsys, shop, "add", "invoice", "customer=2", "--line", "item=1,quantity=two")
    assert ran.code == 2
    assert "field lines[0].quantity = 'two': must be a number" in ran.err


def test_a_reference_to_no_record_is_refused(shop, capsys):
    """``customer=Cedar`` when there is no Cedar: exit 2 saying so."""
    ran = _app(capsys, shop, "add", "invoice", "customer=Cedar", "ref_number=9")
    assert ran.code == 2 and "field customer = 'Cedar': no customer named 'Cedar'" in ran.err


def test_a_word_that_is_not_field_value_is_refused(shop, capsys):
    """``add customer Cedar``: exit 2 showing how to write it."""
    ran = _app(capsys, shop, "add", "customer", "Cedar")
    assert ran.code == 2 and "'Cedar' is not field=value; write e.g. name=Acme" in ran.err


def test_a_rename_before_any_sync_stays_one_add(shop, capsys):
    """``edit 3 name="Birch Ltd"``: renamed; the queued add carries the new name."""
    ran = _app(capsys, shop, "edit", "3", "name=Birch Ltd")
    assert ran.out.startswith("customer 'Birch Ltd' (id 3): changed. The next sync adds it")


def test_an_edit_after_a_sync_queues_a_modify(shop, capsys):
    """After a sync, an edit of a synced customer: modify in QuickBooks."""
    _sync(capsys, shop)
    data = _app(capsys, shop, "edit", "2", "phone=555-0100", "--json").json
    assert data["next_sync"]["text"].startswith("The next sync sends its changes to QuickBooks")


def test_an_edit_without_fields_is_refused(shop, capsys):
    """``edit 2`` alone: exit 2 naming the record."""
    ran = _app(capsys, shop, "edit", "2")
    assert ran.code == 2 and "customer 'Acme' (id 2): no field given" in ran.err


def test_deleting_a_synced_customer_makes_it_inactive_next_sync(shop, capsys):
    """A synced customer deleted in the app: the next sync makes it inactive."""
    _sync(capsys, shop)
    ran = _app(capsys, shop, "delete", "2")
    assert "deleted in the app. The next sync makes it inactive in QuickBooks" in ran.out


def test_deleting_a_never_synced_record_sends_nothing(shop, capsys):
    """Never synced: its add is cancelled; QuickBooks never had it."""
    ran = _app(capsys, shop, "delete", "3", "--json")
    text = "The next sync sends nothing of it: QuickBooks does not have it."
    assert ran.json["next_sync"]["text"] == text


def test_deleting_twice_is_refused(shop, capsys):
    """A deleted record cannot be deleted again: exit 2."""
    _app(capsys, shop, "delete", "3")
    ran = _app(capsys, shop, "delete", "3")
    assert ran.code == 2 and "customer 'Birch' (id 3) was already deleted" in ran.err


def test_with_the_wizard_on_a_change_is_held_back(shop, capsys):
    """Wizard on: the new record's PSR waits for approval."""
    qbsync(capsys, "--db", shop, "wizard", "enable")
    ran = _app(capsys, shop, "add", "customer", "name=Cedar", "--json")
    assert ran.json["next_sync"]["state"] == "held_back"
    assert "in the queue: not approved in the sync wizard" in ran.json["next_sync"]["text"]


def test_a_time_entry_with_the_area_off_is_not_queued(shop, capsys):
    """``sync.time`` off: an approved time entry is not queued, saying why."""
    qbsync(capsys, "--db", shop, "settings", "set", "sync.time", "false")
    _app(capsys, shop, "add", "employee", "first_name=Al", "last_name=Bo")
    ran = _app(capsys, shop, "add", "time_entry", "employee=6", "duration=1.5", "status=approved")
    assert ran.out.endswith("out of the sync's scope: the time area does not sync.\n")


def test_a_record_marked_prevent_sync_stays_out(shop, capsys):
    """Synced, then prevent sync, then an edit: nothing is queued; it stays out."""
    _sync(capsys, shop)
    qbsync(capsys, "--db", shop, "record", "prevent-sync", "2")
    ran = _app(capsys, shop, "edit", "2", "phone=555-0100", "--json")
    assert ran.json["next_sync"]["state"] == "stays_out"
    assert ran.json["next_sync"]["text"] == (
        "The next sync sends nothing of it: QuickBooks keeps its copy; it is marked prevent sync."
    )


def test_prevent_sync_after_the_add_was_queued_says_the_add_still_goes(shop, capsys):
    """Prevent sync does not take a PSR queued before out: the app says so, and the job adds it."""
    qbsync(capsys, "--db", shop, "record", "prevent-sync", "2")
    ran = _app(capsys, shop, "edit", "2", "phone=555-0100")
    assert "The next sync adds it to QuickBooks (PSR 2). It is marked prevent sync" in ran.out
    _sync(capsys, shop)
    assert _app(capsys, shop, "show", "2", "--json").json["qb_id"] is not None


def _statements_of_list(capsys, shop, monkeypatch) -> int:
    """How many SQL statements ``app list --json`` runs on the workspace."""
    from syncengine import store as store_module

    seen: list[str] = []

    class Traced(store_module.Store):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.conn.set_trace_callback(seen.append)

    monkeypatch.setattr(store_module, "Store", Traced)
    assert _app(capsys, shop, "list", "--json").code == 0
    return len(seen)


def test_the_list_reads_the_next_sync_of_all_records_at_once(shop, capsys, monkeypatch):
    """Twenty more records do not make ``app list`` run more SQL statements."""
    few = _statements_of_list(capsys, shop, monkeypatch)
    with app_of(shop) as app:
        for n in range(20):
            app.customers.add(name=f"Extra {n}")
    assert _statements_of_list(capsys, shop, monkeypatch) == few
