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

/**
 * Notified by every commit; subscribers LISTEN on it. The payload announces the commit:
 * `{"f": first position, "l": last position, "t": recorded at, "a": announced types,
 * "d": [[number within the commit from 1, stream id, revision, type, data or null], …]}`, where
 * `d` holds the last event of each stream the commit wrote plus every event of the announced
 * types (`a`: the types, `|`, the types announced with their data; postgres-announcements.ts),
 * with its data when its type is one whose payload is announced (migration 5; migration 4's
 * function sends `e` with absolute positions instead). A payload that would not fit
 * PostgreSQL's NOTIFY limit (NOTIFY_PAYLOAD_LIMIT), or a commit that refused one of its
 * appends, is sent as `{"f", "l"}` alone, and readers read those positions from the feed.
 * Commits by the function of migration 3 (a process of an older build during a rolling
 * upgrade) notify the new head position alone, as a number.
 */
export const APPENDED_CHANNEL = 'stepstone_appended';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more (the default block size). */
export const NOTIFY_PAYLOAD_LIMIT = 8000;

/**
 * Keys of transaction-level advisory locks (pg_advisory_xact_lock): one serialises every commit
 * of events (see postgres-event-store.ts), one serialises migrations of processes starting at once.
 */
export const APPEND_LOCK_KEY = 0x5374_6570; // 'Step'
export const MIGRATION_LOCK_KEY = 0x5374_6571;

/**
 * The function that commits a batch of appends in one round trip (migration 3; migration 4 adds
 * the overload that announces the commit, migration 5 the one given the announcement by the client).
 */
export const APPEND_FUNCTION = 'stepstone_append';

/**
 * How an append's expected revision travels to APPEND_FUNCTION: a revision as itself, the
 * others as negative codes.
 */
export const ExpectedRevisionCode = { no_stream: -1, any: -2, stream_exists: -3 } as const;

