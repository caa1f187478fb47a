"""The rehearsal's plots for the dashboard: drawn by :mod:`syncengine.rehearsal.plots`, which the
HTML report (``qbsync rehearse --html``) uses too; this name stays for the views and notebooks."""

from __future__ import annotations

from syncengine.rehearsal.plots import DPI, SIZE, figure, plotted, png

__all__ = ["DPI", "SIZE", "figure", "plotted", "png"]
