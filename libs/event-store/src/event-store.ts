/**
 * The EventStore port. Every adapter (embedded SQLite, in-memory, PostgreSQL and KurrentDB)
 * implements this interface and passes the one contract suite in
 * `testing/event-store-contract.ts`.
 *
 * Semantics follow KurrentDB's append/read model: streams with 0-based revisions, optimistic
 * concurrency on every append, and one global, gapless, 1-based position across all streams.
 */

/** An event as the caller hands it to `append`. `data` and `metadata` must be JSON values. */
export interface NewEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: Record<string, unknown>;
}

/**
 * An event as stored. `hash`/`previousHash` are returned as stored, never recomputed on read.
 * A store may hand out frozen class instances whose fields are getters (parsed on first read):
 * object spread does not copy those, so copy a record with `plainRecord`.
 */
export interface RecordedEvent {
  readonly streamId: string;
  /** 0-based within the stream. */
  readonly revision: number;
  /** Global, 1-based and gapless across the whole store. */
  readonly position: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
  /** ISO-8601 time of the commit that stored the event. Not covered by the hash. */
  readonly recordedAt: string;
  readonly hash: string;
  readonly previousHash: string;
}

/**
 * What the caller believes about the stream before appending:
 * a number is the revision of the last event it expects the stream to hold.
 */
export type ExpectedRevision = number | 'no_stream' | 'stream_exists' | 'any';

export interface AppendRequest {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision: ExpectedRevision;
  /**
   * The `previousHash` of the first event of a new stream, e.g. the hash of the state machine
   * definition an execution runs. Ignored when the stream already exists. Default `''`.
   */
  readonly chainSeed?: string;
  /**
   * The caller made these events' data and metadata for this append and never changes them
   * again (the engine's events): a store that keeps objects in memory may keep them as given,
   * without checking or copying them, and freezes them before any reader sees them. Stores
   * that serialise (SQLite, PostgreSQL) may serialise them in slices, across turns of the event
   * loop, after `append` returned its promise. Default false: the store must not see later changes.
   */
  readonly handedOver?: boolean;
  /**
   * The shard lease this append is made under (several processes on one store): a store that
   * keeps leases refuses the append with StaleLeaseError unless the shard's current epoch is
   * still this one, checked in the same transaction as the append. Stores of one process
   * (SQLite, in-memory) ignore it: there is nobody to fence off.
   */
  readonly fence?: LeaseFence;
}

/** A stream, the revision of its last event and that event's type (EventStore.listStreamHeads). */
export interface StreamHeadInfo {
  readonly streamId: string;
  readonly revision: number;
  readonly lastType: string;
}

/** A shard and the epoch of the lease its owner holds (bumped at every change of hands). */
export interface LeaseFence {
  readonly shard: number;
  readonly epoch: number;
}

export interface AppendResult {
  readonly streamId: string;
  /** The revision of the last appended event: pass it as `expectedRevision` next time. */
  readonly nextExpectedRevision: number;
  /** Global position of the last appended event. */
  readonly position: number;
}

export interface ReadStreamOptions {
  /**
   * Forwards: the first revision returned (default 0).
   * Backwards: the highest revision returned (default: the stream's last).
   */
  readonly fromRevision?: number;
  readonly maxCount?: number;
  readonly direction?: 'forwards' | 'backwards';
}

export interface ReadAllOptions {
  /** Exclusive: only events with `position > fromPosition` are returned (0 = from the start). */
  readonly fromPosition: number;
  readonly maxCount?: number;
}

/**
 * An event reduced to what a replay folds: no metadata, hashes or commit time, and its data as
 * the stored JSON text, parsed by the reader when it folds the event (so a page of parsed
 * events is never held at once).
 */
export interface FeedEventData {
  readonly streamId: string;
  readonly revision: number;
  readonly position: number;
  readonly dataJson: string;
}

export interface ReadAllDataOptions extends ReadAllOptions {
  /** Only events of streams whose id starts with this (e.g. 'execution-'). */
  readonly streamPrefix?: string;
}

export type EventsHandler = (events: RecordedEvent[]) => void | Promise<void>;

export interface SubscribeOptions {
  /** Most events handed to one `onEvents` call. Default 500. */
  readonly maxBatchSize?: number;
  /**
   * Called when `onEvents` throws or rejects; the subscription then stops, without advancing
   * past the failed batch. Without it the error is rethrown (an unhandled rejection), so a
   * broken projection is loud rather than silently stale.
   */
  readonly onError?: (error: unknown) => void;
  /**
   * The event types whose payload the handler reads. A store may then hand over the others
   * without it (`data` and `metadata` null, `hash` and `previousHash` empty), which spares a
   * subscriber that only looks at `type`, `streamId` and positions from reading every payload of
   * the feed (a server process following another's appends). Stores may ignore it.
   */
  readonly payloadTypes?: readonly string[];
  /**
   * The handler needs, of the events not of `types` nor of `payloadTypes`, only the last of each
   * stream in a batch (its revision, type and position). A store may then leave the others out:
   * the batch's positions increase but may skip, and its last event is still the last position
   * it covers. The PostgreSQL store serves such a subscriber from the commits' NOTIFY payloads,
   * without reading the feed. Stores may ignore it.
   */
  readonly latestPerStream?: { readonly types: readonly string[] };
}

