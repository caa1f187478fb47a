"""What a step showed the user."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shown:
    """What a step showed the user: its exit status and messages."""

    exit: int = 0
    stdout: str = ""
    stderr: str = ""
