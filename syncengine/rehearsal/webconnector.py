"""A rehearsal over the Web Connector's real path: the sync jobs run inside our SOAP server on
loopback, and qbsim's simulated Web Connector calls it over HTTP and answers from the host.

Each sync job is one or more update runs. A run that fails (QuickBooks not reachable, a request
refused, an answer lost) leaves the job unfinished; like the in-process driver, the Web
Connector's side waits by the :class:`~syncengine.rehearsal.driver.RetryPolicy` in simulated
time and runs again (the job resumes with error recovery), giving up where waiting cannot help
or after ``attempts`` failures in a row. Jobs follow each other as in-process ones do.
"""

from __future__ import annotations

import secrets
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from qbsim import QuickBooksHost
from qbsim.webconnector import SimulatedWebConnector, UpdateRun
from syncengine.rehearsal.driver import HOPELESS, RPC_DISCONNECTED, DriveStats, Exchange
from syncengine.store import Store
from syncengine.store.db import MEMORY
from syncengine.sync import identity
from syncengine.transports.hresults import transport_error
from syncengine.webconnector.config import CompanyConfig
from syncengine.webconnector.credentials import hash_password
from syncengine.webconnector.service import Served, WebConnectorService
from syncengine.webconnector.wsgi import serving

if TYPE_CHECKING:
    from syncengine.rehearsal.rehearse import Rehearsal

USER = "rehearsal"


def jobs_over_webconnector(
    host: QuickBooksHost,
    store: Store,
    options: Rehearsal,
    stats: DriveStats,
    on_exchange: Exchange | None,
) -> Generator[Any, Any, tuple[int, bool]]:
    """Sync jobs over the Web Connector until nothing is left that another job could fix or
    ``max_jobs`` ran (a simpy process body); (jobs run, whether the last is unfinished)."""
    password = secrets.token_urlsafe(16)
    file_id = identity.file_id_for(store)  # the rehearsal stamped its company with it
    owner = identity.OWNER_ID
    config = CompanyConfig(
        USER, hash_password(password), MEMORY, owner, file_id, options.batch_size
    )
    service = WebConnectorService({USER: Served(config, store)})
    with serving(service) as url:
        connector = SimulatedWebConnector(
            host,
            url,
            USER,
            password,
            owner_id=owner,
            file_id=file_id,
            on_exchange=on_exchange,
            log=options.wc_log,
        )
        return (yield from _jobs(connector, store, options, stats))


def _jobs(
    connector: SimulatedWebConnector, store: Store, options: Rehearsal, stats: DriveStats
) -> Generator[Any, Any, tuple[int, bool]]:
    from syncengine.rehearsal.rehearse import done_count, worth_another

    jobs = 0
    while True:
        done_before = done_count(store)
        jobs += 1
        finished = yield from _one_job(connector, store, options, stats)
        if (finished and not worth_another(store, done_before)) or jobs >= options.max_jobs:
            return jobs, not finished
        yield connector.host.env.timeout(options.pause_seconds)


def _one_job(
    connector: SimulatedWebConnector, store: Store, options: Rehearsal, stats: DriveStats
) -> Generator[Any, Any, bool]:
    """Update runs until the job is finished (True) or the policy gives up (False)."""
    env, policy, failures = connector.host.env, options.retry, 0
    while True:
        run: UpdateRun = yield env.process(connector.update())
        _count(run, stats)
        if not run.failed and store.jobs.current() is None:
            return True
        failures += 1
        error = transport_error(run.last_failure or RPC_DISCONNECTED, run.last_error)
        if isinstance(error, HOPELESS) or failures >= policy.attempts:
            stats.gave_up += 1
            return False
        seconds = policy.wait(error, failures)
        stats.waited_seconds += seconds
        yield env.timeout(seconds)


def _count(run: UpdateRun, stats: DriveStats) -> None:
    stats.requests += run.requests
    stats.answered += run.answered
    stats.lost += run.lost
    for hresult, count in run.refused.items():
        for _ in range(count):
            stats.count_refusal(int(hresult, 16))
    if run.connection_error:
        stats.count_refusal(int(run.connection_error, 16))
