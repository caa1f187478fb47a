"""Property-based fuzzing (hypothesis) of the readers hostile input reaches: the engine's qbXML
response parser, qbsim's request handler and the fault-plan and playbook loaders. Whatever
comes in, each answers or raises its own typed error; nothing else escapes. A few hundred cases
here; ``python benchmarks/fuzz.py`` runs tens of thousands."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzz_cases import TARGETS

CASES = 100  # per target: the suite's share; benchmarks/fuzz.py runs many more


@pytest.mark.parametrize("target", list(TARGETS))
def test_hostile_input_gives_an_answer_or_a_typed_error(target):
    """Any generated input: the reader returns or raises its typed error (no crash)."""
    read, inputs = TARGETS[target]

    @settings(
        max_examples=CASES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(inputs)
    def check(document):
        assert read(document) in ("ok", *KINDS[target])

    check()


KINDS = {
    "qbxml response parser": ("ResponseParseError",),
    "qbsim request handler": ("QBXMLRPError", "NotImplementedInQbsim"),
    "fault plan loader": ("FaultPlanError",),
    "playbook loader": ("PlaybookError",),
}
