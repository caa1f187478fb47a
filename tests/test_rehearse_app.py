"""``qbsync rehearse --app PATH``: the client's records, from a folder of CSV or Excel files
(read by import-app's reader, with its refusals) or from an existing workspace (only read; its
records linked to QuickBooks are rehearsed as new), rehearsed as generated ones are. No mocks:
every rehearsal runs against a qbsim company, the client's one loaded from query answers."""

from __future__ import annotations

import contextlib
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from syncengine.rehearsal.appsource import load_app
from syncengine.rehearsal.rehearse import START, WALL_FIELDS, Rehearsal, rehearse
from tests.cli_workspace import app_of, qbsync
from tests.test_company_export import _export
from tests.test_preflight import TEMPLATES, _planted

PLANTED = {
    ("name_in_use", "Northwind Flour"),
    ("name_in_use", "Design Hour"),
    ("duplicate_ref_number", "INV-1002"),
}
"""What pre-flight must find of the templates in the planted company, and nothing else."""
BUSY = Path(__file__).resolve().parents[1] / "scenarios" / "faults" / "busy-office.yaml"


def _same_run(report: dict[str, Any]) -> dict[str, Any]:
    """A report's values but where the app came from and this machine's timings."""
    return {k: v for k, v in report.items() if k not in {"app", *WALL_FIELDS}}


