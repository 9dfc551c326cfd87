import pg from 'pg';
import {
  checkExpectedRevision,
  EventStoreClosedError,
  StaleLeaseError,
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type EventStoreStats,
  type FeedEventData,
  type ReadAllDataOptions,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StreamHeadInfo,
  type RecordedEvent,
  type Subscription,
} from '../event-store';
import { chainEvents, createPreparations, prepareFenced, prepareFencedInSlices, recordedRow, type FencedAppend } from '../internal/prepare-append';
import { recordedEvent } from '../internal/recorded-event';
import { RecentEvents } from '../internal/recent-events';
import { createAppendSignal, startSubscription, type FeedReadOptions } from '../internal/subscription';
import { AnnouncedCommits, announcementsKey, createAnnouncer, latestPerStream, parseAnnouncement, type AnnouncementCandidate, type Announcements } from './postgres-announcements';
import { APPEND_FUNCTION, APPENDED_CHANNEL, AppendStatus, EVENTS_TABLE, ExpectedRevisionCode, migrate, NOTIFY_PAYLOAD_LIMIT, STREAMS_TABLE } from './postgres-schema';

export interface PostgresEventStoreOptions {
  /** A libpq connection string (`postgres://user:password@host:port/database?...`). */
  readonly connectionString: string;
  /** Clock for `recordedAt`. Default: the wall clock. */
  readonly now?: () => Date;
  /** Connections of the reading pool (reads, subscriptions' catch-up). Default 4. */
  readonly readConnections?: number;
  /** How long connecting may take before `open` fails. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /**
   * What each commit announces in its NOTIFY besides each stream's last event (postgres-announcements.ts):
   * every process on one database should pass the same. Default: nothing more.
   */
  readonly announcements?: Announcements;
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
  listStreamHeads(prefix: string): Promise<StreamHeadInfo[]>;
  stats(): EventStoreStats;
}

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

interface StreamHead {
  readonly revision: number;
  readonly hash: string;
}

/** An append to commit again (it was chained to a stale head). */
const RETRY = Symbol('retry');
type CommitResult = AppendResult | WrongExpectedVersionError | StaleLeaseError | typeof RETRY;

interface CommitOutcome {
  readonly results: readonly CommitResult[];
  readonly written: number;
  readonly firstPosition: number;
  readonly committed: RecordedEvent[];
}

/** What the append function answers (int8 values arrive as text). */
interface AppendAnswer {
  readonly o_head: string;
  readonly o_statuses: number[];
  readonly o_revisions: Array<number | null>;
  readonly o_hashes: Array<string | null>;
  readonly o_epochs: Array<string | null>;
}

/** Streams whose head this process remembers, to chain the next append without reading it. */
const HEADS_KEPT = 65_536;

