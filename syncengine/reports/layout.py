"""How the reports lay out text for people: filled to one width, with hanging indents."""

from __future__ import annotations

import textwrap

WIDTH = 100
"""The width of a report's lines, in characters."""


def wrap(text: str, indent: int = 2, hanging: int | None = None) -> str:
    """``text`` with its white space folded, filled to :data:`WIDTH` and indented by
    ``indent`` (its continuation lines by ``hanging``, if given)."""
    return textwrap.fill(
        " ".join(text.split()),
        WIDTH,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent if hanging is None else hanging),
        break_on_hyphens=False,
    )
