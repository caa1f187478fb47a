"""Fit a latency profile from timed message sets: the way to calibrate qbsim from a real log.

:func:`~qbsim.profile.fit_profile` fits one request per observation; a log times message sets,
each holding many requests of several types. So the model here is the host's own
(:meth:`QuickBooksHost._latency <qbsim.host.core.QuickBooksHost>`): a set takes
``message_set + Σ_type (base·n + per_record·size)``, with ``n`` the set's requests of that type
and ``size`` their lines sent plus records returned, counted as the host counts them
(:func:`qbsim.host.requests.charged_sizes`). The costs are found by non-negative least squares
(``scipy.optimize.nnls``) on the columns scaled to unit length. What the sets cannot tell apart
is said, not guessed silently: a type whose every request had the same size has only
``base + per_record·size`` known (its ``per_record`` stays the fallback's, the rest goes to
``base``); an overhead per set that the bases absorb (every set held as many requests) is
folded into them; any other pair of costs the sets confound is named in a warning. Jitter (the
sigma of each request's lognormal multiplier) comes from the sets' relative residuals, each
weighted by how much a set's many requests average their jitter out; it is one figure for
every fitted type, as sets cannot tell types' jitters apart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from lxml import etree
from scipy.optimize import nnls

from qbschema import safexml
from qbsim.errors import ProfileError
from qbsim.host.requests import charged_sizes
from qbsim.profile import Cost, Profile, load_profile

OVERHEAD = "message_set"
CONDITION = 1e-9
"""Singular values below this share of the largest mark costs the sets cannot tell apart."""


@dataclass(frozen=True)
class TimedSet:
    """One message set as the evidence has it: request, response, seconds, where it was read."""

    request_xml: str
    response_xml: str
    seconds: float
    source: str = ""


@dataclass
class SetFit:
    """A fitted profile and how well the sets bear it out.

    ``requests`` counts the requests of each fitted type; ``r_squared`` is the share of the
    sets' variance in seconds the fit explains (None when every set took as long);
    ``residual_seconds`` the root mean square of the sets' residuals; ``warnings`` says what the
    sets left undetermined.
    """

    profile: Profile
    sets: int
    requests: dict[str, int]
    r_squared: float | None
    residual_seconds: float
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Design:
    """The least-squares problem: one row per set, one named column per cost."""

    columns: list[tuple[str, str]]  # (type or OVERHEAD, "base" | "per_record" | "total")
    matrix: np.ndarray
    seconds: np.ndarray
    ratio: dict[str, float]  # type -> its one size, for types whose sizes never varied
    counts: dict[str, int]
    per_set: dict[str, np.ndarray]  # type -> its requests in each set


def fit_message_sets(
    sets: Iterable[TimedSet],
    *,
    name: str = "fitted",
    source: str = "",
    fallback: Profile | None = None,
) -> SetFit:
    """Fit per-type ``base`` and ``per_record``, the per-set overhead and one jitter from
    ``sets``; types not seen keep ``fallback``'s costs (the default profile unless given)."""
    rows = [(s, _sizes(s)) for s in sets]
    rows = [(s, sizes) for s, sizes in rows if sizes]
    if not rows:
        raise ProfileError("no timed message set with qbXML requests to fit a profile from")
    base_profile = load_profile("default") if fallback is None else fallback
    design = _design(rows)
    warnings = _constant_size_notes(design, base_profile)
    design, note = _without_absorbed_overhead(design)
    warnings += note + _confounded(design)
    scale = np.linalg.norm(design.matrix, axis=0)
    scale[scale == 0] = 1.0
    solution, _ = nnls(design.matrix / scale, design.seconds)
    coefficients = {c: float(v) for c, v in zip(design.columns, solution / scale, strict=True)}
    predicted = design.matrix @ (solution / scale)
    jitter = _jitter(design, solution / scale, predicted)
    costs = _costs(coefficients, design, base_profile, jitter)
    profile = Profile(
        name,
        {**base_profile.costs, **costs},
        round(coefficients.get((OVERHEAD, "base"), 0.0), 6),
        source or f"fitted from {len(rows)} timed message sets",
        base_profile.refusal,
    )
    r2, rms = _quality(design.seconds, predicted)
    return SetFit(profile, len(rows), design.counts, r2, rms, warnings)


