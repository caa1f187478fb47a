"""Repeating parts of a transaction: item lines, and a payment's applications to invoices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from syncengine.app.fields import Field, Invalid, Money, Quantity, Ref, Resolve, Text, is_blank

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rows(Field):
    """A list of small records, each a mapping of the ``parts`` fields."""

    parts: tuple[Field, ...] = ()

    def clean(self, value: Any, resolve: Resolve) -> list[dict[str, Any]]:
        if isinstance(value, Mapping) or not isinstance(value, (list, tuple)):
            raise Invalid("must be a list of rows (mappings)")
        return [self._row(i, row, resolve) for i, row in enumerate(value)]

    def _row(self, index: int, row: Any, resolve: Resolve) -> dict[str, Any]:
        if not isinstance(row, Mapping):
            raise Invalid("must be a mapping of fields", f"[{index}]", row)
        known = {f.name: f for f in self.parts}
        out: dict[str, Any] = {}
        for key, value in row.items():
            part = known.get(key)
            if part is None:
                raise Invalid(
                    f"unknown field; known: {', '.join(known)}", f"[{index}].{key}", value
                )
            if is_blank(value):
                continue
            try:
                out[key] = part.clean(value, resolve)
            except Invalid as exc:
                raise Invalid(exc.reason, f"[{index}].{key}{exc.path}", value) from None
        try:
            return self.finish(out)
        except Invalid as exc:
            raise Invalid(exc.reason, f"[{index}]{exc.path}", exc.value) from None

    def finish(self, row: dict[str, Any]) -> dict[str, Any]:
        """Check the row as a whole and fill what can be computed."""
        return row

    def decode(self, stored: Any) -> list[dict[str, Any]]:
        parts = {f.name: f for f in self.parts}
        return [{k: parts[k].decode(v) for k, v in row.items()} for row in stored]


@dataclass(frozen=True)
class Lines(Rows):
    """Item lines: item, description, quantity, rate, amount (= quantity x rate if left out)."""

    parts: tuple[Field, ...] = (
        Ref("item", entity_type="item"),
        Text("description", max_len=4000, multiline=True),
        Quantity("quantity"),
        Money("rate", places=5, signed=True),
        Money("amount", signed=True),
    )

    def finish(self, row: dict[str, Any]) -> dict[str, Any]:
        if "item" not in row and "description" not in row:
            raise Invalid("a line needs an item or a description", ".item", None)
        quantity, rate = row.get("quantity"), row.get("rate")
        if quantity is None or rate is None:
            return row
        computed = (Decimal(quantity) * Decimal(rate)).quantize(CENT, ROUND_HALF_UP)
        if "amount" not in row:
            row["amount"] = str(computed)
        elif abs(Decimal(row["amount"]) - computed) > CENT:
            raise Invalid(
                f"is not quantity x rate ({quantity} x {rate} = {computed})",
                ".amount",
                row["amount"],
            )
        return row


@dataclass(frozen=True)
class SalesLines(Lines):
    """A sales form's item lines: an item line's parts and its sales tax code ("Tax", "Non"
    or another code of the company), which says whether QuickBooks taxes the line."""

    parts: tuple[Field, ...] = (*Lines.parts, Text("sales_tax_code", max_len=3))


@dataclass(frozen=True)
class GroupLines(Rows):
    """A sales form's group lines: a group item and how many of it; QuickBooks expands each
    into the group's member lines."""

    parts: tuple[Field, ...] = (
        Ref("item", entity_type="item", kinds=("group",)),
        Quantity("quantity"),
    )

    def finish(self, row: dict[str, Any]) -> dict[str, Any]:
        if "item" not in row:
            raise Invalid("a group line needs its group item", ".item", None)
        return row


@dataclass(frozen=True)
class GroupMembers(Rows):
    """A group item's members: an item and its quantity in one of the group."""

    parts: tuple[Field, ...] = (Ref("item", entity_type="item"), Quantity("quantity"))

    def finish(self, row: dict[str, Any]) -> dict[str, Any]:
        if "item" not in row:
            raise Invalid("a group member needs its item", ".item", None)
        return row


@dataclass(frozen=True)
class Applications(Rows):
    """A payment's applications: which invoice, and how much of the payment goes to it."""

    parts: tuple[Field, ...] = (
        Ref("invoice", entity_type="invoice"),
        Money("amount"),
    )

    def finish(self, row: dict[str, Any]) -> dict[str, Any]:
        for name in ("invoice", "amount"):
            if name not in row:
                raise Invalid("is required in each application", f".{name}", None)
        return row


def total(lines: list[dict[str, Any]]) -> Decimal:
    """The sum of the lines' amounts (lines without an amount count as zero)."""
    return sum((Decimal(line.get("amount", "0")) for line in lines), Decimal("0"))
