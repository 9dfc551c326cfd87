import type { AppendRequest, ExpectedRevision, LeaseFence, RecordedEvent } from '../event-store';
import { canonicalJson, hashCanonicalEvent } from '../hash-chain';
import { nextTurn } from '../turns';
import { recordedEvent } from './recorded-event';

/** An event turned into the texts that are stored and hashed, before it has a revision. */
export interface SerializedEvent {
  readonly type: string;
  readonly dataJson: string;
  readonly metadataJson: string;
}

/** An append validated and serialised up front, so the commit itself cannot fail on bad input. */
export interface PreparedAppend {
  readonly streamId: string;
  readonly expectedRevision: ExpectedRevision;
  readonly chainSeed: string;
  readonly events: readonly SerializedEvent[];
  /**
   * The events already chained, before the commit, to the stream's head as it was then: the
   * commit takes these rows when the head is still the same, and chains again when it moved.
   */
  readonly chained?: { readonly firstRevision: number; readonly previousHash: string; readonly rows: readonly ChainedRow[] };
}

/** An event with its place in the stream and its hash, ready to store. */
export interface ChainedRow extends SerializedEvent {
  readonly revision: number;
  readonly hash: string;
  readonly previousHash: string;
}

/** The RecordedEvent a store hands back for a row it has just committed at `position`. */
export function recordedRow(streamId: string, row: ChainedRow, position: number, recordedAt: string): RecordedEvent {
  return recordedEvent({
    streamId,
    revision: row.revision,
    position,
    type: row.type,
    dataJson: row.dataJson,
    metadataJson: row.metadataJson,
    recordedAt,
    hash: row.hash,
    previousHash: row.previousHash,
  });
}

/**
 * Validates an append request and serialises its events, by default to canonical JSON (stored
 * as is, and hashed, so data is stringified once). Programmer errors throw TypeError/RangeError;
 * they are not concurrency outcomes, so they never reach the commit.
 */
export function prepareAppend(request: AppendRequest): PreparedAppend {
  let metadataJson = '';
  return prepareAppendWith(request, (data, metadata, type, sameMetadata) => {
    if (!sameMetadata) metadataJson = canonicalJson(metadata);
    return { type, dataJson: canonicalJson(data), metadataJson };
  });
}

/** Events serialised or hashed between two looks at the clock. */
const EVENTS_PER_CLOCK_CHECK = 16;
/**
 * Longest piece of serialising or hashing one append that runs without letting other work in:
 * a 1,000-event step took 20-75 ms of canonical JSON and hashing in one piece under load (issue 18).
 */
export const APPEND_SLICE_MS = 20;

/** Counts the time of a long loop and, once a slice has run APPEND_SLICE_MS, gives the turn away (nextTurn). */
function sliceClock(): (index: number) => Promise<void> | undefined {
  let sliceStart = performance.now();
  return (index) => {
    if (index % EVENTS_PER_CLOCK_CHECK !== 0 || performance.now() - sliceStart < APPEND_SLICE_MS) return undefined;
    return nextTurn().then(() => {
      sliceStart = performance.now();
    });
  };
}

/**
 * prepareAppend for events handed over (AppendRequest.handedOver: nobody changes them later),
 * serialised in slices of APPEND_SLICE_MS with a turn of the event loop between them: the
 * result is the same, but a long append no longer holds the process for the whole of it.
 * Other requests are prepared at once, as prepareAppend does.
 */
export async function prepareAppendInSlices(request: AppendRequest): Promise<PreparedAppend> {
  if (request.handedOver !== true) return prepareAppend(request);
  const taken = prepareAppendWith(request, (data, metadata, type, sameMetadata) => ({ data, metadata, type, sameMetadata }));
  const due = sliceClock();
  const events: SerializedEvent[] = [];
  let metadataJson = '';
  for (let index = 0; index < taken.events.length; index++) {
    const pause = due(index);
    if (pause) await pause;
    const event = taken.events[index]!;
    if (!event.sameMetadata || index === 0) metadataJson = canonicalJson(event.metadata);
    events.push({ type: event.type, dataJson: canonicalJson(event.data), metadataJson });
  }
  return { streamId: taken.streamId, expectedRevision: taken.expectedRevision, chainSeed: taken.chainSeed, events };
}

/** chainEvents in slices of APPEND_SLICE_MS, for an append chained before its commit (PreparedAppend.chained). */
export async function chainEventsInSlices(events: readonly SerializedEvent[], streamId: string, firstRevision: number, previousHash: string): Promise<ChainedRow[]> {
  const due = sliceClock();
  const rows: ChainedRow[] = [];
  let previous = previousHash;
  for (let index = 0; index < events.length; index++) {
    const pause = due(index);
    if (pause) await pause;
    const event = events[index]!;
    const revision = firstRevision + index;
    const hash = hashCanonicalEvent(previous, streamId, revision, event.type, event.dataJson, event.metadataJson);
    rows.push({ ...event, revision, hash, previousHash: previous });
    previous = hash;
  }
  return rows;
}