def _sizes(timed: TimedSet) -> list[tuple[str, int]]:
    """Each request's type and charged size; ProfileError naming the set when its response
    is not XML."""
    try:
        return charged_sizes(timed.request_xml, timed.response_xml)
    except (etree.XMLSyntaxError, safexml.UnsafeDocumentError) as exc:
        raise ProfileError(
            f"{timed.source or 'a message set'}: its response is not a qbXML document ({exc});"
            " send the evidence as QuickBooks wrote it"
        ) from None


def _design(rows: list[tuple[TimedSet, list[tuple[str, int]]]]) -> _Design:
    kinds = sorted({kind for _, sizes in rows for kind, _ in sizes})
    counts = np.zeros((len(rows), len(kinds)))
    sizes = np.zeros((len(rows), len(kinds)))
    where = {kind: i for i, kind in enumerate(kinds)}
    for r, (_, charged) in enumerate(rows):
        for kind, size in charged:
            counts[r, where[kind]] += 1
            sizes[r, where[kind]] += size
    columns: list[tuple[str, str]] = [(OVERHEAD, "base")]
    matrix = [np.ones(len(rows))]
    ratio: dict[str, float] = {}
    for kind, i in where.items():
        one = _one_size(counts[:, i], sizes[:, i])
        if one is None:
            columns += [(kind, "base"), (kind, "per_record")]
            matrix += [counts[:, i], sizes[:, i]]
        else:
            ratio[kind] = one
            columns.append((kind, "total"))
            matrix.append(counts[:, i])
    seconds = np.array([s.seconds for s, _ in rows])
    total = {kind: int(counts[:, i].sum()) for kind, i in where.items()}
    per_set = {kind: counts[:, i] for kind, i in where.items()}
    return _Design(columns, np.column_stack(matrix), seconds, ratio, total, per_set)


def _one_size(counts: np.ndarray, sizes: np.ndarray) -> float | None:
    """The one size every request of a type had, or None when sizes varied."""
    used = counts > 0
    per_request = sizes[used] / counts[used]
    first = float(per_request[0])
    return first if np.allclose(per_request, first) else None


def _constant_size_notes(design: _Design, fallback: Profile) -> list[str]:
    """One note per size: the types whose every request had that one size (above 0)."""
    by_size: dict[float, list[str]] = {}
    for kind, size in design.ratio.items():
        if size > 0:
            by_size.setdefault(size, []).append(kind)
    return [
        f"{', '.join(kinds)}: every request had size {size:g}, so only base + {size:g} x"
        " per_record is known; per_record stays the fallback profile's (less, where that total"
        " is smaller) and base takes the rest"
        for size, kinds in sorted(by_size.items())
    ]


def _without_absorbed_overhead(design: _Design) -> tuple[_Design, list[str]]:
    """The design without the overhead column when the bases can stand in for it."""
    if not _undetermined(design.matrix) & {0}:
        return design, []
    keep = list(range(1, len(design.columns)))
    smaller = _Design(
        design.columns[1:],
        design.matrix[:, keep],
        design.seconds,
        design.ratio,
        design.counts,
        design.per_set,
    )
    note = (
        "the overhead per message set cannot be told apart from the requests' bases (the sets"
        " held as many requests each): it is folded into the bases, message_set 0"
    )
    return smaller, [note]


def _confounded(design: _Design) -> list[str]:
    names = sorted({design.columns[i][0] for i in _undetermined(design.matrix)})
    if not names:
        return []
    return [
        f"under-determined: the sets cannot tell apart the costs of {', '.join(names)} (too"
        " few sets, or their requests always came together or in the same sizes); the fit"
        " shares that time between them arbitrarily. Fit from a longer, more varied log"
    ]


