"""Refusals and look-up failures of the store, on the ``SyncError`` branch of the error tree.

::

    SyncError
    └── StoreError              the workspace database refused or could not do something
        ├── Refused             a rule says no: a second unfinished sync job, removing a PSR
        │   └── JobRefused      that is locked in a job, editing a deleted record
        ├── NotFound            no record, PSR, job or message set with that ID
        └── SchemaVersionError  the file was written by a newer QB Sync Lab
"""

from __future__ import annotations

from syncengine.errors import SyncError


class StoreError(SyncError):
    """The workspace database refused an operation or could not carry it out."""


class Refused(StoreError):
    """An operation a rule forbids; the message says why and what to do instead."""


class JobRefused(Refused):
    """A sync job cannot be created, resumed or changed in its current state."""


class NotFound(StoreError, LookupError):
    """No row with the given ID; names what was looked for."""


class SchemaVersionError(StoreError):
    """The database file's schema is newer than this code knows how to read."""
