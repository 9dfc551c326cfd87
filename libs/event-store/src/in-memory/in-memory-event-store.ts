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
import { chainEvents, prepareAppend, type PreparedAppend } from '../internal/prepare-append';
import { recordedEvent } from '../internal/recorded-event';
import { createAppendSignal, startSubscription } from '../internal/subscription';

export interface InMemoryEventStoreOptions {
  /** Clock for `recordedAt`. Default: the wall clock. */
  readonly now?: () => Date;
}

/**
 * A store held in process memory, for unit tests and benchmarks. Same semantics as the SQLite
 * adapter: data is stored as its JSON text (later changes to the caller's objects are not seen)
 * and parsed on first read,
 * and every `appendBatch` is one commit. Returned events are frozen records shared between
 * readers; treat their `data` as read-only.
 */
export function openInMemoryEventStore(options: InMemoryEventStoreOptions = {}): EventStore {
  const now = options.now ?? (() => new Date());
  const all: RecordedEvent[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  const signal = createAppendSignal();
  const subscriptions = new Set<Subscription>();
  let commits = 0;
  let closed = false;

  const assertOpen = () => {
    if (closed) throw new EventStoreClosedError('memory');
  };

  const applyOne = (prepared: PreparedAppend, recordedAt: string): AppendResult | WrongExpectedVersionError => {
    const stream = streams.get(prepared.streamId);
    const last = stream?.[stream.length - 1];
    const conflict = checkExpectedRevision(prepared.streamId, prepared.expectedRevision, last?.revision);
    if (conflict) return conflict;
    const rows = chainEvents(prepared.events, prepared.streamId, (last?.revision ?? -1) + 1, last?.hash ?? prepared.chainSeed);
    const target = stream ?? [];
    if (!stream) streams.set(prepared.streamId, target);
    for (const row of rows) {
      const event = recordedEvent({
        streamId: prepared.streamId,
        revision: row.revision,
        position: all.length + 1,
        type: row.type,
        dataJson: row.dataJson,
        metadataJson: row.metadataJson,
        recordedAt,
        hash: row.hash,
        previousHash: row.previousHash,
      });
      all.push(event);
      target.push(event);
    }
    return { streamId: prepared.streamId, nextExpectedRevision: rows[rows.length - 1].revision, position: all.length };
  };

  /** One "commit": every request checked on its own, all applied before anyone can observe them. */
  const commit = (requests: readonly AppendRequest[]): Array<AppendResult | WrongExpectedVersionError> => {
    assertOpen();
    const prepared = requests.map(prepareAppend);
    const recordedAt = now().toISOString();
    const before = all.length;
    const results = prepared.map((request) => applyOne(request, recordedAt));
    if (all.length > before) {
      commits += 1;
      signal.notify();
    }
    return results;
  };

  const readAll = async (readOptions: ReadAllOptions): Promise<RecordedEvent[]> => {
    assertOpen();
    const from = Math.max(0, readOptions.fromPosition);
    const maxCount = readOptions.maxCount ?? Number.POSITIVE_INFINITY;
    return maxCount <= 0 ? [] : all.slice(from, from + maxCount);
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
      const stream = streams.get(streamId) ?? [];
      const maxCount = readOptions.maxCount ?? Number.POSITIVE_INFINITY;
      if (readOptions.direction === 'backwards') {
        const highest = Math.min(readOptions.fromRevision ?? stream.length - 1, stream.length - 1);
        const lowest = Math.max(0, highest - maxCount + 1);
        return highest < 0 || maxCount <= 0 ? [] : stream.slice(lowest, highest + 1).reverse();
      }
      const from = Math.max(0, readOptions.fromRevision ?? 0);
      return maxCount <= 0 ? [] : stream.slice(from, from + maxCount);
    },

    async streamRevision(streamId) {
      assertOpen();
      const stream = streams.get(streamId);
      return stream ? stream.length - 1 : undefined;
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