def _undetermined(matrix: np.ndarray) -> set[int]:
    """Columns that take part in a combination the rows cannot see (a near-null direction)."""
    scale = np.linalg.norm(matrix, axis=0)
    scale[scale == 0] = 1.0
    _, values, rows_v = np.linalg.svd(matrix / scale, full_matrices=True)
    largest = values[0] if values.size else 0.0
    rank = int((values > CONDITION * largest).sum())
    null = rows_v[rank:]
    return {int(i) for direction in null for i in np.flatnonzero(np.abs(direction) > 1e-3)}


def _costs(
    coefficients: dict[tuple[str, str], float],
    design: _Design,
    fallback: Profile,
    jitter: float,
) -> dict[str, Cost]:
    """Each seen type's cost; the means the fit found are divided by the multiplier's own mean,
    ``e^(sigma²/2)``, so the profile's jittered costs average what was observed."""
    mean = math.exp(jitter**2 / 2)
    costs = {}
    for kind in design.counts:
        if kind in design.ratio:
            total = coefficients[(kind, "total")] / mean
            split = _split(total, design.ratio[kind], fallback, kind)
            costs[kind] = Cost(split.base, split.per_record, jitter)
        else:
            base, per = coefficients[(kind, "base")], coefficients[(kind, "per_record")]
            costs[kind] = Cost(round(base / mean, 6), round(per / mean, 6), jitter)
    return costs


def _split(total: float, size: float, fallback: Profile, kind: str) -> Cost:
    """``base`` and ``per_record`` that cost ``total`` at ``size``, keeping the fallback's
    ``per_record`` where it fits."""
    per = _fallback_per_record(fallback, kind) if size > 0 else 0.0
    if per * size > total:
        per = total / size
    return Cost(round(total - per * size, 6), round(per, 6))


def _fallback_per_record(fallback: Profile, kind: str) -> float:
    try:
        return fallback.cost(kind).per_record
    except ProfileError:
        return 0.0


def _jitter(design: _Design, coefficients: np.ndarray, predicted: np.ndarray) -> float:
    """Sigma of the per-request lognormal multiplier the residuals imply (0: none seen).

    A set's requests each draw their own multiplier, so a set's variance is the multiplier's
    times ``Σ c²`` (``c`` each request's cost, taken as its type's share of the set spread
    evenly over its requests). Times read to whole seconds (or milliseconds) add the
    rounding's own variance, ``q²/6`` for a difference of two stamps ``q`` apart, which is
    taken off first."""
    parts = design.matrix * coefficients  # each column's seconds in each set
    squares = np.zeros(len(predicted))
    for kind, count in design.per_set.items():
        mine = [i for i, (owner, _) in enumerate(design.columns) if owner == kind]
        share = parts[:, mine].sum(axis=1)
        squares += np.divide(share**2, count, out=np.zeros_like(share), where=count > 0)
    if len(predicted) < 2 or squares.sum() <= 0:
        return 0.0
    rounding = _resolution(design.seconds) ** 2 / 6
    excess = float(((design.seconds - predicted) ** 2 - rounding).sum())
    variance = max(excess, 0.0) / float(squares.sum())
    # A lognormal(0, sigma) multiplier has variance (e^s2 - 1) e^s2: solve for sigma.
    grown = (1.0 + math.sqrt(1.0 + 4.0 * variance)) / 2.0
    return round(math.sqrt(math.log(grown)), 4)


def _resolution(seconds: np.ndarray) -> float:
    """The step the times were read to: 1 (a log's whole seconds), 0.001, or 0 (finer)."""
    for step in (1.0, 0.001):
        if np.allclose(seconds / step, np.round(seconds / step), atol=1e-6):
            return step
    return 0.0


def _quality(seconds: np.ndarray, predicted: np.ndarray) -> tuple[float | None, float]:
    residuals = seconds - predicted
    total = float(((seconds - seconds.mean()) ** 2).sum())
    r2 = None if total == 0 else 1.0 - float((residuals**2).sum()) / total
    return r2, float(math.sqrt(float(np.mean(residuals**2))))
