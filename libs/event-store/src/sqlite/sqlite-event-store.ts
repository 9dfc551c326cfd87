import { SqliteDatabase, type SqliteStatement } from './sqlite-driver';
import {
  checkExpectedRevision,
  EventStoreClosedError,
  WrongExpectedVersionError,
  type AppendRequest,
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
import { chainEventsInSlices, createPreparations, prepareAppend, prepareAppendInSlices, recordedRow, rowsAt, type PreparedAppend } from '../internal/prepare-append';
import { recordedEvent } from '../internal/recorded-event';
import { RecentEvents } from '../internal/recent-events';
import { createAppendSignal, startSubscription } from '../internal/subscription';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer';

export interface SqliteEventStoreOptions {
  /** Path of the database file (created if missing). */
  readonly file: string;
  /** Clock for `recordedAt`. Default: the wall clock. */
  readonly now?: () => Date;
  /**
   * 'NORMAL' (default) survives a killed process; 'FULL' also survives power loss and OS
   * crashes, at the price of an fsync per commit. See `openSqliteEventStore`.
   */
  readonly synchronous?: 'NORMAL' | 'FULL';
  /** How long a write waits for another connection's write lock. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /**
   * Subscriptions are woken by this process's commits. Set this when other processes append
   * to the same file, to also re-read the feed this often while idle. Default: off.
   */
  readonly pollIntervalMs?: number;
  /**
   * Checkpoint the WAL from a worker thread every this many ms, instead of SQLite's automatic
   * checkpoint inside the COMMIT that crosses 1,000 pages (which stalls the appending thread
   * for milliseconds while it copies and fsyncs: see wal-checkpointer.ts). The server sets it.
   * Default: off (automatic checkpoints).
   */
  readonly backgroundCheckpointMs?: number;
}

/**
 * The SQLite store also hands out its connection, so projections keep their tables and
 * checkpoints in the same file and update them in one transaction.
 */
export interface SqliteEventStore extends EventStore {
  readonly kind: 'sqlite';
  readonly database: SqliteDatabase;
  /** Runs `fn` in one write transaction on `database` (a savepoint when already in one). */
  transaction<T>(fn: () => T): T;
  listStreams(prefix: string): Promise<string[]>;
  stats(): EventStoreStats;
}

const schemaVersion = 1;

const schema = `
  CREATE TABLE IF NOT EXISTS events (
    position      INTEGER PRIMARY KEY,
    stream_id     TEXT    NOT NULL,
    revision      INTEGER NOT NULL,
    type          TEXT    NOT NULL,
    data          TEXT    NOT NULL,
    metadata      TEXT    NOT NULL,
    recorded_at   TEXT    NOT NULL,
    hash          TEXT    NOT NULL,
    previous_hash TEXT    NOT NULL,
    UNIQUE (stream_id, revision)
  );
  CREATE TABLE IF NOT EXISTS streams (
    stream_id TEXT    PRIMARY KEY,
    revision  INTEGER NOT NULL,
    hash      TEXT    NOT NULL
  ) WITHOUT ROWID;
`;

interface EventRow {
  readonly position: number;
  readonly stream_id: string;
  readonly revision: number;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly recorded_at: string;
  readonly hash: string;
  readonly previous_hash: string;
}

/** position, stream_id, revision, data. */
type FeedDataRow = [number, string, number, string];

interface StreamRow {
  readonly revision: number;
  readonly hash: string;
}

interface PendingAppend {
  readonly prepared: PreparedAppend;
  readonly resolve: (result: AppendResult | WrongExpectedVersionError) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Events of this process's latest commits kept in memory for the subscriptions: a subscriber
 * that keeps up (the read models) gets what was just committed without reading it back from
 * the file. Older positions, and appends by other processes sharing the file, come from SQL.
 */
const RECENT_EVENTS_KEPT = 4_096;

const eventColumns = 'position, stream_id, revision, type, data, metadata, recorded_at, hash, previous_hash';
const EVENT_COLUMN_COUNT = 9;
/** 64 rows x 9 columns stays far below SQLite's limit of 32,766 bound parameters. */
const INSERT_ROWS_PER_STATEMENT = 64;

/**
 * Most events one group commit takes (unless a single append is bigger). A commit is one
 * synchronous transaction, so every request waits for it: eight executions each appending a
 * 1,000-event step in the same turn made one commit of 8,000 events (issue 18).
 */
const MAX_EVENTS_PER_COMMIT = 2_000;

/**
 * Appends of at least this many events are hash-chained before their commit, in slices, so the
 * commit (one synchronous transaction) only inserts them; smaller ones are chained in it.
 */
const CHAIN_BEFORE_COMMIT_EVENTS = 64;

/**
 * Opens (creating if needed) an event store in one SQLite file.
 *
 * Durability: WAL journal with `synchronous=NORMAL` by default. A commit is appended to the
 * WAL (in the OS page cache) before `append` resolves, and the WAL is fsynced at checkpoints.
 * That survives the process being killed at any instant, kill -9 included: the OS still holds
 * the written pages, and SQLite recovers every committed transaction and no partial one.
 * It does not survive power loss or a kernel crash, which may roll back the last commits
 * (never corrupt the file); use `synchronous: 'FULL'` where that matters.
 *
 * Group commit: `append` calls made in the same turn of the event loop are queued and
 * committed together in one transaction at `setImmediate`, so many executions' appends share
 * one commit (and one WAL write). Each append is still checked on its own.
 */
export function openSqliteEventStore(options: SqliteEventStoreOptions): SqliteEventStore {
  const now = options.now ?? (() => new Date());
  const db = new SqliteDatabase(options.file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    // 64 MiB page cache (default 2 MiB): a group commit of thousands of events then stays in
    // memory until the WAL write; measured ~1.5x the batched append rate.
    db.pragma('cache_size = -65536');
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  let checkpointer: WalCheckpointer | undefined;
  if (options.backgroundCheckpointMs !== undefined && options.file !== ':memory:') {
    db.pragma('wal_autocheckpoint = 0');
    let fellBack = false;
    checkpointer = startWalCheckpointer(options.file, options.backgroundCheckpointMs, (error) => {
      if (closed || fellBack) return; // said once; the worker's later attempts are harmless
      fellBack = true;
      // The WAL must not grow without bound: SQLite's automatic checkpoints take over again.
      console.error('stepstone event store: background checkpoint failed, back to automatic checkpoints:', error);
      db.pragma('wal_autocheckpoint = 1000');
    });
  }

  const statements = {
    head: db.prepare<[], number>('SELECT coalesce(max(position), 0) FROM events').pluck(),
    stream: db.prepare<[string], StreamRow>('SELECT revision, hash FROM streams WHERE stream_id = ?'),
    streamRevision: db.prepare<[string], number>('SELECT revision FROM streams WHERE stream_id = ?').pluck(),
    upsertStream: db.prepare<[string, number, string]>(
      'INSERT INTO streams (stream_id, revision, hash) VALUES (?, ?, ?) ' +
        'ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, hash = excluded.hash',
    ),
    readForwards: db.prepare<[string, number, number], EventRow>(
      `SELECT ${eventColumns} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`,
    ),
    readBackwards: db.prepare<[string, number, number], EventRow>(
      `SELECT ${eventColumns} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
    ),
    readAll: db.prepare<[number, number], EventRow>(`SELECT ${eventColumns} FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`),
    // Rows as arrays (no object per row) of the four columns a replay folds.
    readAllData: db.prepare<[number, number], FeedDataRow>('SELECT position, stream_id, revision, data FROM events WHERE position > ? ORDER BY position ASC LIMIT ?').raw(),
    // `+stream_id`: the range on stream_id would otherwise make SQLite scan the (stream_id,
    // revision) index and sort the whole range by position (measured 3x slower).
    readAllDataOfPrefix: db
      .prepare<[number, string, string, number], FeedDataRow>(
        'SELECT position, stream_id, revision, data FROM events WHERE position > ? AND +stream_id >= ? AND +stream_id < ? ORDER BY position ASC LIMIT ?',
      )
      .raw(),
    listStreams: db.prepare<[string], string>('SELECT stream_id FROM streams WHERE stream_id >= ? ORDER BY stream_id ASC').pluck(),
  };

  /**
   * Events are inserted up to INSERT_ROWS_PER_STATEMENT rows per statement: one call into
   * SQLite per chunk instead of per event (an execution's start appends ~22 events).
   * Statements are prepared once per row count and reused.
   */
  const insertStatements = new Map<number, SqliteStatement>();
  const insertEvents = (values: unknown[]) => {
    const perRow = EVENT_COLUMN_COUNT;
    const chunkSize = INSERT_ROWS_PER_STATEMENT * perRow;
    for (let offset = 0; offset < values.length; offset += chunkSize) {
      const chunk = offset === 0 && values.length <= chunkSize ? values : values.slice(offset, offset + chunkSize);
      const rows = chunk.length / perRow;
      let statement = insertStatements.get(rows);
      if (!statement) {
        const placeholders = Array.from({ length: rows }, () => `(${Array.from({ length: perRow }, () => '?').join(', ')})`).join(', ');
        statement = db.prepare<unknown[]>(`INSERT INTO events (${eventColumns}) VALUES ${placeholders}`);
        insertStatements.set(rows, statement);
      }
      statement.run(chunk);
    }
  };

  const signal = createAppendSignal();
  const subscriptions = new Set<Subscription>();
  let queue: PendingAppend[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  let closed = false;
  let commits = 0;
  let eventsAppended = 0;

  const assertOpen = () => {
    if (closed) throw new EventStoreClosedError('sqlite');
  };

  /**
   * One write transaction for a whole queue. BEGIN IMMEDIATE takes the write lock first, so
   * the head position and stream revisions read here cannot change under us, even if another
   * process shares the file. Positions are assigned from max(position)+1: gapless by construction.
   */
  const commitAppends = db.transaction((appends: readonly PreparedAppend[]) => {
    const recordedAt = now().toISOString();
    let position = statements.head.get() ?? 0;
    const firstPosition = position + 1;
    const committed: RecordedEvent[] = [];
    // The stream rows are upserted per append (a later append in the batch may name the same
    // stream); the events are inserted together before COMMIT.
    const eventValues: unknown[] = [];
    let written = 0;
    const results = appends.map((append): AppendResult | WrongExpectedVersionError => {
      const stream = statements.stream.get(append.streamId);
      const conflict = checkExpectedRevision(append.streamId, append.expectedRevision, stream?.revision);
      if (conflict) return conflict;
      const rows = rowsAt(append, (stream?.revision ?? -1) + 1, stream?.hash ?? append.chainSeed);
      for (const row of rows) {
        position += 1;
        eventValues.push(position, append.streamId, row.revision, row.type, row.dataJson, row.metadataJson, recordedAt, row.hash, row.previousHash);
        committed.push(
          recordedRow(append.streamId, row, position, recordedAt),
        );
      }
      const last = rows[rows.length - 1];
      statements.upsertStream.run(append.streamId, last.revision, last.hash);
      written += rows.length;
      return { streamId: append.streamId, nextExpectedRevision: last.revision, position };
    });
    if (eventValues.length > 0) insertEvents(eventValues);
    return { results, written, firstPosition, committed };
  });

  const recent = new RecentEvents(RECENT_EVENTS_KEPT);

  const flush = () => {
    if (scheduled !== undefined) clearImmediate(scheduled);
    scheduled = undefined;
    // One commit takes the queued appends up to MAX_EVENTS_PER_COMMIT events (an append is never
    // split); the rest commit in the next turn of the event loop, after the I/O that came meanwhile.
    let taken = 0;
    let events = 0;
    while (taken < queue.length && (taken === 0 || events + queue[taken].prepared.events.length <= MAX_EVENTS_PER_COMMIT)) {
      events += queue[taken].prepared.events.length;
      taken += 1;
    }
    const batch = taken === queue.length ? queue : queue.slice(0, taken);
    queue = taken === queue.length ? [] : queue.slice(taken);
    if (queue.length > 0) scheduled = setImmediate(flush);
    if (batch.length === 0) return;
    let outcome: { results: Array<AppendResult | WrongExpectedVersionError>; written: number; firstPosition: number; committed: RecordedEvent[] };
    try {
      outcome = commitAppends.immediate(batch.map((pending) => pending.prepared));
    } catch (error) {
      // Nothing of this batch was committed (I/O error, lock timeout...): every caller retries.
      for (const pending of batch) pending.reject(error);
      return;
    }
    if (outcome.written > 0) recent.keep(outcome.firstPosition, outcome.committed);
    batch.forEach((pending, index) => pending.resolve(outcome.results[index]));
    if (outcome.written > 0) {
      commits += 1;
      eventsAppended += outcome.written;
      signal.notify();
    }
  };

  /**
   * Events handed over (the engine's) are serialised, and when there are many also hash-chained,
   * before their commit in slices that give the turn away (issue 18): the commit, one synchronous
   * transaction, then only inserts them. Chained from the stream's head as it is now; if another
   * append moves it first, the commit chains them again (rowsAt).
   */
  const preparations = createPreparations();
  const prepareInSlices = async (request: AppendRequest): Promise<PreparedAppend> => {
    const prepared = await prepareAppendInSlices(request);
    if (prepared.events.length < CHAIN_BEFORE_COMMIT_EVENTS) return prepared;
    // The file stays open meanwhile: close() waits for the preparations.
    const stream = statements.stream.get(prepared.streamId);
    const firstRevision = (stream?.revision ?? -1) + 1;
    const previousHash = stream?.hash ?? prepared.chainSeed;
    const rows = await chainEventsInSlices(prepared.events, prepared.streamId, firstRevision, previousHash);
    return { ...prepared, chained: { firstRevision, previousHash, rows } };
  };

  const enqueue = (prepared: PreparedAppend) =>
    new Promise<AppendResult | WrongExpectedVersionError>((resolve, reject) => {
      queue.push({ prepared, resolve, reject });
      scheduled ??= setImmediate(flush);
    });

  const readAll = async (readOptions: ReadAllOptions): Promise<RecordedEvent[]> => {
    assertOpen();
    return statements.readAll.all(Math.max(0, readOptions.fromPosition), limitOf(readOptions.maxCount)).map(toRecordedEvent);
  };

  const readAllData = async (readOptions: ReadAllDataOptions): Promise<FeedEventData[]> => {
    assertOpen();
    const from = Math.max(0, readOptions.fromPosition);
    const limit = limitOf(readOptions.maxCount);
    const prefix = readOptions.streamPrefix;
    const rows = prefix ? statements.readAllDataOfPrefix.all(from, prefix, prefixEnd(prefix), limit) : statements.readAllData.all(from, limit);
    return rows.map(([position, streamId, revision, dataJson]) => ({ streamId, revision, position, dataJson }));
  };

  /**
   * The subscriptions' feed: from memory when the wanted positions are among the recent events,
   * else from SQL. A read from memory may stop short of the head (an append by another process
   * after our last commit); the next read continues from where it stopped, so delivery stays
   * gapless and in order.
   */
  const readFeed = async (readOptions: ReadAllOptions): Promise<RecordedEvent[]> => {
    assertOpen();
    const limit = limitOf(readOptions.maxCount);
    return recent.after(Math.max(0, readOptions.fromPosition), limit < 0 ? Number.POSITIVE_INFINITY : limit) ?? readAll(readOptions);
  };

  return {
    kind: 'sqlite',
    database: db,

    transaction<T>(fn: () => T): T {
      assertOpen();
      return db.transaction(fn).immediate();
    },

    async append(request) {
      assertOpen();
      // Other requests are queued at once, in the order of the calls.
      const result = await (request.handedOver === true ? preparations.queue(prepareInSlices(request), enqueue) : enqueue(prepareAppend(request)));
      if (result instanceof WrongExpectedVersionError) throw result;
      return result;
    },

    async appendBatch(requests) {
      assertOpen();
      // Validate everything before queueing anything: a bad request rejects the whole call.
      const prepared = requests.map(prepareAppend);
      return Promise.all(prepared.map(enqueue));
    },

    async readStream(streamId, readOptions: ReadStreamOptions = {}) {
      assertOpen();
      const limit = limitOf(readOptions.maxCount);
      const rows =
        readOptions.direction === 'backwards'
          ? statements.readBackwards.all(streamId, readOptions.fromRevision ?? Number.MAX_SAFE_INTEGER, limit)
          : statements.readForwards.all(streamId, readOptions.fromRevision ?? 0, limit);
      return rows.map(toRecordedEvent);
    },

    async streamRevision(streamId) {
      assertOpen();
      return statements.streamRevision.get(streamId);
    },

    readAll,
    readAllData,

    async headPosition() {
      assertOpen();
      return statements.head.get() ?? 0;
    },

    async listStreams(prefix) {
      assertOpen();
      // In BINARY collation the ids starting with `prefix` are contiguous from `prefix` on.
      const ids: string[] = [];
      for (const id of statements.listStreams.iterate(prefix)) {
        if (!id.startsWith(prefix)) break;
        ids.push(id);
      }
      return ids;
    },

    subscribe(fromPosition, onEvents, subscribeOptions) {
      assertOpen();
      const subscription = startSubscription(
        { readAll: readFeed, signal, pollIntervalMs: options.pollIntervalMs },
        fromPosition,
        onEvents,
        subscribeOptions,
        () => subscriptions.delete(subscription),
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
      await preparations.settled();
      while (queue.length > 0) flush(); // what was appended before close is committed, however much
      if (scheduled !== undefined) clearImmediate(scheduled);
      scheduled = undefined;
      for (const subscription of [...subscriptions]) subscription.close();
      await checkpointer?.stop();
      db.close();
    },
  };
}

function migrate(db: SqliteDatabase): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > schemaVersion) {
    throw new Error(`Event store schema version ${current} is newer than this build understands (${schemaVersion})`);
  }
  if (current === schemaVersion) return;
  db.transaction(() => {
    db.exec(schema);
    db.pragma(`user_version = ${schemaVersion}`);
  }).immediate();
}

/**
 * The first string after every string that starts with `prefix`: its last character moved one
 * up. UTF-8 bytes order like code points, so in BINARY collation the ids starting with
 * `prefix` are exactly those in [prefix, prefixEnd(prefix)).
 */
function prefixEnd(prefix: string): string {
  const last = prefix.codePointAt(prefix.length - 1)!;
  return prefix.slice(0, -1) + String.fromCodePoint(last + 1);
}

/** SQLite's LIMIT -1 means no limit. */
function limitOf(maxCount: number | undefined): number {
  if (maxCount === undefined || maxCount === Number.POSITIVE_INFINITY) return -1;
  return Math.max(0, Math.trunc(maxCount));
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return recordedEvent({
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    type: row.type,
    dataJson: row.data,
    metadataJson: row.metadata,
    recordedAt: row.recorded_at,
    hash: row.hash,
    previousHash: row.previous_hash,
  });
}