/** Kept like the SQLite store's: a subscriber that keeps up reads this process's commits from memory. */
const RECENT_EVENTS_KEPT = 4_096;
/** Commits announced by NOTIFY kept for subscribers that follow the latest event per stream. */
const ANNOUNCED_COMMITS_KEPT = 1_024;
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
 * one write connection, one round trip per commit however many executions it carries: a call of
 * the `stepstone_append` function (postgres-schema.ts, migration 5), which takes the lock, checks
 * leases, expected revisions and stream heads, and writes with one INSERT per table. The events'
 * hashes are chained here, to the head this process remembers for each stream (from its own
 * commits, else read before the commit); a stale head is refused by the function and the append
 * committed again, so the chain stays exact with several writers.
 *
 * Subscriptions: every commit NOTIFYs `stepstone_appended` with what it wrote (migration 5: its
 * positions, each stream's last event, the announced types); each store LISTENs on its own
 * connection and wakes its subscriptions, so a process sees other processes' appends without
 * polling. The store knows the head from those announcements and its own commits, so a
 * subscriber at the head waits without reading; one that follows the latest event per stream
 * (SubscribeOptions.latestPerStream) is served from the announcements, and reads the feed only
 * when one is missing (not announced in full, or a LISTEN connection lost and made again).
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
  const announcements: Announcements = options.announcements ?? { types: [], payloadTypes: [] };
  const announced = new AnnouncedCommits(ANNOUNCED_COMMITS_KEPT, announcementsKey(announcements));
  const announce = createAnnouncer(announcements, NOTIFY_PAYLOAD_LIMIT);
  /**
   * The last position committed, as far as this process heard (its commits, the announcements,
   * a read of the head after each LISTEN): a subscriber past it has nothing to read, and the
   * next announcement wakes it.
   */
  let knownHead = 0;
  /** Until LISTEN is on and the head read (and for good after a payload this build does not understand). */
  let headUnknown = true;
  const heardOf = (position: number) => {
    if (position > knownHead) knownHead = position;
  };
  const queue: PendingAppend[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  let flushing: Promise<void> | undefined;
  let writerBroken = false;
  let closed = false;
  let commits = 0;
  let eventsAppended = 0;

  const listen = async (client: pg.Client) => {
    client.on('notification', (message) => {
      if (message.channel !== APPENDED_CHANNEL) return;
      const commit = parseAnnouncement(message.payload ?? '');
      if (commit === undefined) headUnknown = true; // not understood (a newer build?): read the feed at every wake-up
      else if ('head' in commit) heardOf(commit.head);
      else {
        announced.keep(commit);
        heardOf(commit.last);
      }
      signal.notify();
    });
    client.on('error', (error) => {
      if (closed) return;
      // Without the LISTEN connection subscriptions would miss other processes' appends: reconnect.
      console.error('stepstone event store: lost the LISTEN connection, reconnecting:', error.message);
      void reconnectListener();
    });
    await client.query(`LISTEN ${APPENDED_CHANNEL}`);
    // Read after LISTEN: a commit after this read is announced, none falls between. Until the read
    // answers, the head is unknown (subscribers read the feed).
    headUnknown = true;
    const head = await client.query<{ head: string }>(`SELECT coalesce(max(position), 0) AS head FROM ${EVENTS_TABLE}`);
    heardOf(Number(head.rows[0].head));
    headUnknown = false;
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

  /** A stream's last revision and hash, as this process last saw them (a hint: the commit checks it). */
  const heads = new Map<string, StreamHead>();
  const rememberHead = (streamId: string, head: StreamHead | undefined) => {
    heads.delete(streamId);
    if (head === undefined) return;
    heads.set(streamId, head);
    // Oldest first in a Map: drop the least recently touched.
    if (heads.size > HEADS_KEPT) heads.delete(heads.keys().next().value!);
  };

  /**
   * The heads to chain each append to: a new stream's (`no_stream`) is known; others come from
   * this process's own commits, else from one read of the streams table (outside the lock). Either
   * may be stale by commit time; the commit refuses such an append (StaleHead) and says the head.
   */
  const headsFor = async (client: pg.Client, appends: readonly FencedAppend[]): Promise<Array<StreamHead | undefined>> => {
    const known = (append: FencedAppend): StreamHead | undefined | 'unknown' => {
      if (append.expectedRevision === 'no_stream') return undefined;
      const head = heads.get(append.streamId);
      if (head === undefined) return 'unknown';
      return typeof append.expectedRevision === 'number' && head.revision !== append.expectedRevision ? 'unknown' : head;
    };
    const hints = appends.map(known);
    const missing = appends.filter((_, index) => hints[index] === 'unknown').map((append) => append.streamId);
    if (missing.length === 0) return hints as Array<StreamHead | undefined>;
    const read = await client.query<{ stream_id: string; revision: number; hash: string }>(
      `SELECT stream_id, revision, hash FROM ${STREAMS_TABLE} WHERE stream_id = ANY($1::text[])`,
      [missing],
    );
    const found = new Map(read.rows.map((row) => [row.stream_id, { revision: row.revision, hash: row.hash }] as const));
    return appends.map((append, index) => {
      const hint = hints[index];
      return hint === 'unknown' ? found.get(append.streamId) : hint;
    });
  };

  /**
   * One commit, one round trip: the function of migration 5 (postgres-schema.ts) takes the append
   * lock, checks leases, expected revisions and heads, and inserts with one statement per table;
   * its implicit transaction commits with the statement. `appends` name each stream at most once.
   */
  const commitAppends = async (appends: readonly FencedAppend[]): Promise<CommitOutcome> => {
    if (writerBroken) {
      writer = await connect();
      writerBroken = false;
    }
    const client = writer;
    try {
      const hints = await headsFor(client, appends);
      const chained = appends.map((append, index) => {
        const head = hints[index];
        return chainEvents(append.events, append.streamId, (head?.revision ?? -1) + 1, head?.hash ?? append.chainSeed);
      });
      const eventAppends: number[] = [];
      const revisions: number[] = [];
      const types: string[] = [];
      const data: string[] = [];
      const metadata: string[] = [];
      const hashes: string[] = [];
      const previousHashes: string[] = [];
      const candidates: AnnouncementCandidate[] = [];
      chained.forEach((rows, index) => {
        const streamId = appends[index].streamId;
        for (let at = 0; at < rows.length; at += 1) {
          const row = rows[at];
          eventAppends.push(index + 1);
          revisions.push(row.revision);
          types.push(row.type);
          data.push(row.dataJson);
          metadata.push(row.metadataJson);
          hashes.push(row.hash);
          previousHashes.push(row.previousHash);
          candidates.push({ streamId, revision: row.revision, type: row.type, dataJson: row.dataJson, last: at === rows.length - 1 });
        }
      });
      const recordedAt = now().toISOString();
      const answer = await client.query<AppendAnswer>(
        `SELECT o_head, o_statuses, o_revisions, o_hashes, o_epochs
         FROM ${APPEND_FUNCTION}($1::text[], $2::int[], $3::int[], $4::text[], $5::int[], $6::bigint[], $7::int[], $8::text[], $9::text[],
                                 $10::int[], $11::int[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17, $18::text)`,
        [
          appends.map((append) => append.streamId),
          appends.map((append) => (typeof append.expectedRevision === 'number' ? append.expectedRevision : ExpectedRevisionCode[append.expectedRevision])),
          hints.map((head) => head?.revision ?? null),
          hints.map((head) => head?.hash ?? null),
          appends.map((append) => append.fence?.shard ?? null),
          appends.map((append) => append.fence?.epoch ?? null),
          chained.map((rows) => rows[rows.length - 1].revision),
          chained.map((rows) => rows[rows.length - 1].hash),
          chained.map((rows) => rows[rows.length - 1].type),
          eventAppends,
          revisions,
          types,
          data,
          metadata,
          hashes,
          previousHashes,
          recordedAt,
          announce(recordedAt, candidates),
        ],
      );
      const { o_head, o_statuses, o_revisions, o_hashes, o_epochs } = answer.rows[0];
      const firstPosition = Number(o_head) + 1;
      let position = Number(o_head);
      const committed: RecordedEvent[] = [];
      const results = appends.map((append, index): CommitResult => {
        const actualRevision = o_revisions[index] ?? undefined;
        const actual = actualRevision === undefined ? undefined : { revision: actualRevision, hash: o_hashes[index] ?? '' };
        switch (o_statuses[index] as AppendStatus) {
          case AppendStatus.Appended: {
            const rows = chained[index];
            for (const row of rows) {
              position += 1;
              committed.push(
                recordedRow(append.streamId, row, position, recordedAt),
              );
            }
            const last = rows[rows.length - 1];
            rememberHead(append.streamId, { revision: last.revision, hash: last.hash });
            return { streamId: append.streamId, nextExpectedRevision: last.revision, position };
          }
          case AppendStatus.StaleLease: {
            const epoch = o_epochs[index];
            const fence = append.fence!;
            return new StaleLeaseError(append.streamId, fence.shard, fence.epoch, epoch === null ? undefined : Number(epoch));
          }
          case AppendStatus.WrongExpectedVersion:
            rememberHead(append.streamId, actual);
            // The same rule in SQL and here; should they ever disagree, the append is tried again.
            return checkExpectedRevision(append.streamId, append.expectedRevision, actualRevision) ?? RETRY;
          case AppendStatus.StaleHead:
            rememberHead(append.streamId, actual);
            return RETRY;
        }
      });
      return { results, written: committed.length, firstPosition, committed };
    } catch (error) {
      // An error from the server rolled its statement's transaction back and leaves the connection
      // usable; a broken connection does not answer, and we reconnect before the next commit.
      await client.query('SELECT 1').catch(() => {
        writerBroken = true;
      });
      throw error;
    }
  };

  /**
   * The longest prefix of the queue that names each stream once (the commit's checks are per
   * stream), so positions still follow the queue's order; the rest waits for the next commit.
   */
  const takeBatch = (): PendingAppend[] => {
    const streams = new Set<string>();
    let count = 0;
    while (count < queue.length && !streams.has(queue[count].prepared.streamId)) {
      streams.add(queue[count].prepared.streamId);
      count += 1;
    }
    return queue.splice(0, count);
  };

  const commitQueued = async () => {
    while (queue.length > 0) {
      const batch = takeBatch();
      try {
        const outcome = await commitAppends(batch.map((pending) => pending.prepared));
        if (outcome.written > 0) recent.keep(outcome.firstPosition, outcome.committed);
        const retries: PendingAppend[] = [];
        batch.forEach((pending, index) => {
          const result = outcome.results[index];
          if (result === RETRY) retries.push(pending);
          else pending.resolve(result);
        });
        // Chained to a stale head: again, first in line, now that the head is known.
        queue.unshift(...retries);
        if (outcome.written > 0) {
          commits += 1;
          eventsAppended += outcome.written;
          heardOf(outcome.firstPosition + outcome.written - 1);
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

  const preparations = createPreparations();
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

  /**
   * The feed without the payloads a subscriber does not read (SubscribeOptions.payloadTypes):
   * every process follows the whole feed for activity tasks, ends and its shards' appends, and
   * would otherwise read and parse every payload another process wrote, for nothing.
   */
  const readAllLight = async (readOptions: ReadAllOptions, payloadTypes: readonly string[]): Promise<RecordedEvent[]> => {
    const result = await pool.query<[string, string, number, string, string | null, string | null, string]>({
      text: `SELECT position, stream_id, revision, type,
                    CASE WHEN type = ANY($3::text[]) THEN data END, CASE WHEN type = ANY($3::text[]) THEN metadata END, recorded_at
             FROM ${EVENTS_TABLE} WHERE position > $1 ORDER BY position ASC LIMIT $2`,
      values: [Math.max(0, readOptions.fromPosition), limitOf(readOptions.maxCount), payloadTypes],
      rowMode: 'array',
    });
    return result.rows.map(([position, streamId, revision, type, data, metadata, recordedAt]) =>
      recordedEvent({ streamId, revision, position: Number(position), type, dataJson: data ?? 'null', metadataJson: metadata ?? 'null', recordedAt, hash: '', previousHash: '' }),
    );
  };

  /** Whether the announcements carry all a subscriber following the latest event per stream needs. */
  const announcedEnough = (payloadTypes: readonly string[], types: readonly string[]) =>
    payloadTypes.every((type) => announcements.payloadTypes.includes(type)) &&
    types.every((type) => announcements.types.includes(type) || announcements.payloadTypes.includes(type));

  /**
   * Nothing past the head this process heard of; else from memory when this process committed
   * the wanted positions or (latestPerStream) they were announced, else from SQL.
   */
  const readFeed = async (readOptions: FeedReadOptions): Promise<RecordedEvent[]> => {
    assertOpen();
    const from = Math.max(0, readOptions.fromPosition);
    if (!headUnknown && from >= knownHead) return [];
    const limit = readOptions.maxCount ?? Number.POSITIVE_INFINITY;
    const thin = readOptions.latestPerStream;
    if (thin === undefined) {
      const kept = recent.after(from, limit);
      if (kept) return kept;
      return readOptions.payloadTypes ? readAllLight(readOptions, readOptions.payloadTypes) : readAll(readOptions);
    }
    const keptTypes = new Set([...thin.types, ...(readOptions.payloadTypes ?? [])]);
    const events: RecordedEvent[] = [];
    let at = from;
    if (announcedEnough(readOptions.payloadTypes ?? [], thin.types)) {
      // Whole commits, one after the other, from the announcements or this process's own commits.
      while (events.length < limit) {
        const commit = announced.after(at);
        if (commit?.events) {
          events.push(...commit.events);
          at = commit.last;
          continue;
        }
        const own = recent.after(at, limit - events.length);
        if (!own) break;
        events.push(...own);
        at = own[own.length - 1].position;
      }
    }
    if (events.length > 0) return latestPerStream(events, keptTypes);
    const read = readOptions.payloadTypes ? await readAllLight(readOptions, readOptions.payloadTypes) : await readAll(readOptions);
    return latestPerStream(read, keptTypes);
  };

  return {
    kind: 'postgres',
    pool,
    connectionString: options.connectionString,

    async append(request) {
      assertOpen();
      // Events handed over are serialised in slices (issue 18); other requests are queued at once.
      const result = await (request.handedOver === true ? preparations.queue(prepareFencedInSlices(request), enqueue) : enqueue(prepareFenced(request)));
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

    async listStreamHeads(prefix) {
      assertOpen();
      const result = await pool.query<[string, number, string]>({
        text: `SELECT stream_id, revision, last_type FROM ${STREAMS_TABLE} WHERE stream_id >= $1 AND stream_id < $2 ORDER BY stream_id ASC`,
        values: [prefix, prefix.length === 0 ? '\u{10FFFF}' : prefixEnd(prefix)],
        rowMode: 'array',
      });
      return result.rows.map(([streamId, revision, lastType]) => ({ streamId, revision, lastType }));
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
      await preparations.settled();
      while (queue.length > 0 || flushing !== undefined) await flush();
      for (const subscription of [...subscriptions]) subscription.close();
      await Promise.all([writer.end().catch(() => {}), listener?.end().catch(() => {}), pool.end().catch(() => {})]);
    },
  };
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
