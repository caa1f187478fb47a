"""ipywidgets views over the engine, for notebooks: the only part of syncengine that imports
ipywidgets (the ``widgets-in-ui`` contract in pyproject.toml says so; the engine never
imports this package).

* :class:`~syncengine.ui.table.DataTable`: a filtered, sorted, paged table over a DataFrame.
* :class:`~syncengine.ui.queue_view.QueueView`: the sync queue and its actions.
* :class:`~syncengine.ui.jobs_view.JobsView`: the sync jobs, new job, run, each job's errors.
* :class:`~syncengine.ui.wizard_view.WizardView`: the sync wizard, Approve checked, its log.
* :class:`~syncengine.ui.records_view.RecordsView`: find a record, rename it, its actions.
* :class:`~syncengine.ui.training.ExerciseView`: a training exercise with its screens, "Check
  my work" and "Reset exercise" (the exercises: :mod:`syncengine.rehearsal.training`).
* :class:`~syncengine.ui.scenario_player.ScenarioPlayer`: step through a playbook with Next.
* :class:`~syncengine.ui.support_view.SupportView`: a customer's errors, the guide's fix, the
  playbooks that reproduce each code and their verdict.
* :class:`~syncengine.ui.settings_view.SettingsView`: the settings page, Apply says what it did.
* :class:`~syncengine.ui.autosync_view.AutoSyncView`: the auto-sync panel on a simulated clock.
* :class:`~syncengine.ui.rehearsal_dashboard.RehearsalDashboard`: rehearse with a progress
  bar, then plots and the summary with each error's fix.

Each view is usable alone: display it (it is its own cell value), or drive it from code by
setting its widgets' ``value`` and calling ``click()`` on its buttons.
"""

from __future__ import annotations

from syncengine.ui.autosync_view import AutoSyncView
from syncengine.ui.common import View
from syncengine.ui.jobs_view import JobsView
from syncengine.ui.queue_view import QueueView
from syncengine.ui.records_view import RecordsView
from syncengine.ui.rehearsal_dashboard import RehearsalDashboard
from syncengine.ui.scenario_player import ScenarioPlayer
from syncengine.ui.settings_view import SettingsView
from syncengine.ui.support_view import SupportView
from syncengine.ui.table import DataTable
from syncengine.ui.training import ExerciseView
from syncengine.ui.wizard_view import WizardView

__all__ = [
    "AutoSyncView",
    "DataTable",
    "ExerciseView",
    "JobsView",
    "QueueView",
    "RecordsView",
    "RehearsalDashboard",
    "ScenarioPlayer",
    "SettingsView",
    "SupportView",
    "View",
    "WizardView",
]
