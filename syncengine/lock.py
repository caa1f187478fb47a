"""One process works a workspace at a time: the lock a command holds on a file it writes.

A process that writes a workspace (or a simulated company file) holds ``<file>.lock``, an OS
file lock taken through ``filelock`` (``flock`` on Linux and macOS, ``LockFileEx`` on Windows),
and writes who it is beside it, in ``<file>.lock.json``: pid, host, the command and since when
(UTC). Another process is refused at once with that holder named (:class:`WorkspaceHeld`), or
waits for it when asked to. The operating system drops the lock of a process that dies, so a
holder killed mid-job never blocks the next one; the note it left behind says who it was, and
:func:`holding` reports it as taken over. The note is removed on a clean release.

Read-only commands do not take the lock: SQLite lets them read between a holder's
transactions, so ``job list`` or ``report`` can watch a job that runs.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from syncengine.clock import SystemClock, shown, stamp
from syncengine.errors import SyncError

LOCK_SUFFIX = ".lock"
HOLDER_SUFFIX = ".lock.json"
NOTE_PATIENCE = 0.5
"""Seconds a refused process waits for a new holder's note to appear before naming none."""


@dataclass(frozen=True)
class Holder:
    """Who holds a file: process ID, host name, the command it runs, since when (UTC stamp)."""

    pid: int
    host: str
    command: str
    since: str

    @classmethod
    def me(cls, command: str) -> Holder:
        """This process, running ``command``, from now."""
        return cls(os.getpid(), socket.gethostname(), command, stamp(SystemClock().now()))

    def alive(self) -> bool | None:
        """Whether its process still runs; None when it is on another host (it cannot be told)."""
        if self.host != socket.gethostname():
            return None
        return pid_alive(self.pid)

    def describe(self) -> str:
        """``pid 4321 on host ws1 (`qbsync job run --simulated`) since 2026-12-07 09:30:05``."""
        return f"pid {self.pid} on host {self.host} (`{self.command}`) since {shown(self.since)}"


def pid_alive(pid: int) -> bool:
    """Whether a process with this ID runs on this host (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc (macOS, Windows): kill(0) is all there is to go on
    return status.rsplit(")", 1)[-1].split()[0] == "Z"


class WorkspaceHeld(SyncError):
    """Another process holds the file: the message names it and says what to do."""

    def __init__(
        self, what: str, path: Path, holder: Holder | None, waited: float, advice: str = ""
    ) -> None:
        self.path, self.holder, self.waited = path, holder, waited
        who = holder.describe() if holder else "another process (it has not said who yet)"
        advice = advice or (
            f"waited {waited:g} s; try again when it has finished, or wait longer with --wait"
            if waited
            else "try again when it has finished, or add --wait [SECONDS] to wait for it"
        )
        super().__init__(f"{what} {path} is in use by {who}; {advice}")


class LockUnavailable(SyncError):
    """The lock (or the holder's note) cannot be written beside the file: the message names the
    file and the system's reason."""

    def __init__(self, what: str, path: Path, exc: OSError) -> None:
        reason = exc.strerror or type(exc).__name__
        written = exc.filename2 or exc.filename or lock_path(path)
        folder = Path(path).parent
        if isinstance(exc, PermissionError) and not os.access(folder, os.W_OK):
            super().__init__(
                f"the folder {folder} of {what} {Path(path).name} is read-only ({reason}):"
                f" a command that changes it writes {Path(written).name} beside it (and SQLite"
                " its -wal and -shm files). Make the folder writable, or copy the"
                f" {what} to one you can write; nothing was changed"
            )
            return
        super().__init__(
            f"cannot hold {what} {path}: writing {written} failed"
            f" ({reason}); check that its folder is writable, has room, and holds no folder of"
            " that name"
        )


def lock_path(path: Path) -> Path:
    """The lock file of ``path``: ``shop.db`` -> ``shop.db.lock``."""
    return path.with_name(path.name + LOCK_SUFFIX)


def holder_path(path: Path) -> Path:
    """The holder's note beside ``path``'s lock: ``shop.db`` -> ``shop.db.lock.json``."""
    return path.with_name(path.name + HOLDER_SUFFIX)


def read_holder(path: Path) -> Holder | None:
    """The holder named beside ``path``'s lock; None when there is no readable note."""
    try:
        data = json.loads(holder_path(path).read_text(encoding="utf-8"))
        return Holder(int(data["pid"]), str(data["host"]), str(data["command"]), data["since"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass
class Hold:
    """What :func:`holding` yields: this process as holder, and the dead holder it took over
    from (None when the last holder let go cleanly)."""

    holder: Holder
    took_over: Holder | None


@contextlib.contextmanager
def holding(
    path: Path, command: str, wait: float = 0.0, what: str = "workspace", advice: str = ""
) -> Iterator[Hold]:
    """Hold ``path`` for this process running ``command`` while the block runs. Refused
    (:class:`WorkspaceHeld`) when another process holds it, at once or after ``wait`` seconds
    (``math.inf``: as long as it takes). ``what`` names the file in the refusal; ``advice``
    replaces its command-line advice (``--wait``) where there is no command line."""
    from filelock import FileLock, Timeout  # the lock library: only commands that write load it

    lock = FileLock(str(lock_path(path)))
    try:
        lock.acquire(timeout=-1 if math.isinf(wait) else wait, poll_interval=0.05)
    except Timeout:
        raise WorkspaceHeld(what, path, _current_holder(path), wait, advice) from None
    except OSError as exc:
        raise LockUnavailable(what, path, exc) from None
    try:
        hold = Hold(Holder.me(command), read_holder(path))
        _write_holder(path, hold.holder, what)
        yield hold
    finally:
        _remove_holder(path)
        lock.release()


def _current_holder(path: Path) -> Holder | None:
    """The holder's note, given a moment to appear: a holder writes it just after it locks,
    and a dead holder's stale note may still be there until then."""
    deadline = time.monotonic() + NOTE_PATIENCE
    while True:
        holder = read_holder(path)
        if holder is not None and holder.alive() is not False:
            return holder
        if time.monotonic() > deadline:
            return None
        time.sleep(0.02)


def _write_holder(path: Path, holder: Holder, what: str) -> None:
    """Write the note whole or not at all (a reader never sees half of it)."""
    note = holder_path(path)
    temporary = note.with_name(f"{note.name}.{holder.pid}.tmp")
    try:
        temporary.write_text(json.dumps(asdict(holder)), encoding="utf-8")
        os.replace(temporary, note)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise LockUnavailable(what, path, exc) from None


def _remove_holder(path: Path) -> None:
    """Remove this holder's note; one that cannot be removed is left (it names a gone pid)."""
    note = holder_path(path)
    with contextlib.suppress(OSError):
        if not note.is_dir():
            note.unlink()
