"""The status-code guide: what a QuickBooks status code or COM HRESULT means for the person
running the sync, and the steps that fix it.

The words live in ``guide_entries.yaml`` beside this module. Every status code qbsim can answer
with has an entry of its own, and so does every QBXMLRP2 HRESULT: those without one are
described by their family in :mod:`syncengine.transports.hresults`. A status code without an
entry is described by its range (``bands``). ::

    guide.entry(3100)                 # GuideEntry: title, meaning, steps, ...
    guide.entry("0x80040408")         # an HRESULT, given as text or as an int
    guide.hint(3170, "delete")        # one paragraph for an error row; the sync stores it
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

import yaml

from syncengine.errors import SyncError
from syncengine.qbxml.status import severity_of
from syncengine.transports.hresults import HRESULT_FAMILIES

DATA_FILE = "guide_entries.yaml"
HRESULT_FLOOR = 0x80000000
LAST_STATUS_CODE = 9999
TRANSPORT_ENGINE = (
    "The job stays unfinished; the next sync asks QuickBooks what it applied and goes on."
)
_HRESULT_IN_TEXT = re.compile(r"HRESULT (0x[0-9A-Fa-f]{8})")
# libyaml's safe loader reads the guide in a tenth of the time (3 ms, not 28: `qbsync guide`
# pays it on every run); the same data as yaml.safe_load, which is the fallback without it.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class GuideError(SyncError, LookupError):
    """A code the guide cannot read or has no entry for; the message says what to give."""


@dataclass(frozen=True)
class GuideEntry:
    """What one code means and how to fix it.

    ``kind`` is ``status`` (a qbXML statusCode or messageSetStatusCode) or ``hresult``;
    ``exact`` is False for an entry that describes the code's range or family, not the code.
    ``on_delete``: the meaning and steps when the refused change was a deletion.
    """

    code: int
    kind: str
    title: str
    meaning: str
    steps: tuple[str, ...]
    severity: str = "Error"
    engine: str = ""
    says: str = ""
    family: str = ""
    exact: bool = True
    on_delete: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """How people write the code: ``3100`` or ``0x80040408``."""
        return format_code(self.code)

    def for_action(self, action: str) -> GuideEntry:
        """The entry as it applies to a PSR's action (a deletion may read differently)."""
        if action != "delete" or not self.on_delete:
            return self
        steps = tuple(self.on_delete.get("steps", self.steps))
        return replace(self, meaning=self.on_delete.get("meaning", self.meaning), steps=steps)

    def hint(self) -> str:
        """One paragraph for an error row: the meaning, the steps, where to read more."""
        return f"{self.meaning} {' '.join(self.steps)} (qbsync guide {self.key})"

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON, with ``key``."""
        data = asdict(self)
        data["steps"] = list(self.steps)
        data["on_delete"] = dict(self.on_delete)
        return {"key": self.key, **data}


def format_code(code: int) -> str:
    """``3100`` for a status code, ``0x80040408`` for an HRESULT."""
    return f"0x{code:08X}" if code >= HRESULT_FLOOR else str(code)


def parse_code(text: str | int) -> int:
    """A code as people type it: ``3100``, ``0x80040408``, ``80040408`` or COM's signed
    ``-2147220472``; :class:`GuideError` for anything else."""
    if isinstance(text, int):
        return text & 0xFFFFFFFF if text < 0 else text
    raw = text.strip()
    try:
        # 80040408 without the 0x: no status code has eight digits, so it is an HRESULT
        if raw.lower().startswith("0x") or re.fullmatch(r"8[0-9A-Fa-f]{7}", raw):
            return int(raw, 16)
        value = int(raw)
    except ValueError:
        raise GuideError(
            f"{text!r} is not a status code or HRESULT; give a number such as 3100 or 0x80040408"
        ) from None
    return value & 0xFFFFFFFF if value < 0 else value


def entry(code: str | int, action: str = "") -> GuideEntry:
    """The guide's entry for a code (its own, else its family's or range's);
    :class:`GuideError` when the guide knows nothing about it."""
    number = parse_code(code)
    found = _entries().get(number) or _fallback(number)
    if found is None:
        raise GuideError(_unknown(number))
    return found.for_action(action)


def has_entry(code: str | int) -> bool:
    """True when the guide lists the code: a status code with words of its own, an HRESULT
    with its own or its family's; False when only a range of codes describes it."""
    return parse_code(code) in _entries()


