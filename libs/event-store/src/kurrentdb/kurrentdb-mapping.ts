// Types only: the client (gRPC and a native bridge, ~1 s to load) is loaded by the store when
// STEPSTONE_STORE=kurrentdb, never by a server on another store. The constants below are the
// client's own values (its constants.ts), spelled out for that reason.
import type { AppendStreamState, EventData, JSONEventType, Position } from '@kurrent/kurrentdb-client';
import { WrongExpectedVersionError, type ExpectedRevision, type RecordedEvent } from '../event-store';
import { canonicalJson, hexDigest } from '../hash-chain';
import type { ChainedRow } from '../internal/prepare-append';
import { recordedEvent } from '../internal/recorded-event';

/**
 * The pure half of the KurrentDB adapter: how the port's revisions, events, errors and positions
 * map onto KurrentDB's. No I/O here, so each rule is tested without a server
 * (kurrentdb-mapping.spec.ts).
 *
 * Revisions. Both number a stream's events from 0 and both name the revision of the stream's
 * LAST event when appending ("expected revision" here, `streamState` in the client since 1.0):
 * a port revision n is KurrentDB's revision n (a bigint on the wire). Before appending, the
 * adapter reads the stream's last event (for its hash: the chain links each event to its
 * predecessor) and then appends expecting exactly that revision, whatever the caller expected,
 * so the chain it computed cannot be interleaved by a racing writer.
 */

const NO_STREAM = 'no_stream';
const FORWARDS = 'forwards';
const BACKWARDS = 'backwards';

/** The marker in every Stepstone event's KurrentDB metadata; other events in the database are not ours. */
export const ENVELOPE_VERSION = 1;

/**
 * What Stepstone keeps in a KurrentDB event's metadata: the port's metadata plus the hash chain.
 * KurrentDB's own fields (revision, created, $all position) carry the rest.
 */
export interface StepstoneEnvelope {
  readonly stepstone: typeof ENVELOPE_VERSION;
  readonly hash: string;
  readonly previousHash: string;
  readonly metadata: Record<string, unknown>;
}

/**
 * The expected state to send KurrentDB for an append after the adapter read the stream's last
 * revision (`undefined` = no stream). Always exact (never ANY / STREAM_EXISTS): see above.
 */
export function streamStateFor(current: number | undefined): AppendStreamState {
  return current === undefined ? NO_STREAM : BigInt(current);
}

/** The port's revision as KurrentDB's, for reads (`fromRevision`). */
export function toKurrentRevision(revision: number): bigint {
  if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`a revision is an integer >= 0, got ${revision}`);
  return BigInt(revision);
}

/** KurrentDB's bigint revision as the port's number (exact up to 2^53, far beyond any stream). */
export function fromKurrentRevision(revision: bigint): number {
  if (revision < 0n || revision > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`revision ${revision} is out of range`);
  return Number(revision);
}

export function readDirection(direction: 'forwards' | 'backwards' | undefined): typeof FORWARDS | typeof BACKWARDS {
  return direction === 'backwards' ? BACKWARDS : FORWARDS;
}

/**
 * The id of an event in one append attempt (KurrentDB wants a UUID per event): the first 128
 * bits of sha256(event hash, attempt), shaped as an RFC 9562 version-8 UUID. Not the event hash
 * alone: KurrentDB takes an append whose ids it already holds at that revision for a retry of
 * the same write and reports success, so two processes that decided identical events for one
 * execution (both firing the same timer) would both "win" and both run the effects. The attempt
 * (the store instance's id and a counter) keeps their ids apart, while a retry of one attempt
 * by the client (a lost reply) sends the same ids and stays idempotent.
 */
