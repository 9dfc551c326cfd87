import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKWARDS, FORWARDS, NO_STREAM, WrongExpectedVersionError as KurrentWrongExpectedVersionError } from '@kurrent/kurrentdb-client';
import { isWrongExpectedVersionError, WrongExpectedVersionError } from '../event-store';
import { hashDefinition, verifyStreamChain } from '../hash-chain';
import { chainEvents, prepareAppend } from '../internal/prepare-append';
import {
  assignPositions,
  comparePositions,
  envelopeOf,
  eventIdFor,
  fromKurrentEvent,
  fromKurrentRevision,
  isKurrentWrongExpectedVersion,
  portStreamId,
  readDirection,
  retriesAfterConflict,
  streamStateFor,
  toKurrentEvent,
  toKurrentRevision,
  translateWrongExpectedVersion,
  type FeedEntry,
  type KurrentRecorded,
} from './kurrentdb-mapping';

const at = (commit: number, prepare = commit) => ({ commit: BigInt(commit), prepare: BigInt(prepare) });
const entry = (streamId: string, revision: number, commit: number, prepare = commit): FeedEntry => ({ streamId, revision, kurrentPosition: at(commit, prepare) });

/** What KurrentDB hands back for an event the adapter wrote: the client parses JSON data and metadata. */
function storedInKurrent(event: ReturnType<typeof toKurrentEvent>, streamId: string, revision: number): KurrentRecorded {
  return {
    streamId,
    revision: BigInt(revision),
    type: event.type,
    created: new Date('2026-01-02T03:04:05.678Z'),
    isJson: true,
    // Through JSON text, as the wire does: nothing of the in-memory objects survives.
    data: JSON.parse(JSON.stringify(event.data)) as unknown,
    metadata: JSON.parse(JSON.stringify(event.metadata)) as unknown,
    position: at(1000 + revision),
  };
}

describe('KurrentDB mapping: revisions', () => {
  it('sends the revision it read as the exact expected state, no stream as NO_STREAM', () => {
    assert.equal(streamStateFor(undefined), NO_STREAM);
    assert.equal(streamStateFor(0), 0n);
    assert.equal(streamStateFor(41), 41n);
  });

  it('port revisions are KurrentDB revisions, both 0-based, as bigint on the wire', () => {
    assert.equal(toKurrentRevision(0), 0n);
    assert.equal(toKurrentRevision(7), 7n);
    assert.equal(fromKurrentRevision(7n), 7);
    assert.equal(fromKurrentRevision(toKurrentRevision(123_456)), 123_456);
    assert.throws(() => toKurrentRevision(-1), RangeError);
    assert.throws(() => toKurrentRevision(1.5), RangeError);
    assert.throws(() => fromKurrentRevision(2n ** 60n), RangeError);
  });

  it('reads forwards unless told backwards', () => {
    assert.equal(readDirection(undefined), FORWARDS);
    assert.equal(readDirection('forwards'), FORWARDS);
    assert.equal(readDirection('backwards'), BACKWARDS);
  });
});

describe('KurrentDB mapping: WrongExpectedVersion becomes the port concurrency error', () => {
  it('names the caller’s expectation and KurrentDB’s actual revision', () => {
    const refused = new KurrentWrongExpectedVersionError(undefined, { streamName: 'execution-1', expected: 3n, current: 5n });
    assert.ok(isKurrentWrongExpectedVersion(refused), 'the client error is recognised by its type');
    const error = translateWrongExpectedVersion(refused, 'execution-1', 3);
    assert.ok(error instanceof WrongExpectedVersionError);
    assert.ok(isWrongExpectedVersionError(error));
    assert.equal(error.type, 'wrong-expected-version');
    assert.deepEqual([error.streamId, error.expected, error.actual], ['execution-1', 3, 5]);
  });

  it('a stream that does not exist is actual no_stream', () => {
    const refused = new KurrentWrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current: NO_STREAM });
    const error = translateWrongExpectedVersion(refused, 's', 'stream_exists');
    assert.deepEqual([error.expected, error.actual], ['stream_exists', 'no_stream']);
  });

  it('other errors are not taken for a conflict', () => {
    assert.equal(isKurrentWrongExpectedVersion(new Error('unavailable')), false);
    assert.equal(isKurrentWrongExpectedVersion({ type: 'stream-not-found' }), false);
    assert.equal(isKurrentWrongExpectedVersion(undefined), false);
  });

  it("retries only when the caller's own expectation still holds", () => {
    assert.equal(retriesAfterConflict('any', 4), true);
    assert.equal(retriesAfterConflict('any', 'no_stream'), true);
    assert.equal(retriesAfterConflict('stream_exists', 4), true);
    assert.equal(retriesAfterConflict('stream_exists', 'no_stream'), false);
    assert.equal(retriesAfterConflict('no_stream', 0), false);
    assert.equal(retriesAfterConflict(3, 4), false);
  });
});

