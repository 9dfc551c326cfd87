import type { AppendRequest, ExpectedRevision, LeaseFence, RecordedEvent } from '../event-store';
import { canonicalJson, hashCanonicalEvent } from '../hash-chain';
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

/** An append ready to commit, with the lease it is made under (AppendRequest.fence): the stores that fence (PostgreSQL, KurrentDB). */
export type FencedAppend = PreparedAppend & { readonly fence?: LeaseFence };

export function prepareFenced(request: AppendRequest): FencedAppend {
  const prepared = prepareAppend(request);
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
