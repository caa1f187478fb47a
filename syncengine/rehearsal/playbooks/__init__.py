"""Playbooks: a documented flow as data (``scenarios/*.yaml``), run step by step against a
workspace and a simulated QuickBooks company, each step followed by what must then hold.

``load(path)`` reads and validates one (:class:`PlaybookError` names file, line and key);
``run(path)`` runs it and gives an :class:`Outcome`; ``render(outcome)`` says it for people.
The format is documented in ``scenarios/README.md``; ``qbsync scenario`` is the command line.
"""

from syncengine.rehearsal.playbooks.load import PlaybookError, load
from syncengine.rehearsal.playbooks.runner import Outcome, render, run

__all__ = ["Outcome", "PlaybookError", "load", "render", "run"]
