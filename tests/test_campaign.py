"""``qbsync campaign``: seeds × fault plans × dataset sizes, each a rehearsal, on Dask or
serially. A LocalCluster's results equal the serial run's (wall seconds aside); a plan that
duplicates or loses a record fails the campaign (exit 1, said on stderr); bad input is refused
naming the option."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from qbsim import Company
from syncengine.rehearsal.campaign import (
    Campaign,
    RunResult,
    dask_runner,
    load_datasets,
    load_plans,
    problems,
    run_campaign,
    summarise,
    with_wall,
)
from syncengine.rehearsal.rehearse import (
    Rehearsal,
    RehearsalRefused,
    company_file,
    lost_in_quickbooks,
    rehearse,
)
from syncengine.store import Store
from tests.cli_workspace import qbsync
from tests.test_preflight import TEMPLATES

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "scenarios" / "faults"
SMALL = Campaign(
    plans=load_plans(["none", "busy-office"], PLANS), seeds=2, datasets=(60,), max_jobs=4
)


@pytest.fixture(scope="module")
def serial() -> list[RunResult]:
    """The small campaign run here, one rehearsal after another."""
    return run_campaign(SMALL)


def _imported(folder: Path) -> Path:
    """A workspace holding the template folder's records, as ``import-app`` leaves it."""
    from syncengine.app import App
    from syncengine.app.importer import import_folder

    db = folder / "client.db"
    with Store(db) as store:
        import_folder(App(store), TEMPLATES)
    return db


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Campaign:
    """The small campaign with two clients' datasets besides: a folder and a workspace."""
    db = _imported(tmp_path_factory.mktemp("client"))
    return replace(SMALL, apps=load_datasets([TEMPLATES, db]))


class _Scattering:
    """The real Dask client, noting the type of everything it scatters. The cluster itself
    cannot be asked afterwards: the scattered data is released, asynchronously, once the
    campaign's futures are dropped, so asking ``who_has`` raced that release."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.scattered: list[str] = []

    def scatter(self, data: Any, **kwargs: Any) -> Any:
        self.scattered.append(type(data).__name__)
        return self.client.scatter(data, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def test_a_local_cluster_campaign_equals_its_serial_run(serial, clients):
    """Two Dask workers (threads of this process, to keep the test quick) give the same
    results, in the same order, as the serial run; only the wall seconds differ. So do they
    with clients' records as datasets, each sent to the cluster once."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        finished: list[RunResult] = []
        on_cluster = run_campaign(SMALL, dask_runner(client), on_done=finished.append)
        counting = _Scattering(client)
        with_clients = run_campaign(clients, dask_runner(counting))
        assert counting.scattered == ["AppRecords", "AppRecords"]  # each dataset sent once
    assert len(on_cluster) == 4 and len(finished) == 4
    assert [r.without_wall() for r in on_cluster] == [r.without_wall() for r in serial]
    assert with_wall(on_cluster, 0) == with_wall(serial, 0)
    clients_serially = run_campaign(clients)
    assert len(with_clients) == 12
    assert with_wall(with_clients, 0) == with_wall(clients_serially, 0)
    assert [r.without_wall() for r in with_clients] == [r.without_wall() for r in clients_serially]


def test_the_serial_run_covers_every_plan_and_seed_and_the_faults_show(serial):
    """Plan × seed in task order; the busy office's faults leave failures by code."""
    assert [(r.plan, r.seed) for r in serial] == [
        ("none", 1),
        ("none", 2),
        ("busy-office", 1),
        ("busy-office", 2),
    ]
    assert all(r.records == 60 and r.synced + r.failed <= 60 for r in serial)
    clean, busy = summarise(serial).to_dict(orient="records")
    assert clean["failures_by_code"] == "-" and clean["synced"] == 120
    assert busy["failures_by_code"] != "-" and busy["failed"] > 0
    assert problems(serial) == []


def _result(plan: str, seed: int, duplicates: int = 0, lost: int = 0) -> RunResult:
    return RunResult(plan, seed, "60 records", 60, 58, 2, {"3100": 2}, duplicates, lost, 90.0, 1)


def test_a_plan_that_duplicates_or_loses_a_record_fails_the_campaign():
    """Duplicates and records lost are summed per plan, and each bad plan is named."""
    results = [_result("calm", 1), _result("rough", 1, duplicates=2), _result("rough", 2, lost=1)]
    table = summarise(results).set_index("plan")
    assert table.loc["rough", "duplicates"] == 2 and table.loc["rough", "lost"] == 1
    assert table.loc["calm", "failures_by_code"] == "3100: 2"
    found = problems(results)
    assert len(found) == 2 and all(p.startswith("plan rough") for p in found)
    assert "seed 1 of 60 records" in found[0] and "seed 2 of 60 records" in found[1]


def test_a_record_missing_from_quickbooks_counts_as_lost(tmp_path):
    """A record the app holds as synced but the company no longer holds is lost (the
    company file is edited behind the engine's back to make one)."""
    db = tmp_path / "shop.db"
    report = rehearse(Rehearsal(records=20, seed=1), db)
    assert report.lost_in_quickbooks == 0
    company = Company.load(company_file(db))
    store = Store(db)
    assert lost_in_quickbooks(store, company) == 0
    customers = company.state.records["Customer"]
    del customers[next(iter(customers))]
    assert lost_in_quickbooks(store, company) == 1
    store.close()