describe('KurrentDB mapping: events', () => {
  const prepared = prepareAppend({
    streamId: 'execution-m:1',
    expectedRevision: 'no_stream',
    chainSeed: hashDefinition('{"StartAt":"P"}'),
    events: [
      { type: 'ExecutionStarted', data: { b: 2, a: { '10': 'ten', '9': 'nine' }, list: [1, 'two', null] }, metadata: { causedBy: 'api' } },
      { type: 'PassStateEntered', data: { name: 'P' } },
    ],
  });
  const rows = chainEvents(prepared.events, prepared.streamId, 0, prepared.chainSeed);

  it('writes JSON events whose ids derive from their hashes, the chain in the metadata envelope', () => {
    const [first, second] = rows.map((row) => toKurrentEvent(row, 'store-a:1'));
    assert.equal(first.contentType, 'application/json');
    assert.equal(first.type, 'ExecutionStarted');
    assert.deepEqual(first.data, { a: { '10': 'ten', '9': 'nine' }, b: 2, list: [1, 'two', null] });
    assert.deepEqual(first.metadata, { stepstone: 1, hash: rows[0].hash, previousHash: prepared.chainSeed, metadata: { causedBy: 'api' } });
    assert.deepEqual(second.metadata, { stepstone: 1, hash: rows[1].hash, previousHash: rows[0].hash, metadata: {} });
    assert.equal(first.id, eventIdFor(rows[0].hash, 'store-a:1'));
    assert.notEqual(first.id, second.id);
  });

  it('reads back the same event, whose stored hash still verifies after the JSON round trip', () => {
    const read = rows.map((row, index) => fromKurrentEvent(storedInKurrent(toKurrentEvent(row, 'store-a:1'), 'ns-execution-m:1', index), 'execution-m:1', 10 + index)!);
    assert.deepEqual(
      read.map((event) => [event.streamId, event.revision, event.position, event.type]),
      [
        ['execution-m:1', 0, 10, 'ExecutionStarted'],
        ['execution-m:1', 1, 11, 'PassStateEntered'],
      ],
    );
    assert.deepEqual(read[0].data, { a: { '10': 'ten', '9': 'nine' }, b: 2, list: [1, 'two', null] });
    assert.deepEqual(read[0].metadata, { causedBy: 'api' });
    assert.deepEqual(read[1].metadata, {});
    assert.equal(read[0].recordedAt, '2026-01-02T03:04:05.678Z');
    assert.equal(read[0].hash, rows[0].hash);
    assert.equal(read[0].previousHash, prepared.chainSeed);
    assert.deepEqual(verifyStreamChain(read, { chainSeed: prepared.chainSeed }), { ok: true });
  });

  it('an event edited in KurrentDB fails verification: hashes are read, not recomputed', () => {
    const stored = storedInKurrent(toKurrentEvent(rows[0], 'store-a:1'), 'execution-m:1', 0);
    const edited = fromKurrentEvent({ ...stored, data: { b: 3 } }, 'execution-m:1', 1)!;
    assert.equal(edited.hash, rows[0].hash);
    assert.equal(verifyStreamChain([edited], { chainSeed: prepared.chainSeed }).ok, false);
  });

  it('ignores events that are not Stepstone’s: no envelope, binary, another envelope version', () => {
    const base = storedInKurrent(toKurrentEvent(rows[0], 'store-a:1'), 'execution-m:1', 0);
    assert.ok(envelopeOf(base));
    assert.equal(fromKurrentEvent({ ...base, metadata: { $correlationId: 'x' } }, 'execution-m:1', 1), undefined);
    assert.equal(fromKurrentEvent({ ...base, metadata: undefined }, 'execution-m:1', 1), undefined);
    assert.equal(fromKurrentEvent({ ...base, isJson: false }, 'execution-m:1', 1), undefined);
    assert.equal(fromKurrentEvent({ ...base, metadata: { ...(base.metadata as object), stepstone: 2 } }, 'execution-m:1', 1), undefined);
  });

  it('event ids are RFC 9562 version-8 UUIDs: the same for a retry of one attempt, apart for two writers of identical events', () => {
    const id = eventIdFor(rows[0].hash, 'store-a:1');
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(eventIdFor(rows[0].hash, 'store-a:1'), id, 'a retried attempt is recognised by KurrentDB');
    // Two processes deciding the same events for one execution (the same timer firing): were
    // their ids equal, KurrentDB would take the second append for a retry and report success.
    assert.notEqual(eventIdFor(rows[0].hash, 'store-b:1'), id);
    assert.notEqual(eventIdFor(rows[0].hash, 'store-a:2'), id);
    assert.notEqual(eventIdFor(rows[1].hash, 'store-a:1'), id);
    assert.throws(() => eventIdFor('not-hex', 'store-a:1'), TypeError);
    assert.throws(() => eventIdFor(rows[0].hash, ''), TypeError);
  });

  it('maps KurrentDB stream names to port streams within the namespace, never system streams', () => {
    assert.equal(portStreamId('', 'execution-a'), 'execution-a');
    assert.equal(portStreamId('', '$stats-127.0.0.1:2113'), undefined);
    assert.equal(portStreamId('', '$$execution-a'), undefined);
    assert.equal(portStreamId('t1-', 't1-execution-a'), 'execution-a');
    assert.equal(portStreamId('t1-', 't2-execution-a'), undefined);
    assert.equal(portStreamId('t1-', 't1-'), undefined);
  });
});

