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
 *   as given;
 * - data handed over (AppendRequest.handedOver: the caller never changes it again) is kept as
 *   given too, unchecked, and frozen on its first read;
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
  /** The global feed, two slots per event: its stream, its revision (position = slot / 2 + 1). */
  const all: Array<MemoryStream | number> = [];
  const streams = new Map<string, MemoryStream>();
  const signal = createAppendSignal();
  const subscriptions = new Set<Subscription>();
  let commits = 0;
  let closed = false;
  /** The last commit's time as text: commits in the same millisecond share it. */
  let recordedMs = Number.NaN;
  let recordedText = '';
  const recordedNow = (): string => {
    const date = now();
    const ms = date.getTime();
    if (ms !== recordedMs) {
      recordedText = date.toISOString();
      recordedMs = ms;
    }
    return recordedText;
  };

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
    for (const kept of prepared.events) {
      const revision = stream.add(kept, all.length / 2 + 1, recordedAt);
      all.push(stream, revision);
    }
    return { streamId: prepared.streamId, nextExpectedRevision: stream.length - 1, position: all.length / 2 };
  };

  /** One "commit": every request checked on its own, all applied before anyone can observe them. */
  const commit = (requests: readonly AppendRequest[]): Array<AppendResult | WrongExpectedVersionError> => {
    assertOpen();
    const prepared = requests.map(prepareMemoryAppend);
    const recordedAt = recordedNow();
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
    const events: RecordedEvent[] = [];
    const end = Math.min(all.length / 2, from + maxCount);
    for (let index = from; index < end; index += 1) events.push((all[2 * index] as MemoryStream).read(all[2 * index + 1] as number));
    return events;
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
      const length = found.length;
      const maxCount = readOptions.maxCount ?? Number.POSITIVE_INFINITY;
      const events: RecordedEvent[] = [];
      if (readOptions.direction === 'backwards') {
        const highest = Math.min(readOptions.fromRevision ?? length - 1, length - 1);
        const lowest = Math.max(0, highest - maxCount + 1);
        for (let revision = highest; revision >= lowest && maxCount > 0; revision -= 1) events.push(found.read(revision));
        return events;
      }
      const from = Math.max(0, readOptions.fromRevision ?? 0);
      const end = Math.min(length, from + maxCount);
      for (let revision = from; revision < end; revision += 1) events.push(found.read(revision));
      return events;
    },

    async streamRevision(streamId) {
      assertOpen();
      return streams.get(streamId)?.lastRevision;
    },

    readAll,

    async headPosition() {
      assertOpen();
      return all.length / 2;
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
      return { commits, events: all.length / 2 };
    },

    async close() {
      if (closed) return;
      for (const subscription of [...subscriptions]) subscription.close();
      closed = true;
    },
  };
}

/** A payload the store keeps as JSON text, because the caller's value was not deeply frozen. */
class JsonText {
  constructor(readonly text: string) {}
}

/** What the store keeps of a payload: the caller's value when it is deeply frozen, else its JSON text. */
type KeptPayload = unknown;

interface KeptEvent {
  readonly type: string;
  readonly data: KeptPayload;
  readonly metadata: KeptPayload;
}

type PreparedMemoryAppend = ReturnType<typeof prepareMemoryAppend>;

function prepareMemoryAppend(request: AppendRequest) {
  let metadata: KeptPayload;
  if (request.handedOver === true) {
    // The caller never changes them again: kept as given, frozen when first read (MemoryStream.read).
    return prepareAppendWith(request, (data, rawMetadata, type): KeptEvent => ({ type, data, metadata: rawMetadata }));
  }
  return prepareAppendWith(request, (data, rawMetadata, type, sameMetadata): KeptEvent => {
    if (!sameMetadata) metadata = keptPayload(rawMetadata);
    return { type, data: keptPayload(data), metadata };
  });
}

function keptPayload(value: unknown): KeptPayload {
  return isDeeplyFrozen(value) ? value : new JsonText(JSON.stringify(value) ?? 'null');
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

/** A kept payload as recordedEvent takes it; an object kept as given is frozen before anyone reads it. */
function storedText(payload: KeptPayload): string | { given: unknown } {
  return payload instanceof JsonText ? payload.text : { given: freezeForReaders(payload) };
}

/**
 * Freezes a payload kept as given, children first: a frozen object is then frozen all the way
 * down, so the next read stops at the top. Deeply frozen data is already that way; handed-over
 * data (AppendRequest.handedOver) is frozen on its first read instead of at append.
 */
function freezeForReaders<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) freezeChildrenFirst(value);
  return value;
}

function freezeChildrenFirst(value: object): void {
  // A frozen object may still hold unfrozen ones (frozen only on the surface by its maker).
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null) freezeChildrenFirst(child);
  }
  if (!Object.isFrozen(value)) Object.freeze(value);
}

function payloadOf(payload: KeptPayload): unknown {
  return payload instanceof JsonText ? JSON.parse(payload.text) : payload;
}

/** Slots per event in MemoryStream.cells: type, data, metadata, position, recordedAt. */
const CELLS_PER_EVENT = 5;

/**
 * One stream's events, and its hash chain computed so far (see openInMemoryEventStore). The
 * events are slots of one flat array, not an object each: an in-process run keeps every event
 * it writes, and each object kept is one more for every garbage collection to copy and mark.
 */
class MemoryStream {
  private readonly cells: unknown[] = [];
  private readonly hashes: string[] = [];

  constructor(
    private readonly streamId: string,
    private readonly chainSeed: string,
  ) {}

  get length(): number {
    return this.cells.length / CELLS_PER_EVENT;
  }

  get lastRevision(): number | undefined {
    return this.cells.length === 0 ? undefined : this.length - 1;
  }

  /** Appends the event; returns its revision. */
  add(kept: KeptEvent, position: number, recordedAt: string): number {
    const revision = this.length;
    this.cells.push(kept.type, kept.data, kept.metadata, position, recordedAt);
    return revision;
  }

  read(revision: number): RecordedEvent {
    const at = revision * CELLS_PER_EVENT;
    const cells = this.cells;
    return recordedEvent({
      streamId: this.streamId,
      revision,
      position: cells[at + 3] as number,
      type: cells[at] as string,
      dataJson: storedText(cells[at + 1]),
      metadataJson: storedText(cells[at + 2]),
      recordedAt: cells[at + 4] as string,
      hash: () => this.hashAt(revision),
      previousHash: () => (revision === 0 ? this.chainSeed : this.hashAt(revision - 1)),
    });
  }

  /** Extends the chain up to `revision`, over the canonical JSON of what is kept, as verify computes it. */
  private hashAt(revision: number): string {
    const cells = this.cells;
    for (let next = this.hashes.length; next <= revision; next += 1) {
      const at = next * CELLS_PER_EVENT;
      const previous = next === 0 ? this.chainSeed : this.hashes[next - 1];
      this.hashes.push(
        hashCanonicalEvent(previous, this.streamId, next, cells[at] as string, canonicalJson(payloadOf(cells[at + 1])), canonicalJson(payloadOf(cells[at + 2]))),
      );
    }
    return this.hashes[revision];
  }
}
