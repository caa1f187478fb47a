"""Benchmark: whole rehearsals (generated app -> sync jobs -> simulated QuickBooks) by size.

For each size: records per wall second of the sync (generating the app is timed apart), the
raw lxml parse and serialise of the very same request and response documents, their ratio,
and the growth of the sync time from 10k to 100k records. Targets: >= 5,000 records/s at
100k, within 3x of raw lxml, 100k/10k <= 11 (linear is 10). ``--cprofile`` runs the largest
size again under cProfile and prints where the sync's time goes, by area and by function.
``--repeat N`` rehearses each size N times and keeps the fastest run (the spread is printed).

    .venv/bin/python benchmarks/bench_sync.py                          # 1k and 10k
    .venv/bin/python benchmarks/bench_sync.py --sizes 1000 10000 100000 --repeat 3
    .venv/bin/python benchmarks/bench_sync.py --sizes 10000 --cprofile --json
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from lxml import etree

import syncengine.rehearsal.rehearse as rehearsal
from qbsim.company import Company
from syncengine.rehearsal.rehearse import Rehearsal, RehearsalReport, rehearse

SEED = 1
TARGET_RATE = 5_000
TARGET_RATIO = 3.0
TARGET_GROWTH = 11.0
# Where a function's own time is charged: the first matching path fragment (or C name).
AREAS = (
    ("syncengine/store", "engine store (SQLite calls from Python)"),
    ("syncengine/rehearsal/driver", "simulator driver"),
    ("syncengine/sync", "sync job"),
    ("syncengine/mapping", "mapping app <-> qbXML"),
    ("syncengine/qbxml", "engine qbXML build/parse"),
    ("syncengine/", "engine, other"),
    ("qbsim/host", "qbsim host (queue, faults, event log)"),
    ("qbsim/", "qbsim company model and wire"),
    ("qbschema", "qbschema (request building/checks)"),
    ("simpy", "simpy"),
    ("sqlite3", "SQLite (C)"),
    ("lxml", "lxml (C)"),
    ("json", "json"),
)
OTHER = "Python stdlib"
# Calls whose cumulative time splits the sync between the engine and the simulated QuickBooks.
ENTRY_POINTS = (
    ("syncengine/sync/job.py", "next_request", "engine: SyncJob.next_request"),
    ("syncengine/sync/job.py", "receive", "engine: SyncJob.receive (+ build the next)"),
    ("qbsim/company.py", "process", "qbsim: Company.process (answer)"),
    ("qbsim/host/requests.py", "summarise", "qbsim host: read each request again"),
    ("qbsim/host/requests.py", "read_response", "qbsim host: read each answer again"),
)


_WRITE = re.compile(r"<(?:\w+(?:Add|Mod)|ListDel|TxnDel|TxnVoid)Rq\b")
_QUERY = re.compile(r"<\w+QueryRq\b")
PHASES = ("export", "import", "recovery")


def phase_of(request_xml: str) -> str:
    """Which phase a request document belongs to: writes export, queries import."""
    if _WRITE.search(request_xml):
        return "export"
    return "import" if _QUERY.search(request_xml) else "recovery"


@dataclass
class Recorder:
    """The documents that crossed, and wall seconds per phase: in all, and inside qbsim's
    ``Company.process`` (the rest is the engine, the host and simpy)."""

    documents: list[tuple[str, str]] = field(default_factory=list)
    wall: dict[str, float] = field(default_factory=dict)
    qbsim: dict[str, float] = field(default_factory=dict)
    messages: dict[str, int] = field(default_factory=dict)
    last: float = 0.0
    cpu_began: float = 0.0
    cpu_last: float = 0.0
    gc_seconds: float = 0.0
    syncing: bool = False
    _gc_began: float = 0.0

    def start(self) -> None:
        """The sync begins now (the app has been generated)."""
        self.last, self.cpu_began = time.perf_counter(), time.process_time()
        self.syncing = True

    def collecting(self, phase: str, info: dict[str, Any]) -> None:
        """A ``gc.callbacks`` hook: time the cyclic garbage collector during the sync."""
        if not self.syncing:
            return
        if phase == "start":
            self._gc_began = time.perf_counter()
        else:
            self.gc_seconds += time.perf_counter() - self._gc_began

    def exchange(self, request: str, response: str) -> None:
        """``on_exchange``: charge the wall time since the last answer to this phase."""
        now, phase = time.perf_counter(), phase_of(request)
        self.documents.append((request, response))
        self.wall[phase] = self.wall.get(phase, 0.0) + now - self.last
        self.messages[phase] = self.messages.get(phase, 0) + 1
        self.last, self.cpu_last = now, time.process_time()

    @property
    def cpu_seconds(self) -> float:
        """CPU seconds of this process from the sync's start to its last answer."""
        return self.cpu_last - self.cpu_began

    @contextmanager
    def timing_qbsim(self) -> Iterator[None]:
        """Time every ``Company.process`` call (the class is restored afterwards)."""
        original = Company.process

        def process(company: Company, request_xml: str | bytes) -> str:
            began = time.perf_counter()
            try:
                return original(company, request_xml)
            finally:
                phase = phase_of(request_xml if isinstance(request_xml, str) else "")
                self.qbsim[phase] = self.qbsim.get(phase, 0.0) + time.perf_counter() - began

        Company.process = process  # type: ignore[method-assign]
        try:
            yield
        finally:
            Company.process = original  # type: ignore[method-assign]

    def phases(self) -> list[dict[str, Any]]:
        """Per phase: messages, wall seconds, seconds inside qbsim, seconds elsewhere."""
        rows = []
        for phase in PHASES:
            if phase in self.messages:
                wall, inside = self.wall[phase], self.qbsim.get(phase, 0.0)
                rows.append(
                    {
                        "phase": phase,
                        "messages": self.messages[phase],
                        "wall_seconds": round(wall, 3),
                        "qbsim_seconds": round(inside, 3),
                        "engine_host_seconds": round(wall - inside, 3),
                    }
                )
        return rows


