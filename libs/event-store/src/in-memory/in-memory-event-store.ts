import {
  checkExpectedRevision,
  EventStoreClosedError,
  WrongExpectedVersionError,
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type EventStoreStats,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type Subscription,
} from '../event-store';
import { canonicalJson, hashCanonicalEvent } from '../hash-chain';
import { prepareAppendWith } from '../internal/prepare-append';
import { recordedEvent } from '../internal/recorded-event';
import { createAppendSignal, startSubscription } from '../internal/subscription';

export interface InMemoryEventStoreOptions {
  /** Clock for `recordedAt`. Default: the wall clock. */
  readonly now?: () => Date;
}

/**
 * A store held in process memory, for unit tests, benchmarks and the in-process engine. Every
 * `appendBatch` is one commit, and later changes to the caller's objects are not seen:
 * - data (or metadata) that is deeply frozen cannot change, so it is kept as given and returned
 *   as given (the engine freezes its events: no copy per event);
 * - anything else is kept as its JSON text, as the SQLite adapter does, and parsed on first read.
 * Returned events are frozen records; treat their `data` as read-only.
 *
 * Unlike SQLite, nothing here outlives the process, so nothing needs its hash at append time:
 * a stream's hash chain (same formula, same values) is computed on the first read of a `hash`,
 * up to that event, and kept. Canonical JSON, SHA-256 and a copy of every event were most of an
 * in-process execution's cost (bench/).
 */
export function openInMemoryEventStore(options: InMemoryEventStoreOptions = {}): EventStore {
  const now = options.now ?? (() => new Date());
  const all: MemoryRow[] = [];
  const streams = new Map<string, MemoryStream>();
  const signal = createAppendSignal();
  const subscriptions = new Set<Subscription>();
  let commits = 0;
  let closed = false;

  const assertOpen = () => {
    if (closed) throw new EventStoreClosedError('memory');
  };

  const applyOne = (prepared: PreparedMemoryAppend, recordedAt: string): AppendResult | WrongExpectedVersionError => {
    let stream = streams.get(prepared.streamId);
    const conflict = checkExpectedRevision(prepared.streamId, prepared.expectedRevision, stream?.lastRevision);
    if (conflict) return conflict;
    if (!stream) {
      stream = new MemoryStream(prepared.streamId, prepared.chainSeed);
      streams.set(prepared.streamId, stream);
    }
    for (const kept of prepared.events) all.push(stream.add(kept, all.length + 1, recordedAt));
    return { streamId: prepared.streamId, nextExpectedRevision: stream.rows.length - 1, position: all.length };
  };

  /** One "commit": every request checked on its own, all applied before anyone can observe them. */
  const commit = (requests: readonly AppendRequest[]): Array<AppendResult | WrongExpectedVersionError> => {
    assertOpen();
    const prepared = requests.map(prepareMemoryAppend);
    const recordedAt = now().toISOString();
    const before = all.length;
    const results = prepared.map((request) => applyOne(request, recordedAt));
    if (all.length > before) {
      commits += 1;
      signal.notify();
    }
    return results;
  };

  const readRow = (row: MemoryRow): RecordedEvent => streams.get(row.streamId)!.read(row);

  const readAll = async (readOptions: ReadAllOptions): Promise<RecordedEvent[]> => {
    assertOpen();
    const from = Math.max(0, readOptions.fromPosition);
    const maxCount = readOptions.maxCount ?? Number.POSITIVE_INFINITY;
    return maxCount <= 0 ? [] : all.slice(from, from + maxCount).map(readRow);
  };

  return {
    kind: 'memory',

    async append(request) {
      const [result] = commit([request]);
      if (result instanceof WrongExpectedVersionError) throw result;
      return result;
    },

    async appendBatch(requests) {
      return commit(requests);
    },

    async readStream(streamId, readOptions: ReadStreamOptions = {}) {
      assertOpen();
      const found = streams.get(streamId);
      if (!found) return [];
      const stream = found.rows;
      const maxCount = readOptions.maxCount ?? Number.POSITIVE_INFINITY;
      if (readOptions.direction === 'backwards') {
        const highest = Math.min(readOptions.fromRevision ?? stream.length - 1, stream.length - 1);
        const lowest = Math.max(0, highest - maxCount + 1);
        return highest < 0 || maxCount <= 0 ? [] : stream.slice(lowest, highest + 1).reverse().map((row) => found.read(row));
      }
      const from = Math.max(0, readOptions.fromRevision ?? 0);
      return maxCount <= 0 ? [] : stream.slice(from, from + maxCount).map((row) => found.read(row));
    },

    async streamRevision(streamId) {
      assertOpen();
      return streams.get(streamId)?.lastRevision;
    },

    readAll,

    async headPosition() {
      assertOpen();
      return all.length;
    },

    async listStreams(prefix) {
      assertOpen();
      return [...streams.keys()].filter((id) => id.startsWith(prefix)).sort();
    },

    subscribe(fromPosition, onEvents, subscribeOptions) {
      assertOpen();
      const subscription = startSubscription({ readAll, signal }, fromPosition, onEvents, subscribeOptions, () =>
        subscriptions.delete(subscription),
      );
      subscriptions.add(subscription);
      return subscription;
    },

    stats(): EventStoreStats {
      return { commits, events: all.length };
    },

    async close() {
      if (closed) return;
      for (const subscription of [...subscriptions]) subscription.close();
      closed = true;
    },
  };
}

