import type Database from 'better-sqlite3';
import type { PostgresMigration } from '@stepstone/event-store';
import { AUDIT_TABLE, auditSchema } from '../audit/audit-log';

/**
 * Read-model tables. They live next to the event store's tables (same file for SQLite) and are
 * disposable: `rebuild()` empties them and replays the feed from position zero.
 */
export const READ_MODEL_TABLES = ['read_state_machines', 'read_executions', AUDIT_TABLE] as const;

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
`;

/** Columns added after the table's first version: files written before get them on open. */
const addedColumns: ReadonlyArray<readonly [table: string, column: string, definition: string]> = [
  ['read_executions', 'redrive_count', 'INTEGER NOT NULL DEFAULT 0'],
  ['read_executions', 'redrive_date', 'TEXT'],
];

/**
 * Creates missing tables and columns. Returns true when a read-model table was added to a file
 * whose checkpoint is already past zero (an older build wrote it): the feed must then be
 * replayed from zero, or the new table would only see events from here on.
 */
export function migrateReadModels(db: Database.Database): boolean {
  const existing = new Set(db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all());
  db.exec(schema);
  db.exec(auditSchema);
  for (const [table, column, definition] of addedColumns) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
    if (!columns.some((present) => present.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  }
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
    version: 2,
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
];
