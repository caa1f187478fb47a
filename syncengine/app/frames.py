"""App records as DataFrames: one typed column per field, plus sync state per record."""

from __future__ import annotations

import json

import pandas as pd

from syncengine.app.fields import Bool, Choice, Date, Duration, Field, Money, Ref, Text
from syncengine.app.lines import Rows
from syncengine.app.types import EntityType
from syncengine.store import Store

_RECORDS = """
SELECT e.id, e.name, e.status, e.data, l.qb_id, l.edit_sequence, l.synced_at,
       p.id AS psr_id, p.action AS psr_action, p.state AS psr_state,
       e.created_at, e.modified_at, e.deleted_at
FROM entities e
LEFT JOIN links l ON l.entity_id = e.id
LEFT JOIN psrs p ON p.id = (
    SELECT MAX(q.id) FROM psrs q
    WHERE q.entity_id = e.id AND q.state IN ('queued', 'locked', 'failed'))
WHERE e.entity_type = ?
"""


def _typed(spec: Field, column: pd.Series) -> pd.Series:
    if isinstance(spec, Money):
        return pd.to_numeric(column)
    if isinstance(spec, Date):
        return pd.to_datetime(column)
    if isinstance(spec, Duration):
        return pd.to_timedelta(column, unit="m")
    if isinstance(spec, Ref):
        return column.astype("Int64")
    if isinstance(spec, Bool):
        return column.astype("boolean")
    if isinstance(spec, (Text, Choice)):
        return column.astype("string")
    return column


def _base(store: Store, etype: EntityType, include_deleted: bool) -> pd.DataFrame:
    sql = _RECORDS + ("" if include_deleted else " AND e.deleted_at IS NULL")
    return store.read_frame(sql + " ORDER BY e.id", [etype.key])


def records(store: Store, etype: EntityType, include_deleted: bool = False) -> pd.DataFrame:
    """Records of one type: id, name, status (transactions), fields, sync state, times."""
    base = _base(store, etype, include_deleted)
    names = [f.name for f in etype.fields if f.name != "name"]
    fields = pd.DataFrame.from_records(
        [json.loads(d) for d in base.pop("data")], columns=names, index=base.index
    )
    for spec in etype.fields:
        if spec.name in fields:
            fields[spec.name] = _typed(spec, fields[spec.name])
    if "lines" in fields:
        fields["total"] = [sum(float(x.get("amount", 0)) for x in v or []) for v in fields["lines"]]
    head = base[["id", "name"] + ([] if etype.is_list else ["status"])]
    tail = base.drop(columns=["id", "name", "status"])
    return pd.concat([head, fields, tail], axis=1)


def lines(store: Store, etype: EntityType, include_deleted: bool = False) -> pd.DataFrame:
    """One row per line (``lines``) or application (``applied``) of each transaction."""
    spec = next((f for f in etype.fields if isinstance(f, Rows)), None)
    if spec is None:
        return pd.DataFrame()
    base = _base(store, etype, include_deleted)
    rows = [
        {"txn_id": rid, "ref_number": name, "line": n + 1, **line}
        for rid, name, data in zip(base["id"], base["name"], base["data"], strict=True)
        for n, line in enumerate(json.loads(data).get(spec.name, []))
    ]
    columns = ["txn_id", "ref_number", "line", *(p.name for p in spec.parts)]
    frame = pd.DataFrame(rows, columns=columns)
    for part in spec.parts:
        frame[part.name] = _typed(part, frame[part.name])
    return frame
