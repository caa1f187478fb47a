"""The registry of entity types (``syncengine.app.types.ENTITY_TYPES``) against every per-type
table that is not derived from it: each test names the type, the missing piece and the file
to add it to, so a type registered alone fails here rather than half-working.
``docs/adding-a-transaction-type.md`` lists the same steps in order.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_type_hints

import qbschema
from qbsim.handlers import HANDLERS
from qbsim.model import lists as qbsim_lists
from qbsim.model import refs as qbsim_refs
from qbsim.model import txn_kinds
from syncengine import mapping
from syncengine.app import ENTITY_TYPES, ITEM_KINDS, App, Collection, TxnCollection
from syncengine.app.scope import AREAS
from syncengine.mapping import lists as list_mapping
from syncengine.mapping.txns import SPECS
from syncengine.rehearsal import appgen
from syncengine.rehearsal.rehearse import Rehearsal, rehearse
from syncengine.store import SETTINGS

ROOT = Path(__file__).parent.parent
TXN_TYPES = [t for t in ENTITY_TYPES.values() if not t.is_list]


def _none_missing(problems: list[str]) -> None:
    assert not problems, "\n".join(["registered entity types lack:", *problems])


def test_app_declares_a_typed_collection_for_every_type():
    """App declares each type's collection under its plural, typed by list or transaction."""
    hints = get_type_hints(App)
    problems = []
    for key, etype in ENTITY_TYPES.items():
        wanted = Collection if etype.is_list else TxnCollection
        if hints.get(etype.plural) is not wanted:
            problems.append(
                f"{key}: declare `{etype.plural}: {wanted.__name__}` in class App"
                " (syncengine/app/__init__.py)"
            )
    plurals = {t.plural for t in ENTITY_TYPES.values()}
    for name, hint in hints.items():
        if hint in (Collection, TxnCollection) and name not in plurals:
            problems.append(f"App.{name}: no entity type has plural={name!r}; remove it")
    _none_missing(problems)


def test_status_table_names_fields_of_its_type():
    """A transaction's fully-recorded parts are its fields; its closed status is a status."""
    problems = []
    for etype in TXN_TYPES:
        row = etype.statuses
        assert row is not None  # guaranteed by EntityType.__post_init__
        for part in row.required + row.required_if_billable:
            if etype.field(part) is None:
                problems.append(f"{etype.key}: its status table needs {part!r}, not a field")
        if row.closed not in row.statuses:
            problems.append(f"{etype.key}: closed status {row.closed!r} is not one of its own")
    _none_missing(problems)


def test_every_type_has_a_mapping():
    """Every type maps to qbXML: a list by hand, a transaction by its TxnSpec."""
    problems = [
        f"{key}: a TxnSpec in SPECS (syncengine/mapping/txns.py)"
        if not etype.is_list
        else f"{key}: a _Mapper in MAPPERS (syncengine/mapping/__init__.py)"
        for key, etype in ENTITY_TYPES.items()
        if key not in mapping.MAPPERS
    ]
    problems += [
        f"{key}: mapped but not registered" for key in mapping.MAPPERS.keys() - ENTITY_TYPES.keys()
    ]
    _none_missing(problems)


def test_mapped_fields_and_references_are_the_types_own():
    """Each synced field is a field of its type; a spec's references point where the field does."""
    problems = []
    for key in ENTITY_TYPES.keys() & mapping.MAPPERS.keys():
        etype = ENTITY_TYPES[key]
        problems += [
            f"{key}: the mapping syncs {name!r}, not a field of {key}"
            for name in mapping.fields_of(key)
            if etype.field(name) is None
        ]
    for key, spec in SPECS.items():
        for app_field, element, target in spec.refs:
            points_to = getattr(ENTITY_TYPES[key].field(app_field), "entity_type", None)
            if points_to != target:
                problems.append(
                    f"{key}: {element} refers to a {target}, {app_field} to {points_to}"
                )
    _none_missing(problems)


def test_every_type_has_a_delete_action_setting():
    """A deletion's effect in QuickBooks is a setting per type (lists may inactivate)."""
    problems = []
    for key, etype in ENTITY_TYPES.items():
        setting = SETTINGS.get(f"delete_action.{key}")
        if setting is None:
            problems.append(
                f"{key}: a delete_action.{key} setting (_VOIDABLE or _NOT_VOIDABLE in"
                " syncengine/store/settings.py)"
            )
        elif etype.is_list != ("inactivate" in setting.choices):
            problems.append(f"{key}: delete_action.{key} offers {setting.choices}")
    known = {f"delete_action.{key}" for key in ENTITY_TYPES}
    problems += [
        f"{k}: no such entity type"
        for k in SETTINGS
        if k.startswith("delete_action.") and k not in known
    ]
    _none_missing(problems)