describe('KurrentDB mapping: $all positions to the gap-free 1-based position', () => {
  it('orders $all positions by commit, then prepare', () => {
    assert.equal(comparePositions(at(10), at(10)), 0);
    assert.ok(comparePositions(at(9), at(10)) < 0);
    assert.ok(comparePositions(at(10, 5), at(10, 7)) < 0);
    assert.ok(comparePositions(at(11, 0), at(10, 7)) > 0);
  });

  it('numbers the first events of an empty index 1, 2, 3 whatever the gaps between their $all positions', () => {
    const rows = assignPositions(undefined, [entry('a', 0, 1280), entry('a', 1, 1432), entry('b', 0, 99_001)]);
    assert.deepEqual(
      rows.map((row) => [row.position, row.streamId, row.revision]),
      [
        [1, 'a', 0],
        [2, 'a', 1],
        [3, 'b', 0],
      ],
    );
  });

  it('continues after the last indexed row and drops the resume event a read from that position returns again', () => {
    const last = { position: 3, kurrentPosition: at(99_001) };
    const rows = assignPositions(last, [entry('b', 0, 99_001), entry('c', 0, 99_500), entry('b', 1, 100_000)]);
    assert.deepEqual(
      rows.map((row) => [row.position, row.streamId, row.revision, row.kurrentPosition.commit]),
      [
        [4, 'c', 0, 99_500n],
        [5, 'b', 1, 100_000n],
      ],
    );
  });

  it('two indexers reading the same $all assign the same positions (the ordinal is a function of $all)', () => {
    const all = [entry('a', 0, 10), entry('b', 0, 20), entry('a', 1, 30), entry('c', 0, 40)];
    const once = assignPositions(undefined, all);
    const firstHalf = assignPositions(undefined, all.slice(0, 2));
    const lastRow = firstHalf[firstHalf.length - 1];
    const inTwoSteps = [...firstHalf, ...assignPositions(lastRow, all.slice(1))];
    assert.deepEqual(inTwoSteps, once);
  });

  it('refuses a $all that goes backwards rather than numbering it', () => {
    assert.throws(() => assignPositions(undefined, [entry('a', 0, 30), entry('a', 1, 20)]), /went backwards/);
  });

  it('nothing new: nothing to index', () => {
    assert.deepEqual(assignPositions({ position: 7, kurrentPosition: at(500) }, [entry('a', 6, 500)]), []);
    assert.deepEqual(assignPositions({ position: 7, kurrentPosition: at(500) }, []), []);
  });
});
