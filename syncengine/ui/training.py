"""Training exercises on screen: an exercise's title and task, the sync screens it is done with
(:class:`~syncengine.ui.queue_view.QueueView`, :class:`~syncengine.ui.records_view.RecordsView`,
:class:`~syncengine.ui.jobs_view.JobsView`, :class:`~syncengine.ui.wizard_view.WizardView`, one
tab each, over the exercise's own workspace and simulated company), "Check my work", which says
what is still wrong item by item (:mod:`syncengine.rehearsal.training` reads the state), and
"Reset exercise", which sets the situation up again from scratch."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from typing import TypeVar

import ipywidgets as w

from syncengine.rehearsal.training import SEED, CheckResult, Classroom, Exercise
from syncengine.store.psrs import ACTIVE_STATES
from syncengine.ui.common import View
from syncengine.ui.jobs_view import JobsView
from syncengine.ui.queue_view import QueueView
from syncengine.ui.records_view import RecordsView
from syncengine.ui.wizard_view import WizardView

Screen = QueueView | RecordsView | JobsView | WizardView
"""A sync screen an exercise is done with (each can ``refresh()``)."""

SCREENS: dict[str, tuple[str, Callable[[Classroom], Screen]]] = {
    "queue": ("Sync queue", lambda room: QueueView(room.store)),
    "records": ("Records", lambda room: RecordsView(room.store)),
    "jobs": ("Sync jobs", lambda room: JobsView(room.store, room.transport)),
    "wizard": ("Sync wizard", lambda room: WizardView(room.store)),
}
"""The screens an exercise may name: its tab title, and how it is built over a classroom."""

V = TypeVar("V", bound=View)


def widget_tree(widget: w.Widget) -> Iterator[w.Widget]:
    """``widget`` and every widget inside it, depth first."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from widget_tree(child)


def task_html(exercise: Exercise) -> str:
    """The exercise's title, its task, and the screens (tabs) it is done with."""
    screens = ", ".join(SCREENS[name][0] for name in exercise.views)
    return (
        f"<h3>{html.escape(exercise.title)}</h3><p>{html.escape(exercise.task)}</p>"
        f"<p><i>Screens (tabs below): {html.escape(screens)}. When you think you are done,"
        " click Check my work.</i></p>"
    )


class ExerciseView(View):
    """One exercise: its task, its screens over a fresh classroom, "Check my work" (the
    result in the message area and in ``result``) and "Reset exercise"."""

    def __init__(self, exercise: Exercise, seed: int = SEED) -> None:
        super().__init__()
        self.exercise = exercise
        self.seed = seed
        self.room = exercise.start(seed)
        self.result: CheckResult | None = None
        self.views: dict[str, Screen] = {}
        self.tabs = w.Tab()
        self.check_button = w.Button(description="Check my work", button_style="primary")
        self.reset_button = w.Button(description="Reset exercise", tooltip="start again")
        self.on_click(self.check_button, self.check)
        self.on_click(self.reset_button, self.reset)
        self._build_screens()
        self.widget = w.VBox(
            [
                w.HTML(task_html(exercise)),
                self.tabs,
                w.HBox([self.check_button, self.reset_button]),
                self.message,
                self.output,
            ]
        )

    def _build_screens(self) -> None:
        self.views = {name: SCREENS[name][1](self.room) for name in self.exercise.views}
        self.tabs.children = [view.widget for view in self.views.values()]
        self.tabs.titles = [SCREENS[name][0] for name in self.views]
        self.tabs.selected_index = 0
        for name, view in self.views.items():
            for button in (x for x in widget_tree(view.widget) if isinstance(x, w.Button)):
                self.on_click(button, self._refreshing_all_but(name))

    def _refreshing_all_but(self, name: str) -> Callable[[], None]:
        return lambda: self.refresh(but=name)

    def refresh(self, but: str = "") -> None:
        """Read every screen again (but the one named, which just did so itself): what one
        screen did shows on the others."""
        for name, view in self.views.items():
            if name != but:
                view.refresh()

    def check(self) -> CheckResult:
        """Check the trainee's work against the workspace and QuickBooks; say the result."""
        self.result = self.exercise.check(self.room)
        self.say(str(self.result), "done" if self.result.done else "info")
        return self.result

    def reset(self) -> None:
        """Start the exercise again: a fresh workspace and company, set up as at first."""
        old = list(self.views.values())
        self.room.close()
        self.room = self.exercise.start(self.seed)
        self.result = None
        self._build_screens()
        for view in old:
            for widget in widget_tree(view.widget):
                widget.close()
        waiting = len(self.room.app.queue.frame(state=ACTIVE_STATES))
        self.say(
            f"Exercise reset: {self.exercise.title}, set up again in a fresh workspace and"
            f" simulated company ({waiting} PSR(s) in the queue).",
            "done",
        )

    def screen(self, name: str, kind: type[V]) -> V:
        """The exercise's ``name`` screen (``queue``, ``records``, ``jobs``, ``wizard``)."""
        view = self.views.get(name)
        if not isinstance(view, kind):
            raise KeyError(
                f"exercise {self.exercise.key!r} has no {name!r} screen; it has"
                f" {', '.join(self.views)}"
            )
        return view

    @property
    def queue(self) -> QueueView:
        """The sync queue screen."""
        return self.screen("queue", QueueView)

    @property
    def records(self) -> RecordsView:
        """The records screen."""
        return self.screen("records", RecordsView)

    @property
    def jobs(self) -> JobsView:
        """The sync jobs screen."""
        return self.screen("jobs", JobsView)

    @property
    def wizard(self) -> WizardView:
        """The sync wizard screen."""
        return self.screen("wizard", WizardView)
