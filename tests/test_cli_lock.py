"""One process works a workspace at a time: a command that writes it is refused, naming the
holder, while another process holds it; ``--wait`` waits; a dead holder's lock is taken over;
commands that only read go on."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.cli_workspace import make_workspace, qbsync

HOLDER = """
import sys, time
from pathlib import Path
from syncengine.lock import holding

path, seconds = Path(sys.argv[1]), float(sys.argv[2])
with holding(path, "qbsync --db shop.db job run --simulated"):
    print("held", flush=True)
    time.sleep(seconds)
"""


@contextmanager
def held_by_another(path: Path, seconds: float = 60.0) -> Iterator[subprocess.Popen[str]]:
    """Another process holding ``path`` for ``seconds`` (ended when the block leaves)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield holder
    finally:
        holder.kill()
        holder.wait()


@pytest.fixture
def shop(tmp_path):
    return make_workspace(tmp_path)


def _jobs(capsys, shop) -> list[dict]:
    return qbsync(capsys, "--db", shop, "job", "list", "--json").json


def test_a_held_workspace_is_refused_naming_the_holder(shop, capsys):
    """``job run`` while another process holds the workspace: exit 2 naming its pid, host,
    command and since when; no job started."""
    with held_by_another(shop) as holder:
        ran = qbsync(capsys, "--db", shop, "job", "run", "--simulated")
        jobs = _jobs(capsys, shop)
    assert (ran.code, ran.out, jobs) == (2, "", [])
    assert ran.err.startswith(
        f"qbsync job run: workspace {shop} is in use by pid {holder.pid} on host"
        f" {socket.gethostname()} (`qbsync --db shop.db job run --simulated`) since 20"
    )
    assert ran.err.rstrip().endswith("or add --wait [SECONDS] to wait for it")


def test_a_held_workspace_is_refused_as_json(shop, capsys):
    """With ``--json`` the refusal is the usual JSON object, the holder named in it."""
    with held_by_another(shop) as holder:
        ran = qbsync(capsys, "--db", shop, "record", "close", "5", "--json")
    assert ran.code == 2 and ran.json["command"] == "qbsync record close"
    assert f"is in use by pid {holder.pid}" in ran.json["error"]


@pytest.mark.parametrize(
    "argv",
    [
        ("job", "new"),
        ("job", "cancel"),
        ("app", "add", "customer", "name=Cedar"),
        ("queue", "delete", "1"),
        ("settings", "set", "export.mark_paid", "true"),
        ("wizard", "enable"),
        ("autosync", "set", "--every", "600"),
        ("autosync", "run", "--simulated", "--for", "60"),
    ],
)
def test_every_command_that_writes_is_refused(shop, argv, capsys):
    """Jobs, app records, the queue, settings, the wizard, auto sync: each holds the workspace."""
    with held_by_another(shop):
        ran = qbsync(capsys, "--db", shop, *argv)
    assert ran.code == 2 and f"workspace {shop} is in use by pid" in ran.err


@pytest.mark.parametrize(
    "argv",
    [
        ("job", "list"),
        ("wizard", "log"),
        ("autosync", "show"),
        ("queue", "list"),
        ("app", "list"),
        ("wizard", "list"),
        ("settings", "show"),
        ("record", "unsynced"),
    ],
)
def test_commands_that_only_read_need_no_lock(shop, argv, capsys):
    """Lists, shows and reports go on while another process holds the workspace."""
    with held_by_another(shop):
        ran = qbsync(capsys, "--db", shop, *argv)
    assert (ran.code, ran.err) == (0, "")


def test_wait_gives_up_after_its_seconds(shop, capsys):
    """``--wait 0.3`` on a workspace held longer: exit 2 after waiting, saying so."""
    with held_by_another(shop):
        began = time.monotonic()
        ran = qbsync(capsys, "--db", shop, "job", "new", "--wait", "0.3")
        waited = time.monotonic() - began
    assert ran.code == 2 and "waited 0.3 s; try again when it has finished" in ran.err
    assert 0.3 <= waited < 5


def test_wait_runs_once_the_holder_lets_go(shop, capsys):
    """``--wait`` alone waits as long as it takes, then runs the command."""
    with held_by_another(shop, seconds=0.5):
        ran = qbsync(capsys, "--db", shop, "job", "new", "--wait")
    assert (ran.code, ran.err) == (0, "")
    assert [j["id"] for j in _jobs(capsys, shop)] == [1]