def entries(kind: str | None = None) -> list[GuideEntry]:
    """Every entry, status codes first then HRESULTs, each in code order."""
    every = sorted(_entries().values(), key=lambda e: (e.kind != "status", e.code))
    return [e for e in every if kind is None or e.kind == kind]


def hint(code: int | None, action: str = "") -> str:
    """The text the sync stores with an error of this code (None: no code, no entry)."""
    if code is None:
        return ""
    try:
        return entry(code, action).hint()
    except GuideError:
        return ""


def for_error(code: int | None, message: str = "") -> GuideEntry | None:
    """The entry for a recorded error: by its status code, else by an HRESULT its message
    names (``... (HRESULT 0x80040408)``); None when neither leads to an entry."""
    candidates: list[int | str] = [] if code is None else [code]
    candidates += _HRESULT_IN_TEXT.findall(message or "")
    for candidate in candidates:
        try:
            return entry(candidate)
        except GuideError:
            continue
    return None


def _unknown(code: int) -> str:
    if code >= HRESULT_FLOOR:
        return (
            f"HRESULT {format_code(code)} is not one the guide knows: QuickBooks' request "
            "processor uses 0x80040400-0x80040439 (see `qbsync guide --kind hresult`)"
        )
    return (
        f"status code {code} is outside every range QuickBooks uses (0-9199); "
        "check the number (see `qbsync guide`)"
    )


def _fallback(code: int) -> GuideEntry | None:
    if code >= HRESULT_FLOOR:
        return _family_entry(code)
    for band in _data()["bands"]:
        if band["from"] <= code <= band["to"]:
            return _make(code, "status", band, exact=False)
    return None


def _family_entry(code: int) -> GuideEntry | None:
    if code not in HRESULT_FAMILIES:
        return None
    family, advice = HRESULT_FAMILIES[code]
    words = _data()["families"][family.__name__]
    fields = {**words, "steps": [advice]}
    return _make(code, "hresult", fields, exact=False, family=family.__name__)


@cache
def _entries() -> dict[int, GuideEntry]:
    data = _data()
    found = {int(code): _make(int(code), "status", v) for code, v in data["status"].items()}
    for text, words in data["hresult"].items():
        code = int(text, 16)
        family = HRESULT_FAMILIES.get(code)
        name = family[0].__name__ if family else "TransportError"
        found[code] = _make(code, "hresult", words, family=name)
    for code in HRESULT_FAMILIES:
        if code not in found:
            found[code] = _family_entry(code)  # type: ignore[assignment]
    return found


def _make(
    code: int, kind: str, words: Mapping[str, Any], exact: bool = True, family: str = ""
) -> GuideEntry:
    where = f"{DATA_FILE}: {kind} {format_code(code)}"
    missing = [k for k in ("title", "meaning", "steps") if not words.get(k)]
    if missing:
        raise GuideError(f"{where}: missing {', '.join(missing)}; every entry needs them")
    is_status = kind == "status"
    return GuideEntry(
        code=code,
        kind=kind,
        title=words["title"],
        meaning=words["meaning"],
        steps=tuple(words["steps"]),
        severity=severity_of(code) if is_status else "Error",
        engine=words.get("engine", "" if is_status else TRANSPORT_ENGINE),
        says=words.get("says", ""),
        family=family,
        exact=exact,
        on_delete=dict(words.get("on_delete", {})),
    )


@cache
def _data() -> dict[str, Any]:
    text = resources.files("syncengine.reports").joinpath(DATA_FILE).read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_SAFE_LOADER)
    for part in ("status", "hresult", "families", "bands"):
        if part not in data:
            raise GuideError(f"{DATA_FILE}: no {part!r} section")
    return data
