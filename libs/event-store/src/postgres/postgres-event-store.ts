import pg from 'pg';
import {
  checkExpectedRevision,
  EventStoreClosedError,
  StaleLeaseError,
  WrongExpectedVersionError,
  type AppendRequest,
  type LeaseFence,
  type AppendResult,
  type EventStore,
  type EventStoreStats,
  type FeedEventData,
  type ReadAllDataOptions,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type Subscription,
} from '../event-store';
import { chainEvents, prepareAppend, type PreparedAppend } from '../internal/prepare-append';
import { recordedEvent } from '../internal/recorded-event';
import { RecentEvents } from '../internal/recent-events';
import { createAppendSignal, startSubscription } from '../internal/subscription';
import { APPEND_LOCK_KEY, APPENDED_CHANNEL, EVENTS_TABLE, LEASES_TABLE, migrate, STREAMS_TABLE } from './postgres-schema';

export interface PostgresEventStoreOptions {
  /** A libpq connection string (`postgres://user:password@host:port/database?...`). */
  readonly connectionString: string;
  /** Clock for `recordedAt`. Default: the wall clock. */
  readonly now?: () => Date;
  /** Connections of the reading pool (reads, subscriptions' catch-up). Default 4. */
  readonly readConnections?: number;
  /** How long connecting may take before `open` fails. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
}

/**
 * The PostgreSQL store also hands out its connection pool, so read models can keep their tables
 * in the same database.
 */
export interface PostgresEventStore extends EventStore {
  readonly kind: 'postgres';
  readonly pool: pg.Pool;
  readonly connectionString: string;
  listStreams(prefix: string): Promise<string[]>;
  stats(): EventStoreStats;
}

/** An append ready to commit, with the lease it is made under (AppendRequest.fence). */
type FencedAppend = PreparedAppend & { readonly fence?: LeaseFence };

interface PendingAppend {
  readonly prepared: FencedAppend;
  readonly resolve: (result: AppendResult | WrongExpectedVersionError | StaleLeaseError) => void;
  readonly reject: (error: unknown) => void;
}

interface EventRow {
  readonly position: string;
  readonly stream_id: string;
  readonly revision: number;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly recorded_at: string;
  readonly hash: string;
  readonly previous_hash: string;
}

/** Kept like the SQLite store's: a subscriber that keeps up reads this process's commits from memory. */
const RECENT_EVENTS_KEPT = 4_096;
const eventColumns = 'position, stream_id, revision, type, data, metadata, recorded_at, hash, previous_hash';

/**
 * Opens an event store in a PostgreSQL database, creating its tables if needed.
 *
 * Gap-free global position, with any number of processes writing: every commit of events runs
 * under one transaction-level advisory lock (`pg_advisory_xact_lock`), taken before it reads the
 * head position and the streams' revisions and released by COMMIT itself. Positions are
 * max(position)+1 onwards, so they have no gaps; and since commits are serialised, a commit is
 * visible before the next writer can take the lock, so no reader ever sees position n+1 before
 * n (which a SEQUENCE would allow: sequence values are handed out in one order and committed in
 * another, or rolled back). The expected-revision check happens under the same lock, so it is
 * exact across processes as well.
 *
 * Group commit: appends queue while a commit is in flight and the next commit takes them all;
 * one write connection, four round trips per commit however many executions it carries.
 *
 * Subscriptions: every commit NOTIFYs `stepstone_appended`; each store LISTENs on its own
 * connection and wakes its subscriptions, so a process sees other processes' appends without
 * polling.
 */
export async function openPostgresEventStore(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
  const now = options.now ?? (() => new Date());
  const connectionTimeoutMillis = options.connectTimeoutMs ?? 5000;
  const clientConfig = { connectionString: options.connectionString, connectionTimeoutMillis };

  const connect = async (): Promise<pg.Client> => {
    const client = new pg.Client(clientConfig);
    // An idle connection that breaks emits 'error'; the next query on it rejects, which is reported there.
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    return client;
  };

  let writer = await connect();
  let listener: pg.Client | undefined;
  const pool = new pg.Pool({ ...clientConfig, max: options.readConnections ?? 4 });
  pool.on('error', () => {});
  try {
    await migrate(writer, 'event-store');
    listener = await connect();
  } catch (error) {
    await writer.end().catch(() => {});
    await pool.end().catch(() => {});
    throw error;
  }

  const signal = createAppendSignal();
  const subscriptions = new Set<Subscription>();
  const recent = new RecentEvents(RECENT_EVENTS_KEPT);
  let queue: PendingAppend[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  let flushing: Promise<void> | undefined;
  let writerBroken = false;
  let closed = false;
  let commits = 0;
  let eventsAppended = 0;

  const listen = async (client: pg.Client) => {
    client.on('notification', (message) => {
      if (message.channel === APPENDED_CHANNEL) signal.notify();
    });
    client.on('error', (error) => {
      if (closed) return;
      // Without the LISTEN connection subscriptions would miss other processes' appends: reconnect.
      console.error('stepstone event store: lost the LISTEN connection, reconnecting:', error.message);
      void reconnectListener();
    });
    await client.query(`LISTEN ${APPENDED_CHANNEL}`);
  };
  const reconnectListener = async () => {
    for (let attempt = 0; !closed; attempt += 1) {
      try {
        const client = await connect();
        if (closed) return void (await client.end());
        listener = client;
        await listen(client);
        signal.notify(); // appends during the outage: re-read the feed
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * 2 ** attempt)));
      }
    }
  };
  await listen(listener);

  const assertOpen = () => {
    if (closed) throw new EventStoreClosedError('postgres');
  };

  /**
   * One transaction for a whole queue: lock, read head and revisions, insert, commit. See the
   * function's comment for why the lock makes positions gap-free.
   */
  const commitAppends = async (appends: readonly FencedAppend[]) => {
    if (writerBroken) {
      writer = await connect();
      writerBroken = false;
    }
    const client = writer;
    try {
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${APPEND_LOCK_KEY})`);
      const streamIds = [...new Set(appends.map((append) => append.streamId))];
      const state = await client.query<{ head: string; streams: Array<[string, number, string]> }>(
        `SELECT (SELECT coalesce(max(position), 0) FROM ${EVENTS_TABLE}) AS head,
                (SELECT coalesce(json_agg(json_build_array(stream_id, revision, hash)), '[]') FROM ${STREAMS_TABLE} WHERE stream_id = ANY($1::text[])) AS streams`,
        [streamIds],
      );
      const streams = new Map<string, { revision: number; hash: string }>();
      for (const [streamId, revision, hash] of state.rows[0].streams) streams.set(streamId, { revision, hash });
      // Fencing: the leases named by the appends, read in this transaction. FOR SHARE makes a
      // takeover (an UPDATE of the lease row) wait for this commit, so an append is either
      // before the takeover (and the new owner replays it) or after it (and refused here).
      const fencedShards = [...new Set(appends.flatMap((append) => (append.fence ? [append.fence.shard] : [])))];
      const epochs = new Map<number, number>();
      if (fencedShards.length > 0) {
        const leases = await client.query<{ shard: number; epoch: string }>(
          `SELECT shard, epoch FROM ${LEASES_TABLE} WHERE shard = ANY($1::int[]) FOR SHARE`,
          [fencedShards],
        );
        for (const row of leases.rows) epochs.set(row.shard, Number(row.epoch));
      }

      const recordedAt = now().toISOString();
      let position = Number(state.rows[0].head);
      const firstPosition = position + 1;
      const columns: { [K in keyof EventRow]: unknown[] } = {
        position: [], stream_id: [], revision: [], type: [], data: [], metadata: [], recorded_at: [], hash: [], previous_hash: [],
      };
      const committed: RecordedEvent[] = [];
      const results = appends.map((append): AppendResult | WrongExpectedVersionError | StaleLeaseError => {
        if (append.fence && epochs.get(append.fence.shard) !== append.fence.epoch) {
          return new StaleLeaseError(append.streamId, append.fence.shard, append.fence.epoch, epochs.get(append.fence.shard));
        }
        const stream = streams.get(append.streamId);
        const conflict = checkExpectedRevision(append.streamId, append.expectedRevision, stream?.revision);
        if (conflict) return conflict;
        const rows = chainEvents(append.events, append.streamId, (stream?.revision ?? -1) + 1, stream?.hash ?? append.chainSeed);
        for (const row of rows) {
          position += 1;
          columns.position.push(position);
          columns.stream_id.push(append.streamId);
          columns.revision.push(row.revision);
          columns.type.push(row.type);
          columns.data.push(row.dataJson);
          columns.metadata.push(row.metadataJson);
          columns.recorded_at.push(recordedAt);
          columns.hash.push(row.hash);
          columns.previous_hash.push(row.previousHash);
          committed.push(
            recordedEvent({
              streamId: append.streamId,
              revision: row.revision,
              position,
              type: row.type,
              dataJson: row.dataJson,
              metadataJson: row.metadataJson,
              recordedAt,
              hash: row.hash,
              previousHash: row.previousHash,
            }),
          );
        }
        const last = rows[rows.length - 1];
        streams.set(append.streamId, { revision: last.revision, hash: last.hash });
        return { streamId: append.streamId, nextExpectedRevision: last.revision, position };
      });

      const written = committed.length;
      if (written > 0) {
        // The streams' last revisions, once per stream (ON CONFLICT may touch a row only once).
        const touched = [...new Set(committed.map((event) => event.streamId))];
        await client.query(
          `WITH inserted AS (
             INSERT INTO ${EVENTS_TABLE} (${eventColumns})
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
           ), streams AS (
             INSERT INTO ${STREAMS_TABLE} (stream_id, revision, hash)
             SELECT * FROM unnest($10::text[], $11::int[], $12::text[])
             ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, hash = excluded.hash
           )
           SELECT pg_notify('${APPENDED_CHANNEL}', $13)`,
          [
            columns.position, columns.stream_id, columns.revision, columns.type, columns.data,
            columns.metadata, columns.recorded_at, columns.hash, columns.previous_hash,
            touched, touched.map((id) => streams.get(id)!.revision), touched.map((id) => streams.get(id)!.hash),
            String(position),
          ],
        );
      }
      await client.query('COMMIT');
      return { results, written, firstPosition, committed };
    } catch (error) {
      // A broken connection cannot roll back; the server does when it notices, and we reconnect.
      await client.query('ROLLBACK').catch(() => {
        writerBroken = true;
      });
      throw error;
    }
  };

  const commitQueued = async () => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        const outcome = await commitAppends(batch.map((pending) => pending.prepared));
        if (outcome.written > 0) recent.keep(outcome.firstPosition, outcome.committed);
        batch.forEach((pending, index) => pending.resolve(outcome.results[index]));
        if (outcome.written > 0) {
          commits += 1;
          eventsAppended += outcome.written;
          signal.notify();
        }
      } catch (error) {
        // Nothing of this batch was committed: every caller sees the error.
        for (const pending of batch) pending.reject(error);
      }
    }
  };

  /** Starts a commit of everything queued unless one is in flight (which takes the queue when done). */
  const flush = (): Promise<void> => {
    if (scheduled !== undefined) clearImmediate(scheduled);
    scheduled = undefined;
    flushing ??= commitQueued().finally(() => {
      flushing = undefined;
      // Queued after the loop's last look and before this: take them too.
      if (queue.length > 0) scheduled ??= setImmediate(() => void flush());
    });
    return flushing;
  };

  const enqueue = (prepared: FencedAppend) =>
    new Promise<AppendResult | WrongExpectedVersionError | StaleLeaseError>((resolve, reject) => {
      queue.push({ prepared, resolve, reject });
      // Appends of the same turn of the event loop share the commit.
      if (flushing === undefined) scheduled ??= setImmediate(() => void flush());
    });

  const readAll = async (readOptions: ReadAllOptions): Promise<RecordedEvent[]> => {
    assertOpen();
    const result = await pool.query<EventRow>(`SELECT ${eventColumns} FROM ${EVENTS_TABLE} WHERE position > $1 ORDER BY position ASC LIMIT $2`, [
      Math.max(0, readOptions.fromPosition),
      limitOf(readOptions.maxCount),
    ]);
    return result.rows.map(toRecordedEvent);
  };

  const readAllData = async (readOptions: ReadAllDataOptions): Promise<FeedEventData[]> => {
    assertOpen();
    const from = Math.max(0, readOptions.fromPosition);
    const prefix = readOptions.streamPrefix;
    const result = prefix
      ? await pool.query<[string, string, number, string]>({
          text: `SELECT position, stream_id, revision, data FROM ${EVENTS_TABLE} WHERE position > $1 AND stream_id >= $2 AND stream_id < $3 ORDER BY position ASC LIMIT $4`,
          values: [from, prefix, prefixEnd(prefix), limitOf(readOptions.maxCount)],
          rowMode: 'array',
        })
      : await pool.query<[string, string, number, string]>({
          text: `SELECT position, stream_id, revision, data FROM ${EVENTS_TABLE} WHERE position > $1 ORDER BY position ASC LIMIT $2`,
          values: [from, limitOf(readOptions.maxCount)],
          rowMode: 'array',
        });
    return result.rows.map(([position, streamId, revision, dataJson]) => ({ streamId, revision, position: Number(position), dataJson }));
  };

  /** From memory when this process committed the wanted positions, else from SQL (as the SQLite store). */
  const readFeed = async (readOptions: ReadAllOptions): Promise<RecordedEvent[]> => {
    assertOpen();
    const limit = readOptions.maxCount ?? Number.POSITIVE_INFINITY;
    return recent.after(Math.max(0, readOptions.fromPosition), limit) ?? readAll(readOptions);
  };

  return {
    kind: 'postgres',
    pool,
    connectionString: options.connectionString,

    async append(request) {
      assertOpen();
      const result = await enqueue(prepareFenced(request));
      if (result instanceof WrongExpectedVersionError || result instanceof StaleLeaseError) throw result;
      return result;
    },

    async appendBatch(requests) {
      assertOpen();
      const prepared = requests.map(prepareFenced);
      return Promise.all(prepared.map(enqueue));
    },

    async readStream(streamId, readOptions: ReadStreamOptions = {}) {
      assertOpen();
      const limit = limitOf(readOptions.maxCount);
      const result =
        readOptions.direction === 'backwards'
          ? await pool.query<EventRow>(
              `SELECT ${eventColumns} FROM ${EVENTS_TABLE} WHERE stream_id = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`,
              [streamId, Math.min(readOptions.fromRevision ?? 2 ** 31 - 1, 2 ** 31 - 1), limit],
            )
          : await pool.query<EventRow>(
              `SELECT ${eventColumns} FROM ${EVENTS_TABLE} WHERE stream_id = $1 AND revision >= $2 ORDER BY revision ASC LIMIT $3`,
              [streamId, Math.min(readOptions.fromRevision ?? 0, 2 ** 31 - 1), limit],
            );
      return result.rows.map(toRecordedEvent);
    },

    async streamRevision(streamId) {
      assertOpen();
      const result = await pool.query<{ revision: number }>(`SELECT revision FROM ${STREAMS_TABLE} WHERE stream_id = $1`, [streamId]);
      return result.rows[0]?.revision;
    },

    readAll,
    readAllData,

    async headPosition() {
      assertOpen();
      const result = await pool.query<{ head: string }>(`SELECT coalesce(max(position), 0) AS head FROM ${EVENTS_TABLE}`);
      return Number(result.rows[0].head);
    },

    async listStreams(prefix) {
      assertOpen();
      const result =
        prefix.length === 0
          ? await pool.query<{ stream_id: string }>(`SELECT stream_id FROM ${STREAMS_TABLE} ORDER BY stream_id ASC`)
          : await pool.query<{ stream_id: string }>(
              `SELECT stream_id FROM ${STREAMS_TABLE} WHERE stream_id >= $1 AND stream_id < $2 ORDER BY stream_id ASC`,
              [prefix, prefixEnd(prefix)],
            );
      return result.rows.map((row) => row.stream_id);
    },

    subscribe(fromPosition, onEvents, subscribeOptions) {
      assertOpen();
      const subscription = startSubscription({ readAll: readFeed, signal }, fromPosition, onEvents, subscribeOptions, () =>
        subscriptions.delete(subscription),
      );
      subscriptions.add(subscription);
      return subscription;
    },

    stats() {
      return { commits, events: eventsAppended };
    },

    async close() {
      if (closed) return;
      closed = true;
      // Appends already requested are committed before the connections close.
      while (queue.length > 0 || flushing !== undefined) await flush();
      for (const subscription of [...subscriptions]) subscription.close();
      await Promise.all([writer.end().catch(() => {}), listener?.end().catch(() => {}), pool.end().catch(() => {})]);
    },
  };
}

function prepareFenced(request: AppendRequest): FencedAppend {
  const prepared = prepareAppend(request);
  return request.fence ? { ...prepared, fence: request.fence } : prepared;
}

/** The first string after every string that starts with `prefix` (COLLATE "C" orders by code point). */
function prefixEnd(prefix: string): string {
  const last = prefix.codePointAt(prefix.length - 1)!;
  return prefix.slice(0, -1) + String.fromCodePoint(last + 1);
}

/** PostgreSQL's LIMIT NULL means no limit. */
function limitOf(maxCount: number | undefined): number | null {
  if (maxCount === undefined || maxCount === Number.POSITIVE_INFINITY) return null;
  return Math.max(0, Math.trunc(maxCount));
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return recordedEvent({
    streamId: row.stream_id,
    revision: row.revision,
    position: Number(row.position),
    type: row.type,
    dataJson: row.data,
    metadataJson: row.metadata,
    recordedAt: row.recorded_at,
    hash: row.hash,
    previousHash: row.previous_hash,
  });
}
