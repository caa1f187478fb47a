"""The workspace schema as an ordered list of migrations; ``PRAGMA user_version`` = how many ran.

Append a new migration to :data:`MIGRATIONS` to change the schema; never edit one that has
shipped. Timestamps are ISO 8601 text from the injected clock (``syncengine.clock.stamp``).
"""

from __future__ import annotations

CORE = (
    # App system of record: one row per customer, vendor, item, invoice, ...; the
    # type-specific fields are a JSON object whose keys map to QuickBooks fields.
    """CREATE TABLE entities (
        id INTEGER PRIMARY KEY,
        entity_type TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        status TEXT,
        data TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        modified_at TEXT NOT NULL,
        deleted_at TEXT
    )""",
    "CREATE INDEX entities_type_name ON entities(entity_type, name COLLATE NOCASE)",
    # App record <-> QuickBooks object (ListID or TxnID) with its EditSequence.
    """CREATE TABLE links (
        entity_id INTEGER PRIMARY KEY REFERENCES entities(id),
        entity_type TEXT NOT NULL,
        qb_type TEXT NOT NULL DEFAULT '',
        qb_id TEXT NOT NULL,
        edit_sequence TEXT,
        qb_active INTEGER NOT NULL DEFAULT 1,
        synced_at TEXT NOT NULL,
        qb_modified_at TEXT,
        qb_deleted_at TEXT
    )""",
    "CREATE UNIQUE INDEX links_qb_id ON links(entity_type, qb_id)",
    """CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        finished INTEGER NOT NULL DEFAULT 0 CHECK (finished IN (0, 1)),
        outcome TEXT NOT NULL DEFAULT 'running'
            CHECK (outcome IN ('running', 'finished', 'cancelled')),
        phase TEXT NOT NULL DEFAULT 'export',
        item_count INTEGER NOT NULL DEFAULT 0,
        error_count INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        request_sent_at TEXT,
        response_received_at TEXT,
        completed_at TEXT,
        note TEXT NOT NULL DEFAULT ''
    )""",
    # The database itself refuses a second unfinished sync job, whoever tries.
    "CREATE UNIQUE INDEX jobs_one_unfinished ON jobs(finished) WHERE finished = 0",
    # Pending sync requests: one change of one app record waiting for (or done by) QuickBooks.
    """CREATE TABLE psrs (
        id INTEGER PRIMARY KEY,
        entity_id INTEGER NOT NULL REFERENCES entities(id),
        entity_type TEXT NOT NULL,
        action TEXT NOT NULL
            CHECK (action IN ('add', 'modify', 'delete', 'inactivate', 'void')),
        state TEXT NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'locked', 'failed', 'done', 'removed', 'cancelled')),
        dep_order INTEGER NOT NULL,
        job_id INTEGER REFERENCES jobs(id),
        attempts INTEGER NOT NULL DEFAULT 0,
        error_code INTEGER,
        error_message TEXT,
        error_hint TEXT,
        note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        closed_at TEXT
    )""",
    # At most one open (queued or failed) PSR per record: edits collapse into it.
    "CREATE UNIQUE INDEX psrs_one_open ON psrs(entity_id) WHERE state IN ('queued', 'failed')",
    "CREATE INDEX psrs_state_order ON psrs(state, dep_order, id)",
    "CREATE INDEX psrs_entity ON psrs(entity_id, state)",
    "CREATE INDEX psrs_job ON psrs(job_id) WHERE job_id IS NOT NULL",
    """CREATE TABLE job_items (
        job_id INTEGER NOT NULL REFERENCES jobs(id),
        psr_id INTEGER NOT NULL REFERENCES psrs(id),
        seq INTEGER NOT NULL,
        action TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sent', 'done', 'failed', 'released')),
        PRIMARY KEY (job_id, psr_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX job_items_seq ON job_items(job_id, state, seq)",
    # newMessageSetID is saved with its request before the request leaves (error recovery).
    """CREATE TABLE message_sets (
        id TEXT PRIMARY KEY,
        job_id INTEGER NOT NULL REFERENCES jobs(id),
        seq INTEGER NOT NULL,
        request_xml TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'saved'
            CHECK (state IN ('saved', 'sent', 'answered', 'recovered', 'abandoned')),
        status_code INTEGER,
        response_xml TEXT,
        saved_at TEXT NOT NULL,
        sent_at TEXT,
        answered_at TEXT
    )""",
    "CREATE INDEX message_sets_job ON message_sets(job_id, seq)",
    """CREATE TABLE message_requests (
        message_set_id TEXT NOT NULL REFERENCES message_sets(id),
        request_id TEXT NOT NULL,
        request_type TEXT NOT NULL DEFAULT '',
        psr_id INTEGER REFERENCES psrs(id),
        UNIQUE (message_set_id, request_id)
    )""",
    "CREATE INDEX message_requests_psr ON message_requests(psr_id)",
    """CREATE TABLE errors (
        id INTEGER PRIMARY KEY,
        job_id INTEGER REFERENCES jobs(id),
        psr_id INTEGER REFERENCES psrs(id),
        entity_id INTEGER REFERENCES entities(id),
        message_set_id TEXT,
        request_id TEXT,
        request_type TEXT NOT NULL DEFAULT '',
        status_code INTEGER,
        severity TEXT NOT NULL DEFAULT 'Error',
        message TEXT NOT NULL,
        hint TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX errors_job ON errors(job_id)",
    "CREATE INDEX errors_psr ON errors(psr_id)",
    """CREATE TABLE sync_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('export', 'import')),
        outcome TEXT NOT NULL CHECK (outcome IN ('pending', 'success', 'failed', 'skipped')),
        job_id INTEGER,
        psr_id INTEGER,
        entity_id INTEGER,
        entity_type TEXT NOT NULL DEFAULT '',
        action TEXT NOT NULL DEFAULT '',
        qb_id TEXT,
        message TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX sync_log_job ON sync_log(job_id)",
    """CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
)

FLAGS_AND_WIZARD = (
    # Per-record flags that keep a record out of syncing (proxy, prevent sync).
    """CREATE TABLE entity_flags (
        entity_id INTEGER NOT NULL REFERENCES entities(id),
        flag TEXT NOT NULL CHECK (flag IN ('proxy', 'prevent_sync')),
        note TEXT NOT NULL DEFAULT '',
        set_at TEXT NOT NULL,
        PRIMARY KEY (entity_id, flag)
    ) WITHOUT ROWID""",
    # What waits for approval in each direction, checked by default.
    """CREATE TABLE wizard_candidates (
        id INTEGER PRIMARY KEY,
        direction TEXT NOT NULL CHECK (direction IN ('export', 'import')),
        entity_type TEXT NOT NULL,
        entity_id INTEGER REFERENCES entities(id),
        qb_id TEXT,
        name TEXT NOT NULL DEFAULT '',
        summary TEXT NOT NULL DEFAULT '',
        checked INTEGER NOT NULL DEFAULT 1 CHECK (checked IN (0, 1)),
        state TEXT NOT NULL DEFAULT 'waiting'
            CHECK (state IN ('waiting', 'approved', 'cleared', 'synced', 'failed')),
        created_at TEXT NOT NULL,
        decided_at TEXT
    )""",
    "CREATE INDEX wizard_state ON wizard_candidates(direction, state)",
)

BASELINES = (
    # A record's synced fields as QuickBooks last held them (app field names, JSON): what the
    # conflict rule compares both sides against to tell who changed which field.
    """CREATE TABLE baselines (
        entity_id INTEGER PRIMARY KEY REFERENCES entities(id),
        data TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
)

WIZARD_DETAIL_AND_WINDOWS = (
    # What a wizard candidate would do (a PSR's action; create/update/delete for an import),
    # the QuickBooks object and the EditSequence it was offered at (a cleared import change
    # is not offered again until QuickBooks changes the record again), and the job that
    # settled it.
    "ALTER TABLE wizard_candidates ADD COLUMN action TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE wizard_candidates ADD COLUMN qb_type TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE wizard_candidates ADD COLUMN edit_sequence TEXT",
    "ALTER TABLE wizard_candidates ADD COLUMN job_id INTEGER",
    "CREATE INDEX wizard_entity ON wizard_candidates(direction, entity_id, state)",
    "CREATE INDEX wizard_qb_id ON wizard_candidates(direction, qb_id, state)",
    # A manual sync's date range: the job exports and imports only transactions dated in it.
    "ALTER TABLE jobs ADD COLUMN date_from TEXT",
    "ALTER TABLE jobs ADD COLUMN date_to TEXT",
)

# Every instant the engine's clock wrote, by table. Until migration 5 the store kept the
# clock's own zone (a rehearsal's QuickBooks offset, the machine's, or naive from a fixed
# clock); from then on UTC. QuickBooks' own times (links.qb_*) are QuickBooks' and stay.
STAMPED = {
    "entities": ("created_at", "modified_at", "deleted_at"),
    "links": ("synced_at",),
    "jobs": ("created_at", "request_sent_at", "response_received_at", "completed_at"),
    "psrs": ("created_at", "updated_at", "closed_at"),
    "message_sets": ("saved_at", "sent_at", "answered_at"),
    "errors": ("created_at",),
    "sync_log": ("at",),
    "settings": ("updated_at",),
    "entity_flags": ("set_at",),
    "wizard_candidates": ("created_at", "decided_at"),
    "baselines": ("updated_at",),
}


def _to_utc(table: str, columns: tuple[str, ...]) -> str:
    """Rewrite a table's stamps in UTC (SQLite reads the offset; a naive stamp is UTC; text
    that is no stamp stays as it is)."""
    utc = "COALESCE(strftime('%Y-%m-%d %H:%M:%f', {0}) || '+00:00', {0})"
    sets = ", ".join(f"{c} = {utc.format(c)}" for c in columns)
    return f"UPDATE {table} SET {sets}"


STAMPS_IN_UTC = tuple(_to_utc(table, columns) for table, columns in STAMPED.items())

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    CORE,
    FLAGS_AND_WIZARD,
    BASELINES,
    WIZARD_DETAIL_AND_WINDOWS,
    STAMPS_IN_UTC,
)
"""Migration N (1-based) is ``MIGRATIONS[N - 1]``: statements run in one transaction."""

TABLES = (
    "entities",
    "links",
    "psrs",
    "jobs",
    "job_items",
    "message_sets",
    "message_requests",
    "errors",
    "sync_log",
    "settings",
    "entity_flags",
    "wizard_candidates",
    "baselines",
)
"""Every table :meth:`Store.frame` can read."""
