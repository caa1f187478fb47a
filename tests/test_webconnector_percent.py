"""The percent ``receiveResponseXML`` answers moves through the whole run, import included,
and says 100 only when the job is finished."""

from __future__ import annotations

from itertools import groupby

from tests.test_webconnector_versions import update
from tests.webconnector_world import company, server


def test_the_percent_moves_through_the_import_and_ends_at_100():
    """Over a whole run (export, then the import's queries type by type) the percent never goes
    back, never repeats more than a few answers in a row (it sat at 99 through the import) and
    is below 100 until the last answer."""
    acme = company("acme", 60, seed=2)
    with server(acme) as (url, _):
        run, sent = update(acme, url)
    progress = run.progress
    assert run.finished and len(sent) == len(progress) > 10
    assert progress == sorted(progress) and progress[-1] == 100 and max(progress[:-1]) < 100
    assert max(len(list(same)) for _, same in groupby(progress)) <= 3, progress


def test_an_import_only_run_moves_too():
    """A run with nothing to export (a second run right after the first) still moves through
    its import queries and ends at 100."""
    acme = company("acme", 20, seed=5, import_every_minutes=0)
    with server(acme) as (url, _):
        update(acme, url)
        run, _ = update(acme, url)
    assert run.finished and run.progress[-1] == 100
    assert len(set(run.progress)) > len(run.progress) // 2, run.progress
