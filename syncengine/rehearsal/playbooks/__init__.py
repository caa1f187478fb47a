"""Playbooks: a documented flow as data (``scenarios/*.yaml``), run step by step against a
workspace and a simulated QuickBooks company, each step followed by what must then hold.

``load(path)`` reads and validates one (:class:`PlaybookError` names file, line and key);
``PlaybookRun(path)`` runs it one step at a time (``next_step()`` gives each
:class:`StepResult`; ``run_to_end()``); ``run(path)`` runs it to its end and gives an
:class:`Outcome`; ``render(outcome)`` says it for people.
The format is documented in ``scenarios/README.md``; ``qbsync scenario`` is the command line.
"""

from syncengine.rehearsal.playbooks.load import PlaybookError, load
from syncengine.rehearsal.playbooks.runner import Outcome, PlaybookRun, StepResult, render, run

__all__ = ["Outcome", "PlaybookError", "PlaybookRun", "StepResult", "load", "render", "run"]
