import { LEASE_TABLES_SQL, type Migration } from '../postgres/postgres-schema';

/**
 * The KurrentDB store's position index in PostgreSQL (see kurrentdb-event-store.ts): the port's
 * gap-free position of each event, its $all position (commit, prepare) and its stream revision.
 */
export const KURRENT_POSITIONS_TABLE = 'stepstone_kurrent_positions';

/** Serialises the indexers of every process on one database (pg_advisory_xact_lock). */
export const KURRENT_INDEX_LOCK_KEY = 0x5374_6572;

export const kurrentIndexMigrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE ${KURRENT_POSITIONS_TABLE} (
        position         BIGINT  PRIMARY KEY,
        commit_position  BIGINT  NOT NULL,
        prepare_position BIGINT  NOT NULL,
        stream_id        TEXT    NOT NULL COLLATE "C",
        revision         INTEGER NOT NULL,
        UNIQUE (commit_position, prepare_position),
        UNIQUE (stream_id, revision)
      );
    `,
  },
  // Several processes on one KurrentDB: their shard leases live here, beside the index.
  { version: 2, sql: LEASE_TABLES_SQL },
];
