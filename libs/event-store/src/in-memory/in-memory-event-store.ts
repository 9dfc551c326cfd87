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
import { prepareAppendAs, type PreparedAppend, type SerializedEvent } from '../internal/prepare-append';
import { recordedEvent } from '../internal/recorded-event';
import { createAppendSignal, startSubscription } from '../internal/subscription';

export interface InMemoryEventStoreOptions {
  /** Clock for `recordedAt`. Default: the wall clock. */
  readonly now?: () => Date;
}

/**
 * A store held in process memory, for unit tests, benchmarks and the in-process engine. Same
 * semantics as the SQLite adapter: data is stored as its JSON text (later changes to the
 * caller's objects are not seen) and parsed on first read, and every `appendBatch` is one
 * commit. Returned events are frozen records shared between readers; treat their `data` as
 * read-only.
 *
 * Unlike SQLite, nothing here outlives the process, so nothing needs its hash at append time:
 * a stream's hash chain (same formula, same values) is computed on the first read of a `hash`,
 * up to that event, and kept. Appending is then one native JSON.stringify per event instead of
 * canonical JSON plus SHA-256 (most of an in-process execution's cost, see bench/).
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

  const applyOne = (prepared: PreparedAppend, recordedAt: string): AppendResult | WrongExpectedVersionError => {
    let stream = streams.get(prepared.streamId);
    const conflict = checkExpectedRevision(prepared.streamId, prepared.expectedRevision, stream?.lastRevision);
    if (conflict) return conflict;
    if (!stream) {
      stream = new MemoryStream(prepared.streamId, prepared.chainSeed);
      streams.set(prepared.streamId, stream);
    }
    for (const serialized of prepared.events) {
      all.push(stream.add(serialized, all.length + 1, recordedAt));
    }
    return { streamId: prepared.streamId, nextExpectedRevision: stream.rows.length - 1, position: all.length };
  };

  /** One "commit": every request checked on its own, all applied before anyone can observe them. */
  const commit = (requests: readonly AppendRequest[]): Array<AppendResult | WrongExpectedVersionError> => {
    assertOpen();
    const prepared = requests.map((request) => prepareAppendAs(request, snapshotJson));
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

/** JSON.stringify's text (a snapshot of the caller's objects); `null` for a value with no JSON form. */
function snapshotJson(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/** An event as kept: its texts and place only. RecordedEvents are built when read (few are). */
interface MemoryRow {
  readonly streamId: string;
  readonly revision: number;
  readonly position: number;
  readonly type: string;
  readonly dataJson: string;
  readonly metadataJson: string;
  readonly recordedAt: string;
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

  add(serialized: SerializedEvent, position: number, recordedAt: string): MemoryRow {
    const row: MemoryRow = {
      streamId: this.streamId,
      revision: this.rows.length,
      position,
      type: serialized.type,
      dataJson: serialized.dataJson,
      metadataJson: serialized.metadataJson,
      recordedAt,
    };
    this.rows.push(row);
    return row;
  }

  read(row: MemoryRow): RecordedEvent {
    const { revision } = row;
    return recordedEvent({
      ...row,
      hash: () => this.hashAt(revision),
      previousHash: () => (revision === 0 ? this.chainSeed : this.hashAt(revision - 1)),
    });
  }

  /** Extends the chain up to `revision`: the stored text is re-read as canonical JSON, as verify does. */
  private hashAt(revision: number): string {
    for (let next = this.hashes.length; next <= revision; next += 1) {
      const row = this.rows[next];
      const previous = next === 0 ? this.chainSeed : this.hashes[next - 1];
      this.hashes.push(
        hashCanonicalEvent(previous, this.streamId, next, row.type, canonicalJson(JSON.parse(row.dataJson)), canonicalJson(JSON.parse(row.metadataJson))),
      );
    }
    return this.hashes[revision];
  }
}
