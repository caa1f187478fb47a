"""Latency profiles: the YAML data, the cost formula, and fitting from observed timings."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from qbsim.errors import ProfileError
from qbsim.profile import PROFILE_DIR, Cost, Profile, fit_cost, fit_profile, load_profile


def test_default_profile_says_its_numbers_are_estimates():
    """default.yaml states where its numbers come from, and that they are not measured."""
    profile = load_profile("default")
    assert "ESTIMATES, NOT MEASUREMENTS" in profile.source
    assert "qbsync profile fit LOG" in profile.source  # and says how to measure them


def test_every_built_in_profile_loads():
    """Each YAML file in qbsim/profiles/ is a valid profile with a catch-all entry."""
    for path in PROFILE_DIR.glob("*.yaml"):
        assert load_profile(path).cost("SomethingNewRq").base > 0


def test_exact_type_wins_then_the_longest_pattern():
    """CustomerQueryRq → *QueryRq; ItemServiceQueryRq → Item*QueryRq; InvoiceAddRq exact."""
    profile = load_profile("default")
    assert profile.cost("CustomerQueryRq") == profile.costs["*QueryRq"]
    assert profile.cost("ItemServiceQueryRq") == profile.costs["Item*QueryRq"]
    assert profile.cost("InvoiceAddRq") == profile.costs["InvoiceAddRq"]


def test_cost_is_base_plus_per_record_without_jitter():
    """No jitter: exactly base + per_record x size."""
    assert Cost(0.5, 0.25).seconds(4, random.Random(1)) == 1.5


def test_jitter_is_lognormal_and_seeded():
    """With jitter, the same seed gives the same draws and the mean stays near the formula."""
    cost = Cost(1.0, 0.0, 0.2)
    draws = [cost.seconds(0, random.Random(9)) for _ in range(2)]
    assert draws[0] == draws[1]
    rng = random.Random(3)
    mean = sum(cost.seconds(0, rng) for _ in range(4000)) / 4000
    assert mean == pytest.approx(1.0, rel=0.05)


def test_a_request_type_with_no_cost_names_the_fix():
    """A profile without '*' and no match for the type says to add one."""
    with pytest.raises(ProfileError, match=r"no cost for CustomerAddRq .* add it \(or a '\*'"):
        Profile("tiny", {"CustomerQueryRq": Cost(1.0)}).cost("CustomerAddRq")


def test_unknown_profile_name_lists_the_built_in_ones():
    """An unknown profile name says which ones exist."""
    with pytest.raises(ProfileError, match="built in: default"):
        load_profile("warp-speed")


def test_bad_cost_entry_names_the_request_type():
    """A typo in a cost names the request type and the allowed keys."""
    with pytest.raises(ProfileError, match=r"requests\.CustomerAddRq: unknown key 'bse'"):
        load_profile({"requests": {"CustomerAddRq": {"bse": 1}}})


def test_save_and_load_round_trip(tmp_path):
    """A profile written to YAML reads back equal."""
    profile = load_profile("default")
    profile.save(tmp_path / "copy.yaml")
    assert load_profile(tmp_path / "copy.yaml") == profile


def synthetic(rows: int, seed: int) -> pd.DataFrame:
    """Timings drawn from known costs: adds 0.4 s + 0.05 s/line, queries 0.1 s + 0.01 s/record."""
    truth = {"InvoiceAddRq": Cost(0.4, 0.05, 0.1), "CustomerQueryRq": Cost(0.1, 0.01, 0.1)}
    rng = random.Random(seed)
    data = []
    for _ in range(rows):
        kind = rng.choice(sorted(truth))
        size = rng.randint(1, 200)
        data.append((kind, size, truth[kind].seconds(size, rng)))
    return pd.DataFrame(data, columns=["request_type", "size", "seconds"])


def test_fit_recovers_known_costs_from_a_table():
    """Least squares on 2000 noisy rows finds base, per_record and jitter again."""
    fitted = fit_profile(synthetic(2000, seed=1), name="calibrated")
    invoice, query = fitted.cost("InvoiceAddRq"), fitted.cost("CustomerQueryRq")
    assert invoice.base == pytest.approx(0.4, abs=0.15)
    assert invoice.per_record == pytest.approx(0.05, rel=0.1)
    assert query.per_record == pytest.approx(0.01, rel=0.1)
    assert invoice.jitter == pytest.approx(0.1, abs=0.03)
    assert fitted.cost("VendorAddRq") == load_profile("default").cost("VendorAddRq")


def test_fit_takes_plain_tuples():
    """Rows may be (request type, size, seconds) tuples; one size only → no per-record cost."""
    fitted = fit_profile([("CustomerAddRq", 1, 0.3), ("CustomerAddRq", 1, 0.5)])
    assert fitted.cost("CustomerAddRq") == Cost(
        pytest.approx(0.4), 0.0, pytest.approx(0.3612, abs=1e-3)
    )


def test_fit_keeps_costs_non_negative():
    """Times that fall with size give per_record 0 rather than a negative cost."""
    cost = fit_cost([(1.0, 0.9), (10.0, 0.5), (20.0, 0.1)])
    assert cost.per_record == 0.0
    assert cost.base == pytest.approx(0.5)


def test_fit_names_missing_columns():
    """A table without the three columns says which are missing."""
    with pytest.raises(ProfileError, match=r"lacks column\(s\) \['size'\]"):
        fit_profile(pd.DataFrame({"request_type": ["X"], "seconds": [1.0]}))
