import type { SqliteDatabase } from '@stepstone/event-store';
import type { PostgresMigration } from '@stepstone/event-store';
import { AUDIT_TABLE, auditSchema } from '../audit/audit-log';

/**
 * Read-model tables. They live next to the event store's tables (same file for SQLite) and are
 * disposable: `rebuild()` empties them and replays the feed from position zero.
 */
export const READ_MODEL_TABLES = [
  'read_state_machines',
  'read_executions',
  'read_state_machine_versions',
  'read_state_machine_aliases',
  'read_map_runs',
  'read_map_run_executions',
  AUDIT_TABLE,
] as const;

export const CHECKPOINT_TABLE = 'projection_checkpoints';

/**
 * Events a projection skipped because it could not apply them (`stepstone projections status`
 * lists them). Kept beside the checkpoint, not with the read models: another process (the CLI)
 * must see them, and a rebuild clears a checkpoint's rows before it replays (and records again).
 */
export const FAILURES_TABLE = 'projection_failures';

const schema = `
  CREATE TABLE IF NOT EXISTS ${CHECKPOINT_TABLE} (
    name     TEXT    PRIMARY KEY,
    position INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS ${FAILURES_TABLE} (
    name        TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    stream_id   TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    message     TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    PRIMARY KEY (name, position)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS read_state_machines (
    name                  TEXT PRIMARY KEY,
    arn                   TEXT NOT NULL UNIQUE,
    type                  TEXT NOT NULL,
    status                TEXT NOT NULL,
    definition            TEXT NOT NULL,
    role_arn              TEXT NOT NULL,
    description           TEXT,
    logging_configuration TEXT NOT NULL,
    tracing_configuration TEXT NOT NULL,
    tags                  TEXT NOT NULL,
    creation_date         TEXT NOT NULL,
    update_date           TEXT,
    revision_id           TEXT NOT NULL,
    position              INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS read_executions (
    stream_id         TEXT PRIMARY KEY,
    execution_arn     TEXT NOT NULL UNIQUE,
    state_machine_arn TEXT NOT NULL,
    name              TEXT NOT NULL,
    type              TEXT NOT NULL,
    status            TEXT NOT NULL,
    start_date        TEXT NOT NULL,
    stop_date         TEXT,
    input             TEXT,
    output            TEXT,
    error             TEXT,
    cause             TEXT,
    start_position    INTEGER NOT NULL,
    position          INTEGER NOT NULL,
    redrive_count     INTEGER NOT NULL DEFAULT 0,
    redrive_date      TEXT
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS read_executions_by_machine
    ON read_executions (state_machine_arn, start_date DESC, start_position DESC);
  CREATE TABLE IF NOT EXISTS read_state_machine_versions (
    arn                   TEXT PRIMARY KEY,
    machine               TEXT NOT NULL,
    version               INTEGER NOT NULL,
    type                  TEXT NOT NULL,
    definition            TEXT NOT NULL,
    role_arn              TEXT NOT NULL,
    logging_configuration TEXT NOT NULL,
    tracing_configuration TEXT NOT NULL,
    revision_id           TEXT,
    description           TEXT,
    creation_date         TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS read_state_machine_versions_by_machine ON read_state_machine_versions (machine, version DESC);
  CREATE TABLE IF NOT EXISTS read_state_machine_aliases (
    arn                   TEXT PRIMARY KEY,
    machine               TEXT NOT NULL,
    name                  TEXT NOT NULL,
    description           TEXT,
    routing_configuration TEXT NOT NULL,
    creation_date         TEXT NOT NULL,
    update_date           TEXT NOT NULL,
    position              INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS read_state_machine_aliases_by_machine ON read_state_machine_aliases (machine, position);
  CREATE TABLE IF NOT EXISTS read_map_runs (
    map_run_arn                  TEXT PRIMARY KEY,
    stream_id                    TEXT NOT NULL,
    thread                       TEXT NOT NULL,
    status                       TEXT NOT NULL,
    start_date                   TEXT NOT NULL,
    stop_date                    TEXT,
    max_concurrency              INTEGER NOT NULL,
    tolerated_failure_percentage REAL NOT NULL,
    tolerated_failure_count      INTEGER NOT NULL,
    item_total                   INTEGER NOT NULL,
    execution_total              INTEGER NOT NULL,
    batch_sizes                  TEXT,
    redrive_count                INTEGER NOT NULL DEFAULT 0,
    redrive_date                 TEXT,
    start_position               INTEGER NOT NULL,
    position                     INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS read_map_runs_by_thread ON read_map_runs (stream_id, thread, status);
  CREATE TABLE IF NOT EXISTS read_map_run_executions (
    map_run_arn    TEXT    NOT NULL,
    item_index     INTEGER NOT NULL,
    status         TEXT    NOT NULL,
    start_date     TEXT    NOT NULL,
    stop_date      TEXT,
    redrive_count  INTEGER NOT NULL DEFAULT 0,
    redrive_date   TEXT,
    start_position INTEGER NOT NULL,
    pending_redrive INTEGER NOT NULL DEFAULT 0,
    not_redrivable INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (map_run_arn, item_index)
  ) WITHOUT ROWID;
`;

