"""App records as the UI sees them: typed fields (Decimal, date, timedelta), status, times."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from syncengine.app.types import ENTITY_TYPES
from syncengine.store import Entity


@dataclass(frozen=True)
class Record:
    """One app record; ``record["email"]`` reads a field (KeyError when it is not set)."""

    id: int
    entity_type: str
    name: str
    status: str | None
    fields: Mapping[str, Any]
    created_at: str
    modified_at: str
    deleted_at: str | None

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]

    def get(self, key: str, default: Any = None) -> Any:
        """A field's value, or ``default`` when it is not set."""
        return self.fields.get(key, default)

    @property
    def deleted(self) -> bool:
        """True once the record has been deleted in the app."""
        return self.deleted_at is not None


def decode(entity: Entity) -> Record:
    """The typed record for a stored entity."""
    etype = ENTITY_TYPES[entity.entity_type]
    fields = {}
    for key, stored in entity.data.items():
        spec = etype.field(key)
        fields[key] = spec.decode(stored) if spec is not None else stored
    return Record(
        entity.id,
        entity.entity_type,
        entity.name,
        entity.status,
        fields,
        entity.created_at,
        entity.modified_at,
        entity.deleted_at,
    )
