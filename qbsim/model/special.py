"""Company-level requests (HostQuery, CompanyQuery, PreferencesQuery, ListDeletedQuery)."""

from __future__ import annotations


def register_all(register) -> None:
    """Add this module's request types to the handler table."""
