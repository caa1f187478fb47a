"""Run one ``qbsync`` command in this process and SIGKILL it at a chosen point: the crash
tests' way to kill a job exactly there (nothing in the product knows of it).

    python tests/crash_runner.py POINT N qbsync-arguments...

POINT is where the Nth time counts: ``answered`` (as ``Company.process`` is called: the
answers before it have left), ``unwritten`` (a change made, its journal line not yet
written), ``written`` (the line on disk, the answer not yet returned), ``renaming`` (the
company file's new text fsynced, not yet renamed into place) or ``renamed`` (renamed, the
journal not yet emptied). ``count`` kills nothing and prints how often each point was met.
"""

from __future__ import annotations

import os
import signal
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

from qbsim import journal
from qbsim.company import Company

MET: Counter[str] = Counter()


def _meet(point: str, armed: str, nth: int) -> None:
    MET[point] += 1
    if point == armed and MET[point] == nth:
        os.kill(os.getpid(), signal.SIGKILL)


def _around(
    owner: Any,
    name: str,
    before: str | None,
    after: str | None,
    arm: Callable,
    when: Callable[..., bool] = lambda *args: True,
) -> None:
    original = getattr(owner, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        counted = when(*args)
        if before and counted:
            arm(before)
        result = original(*args, **kwargs)
        if after and counted:
            arm(after)
        return result

    setattr(owner, name, wrapped)


def _company_file(path: Any) -> bool:
    """Whether ``path`` is a workspace's company file (not the holders' notes of its locks)."""
    return str(path).endswith(".qbsim.json")


def main(argv: list[str]) -> int:
    armed, nth, command = argv[0], int(argv[1]), argv[2:]

    def arm(point: str) -> None:
        _meet(point, armed, nth)

    _around(Company, "process", "answered", None, arm)
    _around(journal.Journal, "_write", "unwritten", "written", arm)
    # Only the company file's renames: the workspace lock writes its holder's note the same way.
    _around(os, "replace", "renaming", "renamed", arm, lambda _src, dst: _company_file(dst))
    from syncengine.cli import main as qbsync

    code = qbsync(command)
    if armed == "count":
        print(dict(MET), file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
