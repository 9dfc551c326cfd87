import type { AllStreamSubscription, Filter, KurrentDBClient, Position } from '@kurrent/kurrentdb-client';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  checkExpectedRevision,
  EventStoreClosedError,
  StaleLeaseError,
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type Subscription,
} from '../event-store';
import { chainEvents, prepareFenced, type FencedAppend } from '../internal/prepare-append';
import { createAppendSignal, startSubscription } from '../internal/subscription';
import { underLeaseFence } from '../postgres/postgres-leases';
import { migrate } from '../postgres/postgres-schema';
import {
  assignPositions,
  comparePositions,
  envelopeOf,
  fromKurrentEvent,
  isKurrentWrongExpectedVersion,
  portStreamId,
  readDirection,
  retriesAfterConflict,
  streamStateFor,
  toKurrentEvent,
  toKurrentRevision,
  translateWrongExpectedVersion,
  type FeedEntry,
  type KurrentRecorded,
} from './kurrentdb-mapping';
import { KURRENT_INDEX_LOCK_KEY, KURRENT_POSITIONS_TABLE, kurrentIndexMigrations } from './kurrentdb-schema';

export interface KurrentDbEventStoreOptions {
  /** KurrentDB's connection string (`kurrentdb://host:2113?tls=false`, or `kurrentdb+discover://` for a cluster). */
  readonly connectionString: string;
  /** A libpq URL: the position index, read models and leases live in this PostgreSQL database. */
  readonly postgresUrl: string;
  /**
   * Prefix of this store's KurrentDB stream names (default none): the store sees only its own
   * streams, so several stores (or tests) can share one KurrentDB. One namespace per PostgreSQL database.
   */
  readonly namespace?: string;
  /** How long connecting to either server, and each KurrentDB call, may take. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** Connections of the PostgreSQL pool. Default 4. */
  readonly poolSize?: number;
}

/** Like the PostgreSQL store, it hands out its pool: read models and leases keep their tables there. */
export interface KurrentDbEventStore extends EventStore {
  readonly kind: 'kurrentdb';
  readonly pool: pg.Pool;
  listStreams(prefix: string): Promise<string[]>;
}

interface IndexRecord {
  readonly position: string;
  readonly commit_position: string;
  readonly prepare_position: string;
  readonly stream_id: string;
  readonly revision: number;
}

/** Events read from $all per page while indexing or reading the feed. */
const PAGE = 500;
/** Conflicts an append with 'any' or 'stream_exists' retries before it gives up. */
const MAX_RETRIES = 100;

/**
 * The EventStore port on KurrentDB (`@kurrent/kurrentdb-client`), with a position index in
 * PostgreSQL.
 *
 * Streams: one KurrentDB stream per port stream (`namespace + streamId`), appended with an
 * exact expected revision; port revisions are KurrentDB's (kurrentdb-mapping.ts). The hash
 * chain and the port's metadata travel in each event's KurrentDB metadata.
 *
 * Global position: KurrentDB's $all positions are byte offsets in its transaction log (commit
 * and prepare positions), ordered but with gaps. The port wants 1, 2, 3… without gaps, so the
 * port position of an event is its ordinal among this store's events in $all order, kept in a
 * PostgreSQL table (`stepstone_kurrent_positions`: position → $all commit/prepare, stream,
 * revision). The table is written by an indexer that reads $all (filtered to the namespace's
 * streams, system events excluded) after the last indexed $all position, numbers the events
 * it finds (assignPositions) and inserts them, under a transaction-level advisory lock, so
 * every process indexing the same $all writes the same rows once. $all only grows at its end,
 * so an ordinal never changes. An append returns after its events are indexed (it runs the
 * indexer), so its result carries the port position and every reader of the index sees it;
 * appends by other processes are indexed when a live, filtered $all subscription reports them.
 * If a process dies between KurrentDB's commit and the index insert, the next indexing pass
 * (any process: on start, on the next append, on the subscription) picks the event up.
 *
 * Fencing (several processes, apps/server's cluster): an append that carries a lease fence
 * (AppendRequest.fence) reads the shard's lease row in PostgreSQL FOR SHARE, refuses the append
 * (StaleLeaseError) unless the epoch is the fence's, and holds that row lock while KurrentDB
 * appends. A takeover bumps the epoch with an UPDATE of the same row, which waits for the lock:
 * once another process holds the shard, no append under the old epoch is in flight, and none
 * can start.
 *
 * appendBatch commits each request on its own: a KurrentDB append is atomic per stream only
 * (multi-stream appends need KurrentDB 25.1), which the port allows, since each request is
 * checked on its own and only the group commit is lost.
 */