@dataclass
class Row:
    """One size's results."""

    records: int
    synced: int
    failed: int
    duplicates: int
    jobs: int
    messages: int
    sync_wall_s: float
    sync_cpu_s: float
    records_per_s: float
    raw_lxml_s: float
    ratio_to_lxml: float
    qbsim_s: float
    gc_s: float
    engine_ratio_to_lxml: float
    walk_ratio_to_lxml: float
    simulated_s: float
    estimated_duration: str
    generate_wall_s: float
    phases: list[dict[str, Any]]
    wall_runs: list[float] = field(default_factory=list)


def run_size(records: int, seed: int, batch_size: int) -> Row:
    """Rehearse ``records`` records, timing qbsim apart, and raw lxml on the same documents."""
    recorder = Recorder()
    original = rehearsal.generate_app

    def generate(*args: Any, **kwargs: Any) -> Any:
        try:
            return original(*args, **kwargs)
        finally:
            recorder.start()

    gc.collect()
    rehearsal.generate_app = generate
    gc.callbacks.append(recorder.collecting)
    try:
        with recorder.timing_qbsim():
            options = Rehearsal(records=records, seed=seed, batch_size=batch_size)
            report = rehearse(options, on_exchange=recorder.exchange)
    finally:
        recorder.syncing = False  # the collector's passes from here on are not the sync's
        rehearsal.generate_app = original
        gc.callbacks.remove(recorder.collecting)
    raw = raw_lxml(recorder.documents)
    return _row(report, recorder, raw, python_walk(recorder.documents) / raw if raw else 0.0)


def best_of(records: int, seed: int, batch_size: int, repeat: int) -> Row:
    """The fastest of ``repeat`` rehearsals of one size (sync wall time), with every run's
    wall time kept in ``wall_runs``: on a machine whose speed drifts, the best run is the
    one least disturbed, and the spread shows how much to trust it."""
    rows = [run_size(records, seed, batch_size) for _ in range(repeat)]
    best = min(rows, key=lambda r: r.sync_wall_s)
    best.wall_runs = [r.sync_wall_s for r in rows]
    return best