def _files(folder: Path) -> dict[str, bytes]:
    """Every file of ``folder`` by name, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_folder_rehearses_every_record_and_the_report_says_where_from(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """13 template records all sync into a fresh company; the report names the folder."""
    ran = qbsync(capsys, "rehearse", "--app", TEMPLATES, "--json")
    assert ran.code == 0, ran.err
    assert (ran.json["records"], ran.json["synced"], ran.json["failed"]) == (13, 13, 0)
    assert ran.json["by_type"]["invoice"]["synced"] == 2
    assert ran.json["app"] == {"source": "folder", "path": str(TEMPLATES)}
    text = qbsync(capsys, "rehearse", "--app", TEMPLATES).out
    assert text.startswith(f"Rehearsal of 13 records from the folder {TEMPLATES} (seed 1,")
    assert "s to load the app" in text and "generate" not in text


def test_a_generated_rehearsal_says_so_as_before(capsys: pytest.CaptureFixture[str]) -> None:
    """--generate keeps its header and footer; its JSON says the app was generated."""
    ran = qbsync(capsys, "rehearse", "--generate", "30", "--json")
    assert ran.json["app"] == {"source": "generated"}
    text = qbsync(capsys, "rehearse", "--generate", "30").out
    assert text.startswith("Rehearsal of 30 records (seed 1, profile default, no faults,")
    assert "s to generate the app" in text and "folder" not in text


def test_the_template_folder_into_the_planted_company_finds_the_planted_collisions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 18's end to end: the templates rehearsed into a company loaded from query
    answers find exactly the planted collisions in pre-flight, and the HTML names them."""
    answers = _export(capsys, _planted(), tmp_path)
    page = tmp_path / "client.html"
    ran = qbsync(
        capsys, "rehearse", "--app", TEMPLATES, "--company-from", answers, "--preflight",
        "--html", page, "--json",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    assert {(f["check"], f["value"]) for f in ran.json["preflight"]} == PLANTED
    assert ran.json["failed_by_code"]["3100"] == 2  # the vendor and the item meet their names
    assert ran.json["duplicates_in_quickbooks"] == 0
    table = page.read_text(encoding="utf-8").split('<table id="preflight">')[1].split("</table>")[0]
    rows = re.findall(r'<tr data-check="(\w+)"><td>([^<]*)</td>', table)
    assert [check for check, _ in rows] == ["name_in_use", "name_in_use", "duplicate_ref_number"]
    assert "vendor &quot;Northwind Flour&quot; (app id 7)" in table
    assert "ItemNonInventory &#x27;design HOUR&#x27;" in table and "INV-1002" in table
    assert "Rehearsal of 13 records from the folder" in page.read_text(encoding="utf-8")


def test_strict_exits_1_on_the_planted_collisions_with_faults_over_the_web_connector(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--strict, --faults, --bookkeeper and --via webconnector work with a folder too."""
    answers = _export(capsys, _planted(), tmp_path)
    ran = qbsync(
        capsys, "rehearse", "--app", TEMPLATES, "--company-from", answers, "--preflight",
        "--strict", "--faults", BUSY, "--bookkeeper", "30", "--via", "webconnector",
    )  # fmt: skip
    assert ran.code == 1, ran.err
    assert "Pre-flight: 3 finding(s)." in ran.out and "Busy office" in ran.out
    assert "Faults planned: 6" in ran.out


def test_a_bad_folder_is_refused_as_import_app_refuses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same reason, naming file, row and column; no rehearsal workspace is made."""
    folder = tmp_path / "client"
    shutil.copytree(TEMPLATES, folder)
    customers = folder / "customers.csv"
    customers.write_text(
        customers.read_text(encoding="utf-8").replace("ana@harborbakery.example", "not-an-email"),
        encoding="utf-8",
    )
    imported = qbsync(capsys, "--db", tmp_path / "app.db", "import-app", folder, "--new")
    ran = qbsync(capsys, "rehearse", "--app", folder, "--db", tmp_path / "rehearsal.db")
    assert imported.code == ran.code == 2
    reason = imported.err.removeprefix("qbsync import-app: ")
    assert "customers.csv, row 2, column email" in reason
    assert ran.err == f"qbsync rehearse: {reason}"
    assert not (tmp_path / "rehearsal.db").exists()


@pytest.mark.parametrize("argv", [[], ["--generate", "5", "--app", str(TEMPLATES)]])
def test_neither_or_both_sources_are_refused(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The app comes from exactly one of --generate and --app."""
    ran = qbsync(capsys, "rehearse", *argv)
    assert ran.code == 2
    assert "--generate" in ran.err and "--app" in ran.err


def test_a_rehearsed_workspace_is_rehearsed_again_as_new_and_never_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A workspace whose records are linked to QuickBooks: copied without the links (each
    added anew, the report says how many were linked); not a byte beside it changes."""
    client = tmp_path / "client"
    client.mkdir()
    first = qbsync(capsys, "rehearse", "--app", TEMPLATES, "--db", client / "client.db")
    assert first.code == 0, first.err
    before = _files(client)
    ran = qbsync(capsys, "rehearse", "--app", client / "client.db", "--json")
    assert ran.code == 0, ran.err
    assert _files(client) == before
    assert ran.json["app"] == {
        "source": "workspace",
        "path": str(client / "client.db"),
        "linked": 13,
    }
    assert (ran.json["records"], ran.json["synced"]) == (13, 13)
    text = qbsync(capsys, "rehearse", "--app", client / "client.db").out
    assert "13 of these records were linked to QuickBooks in that workspace" in text
    assert text.startswith(f"Rehearsal of 13 records from the workspace {client / 'client.db'}")


def test_a_workspace_rehearses_as_the_folder_it_was_imported_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same records, queue and outcome, under faults and a bookkeeper, as its folder."""
    db = tmp_path / "client.db"
    assert qbsync(capsys, "--db", db, "import-app", TEMPLATES, "--new").code == 0
    options = ["--seed", "4", "--faults", BUSY, "--bookkeeper", "40", "--json"]
    from_folder = qbsync(capsys, "rehearse", "--app", TEMPLATES, *options)
    from_workspace = qbsync(capsys, "rehearse", "--app", db, *options)
    assert from_workspace.json["app"]["linked"] == 0
    assert _same_run(from_workspace.json) == _same_run(from_folder.json)


def _changed_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The templates imported into a workspace that syncs no customer invoices, begins on
    2026-01-01 and has the sync wizard on."""
    db = tmp_path / "client.db"
    assert qbsync(capsys, "--db", db, "import-app", TEMPLATES, "--new").code == 0
    assert (
        qbsync(capsys, "--db", db, "settings", "set", "sync.customer_invoices", "false").code == 0
    )
    assert (
        qbsync(capsys, "--db", db, "settings", "set", "schedule.begin_date", "2026-01-01").code == 0
    )
    assert qbsync(capsys, "--db", db, "wizard", "enable").code == 0
    return db


WIZARD_NOT_FOLLOWED = {
    "value": True,
    "why": "a rehearsal has nobody to approve: every change goes as approved",
}


def test_a_workspace_rehearses_with_the_sync_settings_it_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its customer invoices stay behind and its bill before the begin date counts as
    exported, as in that workspace; the wizard, which nobody in a rehearsal approves, is
    named as not followed. Text, JSON and HTML all say so."""
    db = _changed_workspace(tmp_path, capsys)
    page = tmp_path / "client.html"
    ran = qbsync(capsys, "rehearse", "--app", db, "--json", "--html", page)
    assert ran.code == 0, ran.err
    assert ran.json["app"]["settings"] == {
        "sync.customer_invoices": False,
        "schedule.begin_date": "2026-01-01",
    }
    assert ran.json["app"]["settings_not_followed"] == {"wizard.enabled": WIZARD_NOT_FOLLOWED}
    assert (ran.json["records"], ran.json["synced"], ran.json["waiting"]) == (13, 9, 4)
    assert ran.json["waiting_why"] == {
        "the customer_invoices area does not sync": {"invoice": 2, "payment": 1},
        "dated before the begin date: counts as exported": {"bill": 1},
    }
    text = qbsync(capsys, "rehearse", "--app", db).out
    assert (
        "Synced with that workspace's settings: sync.customer_invoices = false;"
        " schedule.begin_date = 2026-01-01." in text
    )
    assert "Not followed: wizard.enabled = true (a rehearsal has nobody to approve" in text
    html_text = page.read_text(encoding="utf-8")
    assert (
        "sync.customer_invoices = false; schedule.begin_date = 2026-01-01.<br>Not followed"
        in html_text
    )
    loaded = rehearse(Rehearsal(app=load_app(db, START))).as_dict()  # as a campaign hands it out
    assert loaded["app"] == ran.json["app"] and loaded["synced"] == 9


def test_default_settings_rehearse_every_record_and_name_what_was_not_followed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--default-settings: all 13 sync, and each setting the workspace changed is listed as
    not followed, saying why."""
    db = _changed_workspace(tmp_path, capsys)
    ran = qbsync(capsys, "rehearse", "--app", db, "--default-settings", "--json")
    assert ran.code == 0, ran.err
    assert (ran.json["records"], ran.json["synced"]) == (13, 13)
    asked = {"value": None, "why": "--default-settings: the rehearsal kept the defaults"}
    assert ran.json["app"]["settings_not_followed"] == {
        "sync.customer_invoices": asked | {"value": False},
        "schedule.begin_date": asked | {"value": "2026-01-01"},
        "wizard.enabled": WIZARD_NOT_FOLLOWED,
    }
    assert "settings" not in ran.json["app"]
    for source in (["--app", TEMPLATES], ["--generate", "20"]):  # no settings of their own
        refused = qbsync(capsys, "rehearse", *source, "--default-settings")
        assert refused.code == 2
        assert "--default-settings is for --app WORKSPACE" in refused.err


def test_a_damaged_setting_in_the_workspace_is_refused_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A setting another program wrote wrong is named, with how to set it again."""
    db = _changed_workspace(tmp_path, capsys)
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE settings SET value = '\"maybe\"' WHERE key = 'sync.customer_invoices'")
    ran = qbsync(capsys, "rehearse", "--app", db)
    assert ran.code == 2
    assert f"--app {db}: its setting sync.customer_invoices cannot be read" in ran.err
    assert "'maybe': must be a bool" in ran.err and "settings set sync.customer_invoices" in ran.err


def test_a_record_pointing_at_one_deleted_in_the_workspace_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Deleted records are not copied; one that still refers to one is named."""
    db = tmp_path / "client.db"
    assert qbsync(capsys, "--db", db, "import-app", TEMPLATES, "--new").code == 0
    with app_of(db) as app:
        app.customers.delete(app.customers.find("Lindqvist Design")[0].id)
    ran = qbsync(capsys, "rehearse", "--app", db)
    assert ran.code == 2
    assert "invoice 'INV-1002' (app id 12), field customer: refers to app id 6" in ran.err


def test_a_file_that_is_no_workspace_and_a_missing_path_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each refusal names the path and what to give instead."""
    text = tmp_path / "notes.txt"
    text.write_text("not a database, just notes" * 100, encoding="utf-8")
    ran = qbsync(capsys, "rehearse", "--app", text)
    assert ran.code == 2 and f"--app {text}: not a workspace qbsync can read" in ran.err
    missing = qbsync(capsys, "rehearse", "--app", tmp_path / "nowhere", "--json")
    assert missing.code == 2
    assert "no such folder or workspace file" in missing.json["error"]


def test_records_read_once_rehearse_as_the_folder_does() -> None:
    """Rehearsal(app=load_app(...)), as a campaign hands it out, equals Rehearsal(app=path)."""
    loaded = load_app(TEMPLATES, START)
    by_path = rehearse(Rehearsal(app=TEMPLATES, seed=2, faults=BUSY)).as_dict()
    by_records = rehearse(Rehearsal(app=loaded, seed=2, faults=BUSY)).as_dict()
    assert by_records == by_path | {k: by_records[k] for k in WALL_FIELDS}


def test_an_excel_folder_rehearses_as_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """customers.xlsx in place of customers.csv: the same records."""
    pytest.importorskip("openpyxl")
    import pandas as pd

    folder = tmp_path / "client"
    shutil.copytree(TEMPLATES, folder)
    frame = pd.read_csv(folder / "customers.csv", dtype=str, keep_default_na=False)
    frame.to_excel(folder / "customers.xlsx", index=False)
    (folder / "customers.csv").unlink()
    ran = qbsync(capsys, "rehearse", "--app", folder, "--json")
    assert ran.code == 0, ran.err
    assert (ran.json["by_type"]["customer"]["synced"], ran.json["synced"]) == (3, 13)


def test_a_workspace_open_in_another_process_is_read_with_its_latest_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A record added by a workspace still open (in its write-ahead log, not yet in the
    file) is rehearsed too; the database file itself is not written."""
    from syncengine.app import App
    from syncengine.store import Store

    db = tmp_path / "client.db"
    assert qbsync(capsys, "--db", db, "import-app", TEMPLATES, "--new").code == 0
    with Store(db) as store:
        App(store).customers.add(name="Walk-in Customer")
        assert db.with_name("client.db-wal").stat().st_size > 0
        before = db.read_bytes()
        ran = qbsync(capsys, "rehearse", "--app", db, "--json")
        assert db.read_bytes() == before
    assert ran.code == 0, ran.err
    assert (ran.json["records"], ran.json["by_type"]["customer"]["synced"]) == (14, 4)


def test_the_progress_bar_counts_the_clients_records(capsys: pytest.CaptureFixture[str]) -> None:
    """--progress with --app: the bar runs to the folder's 13 records."""
    ran = qbsync(capsys, "rehearse", "--app", TEMPLATES, "--progress")
    assert ran.code == 0
    assert "13/13" in ran.err
