"""Latency profiles: how long QuickBooks takes to answer each request type, as data.

A profile gives, per request type, a ``Cost``: a base number of seconds, seconds per record
(a line sent in the request or a record returned by a query) and a jitter (the sigma of a
lognormal multiplier, 0 for none). Keys are request types (``CustomerAddRq``) or shell-style
patterns (``*QueryRq``, ``*``); the exact type wins, then the longest pattern. Profiles live as
YAML under ``qbsim/profiles/``; ``fit_profile`` makes one from observed timings, so a consultant
can calibrate the simulator from a real QuickBooks log (from timed message sets, which hold many
requests each: :mod:`qbsim.profilefit`, behind ``qbsync profile fit``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml

from qbsim import safe_yaml
from qbsim.errors import ProfileError

PROFILE_DIR = Path(__file__).with_name("profiles")
COST_KEYS = ("base", "per_record", "jitter")
DEFAULT_REFUSAL = 0.05  # seconds a refused call takes (so a retry loop still moves time on)


@dataclass(frozen=True)
class Cost:
    """Seconds one request of a type takes: ``base + per_record * size``, times jitter."""

    base: float
    per_record: float = 0.0
    jitter: float = 0.0

    def seconds(self, size: int, rng: random.Random | None = None) -> float:
        """The time for a request of ``size`` records; ``rng`` draws the jitter (none: exact)."""
        mean = self.base + self.per_record * size
        if rng is None or self.jitter <= 0:
            return mean
        return mean * rng.lognormvariate(0.0, self.jitter)

    def to_dict(self) -> dict[str, float]:
        return {"base": self.base, "per_record": self.per_record, "jitter": self.jitter}


@dataclass(frozen=True)
class Profile:
    """Per-request-type costs, a fixed overhead per message set, and the time of a refusal.

    ``refusal`` is how long a call QuickBooks refuses (an HRESULT) takes before it fails.
    """

    name: str
    costs: Mapping[str, Cost]
    message_set: float = 0.0
    source: str = ""
    refusal: float = DEFAULT_REFUSAL
    _patterns: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        patterns = sorted((k for k in self.costs if "*" in k or "?" in k), key=len, reverse=True)
        object.__setattr__(self, "_patterns", tuple(patterns))

    def cost(self, request_type: str) -> Cost:
        """The cost of a request type; ProfileError when neither it nor a pattern is listed."""
        found = self.costs.get(request_type)
        if found is not None:
            return found
        for pattern in self._patterns:
            if fnmatchcase(request_type, pattern):
                return self.costs[pattern]
        raise ProfileError(
            f"profile {self.name!r} has no cost for {request_type} and no pattern matching it; "
            "add it (or a '*' entry) to the profile"
        )

    def seconds(self, request_type: str, size: int, rng: random.Random | None = None) -> float:
        """Seconds QuickBooks spends on one request of this type and size."""
        return self.cost(request_type).seconds(size, rng)

    def to_dict(self) -> dict[str, Any]:
        """The YAML form (see ``qbsim/profiles/default.yaml``)."""
        return {
            "name": self.name,
            "source": self.source,
            "message_set": self.message_set,
            "refusal": self.refusal,
            "requests": {key: cost.to_dict() for key, cost in self.costs.items()},
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(yaml.safe_dump(self.to_dict(), sort_keys=False))


def profile_from_dict(data: Mapping[str, Any], where: str = "profile") -> Profile:
    """Build a profile from its YAML form; ProfileError names the entry at fault."""
    if not isinstance(data, Mapping) or not isinstance(data.get("requests"), Mapping):
        raise ProfileError(f"{where}: needs a 'requests' mapping of request type -> cost")
    costs = {
        str(key): _cost(value, f"{where}: requests.{key}")
        for key, value in data["requests"].items()
    }
    return Profile(
        name=str(data.get("name", where)),
        costs=costs,
        message_set=_number(data.get("message_set", 0.0), f"{where}: message_set"),
        source=str(data.get("source", "")),
        refusal=_number(data.get("refusal", DEFAULT_REFUSAL), f"{where}: refusal"),
    )


def _cost(value: Any, where: str) -> Cost:
    if isinstance(value, (int, float)):
        return Cost(_number(value, where))
    if not isinstance(value, Mapping):
        raise ProfileError(f"{where}: give a number of seconds or a mapping with 'base'")
    unknown = sorted(set(value) - set(COST_KEYS))
    if unknown:
        raise ProfileError(f"{where}: unknown key {unknown[0]!r} (use {', '.join(COST_KEYS)})")
    if "base" not in value:
        raise ProfileError(f"{where}: 'base' (seconds per request) is required")
    return Cost(*(_number(value.get(key, 0.0), f"{where}.{key}") for key in COST_KEYS))


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ProfileError(f"{where}: {value!r} is not a non-negative number of seconds")
    return float(value)


def load_profile(spec: str | Path | Mapping[str, Any] | Profile = "default") -> Profile:
    """A profile by name (a file in ``qbsim/profiles/``), by path, from a dict, or as given."""
    if isinstance(spec, Profile):
        return spec
    if isinstance(spec, Mapping):
        return profile_from_dict(spec)
    path = Path(spec)
    if not path.suffix:
        path = PROFILE_DIR / f"{spec}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in PROFILE_DIR.glob("*.yaml")))
        raise ProfileError(f"no latency profile {str(spec)!r} (built in: {known}; or give a path)")
    try:
        data = safe_yaml.load(safe_yaml.read_text(path, "latency profile"))
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML: {exc}") from None
    except ValueError as exc:
        raise ProfileError(str(exc)) from None
    return profile_from_dict(data, where=str(path))


# -- fitting --------------------------------------------------------------------------
Observation = tuple[str, int, float]  # (request type, size, seconds)


def fit_profile(
    rows: Iterable[Observation] | Any,
    *,
    name: str = "fitted",
    source: str = "",
    fallback: Profile | None = None,
) -> Profile:
    """Fit ``base`` and ``per_record`` per request type by least squares, jitter from residuals.

    ``rows`` are (request type, size, seconds) tuples or a DataFrame with those columns
    (``request_type``, ``size``, ``seconds``). Types not observed keep ``fallback``'s costs
    (the default profile unless given). Observed times include any per-message-set overhead,
    so the fitted profile has ``message_set`` 0.
    """
    groups: dict[str, list[tuple[float, float]]] = {}
    for request_type, size, seconds in _rows(rows):
        groups.setdefault(str(request_type), []).append((float(size), float(seconds)))
    if not groups:
        raise ProfileError("fit_profile: no observations given")
    base_profile = load_profile("default") if fallback is None else fallback
    costs = dict(base_profile.costs)
    costs.update({kind: fit_cost(points) for kind, points in sorted(groups.items())})
    note = source or f"fitted from {sum(len(p) for p in groups.values())} observed requests"
    return Profile(name, costs, 0.0, note, base_profile.refusal)


def _rows(rows: Any) -> Iterable[Observation]:
    if hasattr(rows, "itertuples"):
        missing = {"request_type", "size", "seconds"} - set(rows.columns)
        if missing:
            raise ProfileError(f"fit_profile: the table lacks column(s) {sorted(missing)}")
        return rows[["request_type", "size", "seconds"]].itertuples(index=False, name=None)
    return rows


def fit_cost(points: list[tuple[float, float]]) -> Cost:
    """Least-squares ``seconds = base + per_record * size`` with both kept non-negative."""
    count = len(points)
    mean_x = sum(x for x, _ in points) / count
    mean_y = sum(y for _, y in points) / count
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0
    base = mean_y - slope * mean_x
    if slope < 0:
        slope, base = 0.0, mean_y
    elif base < 0:
        squares = sum(x * x for x, _ in points)
        base, slope = 0.0, sum(x * y for x, y in points) / squares
    return Cost(base, slope, _jitter(points, base, slope))


def _jitter(points: list[tuple[float, float]], base: float, slope: float) -> float:
    logs = [math.log(y / (base + slope * x)) for x, y in points if y > 0 and base + slope * x > 0]
    if len(logs) < 2:
        return 0.0
    mean = sum(logs) / len(logs)
    return math.sqrt(sum((v - mean) ** 2 for v in logs) / (len(logs) - 1))
