"""ipywidgets views over the engine, for notebooks: the only part of syncengine that imports
ipywidgets (the ``widgets-in-ui`` contract in pyproject.toml says so; the engine never
imports this package).

* :class:`~syncengine.ui.table.DataTable`: a filtered, sorted, paged table over a DataFrame.
* :class:`~syncengine.ui.queue_view.QueueView`: the sync queue and its actions.
* :class:`~syncengine.ui.jobs_view.JobsView`: the sync jobs, new job, run, each job's errors.
* :class:`~syncengine.ui.wizard_view.WizardView`: the sync wizard, Approve checked, its log.
* :class:`~syncengine.ui.records_view.RecordsView`: find a record, rename it, its actions.
* :class:`~syncengine.ui.rehearsal_dashboard.RehearsalDashboard`: rehearse with a progress
  bar, then plots and the summary with each error's fix.

Each view is usable alone: display it (it is its own cell value), or drive it from code by
setting its widgets' ``value`` and calling ``click()`` on its buttons.
"""

from __future__ import annotations

from syncengine.ui.common import View
from syncengine.ui.jobs_view import JobsView
from syncengine.ui.queue_view import QueueView
from syncengine.ui.records_view import RecordsView
from syncengine.ui.rehearsal_dashboard import RehearsalDashboard
from syncengine.ui.table import DataTable
from syncengine.ui.wizard_view import WizardView

__all__ = [
    "DataTable",
    "JobsView",
    "QueueView",
    "RecordsView",
    "RehearsalDashboard",
    "View",
    "WizardView",
]