def test_the_command_prints_and_writes_the_summary(tmp_path, capsys, monkeypatch):
    """``--serial --out DIR --json``: exit 0, the per-plan summary as JSON, CSV and HTML."""
    monkeypatch.chdir(ROOT)
    ran = qbsync(
        capsys, "campaign", "--serial", "--plans", "none", "--seeds", "1", "--records", "30",
        "--out", str(tmp_path), "--json",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    data = json.loads(ran.out)
    assert data["ok"] and data["summary"][0]["plan"] == "none"
    assert data["runs"][0]["synced"] == 30
    assert (tmp_path / "summary.csv").read_text().startswith("plan,dataset,runs,records")
    assert "<table" in (tmp_path / "summary.html").read_text()


def test_the_command_fails_loudly_on_a_duplicating_plan(capsys, monkeypatch):
    """A campaign whose runs duplicated a record exits 1 and says so on stderr."""
    from syncengine.rehearsal import campaign as module

    def duplicating(*args: object, **kwargs: object) -> RunResult:
        # Only the result row stands in: the rest of the command runs as it is.
        return _result("none", 1, duplicates=1)

    monkeypatch.setattr(module, "run_task", duplicating)
    ran = qbsync(capsys, "campaign", "--serial", "--plans", "none", "--seeds", "1")
    assert ran.code == 1
    assert "CAMPAIGN FAILED: plan none: 1 record(s) duplicated in QuickBooks" in ran.err


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--plans", "no-such-plan"], "--plans: no fault plan 'no-such-plan'"),
        (["--seeds", "0"], "--seeds must be at least 1, not 0"),
        (["--records", "0"], "--records must list sizes of at least 1 record"),
        (["--workers", "0"], "--workers must be at least 1, not 0"),
    ],
)
def test_bad_arguments_are_refused_naming_the_argument(argv, named, capsys, monkeypatch):
    """Refused before anything runs: exit 2, the option named on stderr."""
    monkeypatch.chdir(ROOT)
    ran = qbsync(capsys, "campaign", *argv)
    assert ran.code == 2 and named in ran.err, ran.err


def test_an_unknown_plan_lists_the_plans_there_are():
    """The refusal says which plans can be given by name."""
    with pytest.raises(RehearsalRefused, match="busy-office, every-fault, migration-day"):
        load_plans(["nope"], PLANS)


def test_the_command_runs_on_a_given_scheduler(capsys, monkeypatch):
    """``--scheduler ADDRESS`` sends the rehearsals to that cluster's workers (here a cluster
    in this process) and finds what the serial run finds."""
    from distributed import LocalCluster

    monkeypatch.chdir(ROOT)
    argv = ["campaign", "--plans", "busy-office", "--seeds", "2", "--records", "40", "--json"]
    serial = json.loads(qbsync(capsys, *argv, "--serial").out)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        ran = qbsync(capsys, *argv, "--scheduler", cluster.scheduler_address)
        assert "run_task" in cluster.scheduler.task_prefixes  # the rehearsals ran there
    assert ran.code == 0, ran.err
    assert json.loads(ran.out)["summary"] == serial["summary"]


def test_clients_datasets_are_named_in_the_summary_and_read_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--app FOLDER WORKSPACE``: a summary row per plan and dataset, named by its path;
    each dataset read once for all its plans and seeds, never by a rehearsal."""
    from syncengine.rehearsal import campaign as module
    from syncengine.rehearsal import rehearse as rehearsal

    db = _imported(tmp_path)
    reads: list[Path] = []
    read = module.load_app
    monkeypatch.setattr(
        module, "load_app", lambda path, start: reads.append(path) or read(path, start)
    )
    monkeypatch.setattr(rehearsal, "load_app", None)  # a rehearsal reading a path would fail
    monkeypatch.chdir(ROOT)
    ran = qbsync(
        capsys, "campaign", "--serial", "--plans", "none", "busy-office", "--seeds", "2",
        "--records", "20", "--app", TEMPLATES, db, "--json",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    assert reads == [TEMPLATES, db]
    rows = [(r["plan"], r["dataset"], r["runs"], r["records"]) for r in ran.json["summary"]]
    assert rows == [
        ("none", "20 records", 2, 40),
        ("none", str(TEMPLATES), 2, 26),
        ("none", str(db), 2, 26),
        ("busy-office", "20 records", 2, 40),
        ("busy-office", str(TEMPLATES), 2, 26),
        ("busy-office", str(db), 2, 26),
    ]
    by_dataset = {r["dataset"]: r for r in ran.json["summary"] if r["plan"] == "busy-office"}
    assert by_dataset[str(TEMPLATES)] | {"dataset": ""} == by_dataset[str(db)] | {"dataset": ""}
    text = qbsync(capsys, "campaign", "--serial", "--plans", "none", "--seeds", "1", "--app", db)
    assert "by fault plan and dataset" in text.out and str(db) in text.out
    assert "20 records" not in text.out  # --app alone: no generated dataset


def test_a_dataset_that_cannot_be_read_is_refused_before_any_rehearsal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exit 2, naming the path, as rehearse --app refuses it."""
    monkeypatch.chdir(ROOT)
    ran = qbsync(capsys, "campaign", "--serial", "--plans", "none", "--app", tmp_path / "gone")
    assert ran.code == 2
    assert f"--app {tmp_path / 'gone'}: no such folder or workspace file" in ran.err
