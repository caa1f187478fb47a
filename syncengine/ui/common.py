"""What every view shares: a root widget, a message area next to its buttons, and an Output
area where a callback's unexpected exception is shown (never lost in a log).

Callbacks are registered through :meth:`View.on_click` and :meth:`View.on_change`, which wrap
them: a :class:`~syncengine.errors.SyncError` (a refusal) is said in the message area; any
other exception is written, with its traceback, into the Output area. Output is written with
``append_stdout`` (not ``with out:``), so that nbval sees it as widget state, not cell output.
A callback that writes a workspace is registered with ``holds=store``: it runs holding that
workspace's lock (:mod:`syncengine.lock`), as a ``qbsync`` command that writes does, so a
notebook and a command line never work one workspace at once; while another process holds
it the click is refused in the message area, naming the holder. An in-memory store has no
file to hold. The message area carries the DOM class ``qbsync-message``: a page
(tests/test_browser.py) finds a view's own message by it.
"""

from __future__ import annotations

import contextlib
import html
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from syncengine.errors import SyncError
from syncengine.lock import holding

if TYPE_CHECKING:
    from syncengine.store import Store

NOT_NOW = "nothing was changed; click again when it has finished"
"""What a view says to do when another process holds its workspace."""
KINDS = ("info", "done", "refused")
"""How a message reads: plain information, an action done, a refusal."""
_COLOURS = {"info": "#333", "done": "#1a6b1a", "refused": "#a11"}


class View:
    """A view: ``widget`` (the box to display), ``message`` (what the last action said) and
    ``output`` (exceptions a callback raised). Display the view itself in a notebook."""

    def __init__(self) -> None:
        self.message = w.HTML(value="")
        self.message.add_class("qbsync-message")
        self._said = ""
        self.output = w.Output()
        self.widget: w.Box = w.VBox()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """Show the root widget when the view is a cell's value."""
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def said(self) -> str:
        """The message area's text, as a person reads it (no markup)."""
        return self._said

    def say(self, text: str, kind: str = "info") -> None:
        """Put ``text`` in the message area (``kind``: info, done or refused)."""
        if kind not in KINDS:
            raise ValueError(f"message kind {kind!r} is not one of {KINDS}")
        colour = _COLOURS[kind]
        body = html.escape(text).replace("\n", "<br>")
        self._said = text
        self.message.value = f'<div class="qbsync-{kind}" style="color:{colour}">{body}</div>'

    @property
    def errors_shown(self) -> str:
        """Everything the Output area holds as text (tracebacks of failed callbacks)."""
        return "".join(str(o.get("text", "")) for o in self.output.outputs)

    def guarded(self, callback: Callable[[], Any]) -> Callable[..., None]:
        """``callback`` wrapped to take (and drop) what a widget passes: a refusal is said, any
        other exception shown in ``output``."""

        def run(*_args: Any) -> None:
            try:
                callback()
            except SyncError as exc:
                self.say(str(exc), "refused")
            except Exception as exc:
                self._show_exception(callback, exc)

        return run

    def _show_exception(self, callback: Callable[[], Any], exc: Exception) -> None:
        name = getattr(callback, "__qualname__", repr(callback))
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
        self.output.append_stdout(f"Error in {name}: {type(exc).__name__}: {exc}\n")
        self.output.append_stdout("".join(lines))
        self.say(f"Something went wrong ({type(exc).__name__}: {exc}); details below.", "refused")

    def on_click(
        self, button: w.Button, callback: Callable[[], Any], holds: Store | None = None
    ) -> None:
        """Run ``callback()`` (guarded) when ``button`` is clicked; with ``holds``, holding
        that workspace while it runs (refused, and said, when another process holds it)."""
        if holds is not None:
            callback = self.holding_while(holds, callback, button.description)
        button.on_click(self.guarded(callback))

    def holding_while(
        self, store: Store, callback: Callable[[], Any], action: str
    ) -> Callable[[], Any]:
        """``callback`` made to run holding ``store``'s workspace file, named in the lock's note
        as this view's ``action``."""

        def run() -> Any:
            with workspace_held(store, f"notebook: {type(self).__name__} {action}"):
                return callback()

        run.__qualname__ = getattr(callback, "__qualname__", action)
        return run

    def on_change(self, widget: w.Widget, callback: Callable[[], Any]) -> None:
        """Run ``callback()`` (guarded) whenever ``widget.value`` changes."""
        widget.observe(self.guarded(callback), names="value")


@contextlib.contextmanager
def workspace_held(store: Store, command: str) -> Iterator[None]:
    """Hold the workspace file of ``store`` while the block runs (nothing for an in-memory
    store); :class:`~syncengine.lock.WorkspaceHeld` when another process holds it."""
    if store.path in ("", ":memory:") or store.path.startswith("file::memory:"):
        yield
        return
    with holding(Path(store.path), command, advice=NOT_NOW):
        yield
