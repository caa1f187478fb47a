"""The sync job: export the queue to QuickBooks, import QuickBooks' changes, exactly once.

::

    job = SyncJob.start(store)                  # resume the unfinished job, or start one
    while (request := job.next_request()) is not None:
        job.receive(transport.send(request))    # or job.failed(error) when no answer came
    print(job.report().summary())

or simply ``run_job(store, transport)``. ``docs/sync-design.md`` describes the phases, the
outcome of each status code, the conflict rule and error recovery.
"""

from __future__ import annotations

from syncengine.store import JobRefused
from syncengine.sync.job import SyncJob
from syncengine.sync.report import JobReport
from syncengine.sync.run import run_job

__all__ = ["JobRefused", "JobReport", "SyncJob", "run_job"]
