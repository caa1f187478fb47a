"""Reading YAML files people hand us (fault plans, playbooks, profiles) safely.

YAML is read with PyYAML's safe loader (plain data only), and aliases are bounded: a document
whose aliases expand to more than :data:`MAX_NODES` nodes (a "billion laughs" of nested
aliases fits in 500 bytes and expands to hundreds of millions), or that refers to itself, is
refused while it is read, before anything walks the data. A file that is not UTF-8 text or is
larger than :data:`MAX_FILE_BYTES` is refused with what it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError

MAX_NODES = 100_000
"""The most nodes a document may hold once its aliases are expanded."""
MAX_FILE_BYTES = 4 * 1024 * 1024
"""The largest YAML file read (4 MiB): plans and playbooks are a few kilobytes."""


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, counting each node as often as aliases repeat it."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._sizes: dict[int, tuple[yaml.Node, int]] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self._refuse_recursion(self.peek_event())
        node = super().compose_node(parent, index)
        if node is not None and id(node) not in self._sizes:
            self._weigh(node)
        return node

    def _weigh(self, node: yaml.Node) -> None:
        size = 1
        for child in _children(node):
            size += self._size(child)
        self._sizes[id(node)] = (node, size)
        if size > MAX_NODES:
            raise ComposerError(
                None,
                None,
                f"aliases expand this document past {MAX_NODES:,} nodes (a 'billion laughs');"
                " write the values out, or use fewer nested aliases",
                node.start_mark,
            )

    def _size(self, node: yaml.Node) -> int:
        return self._sizes[id(node)][1]

    def _refuse_recursion(self, event: Any) -> None:
        anchored = self.anchors.get(event.anchor)
        if anchored is not None and id(anchored) not in self._sizes:
            raise ComposerError(
                None,
                None,
                f"alias *{event.anchor} refers to a value that contains it; a value cannot"
                " hold itself",
                event.start_mark,
            )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def load(text: str) -> Any:
    """The plain data of ``text``; yaml.YAMLError when it is not YAML or its aliases expand
    too far."""
    return yaml.load(text, Loader=BoundedLoader)


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text`` (with lines, for messages), aliases bounded as in load."""
    return yaml.compose(text, Loader=BoundedLoader)


def read_text(path: str | Path, what: str) -> str:
    """The text of the ``what`` file at ``path``; ValueError naming the file when it is not
    UTF-8 text (a binary file) or is too large; OSError when it cannot be read."""
    with open(path, "rb") as stream:
        raw = stream.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ValueError(f"{path}: larger than {MAX_FILE_BYTES:,} bytes; not a {what}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path}: not a text file (byte 0x{raw[exc.start]:02X} at offset {exc.start} is"
            f" not UTF-8); a {what} is YAML text"
        ) from None
    if "\x00" in text:
        raise ValueError(f"{path}: holds a NUL byte, so it is binary; a {what} is YAML text")
    return text
