"""Field kinds of app records: each cleans an input value into what the store keeps (JSON)
and decodes it back; a bad value raises :class:`Invalid` with the reason.

Money and quantities are kept as decimal text, dates as ``YYYY-MM-DD``, durations as whole
minutes, references as the referenced record's ID. The app's own length limits are generous;
QuickBooks' tighter ones are checked when a request is built (``syncengine.qbxml.text``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

MISSING = object()
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HOURS_MINUTES = re.compile(r"^(\d{1,2}):([0-5]\d)$")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
MONEY_LIMIT = Decimal("1e12")


class Invalid(Exception):
    """A value a field cannot take: ``reason``, and a ``path`` inside the field (``[2].rate``)."""

    def __init__(self, reason: str, path: str = "", value: Any = MISSING) -> None:
        super().__init__(reason)
        self.reason, self.path, self.value = reason, path, value


class Resolve(Protocol):
    """Turns a reference (an ID or a name) into the referenced record's ID."""

    def __call__(self, entity_type: str, value: Any, kinds: tuple[str, ...] = ()) -> int: ...


def is_blank(value: Any) -> bool:
    """None, an empty string, or a missing cell of a DataFrame (NaN, NaT, pd.NA)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(value != value)  # NaN, NaT and pd.NA are not equal to themselves
    except TypeError:  # pd.NA refuses bool(); it is blank
        return True


@dataclass(frozen=True)
class Field:
    """A named field; subclasses say what values it takes."""

    name: str
    required: bool = False

    def clean(self, value: Any, resolve: Resolve) -> Any:
        """The stored form of a non-blank ``value``; raises :class:`Invalid`."""
        return value

    def decode(self, stored: Any) -> Any:
        """The Python value of a stored one."""
        return stored


@dataclass(frozen=True)
class Text(Field):
    max_len: int = 100
    multiline: bool = False

    def clean(self, value: Any, resolve: Resolve) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a number column of a DataFrame with gaps: 78701.0
        if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
            raise Invalid("must be text")
        text = str(value) if self.multiline else str(value).strip()
        if len(text) > self.max_len:
            raise Invalid(f"is {len(text)} characters; at most {self.max_len} allowed")
        bad = (_CONTROL if self.multiline else _CONTROL_OR_BREAK).search(text)
        if bad:
            raise Invalid(f"holds a control character ({bad.group()!r}); remove it")
        return text


@dataclass(frozen=True)
class Email(Text):
    max_len: int = 255

    def clean(self, value: Any, resolve: Resolve) -> str:
        text = super().clean(value, resolve)
        if not _EMAIL.match(text):
            raise Invalid("is not an email address (name@example.com)")
        return text


@dataclass(frozen=True)
class Choice(Field):
    options: tuple[str, ...] = ()

    def clean(self, value: Any, resolve: Resolve) -> str:
        key = re.sub(r"[\s-]+", "_", str(value).strip().lower())
        if key not in self.options:
            raise Invalid(f"must be one of: {', '.join(self.options)}")
        return key


@dataclass(frozen=True)
class Money(Field):
    places: int = 2
    signed: bool = False

    def clean(self, value: Any, resolve: Resolve) -> str:
        return str(to_decimal(value, self.places, self.signed))

    def decode(self, stored: Any) -> Decimal:
        return Decimal(stored)


def to_decimal(value: Any, places: int, signed: bool = True) -> Decimal:
    """A finite decimal with at most ``places`` decimals (and not negative unless signed)."""
    if isinstance(value, bool):
        raise Invalid("must be a number")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise Invalid("must be a number") from None
    if not number.is_finite() or abs(number) >= MONEY_LIMIT:
        raise Invalid("must be a finite number below 1,000,000,000,000")
    if -number.normalize().as_tuple().exponent > places:  # type: ignore[operator]
        raise Invalid(f"has more than {places} decimal places")
    if number < 0 and not signed:
        raise Invalid("must not be negative")
    return number


@dataclass(frozen=True)
class Quantity(Money):
    places: int = 5
    signed: bool = True


@dataclass(frozen=True)
class Date(Field):
    def clean(self, value: Any, resolve: Resolve) -> str:
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value).strip()[:10]).isoformat()
        except ValueError:
            raise Invalid("must be a date (YYYY-MM-DD)") from None

    def decode(self, stored: Any) -> date:
        return date.fromisoformat(stored)


@dataclass(frozen=True)
class Bool(Field):
    def clean(self, value: Any, resolve: Resolve) -> bool:
        if isinstance(value, str):
            word = value.strip().lower()
            if word in _TRUE | _FALSE:
                return word in _TRUE
        elif value in (True, False):  # also 0/1 and numpy booleans
            return bool(value)
        raise Invalid("must be true or false")


@dataclass(frozen=True)
class Duration(Field):
    """Time worked: a timedelta, hours as a number (1.5), or ``H:MM``; kept as minutes."""

    def clean(self, value: Any, resolve: Resolve) -> int:
        if isinstance(value, timedelta):
            minutes = value.total_seconds() / 60
        elif isinstance(value, str) and _HOURS_MINUTES.match(value.strip()):
            hours, mins = _HOURS_MINUTES.match(value.strip()).groups()  # type: ignore[union-attr]
            minutes = int(hours) * 60 + int(mins)
        else:
            minutes = float(to_decimal(value, 4, signed=False) * 60)
        if minutes != int(minutes) or not 0 < minutes <= 24 * 60:
            raise Invalid("must be whole minutes, more than 0 and at most 24 hours")
        return int(minutes)

    def decode(self, stored: Any) -> timedelta:
        return timedelta(minutes=stored)


@dataclass(frozen=True)
class Ref(Field):
    """A reference to another app record by ID or by name (``kinds`` limits item kinds)."""

    entity_type: str = ""
    kinds: tuple[str, ...] = ()

    def clean(self, value: Any, resolve: Resolve) -> int:
        return resolve(self.entity_type, value, self.kinds)