/** Created after addedColumns ran: they index columns an older file gains there. */
const indexesOnAddedColumns = `
  CREATE INDEX IF NOT EXISTS read_executions_by_version
    ON read_executions (state_machine_version_arn, start_date DESC, start_position DESC) WHERE state_machine_version_arn IS NOT NULL;
  CREATE INDEX IF NOT EXISTS read_executions_by_alias
    ON read_executions (state_machine_alias_arn, start_date DESC, start_position DESC) WHERE state_machine_alias_arn IS NOT NULL;
`;

/**
 * Indexes added after the tables' first version (PostgreSQL: migration 3), created on open.
 * By machine and status, in list order: ListExecutions with a statusFilter reads it in order,
 * and the console's counts per machine and status (read at each change it is shown) count it
 * without reading the rows, inputs and outputs included.
 */
const addedIndexes = `
  CREATE INDEX IF NOT EXISTS read_executions_by_machine_status
    ON read_executions (state_machine_arn, status, start_date DESC, start_position DESC);
`;

/** Columns added after the table's first version: files written before get them on open. */
const addedColumns: ReadonlyArray<readonly [table: string, column: string, definition: string]> = [
  ['read_executions', 'redrive_count', 'INTEGER NOT NULL DEFAULT 0'],
  ['read_executions', 'redrive_date', 'TEXT'],
  ['read_executions', 'state_machine_version_arn', 'TEXT'],
  ['read_executions', 'state_machine_alias_arn', 'TEXT'],
  ['read_map_run_executions', 'pending_redrive', 'INTEGER NOT NULL DEFAULT 0'],
  ['read_map_run_executions', 'not_redrivable', 'INTEGER NOT NULL DEFAULT 0'],
  ['read_state_machines', 'encryption_configuration', 'TEXT'],
  ['read_state_machine_versions', 'encryption_configuration', 'TEXT'],
];

/**
 * Creates missing tables and columns. Returns true when a read-model table was added to a file
 * whose checkpoint is already past zero (an older build wrote it): the feed must then be
 * replayed from zero, or the new table would only see events from here on.
 */
