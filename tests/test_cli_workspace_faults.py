"""Faults of the workspace file through ``qbsync``, for a reading command (``queue list``) and
writing ones (``app add``, ``job run --simulated``): not SQLite, empty, cut short, damaged,
read-only (file or folder), in a missing folder, on a full disk. Each exits 2 with one line
saying what is wrong and what to do, no traceback, and leaves the file as it was.

Read-only runs drop root's power to ignore file modes (CAP_DAC_OVERRIDE) in a subprocess, so
they hold as root too. A full disk is shown two ways: SQLite's own limit on the file's pages
(``PRAGMA max_page_count``, SQLITE_FULL) in-process, and the operating system's limit on file
size (RLIMIT_FSIZE: every write past it fails with EFBIG, as on a full disk) in a subprocess.
"""

from __future__ import annotations

import ctypes
import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from syncengine.store import db as store_db
from tests.cli_workspace import app_of, cap_pages, make_workspace, qbsync

READ = ("queue", "list")
ADD = ("app", "add", "customer", "name=Zed")
JOB = ("job", "run", "--simulated")
COMMANDS = [READ, ADD, JOB]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def shop(tmp_path):
    return make_workspace(tmp_path)


@pytest.fixture
def cli(capsys):
    """``cli(db, *command)``: ``qbsync --db db COMMAND`` in-process."""
    return lambda db, *command: qbsync(capsys, "--db", db, *command)


def _refused(ran, command: tuple[str, ...], says: str) -> None:
    """Exit 2, one line on stderr naming the command and saying ``says``, no traceback."""
    name = " ".join(command[:2])
    assert ran.code == 2, ran.err
    assert ran.err.startswith(f"qbsync {name}: ") and ran.err.count("\n") == 1, ran.err
    assert says in ran.err and "Traceback" not in ran.err


def _unchanged(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "content",
    [b"Dear Acme,\nplease find attached...\n" * 40, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8],
    ids=["text", "png"],
)
def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path, command, content, cli):
    """A text file or a picture given as ``--db``: exit 2, never written to."""
    path = tmp_path / "shop.db"
    path.write_bytes(content)
    ran = cli(path, *command)
    _refused(ran, command, f"cannot open workspace {path}: file is not a database")
    assert "check the path given with --db" in ran.err
    _unchanged(path, content)


@pytest.mark.parametrize("command", COMMANDS)
def test_an_empty_file_is_refused_not_made_a_new_workspace(tmp_path, command, cli):
    """A workspace cut to 0 bytes: exit 2; it is not silently made a new, empty workspace."""
    path = tmp_path / "shop.db"
    path.write_bytes(b"")
    _refused(cli(path, *command), command, "is empty (0 bytes)")
    assert path.stat().st_size == 0


@pytest.mark.parametrize("command", COMMANDS)
def test_a_workspace_cut_short_is_reported_damaged(shop, command, cli):
    """The first half of a workspace: exit 2 saying it is damaged and what to do."""
    before = shop.read_bytes()[: shop.stat().st_size // 2]
    shop.write_bytes(before)
    ran = cli(shop, *command)
    _refused(ran, command, f"workspace {shop} is damaged (database disk image is malformed)")
    assert f"qbsync doctor --db {shop}" in ran.err
    _unchanged(shop, before)


def _overwrite_table(path: Path, *tables: str) -> bytes:
    """Overwrite the first page of each table (bytes in the middle of the file); the damaged
    file's bytes."""
    conn = sqlite3.connect(path)
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = [
        conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (t,)).fetchone()[0]
        for t in tables
    ]
    conn.close()
    with path.open("r+b") as file:
        for page in pages:
            file.seek((page - 1) * size)
            file.write(b"\xa5" * size)
    return path.read_bytes()


@pytest.mark.parametrize("command", COMMANDS)
def test_a_corrupted_workspace_is_reported_damaged_and_not_written(shop, command, cli):
    """Bytes overwritten in the middle (the pages of the records and the queue): exit 2."""
    assert cli(shop, *JOB).code == 0  # a company beside it, links in the workspace
    assert cli(shop, "app", "add", "customer", "name=Yew").code == 0  # a PSR for the job
    before = _overwrite_table(shop, "entities", "psrs")
    _refused(cli(shop, *command), command, f"workspace {shop} is damaged")
    _unchanged(shop, before)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_folder_is_refused_and_not_created(tmp_path, command, cli):
    """``--db`` in a folder that does not exist: exit 2; no folder is made."""
    path = tmp_path / "nowhere" / "shop.db"
    _refused(cli(path, *command), command, f"no folder {path.parent} for the workspace")
    assert not path.parent.exists()


