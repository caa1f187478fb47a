"""The synchronous driver: a sync job over a transport, request after request."""

from __future__ import annotations

from typing import Any

from syncengine.errors import TransportError
from syncengine.store import Store
from syncengine.sync.job import SyncJob
from syncengine.sync.report import JobReport
from syncengine.transports.base import Transport


def run_job(store: Store, transport: Transport, **options: Any) -> JobReport:
    """Run (or resume) the sync job to the end; ``options`` go to :meth:`SyncJob.start`.

    On a TransportError the job is told (``failed``) and the error re-raised: the job stays
    unfinished and the next run resumes it with error recovery.
    """
    job = SyncJob.start(store, **options)
    while (request := job.next_request()) is not None:
        try:
            response = transport.send(request)
        except TransportError as exc:
            job.failed(exc)
            raise
        job.receive(response)
    return job.report()