def test_every_transaction_type_is_in_a_sync_area_with_its_settings():
    """A transaction's area is a sync area with a setting; its source setting offers its
    source field's options."""
    problems = []
    for etype in TXN_TYPES:
        if etype.area not in AREAS:
            problems.append(
                f"{etype.key}: area {etype.area!r} is none of {', '.join(AREAS)}"
                " (AREAS in syncengine/app/scope.py)"
            )
        elif f"sync.{etype.area}" not in SETTINGS:
            problems.append(
                f"{etype.key}: a sync.{etype.area} setting (syncengine/store/settings.py)"
            )
        if etype.source_setting:
            setting = SETTINGS.get(etype.source_setting)
            options = getattr(etype.field("source"), "options", None)
            if setting is None or setting.choices != options:
                problems.append(
                    f"{etype.key}: a {etype.source_setting} setting offering {options}"
                    " (syncengine/store/settings.py)"
                )
    _none_missing(problems)


def test_generator_mix_covers_every_type():
    """The generator's mix has a share for each type, and what each transaction needs."""
    problems = [
        f"{key}: a share in MIX (syncengine/rehearsal/appgen.py)"
        for key in ENTITY_TYPES
        if key not in appgen.MIX
    ]
    problems += [
        f"{etype.key}: what it refers to in NEEDS (syncengine/rehearsal/appgen.py)"
        for etype in TXN_TYPES
        if etype.key not in appgen.NEEDS
    ]
    unknown = (appgen.MIX.keys() | appgen.NEEDS.keys()) - ENTITY_TYPES.keys()
    problems += [f"{key}: in the generator's mix but not registered" for key in sorted(unknown)]
    _none_missing(problems)


def test_item_kinds_agree_everywhere():
    """The generator, the item mapping and qbsim know the registry's item kinds."""
    assert set(appgen.ITEM_KINDS) == set(ITEM_KINDS), "item kinds in appgen.ITEM_KINDS"
    posting = set(ITEM_KINDS) - set(list_mapping.NO_ACCOUNT_KINDS)  # tax, subtotal, group items
    assert set(list_mapping.DEFAULT_INCOME) == posting, "income accounts per item kind"
    assert set(qbsim_refs.ITEM_KINDS) == set(ITEM_KINDS.values()), "qbsim's item kinds"


def test_qbschema_knows_every_types_messages():
    """qbschema holds the Add, Mod and Query of every QuickBooks object a type becomes."""
    messages = set(qbschema.schema().messages)
    problems = [
        f"{key}: {kind}{op}Rq (LIST_KINDS/TXN_KINDS in tools/gen_qbschema.py, then regenerate"
        " qbschema/qbxml160.json)"
        for key, etype in ENTITY_TYPES.items()
        for kind in etype.qb_types
        for op in ("Add", "Mod", "Query")
        if f"{kind}{op}Rq" not in messages
    ]
    _none_missing(problems)


def test_qbsim_simulates_every_type():
    """qbsim has a kind and answers Add, Mod and Query for every object a type becomes."""
    problems = []
    for key, etype in ENTITY_TYPES.items():
        kinds, where = (
            (qbsim_lists.KINDS, "a ListKind in KINDS (qbsim/model/lists.py)")
            if etype.is_list
            else (txn_kinds.KINDS, "a TxnKind in KINDS (qbsim/model/txn_kinds.py)")
        )
        for kind in etype.qb_types:
            if kind not in kinds:
                problems.append(f"{key}: qbsim has no {kind}: {where}")
            elif not all(f"{kind}{op}Rq" in HANDLERS for op in ("Add", "Mod", "Query")):
                problems.append(f"{key}: qbsim's handler table lacks {kind}Add/Mod/QueryRq")
    _none_missing(problems)


def test_design_doc_maps_every_type():
    """docs/sync-design.md's mapping coverage table has a row for every type."""
    text = (ROOT / "docs" / "sync-design.md").read_text()
    problems = [
        f"{key}: a row `| {key} | {etype.qb_types[0]} | ... |` in docs/sync-design.md"
        " (Mapping coverage)"
        for key, etype in ENTITY_TYPES.items()
        if not re.search(rf"^\| {key} \| {etype.qb_types[0]}\b", text, re.MULTILINE)
    ]
    _none_missing(problems)


def test_a_rehearsal_syncs_every_type():
    """A generated app holds records of every type, and a rehearsal syncs them all."""
    by_type = rehearse(Rehearsal(records=200, seed=1)).as_dict()["by_type"]
    problems = []
    for key in ENTITY_TYPES:
        row = by_type.get(key)
        if not row:
            problems.append(
                f"{key}: the generator made none (_Maker.run in syncengine/rehearsal/appgen.py)"
            )
        elif row["synced"] != row["records"]:
            problems.append(f"{key}: {row['synced']} of {row['records']} synced ({row})")
    _none_missing(problems)