/**
 * What the store keeps of an event: its payloads, and its place. A payload is the caller's value
 * when it is deeply frozen (`*Json` false), else its JSON text. One object per event: this is
 * what an in-process run retains, so it is what the GC copies.
 */
interface MemoryRow {
  readonly streamId: string;
  readonly revision: number;
  readonly position: number;
  readonly type: string;
  readonly data: unknown;
  readonly dataIsJson: boolean;
  readonly metadata: unknown;
  readonly metadataIsJson: boolean;
  readonly recordedAt: string;
}

interface KeptEvent {
  readonly type: string;
  readonly data: unknown;
  readonly dataIsJson: boolean;
  readonly metadata: unknown;
  readonly metadataIsJson: boolean;
}

type PreparedMemoryAppend = ReturnType<typeof prepareMemoryAppend>;

function prepareMemoryAppend(request: AppendRequest) {
  let metadata: unknown;
  let metadataIsJson = false;
  return prepareAppendWith(request, (data, rawMetadata, type, sameMetadata): KeptEvent => {
    if (!sameMetadata) {
      metadataIsJson = !isDeeplyFrozen(rawMetadata);
      metadata = metadataIsJson ? JSON.stringify(rawMetadata) : rawMetadata;
    }
    const dataIsJson = !isDeeplyFrozen(data);
    return { type, data: dataIsJson ? (JSON.stringify(data) ?? 'null') : data, dataIsJson, metadata, metadataIsJson };
  });
}

/** Primitives, and objects frozen all the way down; a Date or a toJSON would be copied, as JSON. */
function isDeeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return typeof value !== 'undefined' && typeof value !== 'function' && typeof value !== 'symbol' && typeof value !== 'bigint';
  if (!Object.isFrozen(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (child !== undefined && !isDeeplyFrozen(child)) return false;
  }
  return true;
}

function payloadOf(value: unknown, isJson: boolean): unknown {
  return isJson ? JSON.parse(value as string) : value;
}

/** One stream's rows, and its hash chain computed so far (see openInMemoryEventStore). */
class MemoryStream {
  readonly rows: MemoryRow[] = [];
  private readonly hashes: string[] = [];

  constructor(
    private readonly streamId: string,
    private readonly chainSeed: string,
  ) {}

  get lastRevision(): number | undefined {
    return this.rows.length === 0 ? undefined : this.rows.length - 1;
  }

  add(kept: KeptEvent, position: number, recordedAt: string): MemoryRow {
    const row: MemoryRow = {
      streamId: this.streamId,
      revision: this.rows.length,
      position,
      type: kept.type,
      data: kept.data,
      dataIsJson: kept.dataIsJson,
      metadata: kept.metadata,
      metadataIsJson: kept.metadataIsJson,
      recordedAt,
    };
    this.rows.push(row);
    return row;
  }

  read(row: MemoryRow): RecordedEvent {
    const { revision } = row;
    return recordedEvent({
      streamId: row.streamId,
      revision,
      position: row.position,
      type: row.type,
      dataJson: row.dataIsJson ? (row.data as string) : { given: row.data },
      metadataJson: row.metadataIsJson ? (row.metadata as string) : { given: row.metadata },
      recordedAt: row.recordedAt,
      hash: () => this.hashAt(revision),
      previousHash: () => (revision === 0 ? this.chainSeed : this.hashAt(revision - 1)),
    });
  }

  /** Extends the chain up to `revision`, over the canonical JSON of what is kept, as verify computes it. */
  private hashAt(revision: number): string {
    for (let next = this.hashes.length; next <= revision; next += 1) {
      const row = this.rows[next];
      const previous = next === 0 ? this.chainSeed : this.hashes[next - 1];
      this.hashes.push(hashCanonicalEvent(previous, this.streamId, next, row.type, canonicalJson(payloadOf(row.data, row.dataIsJson)), canonicalJson(payloadOf(row.metadata, row.metadataIsJson))));
    }
    return this.hashes[revision];
  }
}