export function eventIdFor(hash: string, attempt: string): string {
  if (!/^[0-9a-f]{32,}$/.test(hash)) throw new TypeError(`an event hash is lowercase hex, got '${hash}'`);
  if (attempt.length === 0) throw new TypeError('an append attempt needs an id');
  const hex = hexDigest('sha256', `${hash}\n${attempt}`).slice(0, 32).split('');
  hex[12] = '8'; // version 8: custom
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16); // variant 10xx
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20, 32)}`;
}

/**
 * A chained event as KurrentDB's EventData: `application/json` so KurrentDB's own tools
 * (UI, projections) read it, the port's metadata wrapped in the envelope with the chain.
 */
export function toKurrentEvent(row: ChainedRow, attempt: string): EventData<JSONEventType> {
  const envelope: StepstoneEnvelope = {
    stepstone: ENVELOPE_VERSION,
    hash: row.hash,
    previousHash: row.previousHash,
    metadata: JSON.parse(row.metadataJson) as Record<string, unknown>,
  };
  return {
    id: eventIdFor(row.hash, attempt),
    contentType: 'application/json',
    type: row.type,
    data: JSON.parse(row.dataJson) as JSONEventType['data'],
    metadata: envelope as unknown as JSONEventType['data'],
  } as EventData<JSONEventType>;
}

/** The fields of a KurrentDB recorded event the adapter reads (what the client's RecordedEvent has). */
export interface KurrentRecorded {
  readonly streamId: string;
  readonly revision: bigint;
  readonly type: string;
  readonly created: Date;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: Position;
}

/** The envelope of a KurrentDB event, or undefined when the event is not Stepstone's. */
export function envelopeOf(event: Pick<KurrentRecorded, 'isJson' | 'metadata'>): StepstoneEnvelope | undefined {
  const metadata = event.metadata;
  if (!event.isJson || typeof metadata !== 'object' || metadata === null || Array.isArray(metadata) || metadata instanceof Uint8Array) return undefined;
  const candidate = metadata as Partial<StepstoneEnvelope>;
  if (candidate.stepstone !== ENVELOPE_VERSION || typeof candidate.hash !== 'string' || typeof candidate.previousHash !== 'string') return undefined;
  const inner = candidate.metadata ?? {};
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return undefined;
  return { stepstone: ENVELOPE_VERSION, hash: candidate.hash, previousHash: candidate.previousHash, metadata: inner };
}

/**
 * A KurrentDB event as the port's RecordedEvent, given its port position (from the position
 * index) and the port's stream id (the KurrentDB stream name less the store's namespace).
 * Data and metadata are re-serialised to canonical JSON: they were stored as canonical JSON
 * and canonical JSON is a fixed point of parse + serialise, so the stored hash still verifies.
 * Undefined for an event that is not Stepstone's.
 */
export function fromKurrentEvent(event: KurrentRecorded, streamId: string, position: number): RecordedEvent | undefined {
  const envelope = envelopeOf(event);
  if (!envelope) return undefined;
  return recordedEvent({
    streamId,
    revision: fromKurrentRevision(event.revision),
    position,
    type: event.type,
    dataJson: canonicalJson(event.data),
    metadataJson: canonicalJson(envelope.metadata),
    recordedAt: event.created.toISOString(),
    hash: envelope.hash,
    previousHash: envelope.previousHash,
  });
}

/** The client's WrongExpectedVersionError, by its literal `type` (the client's own discriminant). */
export interface KurrentWrongExpectedVersion {
  readonly type: 'wrong-expected-version';
  readonly streamName?: string;
  readonly actualState: typeof NO_STREAM | bigint;
}

export function isKurrentWrongExpectedVersion(error: unknown): error is KurrentWrongExpectedVersion {
  return typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'wrong-expected-version';
}

/**
 * KurrentDB refused an append on its expected state: the port's concurrency error, naming what
 * the CALLER expected (not the exact state the adapter sent) and KurrentDB's actual revision.
 */
export function translateWrongExpectedVersion(error: KurrentWrongExpectedVersion, streamId: string, expected: ExpectedRevision): WrongExpectedVersionError {
  const actual = error.actualState === NO_STREAM || typeof error.actualState !== 'bigint' ? 'no_stream' : fromKurrentRevision(error.actualState);
  return new WrongExpectedVersionError(streamId, expected, actual);
}

/**
 * Whether an append that KurrentDB refused should be tried again: the caller's expectation
 * ('any', or 'stream_exists' while the stream exists) still holds, only the exact revision the
 * adapter read moved under a racing writer.
 */
export function retriesAfterConflict(expected: ExpectedRevision, actual: number | 'no_stream'): boolean {
  return expected === 'any' || (expected === 'stream_exists' && actual !== 'no_stream');
}

/** Orders two $all positions: commit position first, then prepare position. */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** An event of the global feed, named by its $all position and its port stream. */
export interface FeedEntry {
  readonly streamId: string;
  readonly revision: number;
  readonly kurrentPosition: Position;
}

/** One row of the position index: the port's position of an event and its place in $all. */
export interface IndexRow extends FeedEntry {
  readonly position: number;
}

/**
 * The port's 1-based, gap-free position is an event's ordinal among the store's events in $all
 * order. $all is KurrentDB's commit order (a log that only grows at its end), so the ordinal of
 * an event never changes once the event is read: any process indexing the same $all writes the
 * same rows. Given the last indexed row and the entries $all returned after it, this numbers the
 * new ones, dropping any entry at or before the last indexed $all position (reads from a
 * position may include the event at that position) and failing if $all went backwards.
 */
export function assignPositions(last: { readonly position: number; readonly kurrentPosition: Position } | undefined, entries: readonly FeedEntry[]): IndexRow[] {
  const rows: IndexRow[] = [];
  let position = last?.position ?? 0;
  let previous = last?.kurrentPosition;
  for (const entry of entries) {
    if (previous !== undefined) {
      const order = comparePositions(entry.kurrentPosition, previous);
      if (order <= 0) {
        if (rows.length === 0) continue; // at or before the resume point: already indexed
        throw new Error(`$all went backwards: ${formatPosition(entry.kurrentPosition)} after ${formatPosition(previous)}`);
      }
    }
    position += 1;
    rows.push({ ...entry, position });
    previous = entry.kurrentPosition;
  }
  return rows;
}

export function formatPosition(position: Position): string {
  return `C:${position.commit}/P:${position.prepare}`;
}

/** The port's stream id for a KurrentDB stream in the store's namespace, undefined for any other stream. */
export function portStreamId(namespace: string, kurrentStream: string): string | undefined {
  if (kurrentStream.startsWith('$')) return undefined; // system and metadata streams
  if (!kurrentStream.startsWith(namespace)) return undefined;
  const streamId = kurrentStream.slice(namespace.length);
  return streamId.length > 0 ? streamId : undefined;
}