export async function openKurrentDbEventStore(options: KurrentDbEventStoreOptions): Promise<KurrentDbEventStore> {
  const namespace = options.namespace ?? '';
  const deadline = options.connectTimeoutMs ?? 5000;

  // Loaded here, not at the top: only a server on this store pays for the client's gRPC and native bridge.
  const { BACKWARDS, END, excludeSystemEvents, KurrentDBClient: Client, START, streamNameFilter } = await import('@kurrent/kurrentdb-client');
  let client: KurrentDBClient;
  try {
    client = Client.connectionString(options.connectionString);
  } catch (error) {
    throw new Error(`KURRENTDB_CONNECTION_STRING: ${messageOf(error)}`);
  }
  const pool = new pg.Pool({ connectionString: options.postgresUrl, connectionTimeoutMillis: deadline, max: options.poolSize ?? 4 });
  pool.on('error', () => {});
  try {
    const migrator = await pool.connect();
    try {
      await migrate(migrator, 'kurrentdb-index', kurrentIndexMigrations);
    } finally {
      migrator.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    await client.dispose().catch(() => {});
    throw new Error(`PostgreSQL (STEPSTONE_POSTGRES_URL): ${messageOf(error)}`);
  }
  try {
    // The client connects lazily: one read proves the server answers, within the deadline.
    await withDeadline(firstOf(client.readAll({ maxCount: 1, direction: BACKWARDS, deadline })), deadline + 1000, 'no answer');
  } catch (error) {
    await client.dispose().catch(() => {});
    await pool.end().catch(() => {});
    throw new Error(`KurrentDB (KURRENTDB_CONNECTION_STRING): ${messageOf(error)}`);
  }
  const kurrent = client;

  const filter: Filter = namespace ? streamNameFilter({ prefixes: [namespace] }) : excludeSystemEvents();
  const signal = createAppendSignal();
  const subscriptions = new Set<Subscription>();
  const inFlight = new Set<Promise<unknown>>();
  let live: AllStreamSubscription | undefined;
  let closed = false;

  const assertOpen = () => {
    if (closed) throw new EventStoreClosedError('kurrentdb');
  };

  /** One pass of the indexer: everything in $all after the last indexed event, page by page. */
  const indexPass = async (): Promise<void> => {
    // Where the previous page of this pass ended: pages of events that are not ours add no rows.
    let cursor: Position | undefined;
    for (;;) {
      const db = await pool.connect();
      let full = false;
      try {
        await db.query('BEGIN');
        await db.query('SELECT pg_advisory_xact_lock($1)', [KURRENT_INDEX_LOCK_KEY]);
        const lastRow = (await db.query<IndexRecord>(`SELECT * FROM ${KURRENT_POSITIONS_TABLE} ORDER BY position DESC LIMIT 1`)).rows[0];
        const last = lastRow ? { position: Number(lastRow.position), kurrentPosition: kurrentPositionOf(lastRow) } : undefined;
        const entries: FeedEntry[] = [];
        let read = 0;
        let from: Position | undefined = last?.kurrentPosition;
        if (cursor && (!from || comparePositions(cursor, from) > 0)) from = cursor;
        for await (const resolved of kurrent.readAll({ fromPosition: from ?? START, maxCount: PAGE, filter, deadline })) {
          read += 1;
          if (resolved.event?.position) cursor = resolved.event.position;
          const entry = feedEntryOf(resolved.event);
          if (entry) entries.push(entry);
        }
        full = read === PAGE;
        const rows = assignPositions(last, entries);
        if (rows.length > 0) {
          await db.query(
            `INSERT INTO ${KURRENT_POSITIONS_TABLE} (position, commit_position, prepare_position, stream_id, revision)
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::int[])`,
            [
              rows.map((row) => row.position),
              rows.map((row) => row.kurrentPosition.commit.toString()),
              rows.map((row) => row.kurrentPosition.prepare.toString()),
              rows.map((row) => row.streamId),
              rows.map((row) => row.revision),
            ],
          );
        }
        await db.query('COMMIT');
        if (rows.length > 0) signal.notify();
        // A full page may have stopped short of $all's end: read on from where it stopped.
        if (!full) return;
      } catch (error) {
        await db.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        db.release();
      }
    }
  };

  /** The feed entry of a $all event, undefined for events that are not this store's. */
  const feedEntryOf = (event: KurrentRecorded | undefined): FeedEntry | undefined => {
    if (!event?.position) return undefined;
    const streamId = portStreamId(namespace, event.streamId);
    if (streamId === undefined || !envelopeOf(event)) return undefined;
    return { streamId, revision: Number(event.revision), kurrentPosition: event.position };
  };

  /**
   * Brings the index up to $all's end as of this call: joins a pass that has not started yet,
   * else queues one after the running pass (which may have read $all before the caller's append).
   */
  let running: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  const catchUp = (): Promise<void> => {
    if (queued) return queued;
    const pass = running.then(() => {
      queued = undefined;
      return indexPass();
    });
    queued = pass;
    running = pass.catch(() => {});
    return pass;
  };

  /** Other processes' appends: a live subscription to $all wakes the indexer. */
  const startLive = () => {
    if (live || closed) return;
    const subscription = kurrent.subscribeToAll({ fromPosition: END, filter });
    live = subscription;
    subscription.on('data', () => {
      void catchUp().catch(() => {});
    });
    subscription.on('error', () => {
      if (live === subscription) live = undefined;
      if (closed) return;
      // Reconnect after a pause; a catch-up pass covers what was appended meanwhile.
      setTimeout(() => {
        if (closed || subscriptions.size === 0) return;
        startLive();
        void catchUp().catch(() => {});
      }, 1000).unref();
    });
  };

  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => {});
    return work;
  };

  /** The stream's last revision and hash, from KurrentDB. */
  const lastOf = async (streamId: string): Promise<{ revision: number; hash: string } | undefined> => {
    try {
      for await (const resolved of kurrent.readStream(namespace + streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1, deadline })) {
        const event = resolved.event;
        const envelope = event ? envelopeOf(event) : undefined;
        if (event && envelope) return { revision: Number(event.revision), hash: envelope.hash };
      }
      return undefined;
    } catch (error) {
      if (isStreamNotFound(error)) return undefined;
      throw error;
    }
  };

  /** Port positions of a stream's revisions, indexing first when some are missing. */
  const positionsOf = async (streamId: string, revisions: readonly number[]): Promise<Map<number, number>> => {
    const lookup = async () => {
      const result = await pool.query<{ revision: number; position: string }>(
        `SELECT revision, position FROM ${KURRENT_POSITIONS_TABLE} WHERE stream_id = $1 AND revision = ANY($2::int[])`,
        [streamId, revisions],
      );
      return new Map(result.rows.map((row) => [row.revision, Number(row.position)]));
    };
    let found = await lookup();
    if (found.size < revisions.length) {
      await catchUp();
      found = await lookup();
    }
    return found;
  };

  /** Names each append attempt, for its events' ids (eventIdFor): this instance, then a counter. */
  const instance = randomUUID();
  let attempts = 0;

  const appendOne = async (prepared: FencedAppend): Promise<AppendResult | WrongExpectedVersionError | StaleLeaseError> => {
    for (let retries = 0; ; retries += 1) {
      // 'any' retries while other writers keep winning; a stream whose last event is not Stepstone's never settles.
      if (retries > MAX_RETRIES) throw new Error(`kurrentdb store: gave up appending to '${prepared.streamId}' after ${MAX_RETRIES} conflicts`);
      const last = await lastOf(prepared.streamId);
      const conflict = checkExpectedRevision(prepared.streamId, prepared.expectedRevision, last?.revision);
      if (conflict) return conflict;
      const rows = chainEvents(prepared.events, prepared.streamId, (last?.revision ?? -1) + 1, last?.hash ?? prepared.chainSeed);
      const attempt = (attempts += 1);
      try {
        const stale = await underLeaseFence(pool, prepared.streamId, prepared.fence, async () => {
          await kurrent.appendToStream(namespace + prepared.streamId, rows.map((row) => toKurrentEvent(row, `${instance}:${attempt}`)), { streamState: streamStateFor(last?.revision), deadline });
        });
        if (stale) return stale;
      } catch (error) {
        if (!isKurrentWrongExpectedVersion(error)) throw error;
        const refused = translateWrongExpectedVersion(error, prepared.streamId, prepared.expectedRevision);
        if (retriesAfterConflict(prepared.expectedRevision, refused.actual)) continue;
        return refused;
      }
      const lastRevision = rows[rows.length - 1].revision;
      await catchUp();
      const position = (await positionsOf(prepared.streamId, [lastRevision])).get(lastRevision);
      if (position === undefined) throw new Error(`kurrentdb store: event ${lastRevision} of '${prepared.streamId}' was appended but is not in $all`);
      return { streamId: prepared.streamId, nextExpectedRevision: lastRevision, position };
    }
  };

  /** The feed from the index: rows after `fromPosition`, their events read from $all in one forward scan. */
  const readAll = async (readOptions: ReadAllOptions): Promise<RecordedEvent[]> => {
    assertOpen();
    const limit = readOptions.maxCount === undefined || readOptions.maxCount === Number.POSITIVE_INFINITY ? null : Math.max(0, Math.trunc(readOptions.maxCount));
    if (limit === 0) return [];
    const fromPosition = Math.max(0, readOptions.fromPosition);
    // The row AT fromPosition too, when there is one: the $all read starts from its position, so
    // the first wanted event is found whether KurrentDB's read from a position includes it or not.
    const result = await pool.query<IndexRecord>(`SELECT * FROM ${KURRENT_POSITIONS_TABLE} WHERE position >= $1 ORDER BY position ASC LIMIT $2`, [
      fromPosition,
      limit === null ? null : limit + 1,
    ]);
    const anchor = result.rows[0] && Number(result.rows[0].position) === fromPosition ? result.rows[0] : undefined;
    const rows = (anchor ? result.rows.slice(1) : result.rows).slice(0, limit ?? undefined);
    if (rows.length === 0) return [];
    const wanted = new Map(rows.map((row) => [`${row.commit_position}/${row.prepare_position}`, row]));
    const found: RecordedEvent[] = [];
    let from: Position | typeof START = anchor ? kurrentPositionOf(anchor) : START;
    const end = kurrentPositionOf(rows[rows.length - 1]);
    scan: for (;;) {
      let read = 0;
      let lastSeen: Position | undefined;
      for await (const resolved of kurrent.readAll({ fromPosition: from, maxCount: PAGE, filter, deadline })) {
        read += 1;
        const event = resolved.event;
        if (!event?.position) continue;
        lastSeen = event.position;
        const row = wanted.get(`${event.position.commit}/${event.position.prepare}`);
        if (row) {
          const recorded = fromKurrentEvent(event, row.stream_id, Number(row.position));
          if (recorded) found.push(recorded);
        }
        if (comparePositions(event.position, end) >= 0) break scan;
      }
      if (read < PAGE || lastSeen === undefined) break;
      from = lastSeen;
    }
    if (found.length !== rows.length) throw new Error(`kurrentdb store: ${rows.length - found.length} indexed events are missing from $all (scavenged?)`);
    return found;
  };

  const store: KurrentDbEventStore = {
    kind: 'kurrentdb',
    pool,

    async append(request) {
      assertOpen();
      const result = await track(appendOne(prepareFenced(request)));
      if (result instanceof WrongExpectedVersionError || result instanceof StaleLeaseError) throw result;
      return result;
    },

    async appendBatch(requests) {
      assertOpen();
      const prepared = requests.map(prepareFenced);
      // In order: requests on one stream apply in array order. Tracked whole, so close() waits for all of it.
      return track(
        (async () => {
          const results: Array<AppendResult | WrongExpectedVersionError | StaleLeaseError> = [];
          for (const request of prepared) results.push(await appendOne(request));
          return results;
        })(),
      );
    },

    async readStream(streamId, readOptions: ReadStreamOptions = {}) {
      assertOpen();
      const backwards = readOptions.direction === 'backwards';
      if (readOptions.maxCount === 0) return [];
      const fromRevision = readOptions.fromRevision === undefined ? (backwards ? END : START) : toKurrentRevision(readOptions.fromRevision);
      const events: KurrentRecorded[] = [];
      try {
        for await (const resolved of kurrent.readStream(namespace + streamId, {
          direction: readDirection(readOptions.direction),
          fromRevision,
          ...(readOptions.maxCount !== undefined && readOptions.maxCount !== Number.POSITIVE_INFINITY ? { maxCount: Math.max(0, Math.trunc(readOptions.maxCount)) } : {}),
          deadline,
        })) {
          if (resolved.event && envelopeOf(resolved.event)) events.push(resolved.event);
        }
      } catch (error) {
        if (isStreamNotFound(error)) return [];
        throw error;
      }
      if (events.length === 0) return [];
      const positions = await positionsOf(
        streamId,
        events.map((event) => Number(event.revision)),
      );
      return events.map((event) => {
        const position = positions.get(Number(event.revision));
        if (position === undefined) throw new Error(`kurrentdb store: event ${event.revision} of '${streamId}' is not in the position index`);
        return fromKurrentEvent(event, streamId, position)!;
      });
    },

    async streamRevision(streamId) {
      assertOpen();
      return (await lastOf(streamId))?.revision;
    },

    readAll,

    async headPosition() {
      assertOpen();
      await catchUp();
      const result = await pool.query<{ head: string }>(`SELECT coalesce(max(position), 0) AS head FROM ${KURRENT_POSITIONS_TABLE}`);
      return Number(result.rows[0].head);
    },

    async listStreams(prefix) {
      assertOpen();
      await catchUp();
      const result = await pool.query<{ stream_id: string }>(
        `SELECT stream_id FROM ${KURRENT_POSITIONS_TABLE} WHERE revision = 0 AND starts_with(stream_id, $1) ORDER BY stream_id ASC`,
        [prefix],
      );
      return result.rows.map((row) => row.stream_id);
    },

    subscribe(fromPosition, onEvents, subscribeOptions) {
      assertOpen();
      startLive();
      const subscription = startSubscription({ readAll, signal }, fromPosition, onEvents, subscribeOptions, () => subscriptions.delete(subscription));
      subscriptions.add(subscription);
      return subscription;
    },

    async close() {
      if (closed) return;
      closed = true;
      // Appends already requested finish (and are indexed) before the connections close.
      await Promise.allSettled([...inFlight]);
      for (const subscription of [...subscriptions]) subscription.close();
      const subscription = live;
      live = undefined;
      await subscription?.unsubscribe().catch(() => {});
      await running;
      await Promise.all([kurrent.dispose().catch(() => {}), pool.end().catch(() => {})]);
    },
  };

  // Events a crashed process appended but never indexed: index them before serving.
  await catchUp().catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  return store;
}

function kurrentPositionOf(row: Pick<IndexRecord, 'commit_position' | 'prepare_position'>): Position {
  return { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) };
}

function isStreamNotFound(error: unknown): boolean {
  const type = (error as { type?: unknown } | undefined)?.type;
  return type === 'stream-not-found' || type === 'no-stream';
}

async function firstOf<T>(iterable: AsyncIterableIterator<T>): Promise<void> {
  for await (const item of iterable) {
    void item;
    break;
  }
}

/** Rejects after `ms` if `work` has not settled: a server that never answers is an error, not a hang. */
async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  const parts = error instanceof AggregateError ? error.errors.map(messageOf).join('; ') : '';
  return (parts || text || 'unknown error').replace(/\s+/g, ' ').trim();
}