export function migrateReadModels(db: SqliteDatabase): boolean {
  const existing = new Set(db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all());
  db.exec(schema);
  db.exec(auditSchema);
  for (const [table, column, definition] of addedColumns) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
    if (!columns.some((present) => present.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  }
  db.exec(indexesOnAddedColumns);
  db.exec(addedIndexes);
  const added = READ_MODEL_TABLES.some((table) => !existing.has(table));
  const progressed = (db.prepare<[], number>(`SELECT coalesce(max(position), 0) FROM ${CHECKPOINT_TABLE}`).pluck().get() ?? 0) > 0;
  return added && progressed;
}

/**
 * The same tables in PostgreSQL (the postgres and kurrentdb stores), as versioned migrations:
 * a new column or table is a new entry, never an edit of an applied one. Column order follows
 * the SQLite tables, so a snapshot reads the same on both.
 */
export const postgresReadModelMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE ${CHECKPOINT_TABLE} (
        name     TEXT   PRIMARY KEY,
        position BIGINT NOT NULL
      );
      CREATE TABLE read_state_machines (
        name                  TEXT PRIMARY KEY COLLATE "C",
        arn                   TEXT NOT NULL UNIQUE,
        type                  TEXT NOT NULL,
        status                TEXT NOT NULL,
        definition            TEXT NOT NULL,
        role_arn              TEXT NOT NULL,
        description           TEXT,
        logging_configuration TEXT NOT NULL,
        tracing_configuration TEXT NOT NULL,
        tags                  TEXT NOT NULL,
        creation_date         TEXT NOT NULL,
        update_date           TEXT,
        revision_id           TEXT NOT NULL,
        position              BIGINT NOT NULL
      );
      CREATE TABLE read_executions (
        stream_id         TEXT PRIMARY KEY COLLATE "C",
        execution_arn     TEXT NOT NULL UNIQUE,
        state_machine_arn TEXT NOT NULL,
        name              TEXT NOT NULL,
        type              TEXT NOT NULL,
        status            TEXT NOT NULL,
        start_date        TEXT NOT NULL,
        stop_date         TEXT,
        input             TEXT,
        output            TEXT,
        error             TEXT,
        cause             TEXT,
        start_position    BIGINT NOT NULL,
        position          BIGINT NOT NULL,
        redrive_count     INTEGER NOT NULL DEFAULT 0,
        redrive_date      TEXT
      );
      CREATE INDEX read_executions_by_machine ON read_executions (state_machine_arn, start_date DESC, start_position DESC);
      CREATE TABLE ${AUDIT_TABLE} (
        position    BIGINT  PRIMARY KEY,
        recorded_at TEXT    NOT NULL,
        actor       TEXT    NOT NULL,
        source_ip   TEXT,
        request_id  TEXT,
        action      TEXT    NOT NULL,
        resource    TEXT    NOT NULL COLLATE "C",
        stream_id   TEXT    NOT NULL,
        revision    INTEGER NOT NULL,
        event_type  TEXT    NOT NULL,
        details     TEXT
      );
      CREATE INDEX read_audit_by_actor ON ${AUDIT_TABLE} (actor, position);
      CREATE INDEX read_audit_by_resource ON ${AUDIT_TABLE} (resource, position);
      CREATE INDEX read_audit_by_time ON ${AUDIT_TABLE} (recorded_at, position);
      CREATE INDEX read_audit_by_stream ON ${AUDIT_TABLE} (stream_id, position);
    `,
  },
  {
    // Versions and aliases. Feeds written before hold none of their events and no execution
    // started through one, so the new tables and columns need no replay.
    version: 2,
    sql: `
      ALTER TABLE read_executions ADD COLUMN state_machine_version_arn TEXT;
      ALTER TABLE read_executions ADD COLUMN state_machine_alias_arn TEXT;
      CREATE INDEX read_executions_by_version
        ON read_executions (state_machine_version_arn, start_date DESC, start_position DESC) WHERE state_machine_version_arn IS NOT NULL;
      CREATE INDEX read_executions_by_alias
        ON read_executions (state_machine_alias_arn, start_date DESC, start_position DESC) WHERE state_machine_alias_arn IS NOT NULL;
      CREATE TABLE read_state_machine_versions (
        arn                   TEXT PRIMARY KEY COLLATE "C",
        machine               TEXT NOT NULL,
        version               INTEGER NOT NULL,
        type                  TEXT NOT NULL,
        definition            TEXT NOT NULL,
        role_arn              TEXT NOT NULL,
        logging_configuration TEXT NOT NULL,
        tracing_configuration TEXT NOT NULL,
        revision_id           TEXT,
        description           TEXT,
        creation_date         TEXT NOT NULL
      );
      CREATE INDEX read_state_machine_versions_by_machine ON read_state_machine_versions (machine, version DESC);
      CREATE TABLE read_state_machine_aliases (
        arn                   TEXT PRIMARY KEY COLLATE "C",
        machine               TEXT NOT NULL,
        name                  TEXT NOT NULL,
        description           TEXT,
        routing_configuration TEXT NOT NULL,
        creation_date         TEXT NOT NULL,
        update_date           TEXT NOT NULL,
        position              BIGINT NOT NULL
      );
      CREATE INDEX read_state_machine_aliases_by_machine ON read_state_machine_aliases (machine, position);
    `,
  },
  { version: 3, sql: addedIndexes },
  {
    // Map Runs (DescribeMapRun, ListMapRuns, ListExecutions by mapRunArn). Their rows come from
    // events older feeds already hold (MapStateStarted, MapRunStarted, MapIteration*): a
    // database migrated here should be rebuilt (`stepstone projections rebuild`) to list the
    // Map Runs of executions recorded before.
    version: 4,
    sql: `
      CREATE TABLE read_map_runs (
        map_run_arn                  TEXT PRIMARY KEY COLLATE "C",
        stream_id                    TEXT NOT NULL COLLATE "C",
        thread                       TEXT NOT NULL COLLATE "C",
        status                       TEXT NOT NULL,
        start_date                   TEXT NOT NULL,
        stop_date                    TEXT,
        max_concurrency              INTEGER NOT NULL,
        tolerated_failure_percentage DOUBLE PRECISION NOT NULL,
        tolerated_failure_count      BIGINT NOT NULL,
        item_total                   BIGINT NOT NULL,
        execution_total              BIGINT NOT NULL,
        batch_sizes                  TEXT,
        redrive_count                INTEGER NOT NULL DEFAULT 0,
        redrive_date                 TEXT,
        start_position               BIGINT NOT NULL,
        position                     BIGINT NOT NULL
      );
      CREATE INDEX read_map_runs_by_thread ON read_map_runs (stream_id, thread, status);
      CREATE TABLE read_map_run_executions (
        map_run_arn    TEXT    NOT NULL COLLATE "C",
        item_index     INTEGER NOT NULL,
        status         TEXT    NOT NULL,
        start_date     TEXT    NOT NULL,
        stop_date      TEXT,
        redrive_count  INTEGER NOT NULL DEFAULT 0,
        redrive_date   TEXT,
        start_position BIGINT  NOT NULL,
        PRIMARY KEY (map_run_arn, item_index)
      );
    `,
  },
  {
    // Events a projection could not apply: skipped, recorded, listed by `stepstone projections status`.
    version: 5,
    sql: `
      CREATE TABLE ${FAILURES_TABLE} (
        name        TEXT   NOT NULL,
        position    BIGINT NOT NULL,
        stream_id   TEXT   NOT NULL,
        type        TEXT   NOT NULL,
        message     TEXT   NOT NULL,
        recorded_at TEXT   NOT NULL,
        PRIMARY KEY (name, position)
      );
    `,
  },
  {
    // A Map Run's children waiting to be redriven (DescribeMapRun's pendingRedrive).
    version: 6,
    sql: `ALTER TABLE read_map_run_executions ADD COLUMN pending_redrive INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    // A child that failed for good, on its own history quota (DescribeMapRun's failuresNotRedrivable).
    version: 7,
    sql: `ALTER TABLE read_map_run_executions ADD COLUMN not_redrivable INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    // encryptionConfiguration of a machine and of each version (DescribeStateMachine). Null is
    // AWS's default, an AWS owned key: rows of feeds written before read so, and events written
    // before hold none, so no replay is needed.
    version: 8,
    sql: `
      ALTER TABLE read_state_machines ADD COLUMN encryption_configuration TEXT;
      ALTER TABLE read_state_machine_versions ADD COLUMN encryption_configuration TEXT;
    `,
  },
];