export interface Subscription {
  close(): void;
}

/** Counters for observing group commit (how many appends shared one commit). */
export interface EventStoreStats {
  /** Write transactions committed since the store was opened. */
  readonly commits: number;
  /** Events appended since the store was opened. */
  readonly events: number;
}

export interface EventStore {
  /** 'sqlite' | 'memory' | ... */
  readonly kind: string;
  append(request: AppendRequest): Promise<AppendResult>;
  /**
   * Many appends, each checked on its own: the returned array lines up with `requests`. All
   * succeeding appends land in ONE commit; a request whose expected revision is wrong yields a
   * WrongExpectedVersionError in its slot without affecting the others. Requests on the same
   * stream apply in array order. Invalid requests (empty stream id, no events, data that is
   * not JSON) reject the whole call before anything is written.
   */
  appendBatch(requests: readonly AppendRequest[]): Promise<Array<AppendResult | WrongExpectedVersionError | StaleLeaseError>>;
  /** `[]` for a missing stream. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Revision of the stream's last event, `undefined` when the stream does not exist. */
  streamRevision(streamId: string): Promise<number | undefined>;
  /** The global feed in position order. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * The global feed like `readAll`, each event reduced to its stream, revision, position and
   * data (as JSON text): a scan of the whole store (start-up recovery) then neither reads nor allocates the
   * metadata, hashes and times it does not use. Optional: callers fall back to `readAll`.
   */
  readAllData?(options: ReadAllDataOptions): Promise<FeedEventData[]>;
  /** Position of the last event in the store, 0 when empty. */
  headPosition(): Promise<number>;
  /** Stream ids starting with `prefix` (e.g. 'execution-'), sorted. */
  listStreams?(prefix: string): Promise<string[]>;
  /**
   * The streams starting with `prefix`, sorted, each with its last revision and last event's
   * type, read from an index of streams rather than the feed: a process taking shards over
   * finds the executions that may still be open (last event not a closing one) without
   * scanning every event ever appended. Optional: callers fall back to a scan of the feed.
   */
  listStreamHeads?(prefix: string): Promise<StreamHeadInfo[]>;
  /**
   * Catches up from `fromPosition` (exclusive), then delivers live appends. Delivers in global
   * order with no gaps and no duplicates, possibly in batches; one `onEvents` call at a time
   * (an async handler is awaited before the next batch).
   */
  subscribe(fromPosition: number, onEvents: EventsHandler, options?: SubscribeOptions): Subscription;
  stats?(): EventStoreStats;
  /** Commits queued appends, stops subscriptions, releases resources. Idempotent. */
  close(): Promise<void>;
}

/** Literal `type`s of the store's errors, matched by callers instead of `instanceof`. */
export const EventStoreErrorType = {
  WrongExpectedVersion: 'wrong-expected-version',
  EventStoreClosed: 'event-store-closed',
  StaleLease: 'stale-lease',
} as const;
export type EventStoreErrorType = (typeof EventStoreErrorType)[keyof typeof EventStoreErrorType];

/**
 * The append raced another writer (or the caller's view is stale). The runner reloads the
 * stream and decides again. Carries stream, expected and actual like KurrentDB's error.
 */
export class WrongExpectedVersionError extends Error {
  readonly type = EventStoreErrorType.WrongExpectedVersion;

  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Wrong expected revision for stream '${streamId}': expected ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** An operation was called on a store after `close()`. */
export class EventStoreClosedError extends Error {
  readonly type = EventStoreErrorType.EventStoreClosed;

  constructor(readonly kind: string) {
    super(`The ${kind} event store is closed`);
    this.name = 'EventStoreClosedError';
  }
}

/**
 * The append carried the epoch of a shard lease that has since changed hands (the process
 * stalled past its TTL and another took the shard over): nothing was written. The process
 * must stop acting for that shard; its new owner replays the executions.
 */
export class StaleLeaseError extends Error {
  readonly type = EventStoreErrorType.StaleLease;

  constructor(
    readonly streamId: string,
    readonly shard: number,
    readonly epoch: number,
    readonly currentEpoch: number | undefined,
  ) {
    super(`Stale lease for stream '${streamId}': shard ${shard} epoch ${epoch}, current ${currentEpoch === undefined ? 'none' : String(currentEpoch)}`);
    this.name = 'StaleLeaseError';
  }
}

export function isStaleLeaseError(value: unknown): value is StaleLeaseError {
  return value instanceof StaleLeaseError;
}

export type EventStoreError = WrongExpectedVersionError | EventStoreClosedError | StaleLeaseError;

export function isWrongExpectedVersionError(value: unknown): value is WrongExpectedVersionError {
  return value instanceof WrongExpectedVersionError;
}

/**
 * The expected-revision rule every adapter applies, given the stream's current revision
 * (`undefined` = no stream). Returns the error to report, or undefined when the append may go on.
 */
export function checkExpectedRevision(
  streamId: string,
  expected: ExpectedRevision,
  current: number | undefined,
): WrongExpectedVersionError | undefined {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === undefined) ||
    (expected === 'stream_exists' && current !== undefined) ||
    (typeof expected === 'number' && current === expected);
  return ok ? undefined : new WrongExpectedVersionError(streamId, expected, current ?? 'no_stream');
}