/** The rows of an append at `firstRevision` after `previousHash`: those chained before the commit when they fit, else chained now. */
export function rowsAt(append: PreparedAppend, firstRevision: number, previousHash: string): readonly ChainedRow[] {
  const chained = append.chained;
  if (chained && chained.firstRevision === firstRevision && chained.previousHash === previousHash) return chained.rows;
  return chainEvents(append.events, append.streamId, firstRevision, previousHash);
}

/**
 * Appends still being prepared in slices. An append requested before `close` is committed
 * before the store closes, however long its preparation: `close` waits for `settled`.
 */
export interface Preparations {
  /** Queues (`enqueue`, at once) what `prepare` gives; the commit's outcome. */
  queue<P, R>(prepare: Promise<P>, enqueue: (prepared: P) => Promise<R>): Promise<R>;
  /** Resolves once every preparation started so far is queued (or failed). */
  settled(): Promise<void>;
}

export function createPreparations(): Preparations {
  const pending = new Set<Promise<unknown>>();
  return {
    queue(prepare, enqueue) {
      const queued = prepare.then((prepared) => ({ commit: enqueue(prepared) }));
      pending.add(queued);
      const forget = () => {
        pending.delete(queued);
      };
      queued.then(forget, forget);
      return queued.then(({ commit }) => commit);
    },
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

/** An append ready to commit, with the lease it is made under (AppendRequest.fence): the stores that fence (PostgreSQL, KurrentDB). */
export type FencedAppend = PreparedAppend & { readonly fence?: LeaseFence };

export function prepareFenced(request: AppendRequest): FencedAppend {
  const prepared = prepareAppend(request);
  return request.fence ? { ...prepared, fence: request.fence } : prepared;
}

/** prepareFenced, serialised in slices (prepareAppendInSlices). */
export async function prepareFencedInSlices(request: AppendRequest): Promise<FencedAppend> {
  const prepared = await prepareAppendInSlices(request);
  return request.fence ? { ...prepared, fence: request.fence } : prepared;
}

/**
 * Validates an append request and turns each event into what a store keeps, by `keep(data,
 * metadata, type)`. The events of one append usually share one metadata object (the caller),
 * and `keep` may rely on that: `sameMetadata` says the previous event's metadata was this one.
 */
export function prepareAppendWith<Kept>(
  request: AppendRequest,
  keep: (data: unknown, metadata: object, type: string, sameMetadata: boolean) => Kept,
): { readonly streamId: string; readonly expectedRevision: ExpectedRevision; readonly chainSeed: string; readonly events: readonly Kept[] } {
  const { streamId, events, expectedRevision, chainSeed } = request;
  if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('append: streamId must be a non-empty string');
  if (!isExpectedRevision(expectedRevision)) {
    throw new TypeError(`append to '${streamId}': expectedRevision must be a revision (integer >= 0), 'no_stream', 'stream_exists' or 'any'`);
  }
  if (chainSeed !== undefined && typeof chainSeed !== 'string') throw new TypeError(`append to '${streamId}': chainSeed must be a string`);
  if (!Array.isArray(events) || events.length === 0) throw new RangeError(`append to '${streamId}': at least one event is required`);
  const kept: Kept[] = [];
  let lastMetadata: unknown;
  for (const event of events) {
    if (typeof event?.type !== 'string' || event.type.length === 0) throw new TypeError(`append to '${streamId}': every event needs a non-empty type`);
    const metadata: unknown = event.metadata ?? {};
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      throw new TypeError(`append to '${streamId}': metadata of '${event.type}' must be an object`);
    }
    kept.push(keep(event.data, metadata, event.type, metadata === lastMetadata));
    lastMetadata = metadata;
  }
  return { streamId, expectedRevision, chainSeed: chainSeed ?? '', events: kept };
}

function isExpectedRevision(value: unknown): value is ExpectedRevision {
  return (
    value === 'any' ||
    value === 'no_stream' ||
    value === 'stream_exists' ||
    (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
  );
}

/** Gives each event its revision and links it to its predecessor's hash. */
export function chainEvents(events: readonly SerializedEvent[], streamId: string, firstRevision: number, previousHash: string): ChainedRow[] {
  const rows: ChainedRow[] = [];
  let previous = previousHash;
  let revision = firstRevision;
  for (const event of events) {
    const hash = hashCanonicalEvent(previous, streamId, revision, event.type, event.dataJson, event.metadataJson);
    rows.push({ ...event, revision, hash, previousHash: previous });
    previous = hash;
    revision += 1;
  }
  return rows;
}
