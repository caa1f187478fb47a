"""What text QuickBooks Desktop can store, and what we do with text it cannot.

QuickBooks Desktop (US) keeps text in Windows-1252 and limits each field's length. Before a
request is built, every string leaf goes through :func:`check_text`:

* a control character XML cannot carry (or that no person typed on purpose) is rejected;
* an identity field (a name, a reference number, an ID, anything used to find a record) that
  holds a character outside Windows-1252 is rejected, never altered;
* a free-text field (memo, notes, descriptions, address lines, person names) has such
  characters replaced by their nearest Windows-1252 equivalents, and the replacement is
  reported as a :class:`TextChange`; a character with no equivalent is rejected;
* a value longer than the field allows is rejected in every field, never truncated.

``docs/text-policy.md`` gives the reasoning. Rejections raise
:class:`syncengine.errors.RecordError` naming the record, the field path and the value.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from qbschema import Node, Schema
from syncengine.errors import RecordError

# Elements whose text is prose or a postal/person detail: nearest-character replacement keeps
# their meaning. Every other string field is treated as identity and only ever rejected.
FREE_TEXT_FIELDS = frozenset(
    {
        "Addr1",
        "Addr2",
        "Addr3",
        "Addr4",
        "Addr5",
        "City",
        "State",
        "Country",
        "Note",
        "Notes",
        "Memo",
        "Desc",
        "JobDesc",
        "SalesDesc",
        "PurchaseDesc",
        "DisabilityDesc",
        "CompanyName",
        "Contact",
        "AltContact",
        "Salutation",
        "FirstName",
        "MiddleName",
        "LastName",
        "Suffix",
        "JobTitle",
        "PrintAs",
        "NameOnCheck",
        "BankName",
        "Department",
        "FOB",
        "Other",
        "Other1",
        "Other2",
        "DataExtValue",
    }
)

# Characters NFKD does not bring into Windows-1252 but that have an obvious stand-in.
# An empty replacement is only used for invisible formatting characters.
NEAREST = {
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ħ": "h",
    "Ħ": "H",
    "ı": "i",
    "ŧ": "t",
    "Ŧ": "T",
    "ĸ": "k",
    "ŀ": "l",
    "Ŀ": "L",
    "ŋ": "n",
    "Ŋ": "N",
    "ʼ": "'",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "―": "-",
    "−": "-",
    "‛": "'",
    "‟": '"',
    "′": "'",
    "″": '"',
    "\u2028": "\n",
    "\u2029": "\n",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
}

# The characters Windows-1252 puts at bytes 0x80-0x9F (€, curly quotes, dashes …), where
# Latin-1 has control characters: QuickBooks stores them as they are.
CP1252_HIGH = bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore")
_SAFE_CLASS = "\t\n\x20-\x7e\xa0-\xff" + re.escape(CP1252_HIGH)
# Anything QuickBooks cannot store as is: one search decides the common (clean) case. A
# carriage return is in it: XML reads CR LF and a lone CR as LF, so QuickBooks never gets one.
UNSAFE = re.compile(f"[^{_SAFE_CLASS}]")
_LINE_END = re.compile("\r\n?")
WINDOWS_1252 = "QuickBooks stores Windows-1252 only"
LINE_ENDINGS = "line endings become LF, the only line break XML carries"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class TextChange:
    """One free-text value stored differently from what the app holds (for the sync log)."""

    record: str
    field: str
    before: str
    after: str
    why: str = WINDOWS_1252

    def __str__(self) -> str:
        stored = f"{self.before!r} will be stored as {self.after!r}"
        return f"{self.record}: {self.field} {stored} ({self.why})"


def _char_name(char: str) -> str:
    name = unicodedata.name(char, "")
    shown = repr(char) if not name else f"{char!r} ({name.title()})"
    return f"{shown}, U+{ord(char):04X},"


def nearest(char: str) -> str | None:
    """The Windows-1252 stand-in for one character, or None when there is none."""
    if char in NEAREST:
        return NEAREST[char]
    decomposed = unicodedata.normalize("NFKD", char)
    for candidate in (
        unicodedata.normalize("NFC", decomposed),
        "".join(c for c in decomposed if not unicodedata.combining(c)),
    ):
        if candidate and UNSAFE.search(candidate) is None:
            return candidate
    mapped = [NEAREST.get(c) for c in decomposed if not unicodedata.combining(c)]
    if mapped and None not in mapped and any(mapped):
        return "".join(m for m in mapped if m is not None)
    return None


def _reject_control(record: str, path: str, value: str) -> None:
    found = _CONTROL.search(value)
    if found is None:
        return
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        raise RecordError(
            record,
            path,
            value,
            f"contains a lone surrogate U+{code:04X} at character {found.start()}: half of a"
            " character pair, so the text was damaged on its way into the app (read with the"
            " wrong encoding); retype the value in the app and sync again",
        )
    raise RecordError(
        record,
        path,
        value,
        f"contains the control character U+{code:04X}, which QuickBooks "
        "cannot store; remove it from the value in the app and sync again",
    )


def _transliterate(record: str, path: str, value: str) -> str:
    out = []
    for char in value:
        if UNSAFE.search(char) is None:
            out.append(char)
            continue
        stand_in = nearest(char)
        if stand_in is None:
            raise RecordError(
                record,
                path,
                value,
                f"contains {_char_name(char)} which has no Windows-1252 equivalent for "
                "QuickBooks to store; replace or remove it in the app and sync again",
            )
        out.append(stand_in)
    return "".join(out)


_NEVER_CHANGED = "this field identifies the record, so it is never changed for you"


def _reject_identity(record: str, path: str, value: str) -> None:
    char = UNSAFE.search(value).group()  # type: ignore[union-attr]
    if char == "\r":
        why = (
            "contains a carriage return (U+000D), which reaches QuickBooks as a line feed; "
            f"{_NEVER_CHANGED}: remove the line break in the app and sync again"
        )
        raise RecordError(record, path, value, why)
    composed = unicodedata.normalize("NFC", value)
    hint = ""
    if composed != value and UNSAFE.search(composed) is None:
        hint = f" (its composed form {composed!r} fits: store it composed, Unicode NFC)"
    raise RecordError(
        record,
        path,
        value,
        f"contains {_char_name(char)} which QuickBooks (Windows-1252) cannot store; "
        f"{_NEVER_CHANGED}: edit it in the app using Windows-1252 characters only{hint} and "
        "sync again",
    )


def _reject_length(record: str, path: str, value: str, limit: int, original: str) -> None:
    how = "" if value == original else " after replacing characters QuickBooks cannot store"
    raise RecordError(
        record,
        path,
        original,
        f"is {len(value)} characters long{how}; QuickBooks allows at most {limit} here. "
        "Shorten it in the app and sync again (nothing is cut off for you)",
    )


def check_text(
    record: str, path: str, value: str, limit: int | None = None
) -> tuple[str, TextChange | None]:
    """The value QuickBooks will store for field ``path`` (dotted), and the change made if any.

    Raises RecordError for control characters and lone surrogates, for identity fields outside
    Windows-1252 (a decomposed accent or a carriage return included: identity is never
    altered), for free text without an equivalent and for values longer than ``limit``. Free
    text has its line endings made LF (as XML carries them) and the change reported.
    """
    stored = value
    if UNSAFE.search(value) is not None:
        _reject_control(record, path, value)
        if path.rpartition(".")[2] not in FREE_TEXT_FIELDS:
            _reject_identity(record, path, value)
        stored = _LINE_END.sub("\n", unicodedata.normalize("NFC", value))
        if UNSAFE.search(stored) is not None:
            stored = _transliterate(record, path, stored)
    if limit is not None and len(stored) > limit:
        _reject_length(record, path, stored, limit, value)
    if stored == value:
        return stored, None
    return stored, TextChange(record, path, value, stored, _why(value, stored))


def _why(value: str, stored: str) -> str:
    if "\r" not in value:
        return WINDOWS_1252
    if _LINE_END.sub("\n", value) == stored:
        return LINE_ENDINGS
    return f"{LINE_ENDINGS}; {WINDOWS_1252}"


_PLANS: dict[str, dict[str, tuple[Node, bool, int | None]]] = {}
_CENT = Decimal("0.01")


def _plan(schema: Schema, node: Node) -> dict[str, tuple[Node, bool, int | None]]:
    """Per child name: its node, whether it is a plain-text leaf, and its length limit."""
    plan = _PLANS.get(node.id)
    if plan is None:
        plan = {}
        for name, info in node.children.items():
            child = schema.node(info.node)
            limit = child.simple.get("len") if child.simple else None
            plan[name] = (child, child.is_leaf and not is_amount(child), limit)
        _PLANS[node.id] = plan
    return plan


def is_amount(node: Node) -> bool:
    """Whether the leaf holds an amount (AMTTYPE), which the policy writes to the cent."""
    return node.simple is not None and node.simple.get("k") == "AMTTYPE"


def amount_text(record: str, path: str, value: Any) -> Any:
    """An amount as QuickBooks stores it (two decimals: ``10.5`` -> ``10.50``); a value with
    fractions of a cent is refused, never rounded, since rounding would lose money."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return value  # not a number: the builder names the field and the format
    if not number.is_finite():
        return value
    cents = number.quantize(_CENT)
    if cents != number:
        raise RecordError(
            record,
            path,
            value,
            "QuickBooks stores amounts to the cent; round this amount in the app and sync again",
        )
    return format(cents, "f")


