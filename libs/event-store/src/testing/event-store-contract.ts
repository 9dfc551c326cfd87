import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it as nodeIt, type TestContext } from 'node:test';
import {
  EventStoreClosedError,
  WrongExpectedVersionError,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '../event-store';
import { computeEventHash, verifyStreamChain } from '../hash-chain';
import { plainRecord } from '../internal/recorded-event';

/** What an adapter's spec hands the contract for each test: a fresh, empty store. */
export interface EventStoreHarness {
  readonly store: EventStore;
  /** After `store.close()`, opens the same underlying data again (files, database...). */
  readonly reopen?: () => Promise<EventStore>;
  /** Removes what the store left behind (temporary files, schemas...). */
  readonly cleanup?: () => Promise<void>;
  /**
   * Overwrites the stored data of one event behind the store's back, as an attacker with
   * access to the storage would (SQLite: an UPDATE through a second connection).
   */
  readonly tamper?: (streamId: string, revision: number, data: unknown) => Promise<void>;
}

export type OpenEventStore = () => Promise<EventStoreHarness>;

export interface EventStoreContractOptions {
  /**
   * Reports every test of the suite as skipped with this reason instead of running it: for a
   * store whose server is not reachable here (KurrentDB without KURRENTDB_CONNECTION_STRING).
   * Skipped, never passed: the reason shows in the runner's output.
   */
  readonly skip?: string;
}

/**
 * The one behaviour every EventStore adapter must show. Each adapter's spec calls this
 * unchanged and adds its own tests next to it, never instead of it.
 */
export function describeEventStoreContract(name: string, openStore: OpenEventStore, options: EventStoreContractOptions = {}): void {
  const it = (title: string, fn: (t: TestContext) => Promise<void>) => nodeIt(title, { skip: options.skip ?? false }, fn);
  /** Runs `body` against a fresh store, then closes every store it opened and cleans up. */
  const withStore = async (body: (store: EventStore, harness: EventStoreHarness, track: (store: EventStore) => EventStore) => Promise<void>) => {
    const harness = await openStore();
    const opened: EventStore[] = [harness.store];
    try {
      await body(harness.store, harness, (store) => {
        opened.push(store);
        return store;
      });
    } finally {
      for (const store of opened) await store.close();
      await harness.cleanup?.();
    }
  };

  describe(`EventStore contract: ${name}`, () => {
    describe('streams', () => {
      it('reads back a stream in append order with 0-based revisions and 1-based positions', () =>
        withStore(async (store) => {
          const first = await store.append({ streamId: 'execution-1', expectedRevision: 'no_stream', events: events('A', 'B') });
          assert.deepEqual(first, { streamId: 'execution-1', nextExpectedRevision: 1, position: 2 });
          const second = await store.append({
            streamId: 'execution-1',
            expectedRevision: 1,
            events: [{ type: 'C', data: { nested: { list: [1, 'two', null, true] } }, metadata: { causedBy: 'engine' } }],
          });
          assert.deepEqual(second, { streamId: 'execution-1', nextExpectedRevision: 2, position: 3 });

          const read = await store.readStream('execution-1');
          assert.deepEqual(
            read.map((event) => [event.streamId, event.revision, event.position, event.type]),
            [
              ['execution-1', 0, 1, 'A'],
              ['execution-1', 1, 2, 'B'],
              ['execution-1', 2, 3, 'C'],
            ],
          );
          assert.deepEqual(read[0].data, { n: 0 });
          assert.deepEqual(read[0].metadata, {});
          assert.deepEqual(read[2].data, { nested: { list: [1, 'two', null, true] } });
          assert.deepEqual(read[2].metadata, { causedBy: 'engine' });
          for (const event of read) assert.equal(new Date(event.recordedAt).toISOString(), event.recordedAt);
          assert.equal(await store.streamRevision('execution-1'), 2);
          assert.equal(await store.headPosition(), 3);
        }));

      it('returns [] and no revision for a stream that does not exist', () =>
        withStore(async (store) => {
          assert.deepEqual(await store.readStream('execution-missing'), []);
          assert.deepEqual(await store.readStream('execution-missing', { direction: 'backwards' }), []);
          assert.equal(await store.streamRevision('execution-missing'), undefined);
          assert.equal(await store.headPosition(), 0);
          assert.deepEqual(await store.readAll({ fromPosition: 0 }), []);
        }));

      it('stores data as JSON: later changes to the appended objects are not seen', () =>
        withStore(async (store) => {
          const data = { items: [1, 2], when: new Date('2024-01-02T03:04:05.000Z'), dropped: undefined };
          await store.append({ streamId: 's', expectedRevision: 'no_stream', events: [{ type: 'T', data }] });
          data.items.push(3);
          const [event] = await store.readStream('s');
          assert.deepEqual(event.data, { items: [1, 2], when: '2024-01-02T03:04:05.000Z' });
        }));

      it('reads forwards from a revision, at most maxCount events', () =>
        withStore(async (store) => {
          await store.append({ streamId: 's', expectedRevision: 'no_stream', events: events('A', 'B', 'C', 'D', 'E') });
          assert.deepEqual(revisions(await store.readStream('s', { fromRevision: 2 })), [2, 3, 4]);
          assert.deepEqual(revisions(await store.readStream('s', { fromRevision: 1, maxCount: 2 })), [1, 2]);
          assert.deepEqual(revisions(await store.readStream('s', { fromRevision: 9 })), []);
        }));

      it('reads backwards from the end or from a revision', () =>
        withStore(async (store) => {
          await store.append({ streamId: 's', expectedRevision: 'no_stream', events: events('A', 'B', 'C', 'D', 'E') });
          await store.append({ streamId: 'other', expectedRevision: 'no_stream', events: events('X') });
          assert.deepEqual(revisions(await store.readStream('s', { direction: 'backwards' })), [4, 3, 2, 1, 0]);
          assert.deepEqual(revisions(await store.readStream('s', { direction: 'backwards', maxCount: 1 })), [4]);
          assert.deepEqual(revisions(await store.readStream('s', { direction: 'backwards', fromRevision: 2 })), [2, 1, 0]);
          assert.deepEqual(revisions(await store.readStream('s', { direction: 'backwards', fromRevision: 3, maxCount: 2 })), [3, 2]);
          assert.deepEqual(revisions(await store.readStream('s', { direction: 'backwards', fromRevision: 99, maxCount: 2 })), [4, 3]);
        }));

      it('lists streams by prefix when the adapter supports it', async (t) => {
        await withStore(async (store) => {
          if (!store.listStreams) return t.skip('listStreams not implemented');
          for (const id of ['execution-b', 'execution-a', 'state-machine-x', 'exec', 'execution-']) {
            await store.append({ streamId: id, expectedRevision: 'no_stream', events: events('A') });
          }
          assert.deepEqual((await store.listStreams('execution-')).sort(), ['execution-', 'execution-a', 'execution-b']);
          assert.deepEqual(await store.listStreams('nothing-'), []);
          assert.equal((await store.listStreams('')).length, 5);
        });
      });
    });

    describe('expected revision', () => {
      it("'no_stream' creates a stream and fails once it exists", () =>
        withStore(async (store) => {
          await store.append({ streamId: 's', expectedRevision: 'no_stream', events: events('A') });
          const error = await rejection(store.append({ streamId: 's', expectedRevision: 'no_stream', events: events('B') }));
          assertWrongExpectedVersion(error, 's', 'no_stream', 0);
          assert.equal(await store.streamRevision('s'), 0);
        }));

      it('a numeric revision must be the revision of the last event', () =>
        withStore(async (store) => {
          await store.append({ streamId: 's', expectedRevision: 'no_stream', events: events('A', 'B') });
          assertWrongExpectedVersion(await rejection(store.append({ streamId: 's', expectedRevision: 0, events: events('C') })), 's', 0, 1);
          assertWrongExpectedVersion(await rejection(store.append({ streamId: 's', expectedRevision: 2, events: events('C') })), 's', 2, 1);
          assertWrongExpectedVersion(
            await rejection(store.append({ streamId: 'missing', expectedRevision: 0, events: events('C') })),
            'missing',
            0,
            'no_stream',
          );
          const result = await store.append({ streamId: 's', expectedRevision: 1, events: events('C') });
          assert.equal(result.nextExpectedRevision, 2);
          assert.equal(await store.streamRevision('missing'), undefined);
        }));

      it("'stream_exists' fails on a missing stream and appends to an existing one", () =>
        withStore(async (store) => {
          assertWrongExpectedVersion(
            await rejection(store.append({ streamId: 's', expectedRevision: 'stream_exists', events: events('A') })),
            's',
            'stream_exists',
            'no_stream',
          );
          await store.append({ streamId: 's', expectedRevision: 'no_stream', events: events('A') });
          const result = await store.append({ streamId: 's', expectedRevision: 'stream_exists', events: events('B') });
          assert.equal(result.nextExpectedRevision, 1);
        }));

      it("'any' appends whether or not the stream exists", () =>
        withStore(async (store) => {
          assert.equal((await store.append({ streamId: 's', expectedRevision: 'any', events: events('A') })).nextExpectedRevision, 0);
          assert.equal((await store.append({ streamId: 's', expectedRevision: 'any', events: events('B') })).nextExpectedRevision, 1);
        }));

      it('of two racing writers expecting the same revision exactly one wins', () =>
        withStore(async (store) => {
          await store.append({ streamId: 's', expectedRevision: 'no_stream', events: events('A') });
          const outcomes = await Promise.allSettled([
            store.append({ streamId: 's', expectedRevision: 0, events: events('B1', 'B2') }),
            store.append({ streamId: 's', expectedRevision: 0, events: events('C1') }),
          ]);
          assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1);
          const failed = outcomes.find((outcome) => outcome.status === 'rejected');
          assert.ok(failed && failed.status === 'rejected');
          assertWrongExpectedVersion(failed.reason, 's', 0, outcomes[0].status === 'fulfilled' ? 2 : 1);
          const types = (await store.readStream('s')).map((event) => event.type);
          assert.ok(JSON.stringify(types) === '["A","B1","B2"]' || JSON.stringify(types) === '["A","C1"]', types.join());
        }));

      it('a failed append writes nothing', () =>
        withStore(async (store) => {
          await store.append({ streamId: 's', expectedRevision: 'no_stream', events: events('A') });
          await rejection(store.append({ streamId: 's', expectedRevision: 5, events: events('B', 'C') }));
          assert.equal(await store.headPosition(), 1);
          assert.deepEqual((await store.readAll({ fromPosition: 0 })).map((event) => event.type), ['A']);
        }));
    });

    describe('atomic appends', () => {
      it('gives the events of one append consecutive positions', () =>
        withStore(async (store) => {
          const results = await Promise.all([
            store.append({ streamId: 'a', expectedRevision: 'no_stream', events: events('A0', 'A1', 'A2') }),
            store.append({ streamId: 'b', expectedRevision: 'no_stream', events: events('B0', 'B1', 'B2') }),
          ]);
          for (const result of results) {
            const positions = (await store.readStream(result.streamId)).map((event) => event.position);
            assert.deepEqual(positions, [result.position - 2, result.position - 1, result.position]);
          }
        }));

      it('rejects an append whose third event is not JSON and writes none of its events', () =>
        withStore(async (store) => {
          const bad: NewEvent[] = [...events('A', 'B'), { type: 'C', data: { big: BigInt(1) } }];
          await assert.rejects(store.append({ streamId: 's', expectedRevision: 'any', events: bad }));
          assert.deepEqual(await store.readStream('s'), []);
          assert.equal(await store.headPosition(), 0);
        }));

      it('rejects an append without events or without a stream id', () =>
        withStore(async (store) => {
          await assert.rejects(store.append({ streamId: 's', expectedRevision: 'any', events: [] }));
          await assert.rejects(store.append({ streamId: '', expectedRevision: 'any', events: events('A') }));
          await assert.rejects(store.append({ streamId: 's', expectedRevision: -1, events: events('A') }));
          assert.equal(await store.headPosition(), 0);
        }));
    });

    describe('appendBatch', () => {
      it('lands the good requests together and reports the bad one in its slot', () =>
        withStore(async (store) => {
          await store.append({ streamId: 'b', expectedRevision: 'no_stream', events: events('B0') });
          const commitsBefore = store.stats?.().commits;
          const results = await store.appendBatch([
            { streamId: 'a', expectedRevision: 'no_stream', events: events('A0', 'A1') },
            { streamId: 'b', expectedRevision: 'no_stream', events: events('B-bad') },
            { streamId: 'c', expectedRevision: 'any', events: events('C0') },
          ]);
          assert.equal(results.length, 3);
          assert.deepEqual(results[0], { streamId: 'a', nextExpectedRevision: 1, position: 3 });
          assertWrongExpectedVersion(results[1], 'b', 'no_stream', 0);
          assert.deepEqual(results[2], { streamId: 'c', nextExpectedRevision: 0, position: 4 });
          assert.deepEqual((await store.readAll({ fromPosition: 0 })).map((event) => event.type), ['B0', 'A0', 'A1', 'C0']);
          if (commitsBefore !== undefined) assert.equal(store.stats?.().commits, commitsBefore + 1, 'one commit for the whole batch');
        }));

      it('applies requests on the same stream in order', () =>
        withStore(async (store) => {
          const results = await store.appendBatch([
            { streamId: 's', expectedRevision: 'no_stream', events: events('A') },
            { streamId: 's', expectedRevision: 0, events: events('B') },
            { streamId: 's', expectedRevision: 0, events: events('stale') },
          ]);
          assert.deepEqual(results[1], { streamId: 's', nextExpectedRevision: 1, position: 2 });
          assertWrongExpectedVersion(results[2], 's', 0, 1);
          assert.deepEqual((await store.readStream('s')).map((event) => event.type), ['A', 'B']);
          assert.equal(verifyStreamChain(await store.readStream('s')).ok, true);
        }));

      it('rejects the whole batch, writing nothing, when a request is invalid', () =>
        withStore(async (store) => {
          await assert.rejects(
            store.appendBatch([
              { streamId: 'a', expectedRevision: 'any', events: events('A') },
              { streamId: 'b', expectedRevision: 'any', events: [] },
            ]),
          );
          assert.equal(await store.headPosition(), 0);
          assert.deepEqual(await store.appendBatch([]), []);
        }));
    });

    describe('global feed', () => {
      it('orders all streams by a gapless global position', () =>
        withStore(async (store) => {
          const appended = await appendInterleaved(store, 10, 7);
          const feed = await store.readAll({ fromPosition: 0 });
          assert.equal(feed.length, appended);
          assert.deepEqual(
            feed.map((event) => event.position),
            range(1, appended),
          );
          assert.equal(await store.headPosition(), appended);
          // Within each stream the feed keeps stream order.
          const lastRevision = new Map<string, number>();
          for (const event of feed) {
            assert.equal(event.revision, (lastRevision.get(event.streamId) ?? -1) + 1);
            lastRevision.set(event.streamId, event.revision);
          }
        }));

      it('resumes from a checkpoint, page by page, exclusive of the checkpoint', () =>
        withStore(async (store) => {
          const appended = await appendInterleaved(store, 4, 6);
          const seen: number[] = [];
          let checkpoint = 0;
          for (;;) {
            const page = await store.readAll({ fromPosition: checkpoint, maxCount: 5 });
            if (page.length === 0) break;
            assert.ok(page.length <= 5);
            seen.push(...page.map((event) => event.position));
            checkpoint = page[page.length - 1].position;
          }
          assert.deepEqual(seen, range(1, appended));
          assert.deepEqual(
            (await store.readAll({ fromPosition: 10, maxCount: 3 })).map((event) => event.position),
            [11, 12, 13],
          );
          assert.deepEqual(await store.readAll({ fromPosition: appended }), []);
        }));
    });

    describe('subscribe', () => {
      it('catches up from a position, then delivers live appends without gaps or duplicates', () =>
        withStore(async (store) => {
          await appendInterleaved(store, 3, 4); // positions 1..12
          const received: RecordedEvent[] = [];
          let calls = 0;
          const subscription = store.subscribe(5, async (batch) => {
            calls += 1;
            received.push(...batch);
            await new Promise((resolve) => setImmediate(resolve)); // a slow handler
          });
          // Live appends while catching up, some concurrent, some later.
          const live: Array<Promise<unknown>> = [];
          for (let index = 0; index < 20; index += 1) {
            live.push(store.append({ streamId: `live-${index % 3}`, expectedRevision: 'any', events: events(`L${index}`) }));
            if (index % 5 === 0) await Promise.all(live.splice(0));
          }
          await Promise.all(live);
          await store.append({ streamId: 'late', expectedRevision: 'no_stream', events: events('Z1', 'Z2') });
          const head = await store.headPosition();
          await waitUntil(() => received.length >= head - 5);
          subscription.close();
          assert.deepEqual(
            received.map((event) => event.position),
            range(6, head),
          );
          assert.ok(calls >= 1);
          // Nothing more arrives after close.
          await store.append({ streamId: 'late', expectedRevision: 'any', events: events('after-close') });
          await delay(20);
          assert.equal(received.length, head - 5);
        }));

      it('delivers only new events when subscribing at the head', () =>
        withStore(async (store) => {
          await store.append({ streamId: 's', expectedRevision: 'no_stream', events: events('old') });
          const received: string[] = [];
          const subscription = store.subscribe(await store.headPosition(), (batch) => {
            received.push(...batch.map((event) => event.type));
          });
          await delay(10);
          assert.deepEqual(received, []);
          await store.append({ streamId: 's', expectedRevision: 0, events: events('new1', 'new2') });
          await waitUntil(() => received.length >= 2);
          subscription.close();
          assert.deepEqual(received, ['new1', 'new2']);
        }));

      it('stops and reports when the handler fails, without skipping the failed batch', () =>
        withStore(async (store) => {
          await store.append({ streamId: 's', expectedRevision: 'no_stream', events: events('A') });
          const errors: unknown[] = [];
          let calls = 0;
          store.subscribe(
            0,
            () => {
              calls += 1;
              throw new Error('projection broke');
            },
            { onError: (error) => errors.push(error) },
          );
          await waitUntil(() => errors.length === 1);
          await store.append({ streamId: 's', expectedRevision: 0, events: events('B') });
          await delay(20);
          assert.equal(calls, 1);
          assert.match(String(errors[0]), /projection broke/);
        }));
    });

    describe('hash chain', () => {
      it('links each event to its predecessor, from the chain seed', () =>
        withStore(async (store) => {
          await store.append({ streamId: 'seeded', expectedRevision: 'no_stream', chainSeed: 'definition-hash', events: events('A', 'B') });
          await store.append({ streamId: 'seeded', expectedRevision: 1, chainSeed: 'ignored-now', events: events('C') });
          await store.append({ streamId: 'unseeded', expectedRevision: 'no_stream', events: events('A') });
          const seeded = await store.readStream('seeded');
          assert.equal(seeded[0].previousHash, 'definition-hash');
          assert.equal(seeded[1].previousHash, seeded[0].hash);
          assert.equal(seeded[2].previousHash, seeded[1].hash);
          assert.match(seeded[0].hash, /^[0-9a-f]{64}$/);
          for (const event of seeded) assert.equal(event.hash, computeEventHash(event));
          assert.deepEqual(verifyStreamChain(seeded, { chainSeed: 'definition-hash' }), { ok: true });
          assert.deepEqual(verifyStreamChain(seeded, { chainSeed: 'other' }), {
            ok: false,
            brokenAt: 0,
            reason: 'seed-mismatch',
            expected: 'other',
            found: 'definition-hash',
          });
          const [unseeded] = await store.readStream('unseeded');
          assert.equal(unseeded.previousHash, '');
        }));

      it('hashes the documented formula over canonical JSON, independent of key order', () =>
        withStore(async (store) => {
          await store.append({
            streamId: 's',
            expectedRevision: 'no_stream',
            chainSeed: 'seed',
            events: [{ type: 'T', data: { b: 1, a: [{ y: 2, x: 1 }] }, metadata: { z: 'z', a: 'a' } }],
          });
          const [event] = await store.readStream('s');
          const expected = createHashHex(`seed\ns\n0\nT\n{"a":[{"x":1,"y":2}],"b":1}\n{"a":"a","z":"z"}`);
          assert.equal(event.hash, expected);
          assert.equal(
            computeEventHash({ previousHash: 'seed', streamId: 's', revision: 0, type: 'T', data: { a: [{ x: 1, y: 2 }], b: 1 }, metadata: { a: 'a', z: 'z' } }),
            expected,
          );
        }));

      it('detects an edited, removed or reordered event in what was read', () =>
        withStore(async (store) => {
          await store.append({ streamId: 's', expectedRevision: 'no_stream', events: events('A', 'B', 'C', 'D') });
          const stream = await store.readStream('s');
          assert.deepEqual(verifyStreamChain(stream), { ok: true });
          const edited = stream.map((event) => (event.revision === 2 ? { ...plainRecord(event), data: { n: 99 } } : event));
          assert.deepEqual(verifyStreamChain(edited), {
            ok: false,
            brokenAt: 2,
            reason: 'hash-mismatch',
            expected: computeEventHash(edited[2]),
            found: stream[2].hash,
          });
          assert.deepEqual(verifyStreamChain([stream[0], stream[2]]), { ok: false, brokenAt: 2, reason: 'revision-gap', expected: '1', found: '2' });
          const renumbered = [stream[0], { ...plainRecord(stream[2]), revision: 1 }];
          assert.deepEqual(verifyStreamChain(renumbered), {
            ok: false,
            brokenAt: 1,
            reason: 'previous-hash-mismatch',
            expected: stream[0].hash,
            found: stream[1].hash,
          });
          // A slice read from the middle still verifies on its own.
          assert.deepEqual(verifyStreamChain(await store.readStream('s', { fromRevision: 2 })), { ok: true });
        }));

      it('returns stored hashes, so an event tampered with in storage fails verification', async (t) => {
        await withStore(async (store, harness) => {
          if (!harness.tamper) return t.skip('the adapter provides no way to tamper with storage');
          await store.append({ streamId: 's', expectedRevision: 'no_stream', events: events('A', 'B', 'C') });
          await store.append({ streamId: 'other', expectedRevision: 'no_stream', events: events('X') });
          await harness.tamper('s', 1, { n: 1000 });
          const stream = await store.readStream('s');
          assert.deepEqual(stream[1].data, { n: 1000 }, 'the tampered data is what is read back');
          assert.deepEqual(verifyStreamChain(stream), {
            ok: false,
            brokenAt: 1,
            reason: 'hash-mismatch',
            expected: computeEventHash(stream[1]),
            found: stream[1].hash,
          });
          assert.deepEqual(verifyStreamChain(await store.readStream('other')), { ok: true });
        });
      });
    });

    describe('lifecycle', () => {
      it('keeps every event, revision and hash across close and reopen', async (t) => {
        await withStore(async (store, harness, track) => {
          if (!harness.reopen) return t.skip('the adapter cannot reopen its data');
          await appendInterleaved(store, 3, 5);
          await store.append({ streamId: 'seeded', expectedRevision: 'no_stream', chainSeed: 'seed', events: events('A', 'B') });
          const before = await store.readAll({ fromPosition: 0 });
          await store.close();

          const reopened = track(await harness.reopen());
          assert.deepEqual(await reopened.readAll({ fromPosition: 0 }), before);
          assert.equal(await reopened.headPosition(), before.length);
          assert.equal(await reopened.streamRevision('seeded'), 1);
          const next = await reopened.append({ streamId: 'seeded', expectedRevision: 1, events: events('C') });
          assert.deepEqual(next, { streamId: 'seeded', nextExpectedRevision: 2, position: before.length + 1 });
          assert.deepEqual(verifyStreamChain(await reopened.readStream('seeded'), { chainSeed: 'seed' }), { ok: true });
          assertWrongExpectedVersion(
            await rejection(reopened.append({ streamId: 'seeded', expectedRevision: 'no_stream', events: events('D') })),
            'seeded',
            'no_stream',
            2,
          );
        });
      });

      it('commits appends already requested when closed, then refuses new work', () =>
        withStore(async (store) => {
          const pending = store.append({ streamId: 's', expectedRevision: 'no_stream', events: events('A') });
          await store.close();
          assert.deepEqual(await pending, { streamId: 's', nextExpectedRevision: 0, position: 1 });
          const error = await rejection(store.append({ streamId: 's', expectedRevision: 0, events: events('B') }));
          assert.ok(error instanceof EventStoreClosedError);
          assert.equal(error.type, 'event-store-closed');
          await rejection(store.readStream('s'));
          await store.close(); // idempotent
        }));
    });
  });
}