@pytest.mark.parametrize("seconds", ["-1", "soon", "nan"])
def test_wait_takes_seconds_of_zero_or_more(shop, seconds, capsys):
    """``--wait`` with a value that is no number of seconds: argparse exits 2."""
    ran = qbsync(capsys, "--db", shop, "job", "new", "--wait", seconds)
    assert ran.code == 2 and f"{seconds!r} is not a number of seconds of 0 or more" in ran.err


def test_a_dead_holders_lock_is_taken_over(shop, capsys):
    """A holder killed while it holds the workspace: the next command runs, says whose lock
    it took over, and leaves no holder's note behind."""
    with held_by_another(shop) as holder:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        ran = qbsync(capsys, "--db", shop, "job", "run", "--simulated")
    assert ran.code == 0 and "Sync job 1: finished" in ran.out
    assert ran.err.startswith(
        f"qbsync job run: took over workspace {shop} from pid {holder.pid} on host"
    )
    assert ran.err.rstrip().endswith("which stopped without letting go")
    assert not shop.with_name("shop.db.lock.json").exists()


def test_a_held_simulated_company_is_refused(shop, capsys):
    """The company file beside the workspace is held the same way: ``job run --simulated``
    waits for nobody else's company, and starts no job."""
    company = shop.with_name("shop.db.qbsim.json")
    with held_by_another(company) as holder:
        ran = qbsync(capsys, "--db", shop, "job", "run", "--simulated")
        jobs = _jobs(capsys, shop)
    assert (ran.code, jobs) == (2, [])
    assert f"simulated company {company} is in use by pid {holder.pid}" in ran.err


def test_a_rehearsal_into_a_held_workspace_is_refused(tmp_path, capsys):
    """``rehearse --db`` holds the workspace it makes: refused while another holds it."""
    db = tmp_path / "new.db"
    with held_by_another(db):
        ran = qbsync(capsys, "rehearse", "--generate", "5", "--db", db)
    assert ran.code == 2 and f"qbsync rehearse: workspace {db} is in use by pid" in ran.err
    assert not db.exists()


def test_a_mistyped_workspace_leaves_no_lock_behind(tmp_path, capsys):
    """A ``--db`` that names no file is refused as before, and no lock file is made there."""
    ran = qbsync(capsys, "--db", tmp_path / "shpo.db", "job", "new")
    assert ran.code == 2 and "no workspace at" in ran.err
    assert list(tmp_path.iterdir()) == []


def test_the_lock_is_let_go_after_a_refusal(shop, capsys):
    """A command refused for its own reasons lets go of the workspace: the next one runs."""
    assert qbsync(capsys, "--db", shop, "job", "cancel").code == 2
    assert qbsync(capsys, "--db", shop, "job", "new").code == 0
    assert not shop.with_name("shop.db.lock.json").exists()


@pytest.mark.parametrize("name", ["shop.db.lock", "shop.db.lock.json"])
def test_a_lock_that_cannot_be_written_is_refused(shop, name, capsys):
    """A folder where the lock or the holder's note belongs: exit 2 naming the file and what
    to check, no traceback, no job started."""
    (shop.parent / name).mkdir()
    ran = qbsync(capsys, "--db", shop, "job", "new")
    assert ran.code == 2 and ran.err.startswith(f"qbsync job new: cannot hold workspace {shop}:")
    assert f"{name} failed (Is a directory); check that its folder is writable" in ran.err
    (shop.parent / name).rmdir()
    assert _jobs(capsys, shop) == []
    assert sorted(p.name for p in shop.parent.iterdir() if ".tmp" in p.name) == []


def test_an_import_creating_a_held_new_workspace_is_refused(tmp_path, capsys):
    """``import-app --new`` holds the workspace it is about to create: while another process
    holds that path, it is refused naming the holder, and no workspace is made."""
    shop = tmp_path / "new.db"
    templates = Path(__file__).resolve().parents[1] / "docs" / "templates"
    with held_by_another(shop) as holder:
        ran = qbsync(capsys, "--db", shop, "import-app", templates, "--new")
    assert ran.code == 2 and f"pid {holder.pid}" in ran.err
    assert not shop.exists()
    ran = qbsync(capsys, "--db", shop, "import-app", templates, "--new")
    assert ran.code == 0 and ran.out.startswith("Imported ")
