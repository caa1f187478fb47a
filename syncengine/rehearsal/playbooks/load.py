"""Reading a playbook file: YAML, checked against the schema in
:mod:`syncengine.rehearsal.playbooks.model` before anything runs. A problem is a
:class:`PlaybookError` that names the file, the line and the key."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from qbsim import safe_yaml
from qbsim.errors import FaultPlanError
from qbsim.faults import FaultPlan, load_plan
from syncengine.errors import SyncError
from syncengine.rehearsal.playbooks.model import REFERENCE, Playbook, Step


class PlaybookError(SyncError):
    """A playbook that cannot run: ``path:line: where: what is wrong``."""


def load(path: str | Path) -> Playbook:
    """The playbook in ``path``, validated; :class:`PlaybookError` naming the line if not."""
    path = Path(path)
    try:
        text = safe_yaml.read_text(path, "playbook")
    except OSError as exc:
        raise PlaybookError(f"{path}: cannot read the playbook: {exc.strerror}") from None
    except ValueError as exc:
        raise PlaybookError(str(exc)) from None
    node = _compose(path, text)
    try:
        playbook = Playbook.model_validate(safe_yaml.load(text))
    except ValidationError as exc:
        raise PlaybookError(_explain(path, node, exc)) from None
    _check_keys(path, node, playbook)
    fault_plan(playbook, path, _locate(node, ["faults"])[0])
    if playbook.name != path.stem:
        line, _ = _locate(node, ["name"])
        raise PlaybookError(
            f"{path}:{line}: name: {playbook.name!r} is not the file's name {path.stem!r};"
            " make them the same (commands name a playbook by its file)"
        )
    return playbook


def _check_keys(path: Path, node: yaml.Node, playbook: Playbook) -> None:
    """Every record key a record or step names exists by then (listed before it, or added by
    an earlier step)."""
    known: set[str] = set()
    for index, record in enumerate(playbook.app.records):
        _known_or_refuse(path, node, ["app", "records", index], _references(record.fields), known)
        known.add(record.key)
    for index, step in enumerate(playbook.steps):
        if step.app is not None and step.app.add is not None:
            known.add(step.app.add.key)
        _known_or_refuse(path, node, ["steps", index], keys_named(step), known)


def _known_or_refuse(
    path: Path, node: yaml.Node, loc: list[str | int], named: set[str], known: set[str]
) -> None:
    unknown = sorted(named - known)
    if unknown:
        line, where = _locate(node, loc)
        raise PlaybookError(
            f"{path}:{line}: {where}: no app record with key {unknown[0]!r} by here;"
            f" keys: {', '.join(sorted(known)) or 'none'}"
        )


def _references(data: Any) -> set[str]:
    """The keys ``{key}``, ``{psr:key}`` and ``{candidate:key}`` in ``data``, at any depth."""
    return {m[2] for m in REFERENCE.finditer(json.dumps(data, default=str))}


def keys_named(step: Step) -> set[str]:
    """The record keys a step names: ``{key}`` references in what it does, the records its
    app edit acts on, and the keys its expectations name."""
    action = getattr(step, step.action)
    named = _references(action.model_dump() if isinstance(action, BaseModel) else action)
    if step.app is not None and step.app.edit is not None:
        named.add(str(step.app.edit["record"]).strip("{}"))
    if step.app is not None and step.app.delete is not None:
        named.add(step.app.delete)
    expect = step.expect
    named |= set(expect.queue) | set(expect.app) | {line.record for line in expect.log}
    if expect.wizard is not None:
        named |= set(expect.wizard.waiting or ()) | set(expect.wizard.kept or ())
    return named


def fault_plan(playbook: Playbook, path: str | Path, line: int | None = None) -> FaultPlan:
    """The playbook's fault plan (a file named relative to the playbook's folder, or inline);
    :class:`PlaybookError` naming the playbook (and the line) when it cannot be read."""
    source = playbook.faults
    try:
        return load_plan(Path(path).parent / source if isinstance(source, str) else source)
    except (FaultPlanError, OSError) as exc:
        where = f"{path}:{line}" if line else str(path)
        raise PlaybookError(f"{where}: faults: {exc}") from None


def plan_text(playbook: Playbook, path: str | Path) -> str | None:
    """The playbook's fault plan as the YAML of a plan file (its file's text, or the inline
    plan written out); None when it has none."""
    source = playbook.faults
    if source is None:
        return None
    if isinstance(source, str):
        return (Path(path).parent / source).read_text(encoding="utf-8")
    return yaml.safe_dump(source, sort_keys=False)


def _compose(path: Path, text: str) -> yaml.Node:
    try:
        node = safe_yaml.compose(text)
    except yaml.YAMLError as exc:
        raise PlaybookError(f"{path}: not YAML: {exc}") from None
    if not isinstance(node, yaml.MappingNode):
        raise PlaybookError(f"{path}:1: a playbook is a mapping of keys (name, title, ...)")
    return node


def _explain(path: Path, root: yaml.Node, exc: ValidationError) -> str:
    """One line per problem, the first problems only: ``path:line: key: message``."""
    lines = []
    for error in exc.errors()[:5]:
        line, where = _locate(root, error["loc"])
        lines.append(f"{path}:{line}: {where or 'playbook'}: {_message(error)}")
    return "\n".join(lines)


def _message(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        allowed = ", ".join(_allowed(error["loc"][:-1]))
        return f"unknown key; allowed here: {allowed} (see scenarios/README.md)"
    if error["type"] == "missing":
        return "required key missing"
    if error["type"] == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return f"{error['msg']} (given: {error['input']!r})"


def _allowed(loc: Sequence[str | int]) -> list[str]:
    """The keys the schema allows at ``loc`` (the part of a playbook holding a wrong key)."""
    kind: Any = Playbook
    for part in loc:
        if isinstance(part, str) and _is_model(kind) and part in kind.model_fields:
            kind = _model_in(kind.model_fields[part].annotation)
        elif isinstance(part, str) and _is_model(kind):
            continue  # a union member's name
        else:
            kind = _model_in(kind)
    return list(kind.model_fields) if _is_model(kind) else []


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _model_in(annotation: Any) -> Any:
    """The model an annotation holds: itself, or inside ``X | None``, ``list[X]``,
    ``dict[str, X]``."""
    if _is_model(annotation):
        return annotation
    for arg in reversed(get_args(annotation)):
        if (found := _model_in(arg)) is not None:
            return found
    return None


def _locate(node: yaml.Node, loc: Sequence[str | int]) -> tuple[int, str]:
    """The line of the deepest node on the path ``loc`` (a key's own line for a scalar), and
    the path as written in the file: ``steps#2.expect.queue.inv`` (list items counted from 1).
    Parts that are not in the file (a union member's name) are skipped."""
    where = ""
    for part in loc:
        found = _child(node, part)
        if found is None:
            continue
        if isinstance(node, yaml.SequenceNode):
            where += f"#{int(part) + 1}"
        else:
            where += f".{part}" if where else str(part)
        node = found
    return node.start_mark.line + 1, where


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                return value if _is_container(value) else key
    return None


def _is_container(node: yaml.Node) -> bool:
    return isinstance(node, (yaml.MappingNode, yaml.SequenceNode))