function events(...types: string[]): NewEvent[] {
  return types.map((type, index) => ({ type, data: { n: index } }));
}

function revisions(read: readonly RecordedEvent[]): number[] {
  return read.map((event) => event.revision);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);
}

/** `streams` streams, `rounds` rounds of one-event appends, concurrent within a round. */
async function appendInterleaved(store: EventStore, streams: number, rounds: number): Promise<number> {
  for (let round = 0; round < rounds; round += 1) {
    await Promise.all(
      Array.from({ length: streams }, (_, index) =>
        store.append({
          streamId: `stream-${index}`,
          expectedRevision: round === 0 ? 'no_stream' : round - 1,
          events: [{ type: 'Step', data: { round, index } }],
        }),
      ),
    );
  }
  return streams * rounds;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the operation to fail');
}

function assertWrongExpectedVersion(
  error: unknown,
  streamId: string,
  expected: WrongExpectedVersionError['expected'],
  actual: WrongExpectedVersionError['actual'],
): asserts error is WrongExpectedVersionError {
  assert.ok(error instanceof WrongExpectedVersionError, `expected a WrongExpectedVersionError, got ${String(error)}`);
  assert.equal(error.type, 'wrong-expected-version');
  assert.equal(error.streamId, streamId);
  assert.equal(error.expected, expected);
  assert.equal(error.actual, actual);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) assert.fail('timed out waiting for the subscription');
    await delay(2);
  }
}

function createHashHex(text: string): string {
  // Independent of the implementation under test: the formula written out by hand.
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