def _row(report: RehearsalReport, recorder: Recorder, raw: float, walk: float) -> Row:
    inside = sum(recorder.qbsim.values())
    outside = report.wall_seconds - inside
    return Row(
        records=report.records,
        synced=report.synced,
        failed=report.failed,
        duplicates=report.duplicates_in_quickbooks,
        jobs=report.jobs,
        messages=len(recorder.documents),
        sync_wall_s=round(report.wall_seconds, 3),
        sync_cpu_s=round(recorder.cpu_seconds, 3),
        records_per_s=round(report.records_per_second, 1),
        raw_lxml_s=round(raw, 4),
        ratio_to_lxml=round(report.wall_seconds / raw, 1) if raw else 0.0,
        qbsim_s=round(inside, 3),
        gc_s=round(recorder.gc_seconds, 3),
        engine_ratio_to_lxml=round(outside / raw, 1) if raw else 0.0,
        walk_ratio_to_lxml=round(walk, 1),
        simulated_s=round(report.simulated_seconds, 1),
        estimated_duration=report.estimated_duration,
        generate_wall_s=round(report.generate_wall_seconds, 3),
        phases=recorder.phases(),
    )


def raw_lxml(documents: list[tuple[str, str]], repeat: int = 3) -> float:
    """Seconds for lxml alone to parse and serialise every request and response text (the
    best of ``repeat`` rounds)."""
    encoded = [(rq.encode(), rs.encode()) for rq, rs in documents]
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        for request, response in encoded:
            etree.tostring(etree.fromstring(request))
            etree.tostring(etree.fromstring(response))
        best = min(best, time.perf_counter() - began)
    return best


def python_walk(documents: list[tuple[str, str]], repeat: int = 3) -> float:
    """Seconds for the least a Python reader of every field does: raw lxml's round trip plus
    one visit of every element of each request and response, its children's tags and texts
    gathered into a dict (the best of ``repeat`` rounds). Its ratio to :func:`raw_lxml` is a
    floor for any sync written in Python whose two sides each read every field once."""
    encoded = [(rq.encode(), rs.encode()) for rq, rs in documents]
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        for request, response in encoded:
            for text in (request, response):
                root = etree.fromstring(text)
                for element in root.iter():
                    {child.tag: child.text for child in element}
                etree.tostring(root)
        best = min(best, time.perf_counter() - began)
    return best


# -- where the time goes ---------------------------------------------------------------------
def profile_sync(records: int, seed: int, batch_size: int) -> pstats.Stats:
    """cProfile of one rehearsal's sync only (generating the app runs with the profiler off)."""
    profiler = cProfile.Profile()
    original = rehearsal.generate_app

    def generate_unprofiled(*args: Any, **kwargs: Any) -> Any:
        profiler.disable()
        try:
            return original(*args, **kwargs)
        finally:
            profiler.enable()

    rehearsal.generate_app = generate_unprofiled
    try:
        profiler.enable()
        rehearse(Rehearsal(records=records, seed=seed, batch_size=batch_size))
        profiler.disable()
    finally:
        rehearsal.generate_app = original
    return pstats.Stats(profiler)


def by_area(stats: pstats.Stats) -> list[tuple[str, float, float]]:
    """(area, own seconds, share) for every area, largest first. Time in Python built-ins
    (``dict.get``, ``isinstance`` ...) is charged to the area of the code that called them."""
    totals: dict[str, float] = {}
    for (filename, _, name), (_, _, own, _, callers) in stats.stats.items():  # type: ignore[attr-defined]
        area = _area(filename, name)
        if area != OTHER or not callers:
            totals[area] = totals.get(area, 0.0) + own
            continue
        for (caller_file, _, caller_name), (_, _, charged, _) in callers.items():
            caller_area = _area(caller_file, caller_name)
            totals[caller_area] = totals.get(caller_area, 0.0) + charged
    whole = sum(totals.values()) or 1.0
    return sorted(((a, s, s / whole) for a, s in totals.items()), key=lambda r: -r[1])


