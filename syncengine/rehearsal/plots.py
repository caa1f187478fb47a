"""A rehearsal's plots: records in QuickBooks and the queue over simulated time, and errors
by status code, drawn with matplotlib's object API on an Agg canvas (no pyplot, no GUI
backend, nothing global), and turned into PNG bytes: for the dashboard's ``ipywidgets.Image``
and for ``qbsync rehearse --html`` alike (here, not in ``syncengine.ui``, so that the CLI's
report needs no widgets; the engine core never imports it)."""

from __future__ import annotations

import io

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from syncengine.rehearsal.rehearse import RehearsalReport

SIZE = (11.0, 3.4)
"""Inches: three plots side by side."""
DPI = 80


def plotted(report: RehearsalReport) -> pd.DataFrame:
    """The numbers the time plots draw: the timeline with simulated minutes."""
    frame = report.timeline.copy()
    frame.insert(1, "simulated_minutes", (frame["simulated_seconds"] / 60).round(2))
    return frame


def figure(report: RehearsalReport) -> Figure:
    """Three plots of ``report``: records synced, queue depth, errors by status code."""
    fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    synced, queue, errors = fig.subplots(1, 3)
    frame = plotted(report)
    _over_time(synced, frame, "synced", "Records in QuickBooks", "#1a6b1a")
    _over_time(queue, frame, "queue_depth", "Queue depth (PSRs waiting)", "#a15c11")
    _errors(errors, report.errors_by_code)
    rate = report.synced / (report.simulated_seconds / 60) if report.simulated_seconds else 0.0
    synced.set_title(f"Records in QuickBooks\n({rate:,.0f} a simulated minute on average)")
    return fig


def png(fig: Figure) -> bytes:
    """``fig`` as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _over_time(ax: Axes, frame: pd.DataFrame, column: str, title: str, colour: str) -> None:
    ax.step(frame["simulated_minutes"], frame[column], where="post", color=colour)
    ax.set_title(title)
    ax.set_xlabel("simulated minutes")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)


def _errors(ax: Axes, by_code: dict[str, int]) -> None:
    ax.set_title("Errors by status code")
    if not by_code:
        ax.text(0.5, 0.5, "no errors", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    ax.bar(list(by_code), list(by_code.values()), color="#a11")
    ax.set_ylabel("errors")