/** What APPEND_FUNCTION says of each append it was given. */
export const AppendStatus = {
  Appended: 0,
  WrongExpectedVersion: 1,
  StaleLease: 2,
  /** The stream's head was not the one the events were chained to (a stale hint): chain again and retry. */
  StaleHead: 3,
} as const;
export type AppendStatus = (typeof AppendStatus)[keyof typeof AppendStatus];

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
  {
    version: 3,
    // One round trip per commit (issue 15). The client chains the events' hashes to the head it
    // believes each stream has (the stream's revision and hash); the function checks, under the
    // append lock, the leases (held FOR SHARE until COMMIT, as before), the expected revisions
    // and those heads, then writes every append that passed with one INSERT per table. A VOLATILE
    // PL/pgSQL function takes a fresh snapshot per statement, so what it reads after the lock
    // includes every commit made before it: positions stay max(position)+1 onwards, gap-free.
    // The caller sends each stream at most once per call, so the checks are one set query.
    //
    // The streams table also keeps each stream's last event type, so a process taking shards over
    // finds their open executions in it instead of scanning the whole feed (listStreamHeads).
    sql: `
      ALTER TABLE ${STREAMS_TABLE} ADD COLUMN last_type TEXT;
      UPDATE ${STREAMS_TABLE} s SET last_type = e.type FROM ${EVENTS_TABLE} e WHERE e.stream_id = s.stream_id AND e.revision = s.revision;
      ALTER TABLE ${STREAMS_TABLE} ALTER COLUMN last_type SET NOT NULL;
      CREATE OR REPLACE FUNCTION ${APPEND_FUNCTION}(
        p_stream_ids text[], p_expected int[], p_assumed_revisions int[], p_assumed_hashes text[],
        p_fence_shards int[], p_fence_epochs bigint[], p_last_revisions int[], p_last_hashes text[], p_last_types text[],
        p_event_appends int[], p_revisions int[], p_types text[], p_data text[], p_metadata text[],
        p_hashes text[], p_previous_hashes text[], p_recorded_at text,
        OUT o_head bigint, OUT o_statuses int[], OUT o_revisions int[], OUT o_hashes text[], OUT o_epochs bigint[]
      ) LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        written bigint;
      BEGIN
        PERFORM pg_advisory_xact_lock(${APPEND_LOCK_KEY});
        -- A takeover (an UPDATE of the lease row) waits for this commit: an append is either
        -- before it (the new owner replays it) or after it (and refused here).
        PERFORM 1 FROM ${LEASES_TABLE} WHERE shard = ANY(p_fence_shards) FOR SHARE;
        SELECT coalesce(max(position), 0) INTO o_head FROM ${EVENTS_TABLE};
        SELECT array_agg(c.status ORDER BY c.ord), array_agg(c.revision ORDER BY c.ord),
               array_agg(c.hash ORDER BY c.ord), array_agg(c.epoch ORDER BY c.ord)
          INTO o_statuses, o_revisions, o_hashes, o_epochs
        FROM (
          SELECT r.ord, s.revision, s.hash, l.epoch,
                 CASE
                   WHEN r.fence_shard IS NOT NULL AND l.epoch IS DISTINCT FROM r.fence_epoch THEN ${AppendStatus.StaleLease}
                   WHEN CASE r.expected
                          WHEN ${ExpectedRevisionCode.any} THEN false
                          WHEN ${ExpectedRevisionCode.no_stream} THEN s.revision IS NOT NULL
                          WHEN ${ExpectedRevisionCode.stream_exists} THEN s.revision IS NULL
                          ELSE s.revision IS DISTINCT FROM r.expected
                        END THEN ${AppendStatus.WrongExpectedVersion}
                   WHEN s.revision IS DISTINCT FROM r.assumed_revision OR s.hash <> r.assumed_hash THEN ${AppendStatus.StaleHead}
                   ELSE ${AppendStatus.Appended}
                 END AS status
          FROM unnest(p_stream_ids, p_expected, p_assumed_revisions, p_assumed_hashes, p_fence_shards, p_fence_epochs)
                 WITH ORDINALITY AS r(stream_id, expected, assumed_revision, assumed_hash, fence_shard, fence_epoch, ord)
          LEFT JOIN ${STREAMS_TABLE} s ON s.stream_id = r.stream_id
          LEFT JOIN ${LEASES_TABLE} l ON l.shard = r.fence_shard
        ) c;
        INSERT INTO ${EVENTS_TABLE} (position, stream_id, revision, type, data, metadata, recorded_at, hash, previous_hash)
        SELECT o_head + row_number() OVER (ORDER BY e.ord), p_stream_ids[e.append], e.revision, e.type, e.data, e.metadata,
               p_recorded_at, e.hash, e.previous_hash
        FROM unnest(p_event_appends, p_revisions, p_types, p_data, p_metadata, p_hashes, p_previous_hashes)
               WITH ORDINALITY AS e(append, revision, type, data, metadata, hash, previous_hash, ord)
        WHERE o_statuses[e.append] = ${AppendStatus.Appended};
        GET DIAGNOSTICS written = ROW_COUNT;
        IF written > 0 THEN
          INSERT INTO ${STREAMS_TABLE} (stream_id, revision, hash, last_type)
          SELECT r.stream_id, r.revision, r.hash, r.last_type
          FROM unnest(p_stream_ids, p_last_revisions, p_last_hashes, p_last_types) WITH ORDINALITY AS r(stream_id, revision, hash, last_type, ord)
          WHERE o_statuses[r.ord] = ${AppendStatus.Appended}
          ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, hash = excluded.hash, last_type = excluded.last_type;
          PERFORM pg_notify('${APPENDED_CHANNEL}', (o_head + written)::text);
        END IF;
      END
      $fn$;
    `,
  },
  {
    version: 4,
    // The commit announced in its NOTIFY (issue 15): a process that follows the feed for the
    // last event of each stream, ends and activity tasks learns them from the notification
    // instead of reading the feed at every wake-up (the payload's format: APPENDED_CHANNEL).
    // The announced types are arguments, so the store, not the schema, says which they are.
    // A new overload, not a replacement of migration 3's function: processes of the previous
    // build, still running during a rolling upgrade, go on calling theirs (and their commits are
    // announced by head position alone, which readers of this build answer with a read of the feed).
    sql: `
      CREATE FUNCTION ${APPEND_FUNCTION}(
        p_stream_ids text[], p_expected int[], p_assumed_revisions int[], p_assumed_hashes text[],
        p_fence_shards int[], p_fence_epochs bigint[], p_last_revisions int[], p_last_hashes text[], p_last_types text[],
        p_event_appends int[], p_revisions int[], p_types text[], p_data text[], p_metadata text[],
        p_hashes text[], p_previous_hashes text[], p_recorded_at text, p_announced_types text[], p_announced_payload_types text[],
        OUT o_head bigint, OUT o_statuses int[], OUT o_revisions int[], OUT o_hashes text[], OUT o_epochs bigint[]
      ) LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        written bigint;
        announced json;
        payload text;
      BEGIN
        PERFORM pg_advisory_xact_lock(${APPEND_LOCK_KEY});
        PERFORM 1 FROM ${LEASES_TABLE} WHERE shard = ANY(p_fence_shards) FOR SHARE;
        SELECT coalesce(max(position), 0) INTO o_head FROM ${EVENTS_TABLE};
        SELECT array_agg(c.status ORDER BY c.ord), array_agg(c.revision ORDER BY c.ord),
               array_agg(c.hash ORDER BY c.ord), array_agg(c.epoch ORDER BY c.ord)
          INTO o_statuses, o_revisions, o_hashes, o_epochs
        FROM (
          SELECT r.ord, s.revision, s.hash, l.epoch,
                 CASE
                   WHEN r.fence_shard IS NOT NULL AND l.epoch IS DISTINCT FROM r.fence_epoch THEN ${AppendStatus.StaleLease}
                   WHEN CASE r.expected
                          WHEN ${ExpectedRevisionCode.any} THEN false
                          WHEN ${ExpectedRevisionCode.no_stream} THEN s.revision IS NOT NULL
                          WHEN ${ExpectedRevisionCode.stream_exists} THEN s.revision IS NULL
                          ELSE s.revision IS DISTINCT FROM r.expected
                        END THEN ${AppendStatus.WrongExpectedVersion}
                   WHEN s.revision IS DISTINCT FROM r.assumed_revision OR s.hash <> r.assumed_hash THEN ${AppendStatus.StaleHead}
                   ELSE ${AppendStatus.Appended}
                 END AS status
          FROM unnest(p_stream_ids, p_expected, p_assumed_revisions, p_assumed_hashes, p_fence_shards, p_fence_epochs)
                 WITH ORDINALITY AS r(stream_id, expected, assumed_revision, assumed_hash, fence_shard, fence_epoch, ord)
          LEFT JOIN ${STREAMS_TABLE} s ON s.stream_id = r.stream_id
          LEFT JOIN ${LEASES_TABLE} l ON l.shard = r.fence_shard
        ) c;
        INSERT INTO ${EVENTS_TABLE} (position, stream_id, revision, type, data, metadata, recorded_at, hash, previous_hash)
        SELECT o_head + row_number() OVER (ORDER BY e.ord), p_stream_ids[e.append], e.revision, e.type, e.data, e.metadata,
               p_recorded_at, e.hash, e.previous_hash
        FROM unnest(p_event_appends, p_revisions, p_types, p_data, p_metadata, p_hashes, p_previous_hashes)
               WITH ORDINALITY AS e(append, revision, type, data, metadata, hash, previous_hash, ord)
        WHERE o_statuses[e.append] = ${AppendStatus.Appended};
        GET DIAGNOSTICS written = ROW_COUNT;
        IF written > 0 THEN
          INSERT INTO ${STREAMS_TABLE} (stream_id, revision, hash, last_type)
          SELECT r.stream_id, r.revision, r.hash, r.last_type
          FROM unnest(p_stream_ids, p_last_revisions, p_last_hashes, p_last_types) WITH ORDINALITY AS r(stream_id, revision, hash, last_type, ord)
          WHERE o_statuses[r.ord] = ${AppendStatus.Appended}
          ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, hash = excluded.hash, last_type = excluded.last_type;
          -- The same rows as the INSERT, numbered the same way; kept: each stream's last event and
          -- the announced types (the payload's format: APPENDED_CHANNEL).
          SELECT json_agg(json_build_array(o_head + w.n, p_stream_ids[w.append], w.revision, w.type,
                                           CASE WHEN w.type = ANY(p_announced_payload_types) THEN w.data END) ORDER BY w.n)
            INTO announced
          FROM (
            SELECT row_number() OVER (ORDER BY e.ord) AS n, e.append, e.revision, e.type, e.data
            FROM unnest(p_event_appends, p_revisions, p_types, p_data) WITH ORDINALITY AS e(append, revision, type, data, ord)
            WHERE o_statuses[e.append] = ${AppendStatus.Appended}
          ) w
          WHERE w.revision = p_last_revisions[w.append] OR w.type = ANY(p_announced_types) OR w.type = ANY(p_announced_payload_types);
          payload := json_build_object('f', o_head + 1, 'l', o_head + written, 't', p_recorded_at,
                                       'a', array_to_string(p_announced_types, ' ') || '|' || array_to_string(p_announced_payload_types, ' '),
                                       'e', announced)::text;
          IF octet_length(payload) >= ${NOTIFY_PAYLOAD_LIMIT} THEN
            payload := json_build_object('f', o_head + 1, 'l', o_head + written)::text;
          END IF;
          PERFORM pg_notify('${APPENDED_CHANNEL}', payload);
        END IF;
      END
      $fn$;
    `,
  },
  {
    version: 5,
    // The same commit for less of the database's CPU per commit, which is what grows when several
    // processes share the database (each one's group commits are smaller; bench/README.md):
    // - the announcement is built by the client, which knows every announced event but not the
    //   head, so it numbers them from 1 within the commit (`d`, not migration 4's absolute `e`,
    //   which a reader of the previous build would misread) and the function only wraps it with
    //   the positions; when an append of the batch is refused the numbering no longer holds and
    //   the commit is announced by its positions alone (refusals are rare: a lost race or lease);
    // - every statement runs a generic plan: each call planned them anew (custom plans for its
    //   array arguments), about a quarter of the function's CPU at one execution per commit.
    // Written out in full rather than shared with migration 4, whose text must never change.
    // Migration 4's overload stays for processes of the previous build during a rolling upgrade.
    sql: `
      CREATE FUNCTION ${APPEND_FUNCTION}(
        p_stream_ids text[], p_expected int[], p_assumed_revisions int[], p_assumed_hashes text[],
        p_fence_shards int[], p_fence_epochs bigint[], p_last_revisions int[], p_last_hashes text[], p_last_types text[],
        p_event_appends int[], p_revisions int[], p_types text[], p_data text[], p_metadata text[],
        p_hashes text[], p_previous_hashes text[], p_recorded_at text, p_announced text,
        OUT o_head bigint, OUT o_statuses int[], OUT o_revisions int[], OUT o_hashes text[], OUT o_epochs bigint[]
      ) LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $fn$
      DECLARE
        written bigint;
        payload text;
      BEGIN
        PERFORM pg_advisory_xact_lock(${APPEND_LOCK_KEY});
        PERFORM 1 FROM ${LEASES_TABLE} WHERE shard = ANY(p_fence_shards) FOR SHARE;
        SELECT coalesce(max(position), 0) INTO o_head FROM ${EVENTS_TABLE};
        SELECT array_agg(c.status ORDER BY c.ord), array_agg(c.revision ORDER BY c.ord),
               array_agg(c.hash ORDER BY c.ord), array_agg(c.epoch ORDER BY c.ord)
          INTO o_statuses, o_revisions, o_hashes, o_epochs
        FROM (
          SELECT r.ord, s.revision, s.hash, l.epoch,
                 CASE
                   WHEN r.fence_shard IS NOT NULL AND l.epoch IS DISTINCT FROM r.fence_epoch THEN ${AppendStatus.StaleLease}
                   WHEN CASE r.expected
                          WHEN ${ExpectedRevisionCode.any} THEN false
                          WHEN ${ExpectedRevisionCode.no_stream} THEN s.revision IS NOT NULL
                          WHEN ${ExpectedRevisionCode.stream_exists} THEN s.revision IS NULL
                          ELSE s.revision IS DISTINCT FROM r.expected
                        END THEN ${AppendStatus.WrongExpectedVersion}
                   WHEN s.revision IS DISTINCT FROM r.assumed_revision OR s.hash <> r.assumed_hash THEN ${AppendStatus.StaleHead}
                   ELSE ${AppendStatus.Appended}
                 END AS status
          FROM unnest(p_stream_ids, p_expected, p_assumed_revisions, p_assumed_hashes, p_fence_shards, p_fence_epochs)
                 WITH ORDINALITY AS r(stream_id, expected, assumed_revision, assumed_hash, fence_shard, fence_epoch, ord)
          LEFT JOIN ${STREAMS_TABLE} s ON s.stream_id = r.stream_id
          LEFT JOIN ${LEASES_TABLE} l ON l.shard = r.fence_shard
        ) c;
        INSERT INTO ${EVENTS_TABLE} (position, stream_id, revision, type, data, metadata, recorded_at, hash, previous_hash)
        SELECT o_head + row_number() OVER (ORDER BY e.ord), p_stream_ids[e.append], e.revision, e.type, e.data, e.metadata,
               p_recorded_at, e.hash, e.previous_hash
        FROM unnest(p_event_appends, p_revisions, p_types, p_data, p_metadata, p_hashes, p_previous_hashes)
               WITH ORDINALITY AS e(append, revision, type, data, metadata, hash, previous_hash, ord)
        WHERE o_statuses[e.append] = ${AppendStatus.Appended};
        GET DIAGNOSTICS written = ROW_COUNT;
        IF written > 0 THEN
          INSERT INTO ${STREAMS_TABLE} (stream_id, revision, hash, last_type)
          SELECT r.stream_id, r.revision, r.hash, r.last_type
          FROM unnest(p_stream_ids, p_last_revisions, p_last_hashes, p_last_types) WITH ORDINALITY AS r(stream_id, revision, hash, last_type, ord)
          WHERE o_statuses[r.ord] = ${AppendStatus.Appended}
          ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, hash = excluded.hash, last_type = excluded.last_type;
          payload := '{"f":' || (o_head + 1) || ',"l":' || (o_head + written);
          IF p_announced IS NOT NULL AND written = cardinality(p_event_appends)
             AND octet_length(payload) + octet_length(p_announced) + 2 < ${NOTIFY_PAYLOAD_LIMIT} THEN
            payload := payload || ',' || p_announced;
          END IF;
          PERFORM pg_notify('${APPENDED_CHANNEL}', payload || '}');
        END IF;
      END
      $fn$;
    `,
  },
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