def entry_points(stats: pstats.Stats) -> list[tuple[str, float]]:
    """(entry point, cumulative seconds) for each of :data:`ENTRY_POINTS` that ran."""
    found = []
    for fragment, function, label in ENTRY_POINTS:
        seconds = sum(
            cumulative
            for (filename, _, name), (_, _, _, cumulative, _) in stats.stats.items()  # type: ignore[attr-defined]
            if name == function and fragment in filename.replace("\\", "/")
        )
        if seconds:
            found.append((label, seconds))
    return found


def _area(filename: str, name: str) -> str:
    where = filename.replace("\\", "/") if filename != "~" else name
    for fragment, area in AREAS:
        if fragment in where:
            return area
    return OTHER


def top_functions(stats: pstats.Stats, count: int) -> list[tuple[str, int, float, float]]:
    """(function, calls, own seconds, cumulative seconds), the ``count`` largest own times."""
    rows = []
    for (filename, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = name if filename == "~" else f"{_short(filename)}:{line}({name})"
        rows.append((where, calls, own, cumulative))
    return sorted(rows, key=lambda r: -r[2])[:count]


def _short(filename: str) -> str:
    path = filename.replace("\\", "/")
    for root in ("syncengine/", "qbsim/", "qbschema/", "simpy/", "lxml/"):
        if root in path:
            return root + path.split(root, 1)[1]
    return path.rsplit("/", 1)[-1]


# -- output ----------------------------------------------------------------------------------
def growth(rows: list[Row], column: str = "sync_wall_s") -> float | None:
    """Sync time (wall, or ``sync_cpu_s``) at 100k over 10k (None unless both ran)."""
    by_size = {r.records: getattr(r, column) for r in rows}
    if 100_000 in by_size and 10_000 in by_size:
        return round(by_size[100_000] / by_size[10_000], 2)
    return None


def print_table(rows: list[Row]) -> None:
    print(
        f"{'records':>8} {'synced':>8} {'dupes':>5} {'sync s':>8} {'cpu s':>7} {'records/s':>10}"
        f" {'lxml s':>7} {'x lxml':>6} {'walk x':>6} {'qbsim s':>8} {'rest x lxml':>11}"
        f" {'gc s':>6}"
        f" {'simulated':>11}"
        f" {'gen s':>6}"
    )
    for r in rows:
        print(
            f"{r.records:>8,} {r.synced:>8,} {r.duplicates:>5} {r.sync_wall_s:>8.2f}"
            f" {r.sync_cpu_s:>7.2f}"
            f" {r.records_per_s:>10,.0f} {r.raw_lxml_s:>7.3f} {r.ratio_to_lxml:>6.1f}"
            f" {r.walk_ratio_to_lxml:>6.1f}"
            f" {r.qbsim_s:>8.2f} {r.engine_ratio_to_lxml:>11.1f} {r.gc_s:>6.2f}"
            f" {r.estimated_duration:>11}"
            f" {r.generate_wall_s:>6.2f}"
        )
    if any(len(r.wall_runs) > 1 for r in rows):
        spreads = ", ".join(
            f"{r.records:,}: {min(r.wall_runs):.2f}-{max(r.wall_runs):.2f} s" for r in rows
        )
        print(f"best of {len(rows[0].wall_runs)} runs per size (sync s of all runs: {spreads})")
    ratio, cpu = growth(rows), growth(rows, "sync_cpu_s")
    if ratio is not None:
        print(
            f"growth 100k/10k: {ratio:.2f} wall, {cpu:.2f} CPU"
            f" (target <= {TARGET_GROWTH:g}; linear = 10)"
        )
    print(
        f"targets: >= {TARGET_RATE:,} records/s at 100k; within {TARGET_RATIO:g}x of raw lxml."
        " 'sync s' excludes generating the app; 'qbsim s' is spent inside Company.process"
        " (the simulated QuickBooks); 'rest x lxml' is the remainder (engine, host, simpy)"
        " over raw lxml; 'walk x' is a bare Python visit of every element of the same"
        " documents over raw lxml (a floor for any Python sync); 'gc s' is Python's cyclic"
        " garbage collector during the sync"
    )
    largest = max(rows, key=lambda r: r.records)
    print(f"\nby phase at {largest.records:,} records:")
    print(f"  {'phase':<9} {'messages':>8} {'wall s':>8} {'in qbsim s':>10} {'elsewhere s':>11}")
    for p in largest.phases:
        print(
            f"  {p['phase']:<9} {p['messages']:>8,} {p['wall_seconds']:>8.2f}"
            f" {p['qbsim_seconds']:>10.2f} {p['engine_host_seconds']:>11.2f}"
        )


def print_profile(
    areas: list[tuple[str, float, float]], entries: list[tuple[str, float]], top: list[tuple]
) -> None:
    whole = sum(seconds for _, seconds, _ in areas) or 1.0
    print(f"\nwhere the sync's time goes under cProfile ({whole:.1f} s), own time by area:")
    for area, seconds, share in areas:
        print(f"  {area:<44} {seconds:>8.2f} s {share:>6.1%}")
    print("\ncumulative time of the calls that split it:")
    for label, seconds in entries:
        print(f"  {label:<44} {seconds:>8.2f} s {seconds / whole:>6.1%}")
    print("\ntop functions by own time:")
    print(f"  {'calls':>9} {'own s':>7} {'cum s':>7}  function")
    for where, calls, own, cumulative in top:
        print(f"  {calls:>9,} {own:>7.2f} {cumulative:>7.2f}  {where}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--batch-size", type=int, default=50, help="requests per message set")
    parser.add_argument(
        "--repeat", type=int, default=1, help="rehearse each size this often; keep the fastest"
    )
    parser.add_argument("--cprofile", action="store_true", help="profile the largest size")
    parser.add_argument("--top", type=int, default=20, help="functions to list with --cprofile")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    rows = [best_of(n, args.seed, args.batch_size, args.repeat) for n in args.sizes]
    areas: list[tuple[str, float, float]] = []
    entries: list[tuple[str, float]] = []
    top: list[tuple] = []
    if args.cprofile:
        stats = profile_sync(max(args.sizes), args.seed, args.batch_size)
        areas, entries = by_area(stats), entry_points(stats)
        top = top_functions(stats, args.top)
    if args.json:
        print(json.dumps(_json(rows, areas, entries, top, args), indent=2))
        return
    print_table(rows)
    if args.cprofile:
        print_profile(areas, entries, top)


def _json(
    rows: list[Row], areas: list, entries: list, top: list, args: argparse.Namespace
) -> dict[str, Any]:
    round3: Callable[[float], float] = lambda x: round(x, 3)  # noqa: E731 - a local shorthand
    return {
        "seed": args.seed,
        "batch_size": args.batch_size,
        "repeat": args.repeat,
        "sizes": [asdict(r) for r in rows],
        "growth_100k_over_10k": growth(rows),
        "cpu_growth_100k_over_10k": growth(rows, "sync_cpu_s"),
        "targets": {
            "records_per_second_at_100k": TARGET_RATE,
            "ratio_to_raw_lxml": TARGET_RATIO,
            "growth_100k_over_10k": TARGET_GROWTH,
        },
        "profile_records": max(args.sizes) if args.cprofile else None,
        "time_by_area": [
            {"area": a, "seconds": round3(s), "share": round(f, 4)} for a, s, f in areas
        ],
        "entry_points": [{"call": label, "seconds": round3(s)} for label, s in entries],
        "top_functions": [
            {"function": w, "calls": c, "own_seconds": round3(o), "cumulative_seconds": round3(u)}
            for w, c, o, u in top
        ],
    }


if __name__ == "__main__":
    main()