def _leaf(record: str, path: str, node: Node, value: Any, changes: list[TextChange]) -> Any:
    if is_amount(node) and value != "":
        return amount_text(record, path, value)
    if isinstance(value, str):
        limit = node.simple.get("len") if node.simple else None
        stored, change = check_text(record, path, value, limit)
        if change is not None:
            changes.append(change)
        return stored
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    return value


def apply_text_policy(
    schema: Schema, record: str, path: str, node: Node, value: Any, changes: list[TextChange]
) -> Any:
    """``value`` (plain data for ``node``) with every string made storable; appends changes.

    Dicts are copied only where something changed. Children the node does not know are left
    for the builder to refuse.
    """
    if node.is_leaf:
        return _leaf(record, path, node, value, changes)
    if not isinstance(value, dict):
        return value
    plan = _plan(schema, node)
    out = value
    for name, child_value in value.items():
        entry = plan.get(name)
        if entry is None or child_value is None:
            continue
        child, plain, limit = entry
        if (
            plain
            and type(child_value) is str
            and (limit is None or len(child_value) <= limit)
            and UNSAFE.search(child_value) is None
        ):
            continue  # the common case: clean text, nothing to do
        new = _child(schema, record, f"{path}.{name}", child, child_value, changes)
        if new is not child_value:
            if out is value:
                out = dict(value)
            out[name] = new
    return out


def _child(
    schema: Schema, record: str, path: str, node: Node, value: Any, changes: list[TextChange]
) -> Any:
    if not isinstance(value, list):
        return apply_text_policy(schema, record, path, node, value, changes)
    new = [apply_text_policy(schema, record, path, node, v, changes) for v in value]
    return value if all(a is b for a, b in zip(new, value, strict=True)) else new