def test_a_rehearsal_into_a_missing_folder_is_refused(tmp_path, capsys):
    """``rehearse --db`` makes a workspace, but never the folder it goes in."""
    path = tmp_path / "nowhere" / "shop.db"
    ran = qbsync(capsys, "rehearse", "--generate", "5", "--db", path)
    assert ran.code == 2 and f"no folder {path.parent} for the workspace" in ran.err
    assert not path.parent.exists()


# -- a full disk ---------------------------------------------------------------------------
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every workspace opened from now on can grow no more: SQLite answers SQLITE_FULL
    ("database or disk is full") as on a full disk, to the command's own connection."""
    connect = store_db.connect

    def full(path, timeout=10.0):
        conn = connect(path, timeout)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr("syncengine.store.connect", full)


def _counts(path: Path) -> tuple[int, ...]:
    conn = sqlite3.connect(path)
    counts = tuple(
        conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("entities", "psrs", "links", "jobs")
    )
    conn.close()
    return counts


def _more_customers(path: Path, count: int) -> None:
    """Queue ``count`` more customers: a job for them needs new pages of the file."""
    with app_of(path) as app:
        for number in range(count):
            app.customers.add(name=f"Customer {number:03}")


def test_a_full_disk_refuses_a_job_and_keeps_what_was_saved(shop, cli, monkeypatch):
    """``job run`` on a full disk: exit 2 saying so; nothing of the failed step is written."""
    _more_customers(shop, 80)
    full_disk(monkeypatch)
    before = _counts(shop)
    ran = cli(shop, *JOB)
    _refused(ran, JOB, f"cannot write workspace {shop}: its disk is full")
    assert "Free some space and run the command again" in ran.err
    assert _counts(shop)[:3] == before[:3]


def test_a_full_disk_still_lets_the_queue_be_read(shop, cli, monkeypatch):
    """Reading needs no room: ``queue list`` works on a full disk."""
    full_disk(monkeypatch)
    assert cli(shop, *READ).code == 0


def _subprocess(*argv: str | Path, fsize: int | None = None, read_only: bool = False):
    """``qbsync ARGV`` in a child process: with a file-size limit, or without root's power to
    write files whose mode forbids it; (exit status, stdout, stderr)."""

    def limits() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        if read_only and os.geteuid() == 0:
            _drop_root_file_powers()

    done = subprocess.run(
        [sys.executable, "-m", "syncengine", *map(str, argv)],
        capture_output=True,
        text=True,
        preexec_fn=limits,  # the child sets its own limits before exec
        cwd=ROOT,
        timeout=120,
    )
    return done.returncode, done.stdout, done.stderr


