"""The workspace settings and what they do to the sync.

* :mod:`~syncengine.settings.sync_settings`: ``SyncSettings``, every setting as a checked,
  typed property (areas, sources, behaviours, the schedule's values).
* :mod:`~syncengine.settings.rescope`: what a change of the areas, sources or begin date
  puts into the queue or takes out of it.
* :mod:`~syncengine.settings.change`: one setting changed, and what it did to the queue in
  words (what ``qbsync settings set`` and the settings view say).
* :mod:`~syncengine.settings.schedule`: when syncs run, a manual sync over a date range or an
  auto sync every N seconds by the store's clock (its simulated twin lives in
  :mod:`syncengine.rehearsal.autosync`).
"""

from syncengine.settings.sync_settings import IMPORT_MARKS, MIN_EVERY_SECONDS, SyncSettings

__all__ = ["IMPORT_MARKS", "MIN_EVERY_SECONDS", "SyncSettings"]
