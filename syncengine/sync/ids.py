"""Which app record a ListID/TxnID belongs to, and back: the store's links, cached.

The export needs the ListID of every record a request refers to; reading a ``…Ret`` back needs
the app record of every ListID it names. Both look links up once per message set or page
(:meth:`Ids.prefetch`) and keep what they learn for the rest of the job.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from syncengine.store import Link, Store


class Ids:
    """ListID/TxnID ↔ app record, for one sync job."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._entity: dict[tuple[str, str], int] = {}

    def learn(self, entity_type: str, qb_id: str, entity_id: int) -> None:
        """Remember that ``qb_id`` of this entity type is app record ``entity_id``."""
        self._entity[(entity_type, qb_id)] = entity_id

    def learn_links(self, links: Iterable[Link]) -> None:
        """Remember every link given."""
        for link in links:
            self._entity[(link.entity_type, link.qb_id)] = link.entity_id

    def prefetch(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Look up, in one query per entity type, the (entity type, qb id) pairs not known."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for entity_type, qb_id in pairs:
            if qb_id and (entity_type, qb_id) not in self._entity:
                wanted[entity_type].add(qb_id)
        for entity_type, qb_ids in wanted.items():
            self.learn_links(self.store.links.by_qb_ids(entity_type, sorted(qb_ids)).values())

    def entity_of(self, entity_type: str, qb_id: str) -> int | None:
        """The app record linked to ``qb_id``, if the cache knows it (prefetch first)."""
        return self._entity.get((entity_type, qb_id))