def _drop_root_file_powers() -> None:
    """Drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set: after exec, root
    obeys file modes like anyone else."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            os._exit(77)


def test_an_operating_system_full_disk_refuses_the_job_and_loses_nothing(shop, cli):
    """Writes failing at the OS (EFBIG past a file-size limit, as ENOSPC on a full disk): the
    job exits 2 with one line; after space is back, doctor finds the file sound and a second
    run finishes the job."""
    assert _subprocess("--db", shop, "job", "run", "--simulated")[0] == 0  # company beside
    assert cli(shop, "app", "add", "customer", "name=Zed").code == 0
    cli(shop, "app", "add", "customer", "name=Yew")
    code, _, err = _subprocess("--db", shop, *JOB, fsize=32768)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert f"workspace {shop}" in err and "run the command again" in err
    assert cli(shop, "doctor").out.count("PROBLEM") <= 1  # at most the unfinished job
    assert cli(shop, *JOB).code == 0
    assert cli(shop, "doctor").code == 0


# -- read-only -----------------------------------------------------------------------------
def _read_only_run(*argv: str | Path):
    code, out, err = _subprocess(*argv, read_only=True)
    if code == 77:
        pytest.skip("cannot drop root's file powers here (no CAP_SETPCAP)")
    return code, out, err


@pytest.fixture
def read_only_shop(shop, cli):
    """The workspace, with a simulated company beside it, its file made read-only."""
    assert cli(shop, *JOB).code == 0
    shop.chmod(0o444)
    yield shop
    shop.chmod(0o644)


def test_a_read_only_workspace_can_be_read(read_only_shop):
    """``queue list`` on a read-only workspace file works: reading needs no writing."""
    code, out, err = _read_only_run("--db", read_only_shop, *READ)
    assert code == 0 and "queue:" in out, err


@pytest.mark.parametrize("command", [ADD, JOB])
def test_a_read_only_workspace_refuses_a_change(read_only_shop, command):
    """A change to a read-only workspace file: exit 2 saying so and what to do; unchanged."""
    before = read_only_shop.read_bytes()
    code, _, err = _read_only_run("--db", read_only_shop, *command)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert f"workspace {read_only_shop} is read-only" in err and "chmod u+w" in err
    _unchanged(read_only_shop, before)


@pytest.fixture
def read_only_folder(shop):
    """The workspace in a folder made read-only (the file itself writable)."""
    shop.parent.chmod(0o555)
    yield shop
    shop.parent.chmod(0o755)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_read_only_folder_is_refused_saying_so(read_only_folder, command):
    """SQLite must write its -wal and -shm files beside the workspace: exit 2 naming the
    folder, for reading and writing alike; the workspace is unchanged."""
    before = read_only_folder.read_bytes()
    code, _, err = _read_only_run("--db", read_only_folder, *command)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert f"the folder {read_only_folder.parent} of workspace shop.db is read-only" in err
    _unchanged(read_only_folder, before)


def test_a_read_only_workspace_is_not_half_migrated(shop):
    """An older workspace that is read-only: refused, still at its old schema version."""
    conn = store_db.connect(shop)
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    shop.chmod(0o444)
    try:
        code, _, err = _read_only_run("--db", shop, *READ)
    finally:
        shop.chmod(0o644)
    assert code == 2 and "is read-only" in err, err
    conn = sqlite3.connect(shop)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    conn.close()


def test_a_read_only_folder_can_still_be_examined(read_only_folder):
    """doctor reads a workspace in a read-only folder (as an unchanging file): all is well."""
    code, out, err = _read_only_run("--db", read_only_folder, "doctor")
    assert code == 0 and out.rstrip().endswith("All is well."), err


def test_a_read_only_company_is_refused_before_the_job(shop, cli):
    """A company file that cannot be written: refused before a job starts (what QuickBooks
    answered would be lost from it); no job is made."""
    assert cli(shop, *JOB).code == 0
    cli(shop, "app", "add", "customer", "name=Yew")
    company = shop.with_name(shop.name + ".qbsim.json")
    company.chmod(0o444)
    try:
        code, _, err = _read_only_run("--db", shop, *JOB)
    finally:
        company.chmod(0o644)
    assert code == 2 and f"the simulated company {company} is read-only" in err, err
    assert cli(shop, "job", "list", "--json").json[0]["id"] == 1


def test_a_fault_with_json_is_a_json_refusal(tmp_path, cli):
    """``--json``: the fault's line as the refusal object on stdout, exit 2."""
    path = tmp_path / "shop.db"
    path.write_text("not a database " * 50)
    ran = cli(path, "queue", "list", "--json")
    assert ran.code == 2 and ran.json["exit"] == 2 and ran.json["command"] == "qbsync queue list"
    assert "file is not a database" in ran.json["error"]


def test_a_disk_filling_up_during_a_rehearsal_is_refused_saying_so(tmp_path, capsys, monkeypatch):
    """The disk fills while the rehearsal's jobs run (inside simpy, which hands the failure on
    as a copy without SQLite's error name): still exit 2 saying the disk is full, not an
    internal error."""
    cap_pages(monkeypatch, 600)  # 2,000 records fill about 330 pages before the first
    # request and 1,150 by the end: room for the app, not for its sync.
    workspace = tmp_path / "rehearsal.db"
    ran = qbsync(capsys, "rehearse", "--generate", "2000", "--seed", "1", "--db", workspace)
    _refused(ran, ("rehearse",), f"cannot write workspace {workspace}: its disk is full")
