"""Fuzzing: hostile inputs to the qbXML response parser, qbsim's request handler and the
fault-plan and playbook loaders (hypothesis, seeded), counted by outcome.

Each case must end in an answer or the reader's own typed error; anything else is a crash,
printed with its input. The test suite runs the same targets with 100 cases each
(``tests/test_fuzz_properties.py``); this script runs ``--cases`` per target (default 2,500:
10,000 in all). Exit 1 when any case crashed.

    python benchmarks/fuzz.py [--cases 2500] [--seed 15] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzz_cases import TARGETS

SEED = 15


def fuzz(name: str, cases: int, seed_value: int) -> dict[str, Any]:
    """Run ``cases`` generated inputs through one target; its outcome counts and crashes."""
    read, inputs = TARGETS[name]
    outcomes: Counter[str] = Counter()
    crashes: list[str] = []

    @seed(seed_value)
    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(inputs)
    def one(document: Any) -> None:
        try:
            outcomes[read(document)] += 1
        except Exception as exc:
            outcomes["crash"] += 1
            if len(crashes) < 5:
                where = "".join(traceback.format_tb(exc.__traceback__)[-2:])
                crashes.append(
                    f"{document!r:.300}\n{where}{traceback.format_exception_only(exc)[-1]}"
                )

    started = time.perf_counter()
    one()
    return {
        "target": name,
        "cases": sum(outcomes.values()),
        "outcomes": dict(sorted(outcomes.items())),
        "crashes": outcomes["crash"],
        "examples": crashes,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2500, help="cases per target")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = [fuzz(name, args.cases, args.seed) for name in TARGETS]
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        _print(results)
    return 1 if any(r["crashes"] for r in results) else 0


def _print(results: list[dict[str, Any]]) -> None:
    for result in results:
        kinds = ", ".join(f"{k} {v:,}" for k, v in result["outcomes"].items())
        print(f"{result['target']}: {result['cases']:,} cases in {result['seconds']} s: {kinds}")
        for example in result["examples"]:
            print(f"  crash: {example}")
    total = sum(r["cases"] for r in results)
    crashes = sum(r["crashes"] for r in results)
    print(f"all: {total:,} cases, crashes: {crashes}")


if __name__ == "__main__":
    sys.exit(main())
