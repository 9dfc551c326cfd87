import type { ClientBase } from 'pg';

/**
 * The event store's tables in PostgreSQL. Data and metadata are TEXT, not JSONB: the hash chain
 * covers the exact canonical JSON text, and JSONB would re-format it.
 */
export const EVENTS_TABLE = 'stepstone_events';
export const STREAMS_TABLE = 'stepstone_streams';
const VERSIONS_TABLE = 'stepstone_schema_versions';
/** Shard leases of the processes sharing the store (postgres-leases.ts), read by every fenced append. */
export const LEASES_TABLE = 'stepstone_shard_leases';
/** The live processes, each with the time its membership lapses unless renewed. */
export const MEMBERS_TABLE = 'stepstone_members';

/**
 * Shard leases and cluster members (postgres-leases.ts). The same tables serve both stores that
 * run several processes: the PostgreSQL store (its migration 2) and the KurrentDB store (in its
 * index database, kurrentdb-schema.ts).
 */
export const LEASE_TABLES_SQL = `
  CREATE TABLE IF NOT EXISTS ${LEASES_TABLE} (
    shard      INTEGER     PRIMARY KEY,
    owner      TEXT,
    epoch      BIGINT      NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
  );
  CREATE TABLE IF NOT EXISTS ${MEMBERS_TABLE} (
    process_id TEXT        PRIMARY KEY,
    expires_at TIMESTAMPTZ NOT NULL
  );
`;

/** Notified (with the new head position) by every commit; subscribers LISTEN on it. */
export const APPENDED_CHANNEL = 'stepstone_appended';

/**
 * Keys of transaction-level advisory locks (pg_advisory_xact_lock): one serialises every commit
 * of events (see postgres-event-store.ts), one serialises migrations of processes starting at once.
 */
export const APPEND_LOCK_KEY = 0x5374_6570; // 'Step'
export const MIGRATION_LOCK_KEY = 0x5374_6571;

interface Migration {
  readonly version: number;
  readonly sql: string;
}

const eventStoreMigrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE ${EVENTS_TABLE} (
        position      BIGINT  PRIMARY KEY,
        stream_id     TEXT    NOT NULL COLLATE "C",
        revision      INTEGER NOT NULL,
        type          TEXT    NOT NULL,
        data          TEXT    NOT NULL,
        metadata      TEXT    NOT NULL,
        recorded_at   TEXT    NOT NULL,
        hash          TEXT    NOT NULL,
        previous_hash TEXT    NOT NULL,
        UNIQUE (stream_id, revision)
      );
      CREATE TABLE ${STREAMS_TABLE} (
        stream_id TEXT    PRIMARY KEY COLLATE "C",
        revision  INTEGER NOT NULL,
        hash      TEXT    NOT NULL
      );
    `,
  },
  { version: 2, sql: LEASE_TABLES_SQL },
];

/**
 * Applies the versioned migrations of `component` not yet applied, in one transaction under an
 * advisory lock, so several processes starting on one database migrate it once.
 */
export async function migrate(client: ClientBase, component: string, migrations: readonly Migration[] = eventStoreMigrations): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${VERSIONS_TABLE} (component TEXT PRIMARY KEY, version INTEGER NOT NULL)`);
    const current = await client.query<{ version: number }>(`SELECT version FROM ${VERSIONS_TABLE} WHERE component = $1`, [component]);
    const applied = current.rows[0]?.version ?? 0;
    const latest = migrations[migrations.length - 1]?.version ?? 0;
    if (applied > latest) throw new Error(`The ${component} schema version ${applied} is newer than this build understands (${latest})`);
    for (const migration of migrations) {
      if (migration.version > applied) await client.query(migration.sql);
    }
    if (latest > applied) {
      await client.query(
        `INSERT INTO ${VERSIONS_TABLE} (component, version) VALUES ($1, $2) ON CONFLICT (component) DO UPDATE SET version = excluded.version`,
        [component, latest],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

export type { Migration };
