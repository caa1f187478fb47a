"""Data extensions: custom fields (OwnerID ``0``) and an application's private data (a GUID).

A definition (``DataExtDefAdd``) names a field for an owner, its type and the object types it
may be set on; a value (``DataExtAdd``/``Mod``/``Del``) sits on one list element, transaction,
transaction line or the Company record. A query that names ``OwnerID`` answers each record with
the values of those owners as ``DataExtRet`` (last in the Ret; on a line, inside the line).
Evidence: QBXML-NOTES.md §20; the XSD; Intuit's samples
``intuit_CustomField{Add,Mod,Del}Value_DataExt*Rq.xml``, ``intuit_DataExtSample_*.xml``; real
answers ``qbxmlgem_PurchaseOrderQueryRs_dataext_ownerid0.xml`` and
``qbws_strHCPResponse_Premier2012_sample_AppLock_FileID.xml``. The status codes of the refusals
are inferred (no real capture of them was found): 3100 a name the owner already uses, 3120 an
unknown definition, object or value, 3210 a definition not assigned to the object's type or a
value its type cannot hold. That a value leaves its object's EditSequence alone is inferred too.

The model keeps definitions by DataExtID (``state.data_ext_defs``) and values by object
(``state.data_ext_values``: object key -> {DataExtID: value}); both are saved and journalled.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from qbsim import status
from qbsim.errors import Outcome
from qbsim.model import refs
from qbsim.model.base import CompanyState, Record, plain_copy, qb_datetime

if TYPE_CHECKING:
    from qbsim.company import Company

COMPANY_KEY = "Company"
# ListDataExtType -> the record kinds it names.
LIST_KINDS: dict[str, tuple[str, ...]] = {
    "Account": ("Account",),
    "Customer": ("Customer",),
    "Employee": ("Employee",),
    "Item": refs.ITEM_KINDS,
    "OtherName": ("OtherName",),
    "Vendor": ("Vendor",),
}
_LIMITS = {"STR255TYPE": 255, "STR1024TYPE": 1024}
_NUMBERS = ("AMTTYPE", "PRICETYPE", "QUANTYPE", "PERCENTTYPE")
_DEF_FIELDS = ("DataExtListRequire", "DataExtTxnRequire", "DataExtFormatString")


# -- definitions ------------------------------------------------------------------------
def _key(owner: str) -> str:
    """OwnerIDs compare without regard to case (GUIDs are hex)."""
    return owner.upper()


def find_def(state: CompanyState, owner: str, name: str) -> dict[str, Any] | None:
    """The definition an owner gave that name (case-insensitive), or None."""
    wanted, folded = _key(owner), name.casefold()
    for definition in state.data_ext_defs.values():
        if _key(definition["OwnerID"]) == wanted and definition["DataExtName"].casefold() == folded:
            return definition
    return None


def _def_or_3120(state: CompanyState, owner: str, name: str) -> dict[str, Any]:
    definition = find_def(state, owner, name)
    if definition is None:
        raise status.not_found(name)
    return definition


def def_add(state: CompanyState, body: dict[str, Any]) -> Outcome:
    """``DataExtDefAddRq``: define a field; 3100 when the owner has one of that name."""
    data = body["DataExtDefAdd"]
    owner, name = data["OwnerID"], data["DataExtName"]
    if find_def(state, owner, name) is not None:
        raise status.name_in_use(name)
    ext_id = state.next_data_ext_id
    state.next_data_ext_id += 1
    definition = {"OwnerID": owner, "DataExtID": str(ext_id), "DataExtName": name}
    definition["DataExtType"] = data["DataExtType"]
    definition["AssignToObject"] = list(dict.fromkeys(data.get("AssignToObject", [])))
    # The Ret requires all three (XSD); QuickBooks' defaults for them are inferred.
    definition.update(DataExtListRequire="false", DataExtTxnRequire="false")
    definition["DataExtFormatString"] = ""
    definition.update({k: data[k] for k in _DEF_FIELDS if k in data})
    state.data_ext_defs[str(ext_id)] = definition
    return Outcome([("DataExtDefRet", plain_copy(definition))])


def def_mod(state: CompanyState, body: dict[str, Any]) -> Outcome:
    """``DataExtDefModRq``: rename, assign to or remove from object types; 3120 unknown."""
    data = body["DataExtDefMod"]
    definition = dict(_def_or_3120(state, data["OwnerID"], data["DataExtName"]))
    new_name = data.get("DataExtNewName")
    if new_name:
        holder = find_def(state, data["OwnerID"], new_name)
        if holder is not None and holder["DataExtID"] != definition["DataExtID"]:
            raise status.name_in_use(new_name)
        definition["DataExtName"] = new_name
    removed = set(data.get("RemoveFromObject", []))
    kept = [o for o in definition["AssignToObject"] if o not in removed]
    definition["AssignToObject"] = list(dict.fromkeys(kept + data.get("AssignToObject", [])))
    definition.update({k: data[k] for k in _DEF_FIELDS if k in data})
    state.data_ext_defs[definition["DataExtID"]] = definition
    return Outcome([("DataExtDefRet", plain_copy(definition))])


def def_del(state: CompanyState, body: dict[str, Any]) -> Outcome:
    """``DataExtDefDelRq``: remove a definition and every value of it; 3120 unknown."""
    definition = _def_or_3120(state, body["OwnerID"], body["DataExtName"])
    ext_id = definition["DataExtID"]
    del state.data_ext_defs[ext_id]
    for object_key, values in list(state.data_ext_values.items()):
        if ext_id in values:
            _set_values(state, object_key, {k: v for k, v in values.items() if k != ext_id})
    deleted = {"OwnerID": definition["OwnerID"], "DataExtName": definition["DataExtName"]}
    deleted["TimeDeleted"] = qb_datetime(state.now())
    return Outcome([("DataExtDefDelRet", deleted)])


def def_query(state: CompanyState, body: dict[str, Any]) -> Outcome:
    """``DataExtDefQueryRq``: definitions of the OwnerIDs named (all owners when none is),
    assigned to any of the object types named; none found is status 1 (IDS-DX)."""
    owners = {_key(o) for o in body.get("OwnerID", [])}
    objects = set(body.get("AssignToObject", []))
    found = [
        plain_copy(d)
        for d in state.data_ext_defs.values()
        if (not owners or _key(d["OwnerID"]) in owners)
        and (not objects or objects & set(d["AssignToObject"]))
    ]
    return Outcome([("DataExtDefRet", d) for d in found])


# -- values -----------------------------------------------------------------------------
def _target(state: CompanyState, data: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """The object a value request names: (object key, its AssignToObject word, the echo of
    the request's object fields for DataExtDelRet); 3120 when it does not exist."""
    if "ListDataExtType" in data:
        kind, ref = data["ListDataExtType"], data["ListObjRef"]
        record = refs.find_named(state, LIST_KINDS[kind], ref)
        if record is None:
            raise status.not_found(str(ref.get("ListID") or ref.get("FullName") or ""))
        shown = {"ListID": record.id, "FullName": refs.display_name(record)}
        return record.id, kind, {"ListDataExtType": kind, "ListObjRef": shown}
    if "TxnDataExtType" in data:
        return _txn_target(state, data)
    return COMPANY_KEY, "Company", {"OtherDataExtType": data["OtherDataExtType"]}


def _txn_target(state: CompanyState, data: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    kind, txn_id = data["TxnDataExtType"], data["TxnID"]
    record = state.find(kind, txn_id)
    if record is None:
        raise status.not_found(txn_id)
    echo = {"TxnDataExtType": kind, "TxnID": txn_id}
    line_id = data.get("TxnLineID")
    if not line_id:
        return txn_id, kind, echo
    if not any(line.get("TxnLineID") == line_id for line in _lines(record.ret)):
        raise status.not_found(line_id)
    return f"{txn_id}/{line_id}", kind, {**echo, "TxnLineID": line_id}


def _lines(ret: dict[str, Any]) -> list[dict[str, Any]]:
    """Every line of a transaction's Ret (lists of aggregates carrying a TxnLineID)."""
    return [
        line
        for value in ret.values()
        if isinstance(value, list)
        for line in value
        if isinstance(line, dict) and "TxnLineID" in line
    ]


def _checked_value(definition: dict[str, Any], value: str) -> str:
    """The value as stored; 3070 too long for a string type, 3210 not of a number type."""
    kind = definition["DataExtType"]
    limit = _LIMITS.get(kind)
    if limit is not None and len(value) > limit:
        raise status.string_too_long(value, "DataExtValue")
    try:
        if kind == "INTTYPE":
            return str(int(value))
        if kind in _NUMBERS:
            return f"{Decimal(value):f}"
    except (ValueError, InvalidOperation):
        raise status.invalid_value(
            "DataExtValue", value, f"{definition['DataExtName']} holds a {kind}."
        ) from None
    return value


def _resolve(state: CompanyState, data: dict[str, Any]) -> tuple[dict, str, dict, dict]:
    """The definition, object key, current values and request echo of a value request;
    3120 unknown definition or object, 3210 a definition not assigned to the object's type."""
    definition = _def_or_3120(state, data["OwnerID"], data["DataExtName"])
    object_key, object_type, echo = _target(state, data)
    if object_type not in definition["AssignToObject"]:
        raise status.invalid_value(
            "DataExtName",
            data["DataExtName"],
            f"the data extension is not assigned to {object_type}; assign it with DataExtDefMod.",
        )
    values = state.data_ext_values.get(object_key, {})
    return definition, object_key, values, echo


def _set_values(state: CompanyState, object_key: str, values: dict[str, str]) -> None:
    if values:
        state.data_ext_values[object_key] = values
    else:
        state.data_ext_values.pop(object_key, None)


def value_add(state: CompanyState, body: dict[str, Any]) -> Outcome:
    """``DataExtAddRq``: set a value on an object; 3100 when it has one already."""
    data = body["DataExtAdd"]
    definition, object_key, values, _ = _resolve(state, data)
    ext_id = definition["DataExtID"]
    if ext_id in values:
        raise status.name_in_use(definition["DataExtName"])
    return _store(state, definition, object_key, values, data["DataExtValue"])


def value_mod(state: CompanyState, body: dict[str, Any]) -> Outcome:
    """``DataExtModRq``: change a value an object has; 3120 when it has none."""
    data = body["DataExtMod"]
    definition, object_key, values, _ = _resolve(state, data)
    if definition["DataExtID"] not in values:
        raise status.not_found(definition["DataExtName"])
    return _store(state, definition, object_key, values, data["DataExtValue"])


def _store(state: CompanyState, definition: dict, object_key: str, values: dict, text: str):
    value = _checked_value(definition, text)
    _set_values(state, object_key, {**values, definition["DataExtID"]: value})
    return Outcome([("DataExtRet", ret_of(definition, value))])


def value_del(state: CompanyState, body: dict[str, Any]) -> Outcome:
    """``DataExtDelRq``: clear a value; 3120 when the object has none."""
    data = body["DataExtDel"]
    definition, object_key, values, echo = _resolve(state, data)
    ext_id = definition["DataExtID"]
    if ext_id not in values:
        raise status.not_found(definition["DataExtName"])
    _set_values(state, object_key, {k: v for k, v in values.items() if k != ext_id})
    deleted = {"OwnerID": definition["OwnerID"], "DataExtName": definition["DataExtName"]}
    deleted.update(echo)
    deleted["TimeDeleted"] = qb_datetime(state.now())
    return Outcome([("DataExtDelRet", deleted)])


def ret_of(definition: dict[str, Any], value: str) -> dict[str, str]:
    """One ``DataExtRet``."""
    return {
        "OwnerID": definition["OwnerID"],
        "DataExtName": definition["DataExtName"],
        "DataExtType": definition["DataExtType"],
        "DataExtValue": value,
    }


# -- showing values on queries ------------------------------------------------------------
def rets_for(state: CompanyState, object_key: str, owners: frozenset[str]) -> list[dict]:
    """The ``DataExtRet`` of an object for the owners named, in the order they were defined."""
    values = state.data_ext_values.get(object_key)
    if not values:
        return []
    defs = state.data_ext_defs
    found = [
        (int(ext_id), ret_of(defs[ext_id], value))
        for ext_id, value in values.items()
        if ext_id in defs and _key(defs[ext_id]["OwnerID"]) in owners
    ]
    return [ret for _, ret in sorted(found, key=lambda pair: pair[0])]


def with_data_ext(state: CompanyState, record: Record, ret: dict, owners: frozenset[str]):
    """``ret`` (a record's shown Ret) with the owners' values added, on it and its lines;
    a copy where anything is added, the stored Ret itself otherwise."""
    if not state.data_ext_values:
        return ret
    out = ret
    found = rets_for(state, record.id, owners)
    if found:
        out = {**ret, "DataExtRet": found}
    for tag, value in ret.items():
        if not (isinstance(value, list) and value and isinstance(value[0], dict)):
            continue
        lines = [_line_with(state, record.id, line, owners) for line in value]
        if any(new is not old for new, old in zip(lines, value, strict=True)):
            out = {**out, tag: lines} if out is not ret else {**ret, tag: lines}
    return out


def _line_with(state: CompanyState, txn_id: str, line: dict, owners: frozenset[str]) -> dict:
    line_id = line.get("TxnLineID")
    found = rets_for(state, f"{txn_id}/{line_id}", owners) if line_id else []
    return {**line, "DataExtRet": found} if found else line


def showing_data_ext(handler: Callable[..., Outcome]) -> Callable[..., Outcome]:
    """A query handler whose records also show the values of the OwnerIDs the query names
    (nothing more when it names none: inferred, QBXML-NOTES.md §20)."""

    def answer(company: Company, body: dict, attrs: dict) -> Outcome:
        outcome = handler(company, body, attrs)
        owners = body.get("OwnerID") if isinstance(body, dict) else None
        if not owners:
            return outcome
        return _shown_with(company.state, outcome, frozenset(_key(o) for o in owners))

    return answer


def _shown_with(state: CompanyState, outcome: Outcome, owners: frozenset[str]) -> Outcome:
    if outcome.matches is not None:
        before = outcome.view

        def shown(record: Record) -> Any:
            ret = record.ret if before is None else before(record)
            return with_data_ext(state, record, ret, owners)

        outcome.view = shown
        return outcome
    children = []
    for tag, value in outcome.children:
        if tag == "CompanyRet":
            found = rets_for(state, COMPANY_KEY, owners)
            value = {**value, "DataExtRet": found} if found else value
        children.append((tag, value))
    outcome.children = children
    return outcome


HANDLERS: dict[str, Callable[[CompanyState, dict[str, Any]], Outcome]] = {
    "DataExtDefAddRq": def_add,
    "DataExtDefModRq": def_mod,
    "DataExtDefDelRq": def_del,
    "DataExtDefQueryRq": def_query,
    "DataExtAddRq": value_add,
    "DataExtModRq": value_mod,
    "DataExtDelRq": value_del,
}

COVERAGE_NOTES = {
    "DataExtDefAddRq": "OwnerID 0 (custom field) or a GUID (private) (QBXML-NOTES §20, IDS-DX); "
    "3100 a name the owner uses (inferred)",
    "DataExtDefModRq": "DataExtNewName, AssignToObject/RemoveFromObject (XSD); 3120 unknown "
    "(inferred)",
    "DataExtDefDelRq": "removes its values too; 3120 unknown (inferred)",
    "DataExtDefQueryRq": "by OwnerID and AssignToObject; 1 when none (IDS-DX)",
    "DataExtAddRq": "list element, transaction (line) or Company (intuit_CustomFieldAddValue); "
    "codes inferred: 3120 unknown definition or object, 3210 not assigned to the type or not "
    "of its DataExtType, 3100 already set; OwnerID on queries shows DataExtRet",
    "DataExtModRq": "intuit_CustomFieldModValue; 3120 when the object has no value (inferred)",
    "DataExtDelRq": "intuit_CustomFieldDelValue; 3120 when the object has no value (inferred)",
}


def register_all(register: Callable[[str, Callable[..., Outcome]], None]) -> None:
    """Add the DataExt request types to the handler table."""
    for request_type, operation in HANDLERS.items():
        register(request_type, _on_state(operation))


def _on_state(operation: Callable[[CompanyState, dict[str, Any]], Outcome]):
    def handler(company: Company, body: dict, attrs: dict) -> Outcome:
        del attrs
        return operation(company.state, body)

    return handler
