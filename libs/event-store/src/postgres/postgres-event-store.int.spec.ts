import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { acquirePostgres, createTestDatabase } from '../../../../test/support/postgres';
import { isWrongExpectedVersionError, type EventStore, type RecordedEvent } from '../event-store';
import { verifyStreamChain } from '../hash-chain';
import { describeEventStoreContract } from '../testing/event-store-contract';
import { verifyStore } from '../verify-store';
import { openPostgresEventStore, type PostgresEventStore } from './postgres-event-store';

// A real PostgreSQL on 127.0.0.1: the runner's shared cluster (STEPSTONE_TEST_POSTGRES_URL), else
// a private one started for this file. Each test gets a database of its own.
let cluster: { readonly url: string; release(): Promise<void> } | undefined;
const clusterReady = acquirePostgres().then((acquired) => (cluster = acquired));
before(() => clusterReady);
after(async () => {
  await clusterReady.catch(() => {});
  await cluster?.release();
});

describeEventStoreContract('postgres', async () => {
  const database = await createTestDatabase((await clusterReady).url);
  return {
    store: await openPostgresEventStore({ connectionString: database.url }),
    reopen: () => openPostgresEventStore({ connectionString: database.url }),
    cleanup: database.drop,
    tamper: async (streamId, revision, data) => {
      const intruder = new pg.Client({ connectionString: database.url });
      await intruder.connect();
      try {
        await intruder.query('UPDATE stepstone_events SET data = $1 WHERE stream_id = $2 AND revision = $3', [JSON.stringify(data), streamId, revision]);
      } finally {
        await intruder.end();
      }
    },
  };
});

describe('PostgreSQL event store: two store instances on one database', () => {
  /** Two stores with connections of their own, as two server processes have. */
  const withTwoStores = async (body: (a: EventStore, b: EventStore) => Promise<void>) => {
    const database = await createTestDatabase((await clusterReady).url);
    const a = await openPostgresEventStore({ connectionString: database.url });
    const b = await openPostgresEventStore({ connectionString: database.url });
    try {
      await body(a, b);
    } finally {
      await a.close();
      await b.close();
      await database.drop();
    }
  };

  /** Appends one event to `streamId`, reloading its revision and retrying after each conflict. */
  const appendWithRetry = async (store: EventStore, streamId: string, type: string): Promise<number> => {
    for (let conflicts = 0; ; conflicts += 1) {
      const revision = await store.streamRevision(streamId);
      try {
        await store.append({ streamId, expectedRevision: revision ?? 'no_stream', events: [{ type, data: { conflicts } }] });
        return conflicts;
      } catch (error) {
        if (!isWrongExpectedVersionError(error)) throw error;
      }
    }
  };

  it('both appending to one stream: every append lands exactly once, the chain intact', () =>
    withTwoStores(async (a, b) => {
      const rounds = 40;
      const outcomes = await Promise.all([
        (async () => {
          let conflicts = 0;
          for (let index = 0; index < rounds; index += 1) conflicts += await appendWithRetry(a, 'shared', `A${index}`);
          return conflicts;
        })(),
        (async () => {
          let conflicts = 0;
          for (let index = 0; index < rounds; index += 1) conflicts += await appendWithRetry(b, 'shared', `B${index}`);
          return conflicts;
        })(),
      ]);
      const stream = await a.readStream('shared');
      assert.equal(stream.length, 2 * rounds);
      assert.deepEqual(
        stream.map((event) => event.revision),
        stream.map((_, index) => index),
      );
      const types = stream.map((event) => event.type);
      for (const prefix of ['A', 'B']) {
        const own = types.filter((type) => type.startsWith(prefix));
        assert.deepEqual(own, Array.from({ length: rounds }, (_, index) => `${prefix}${index}`), 'each writer appended once per round, in order');
      }
      assert.deepEqual(verifyStreamChain(stream), { ok: true });
      assert.deepEqual(await b.readStream('shared'), stream);
      // Racing on one stream makes conflicts likely, but the test does not depend on them.
      assert.ok(outcomes[0] + outcomes[1] >= 0);
    }));

  it('appending to different streams: one gap-free global order, identical for both readers', () =>
    withTwoStores(async (a, b) => {
      const perWriter = 60;
      const write = async (store: EventStore, prefix: string) => {
        const pending: Array<Promise<unknown>> = [];
        for (let index = 0; index < perWriter; index += 1) {
          pending.push(store.append({ streamId: `${prefix}-${index % 5}`, expectedRevision: 'any', events: [{ type: 'E', data: { index } }, { type: 'F', data: {} }] }));
          if (index % 7 === 0) await Promise.all(pending.splice(0));
        }
        await Promise.all(pending);
      };
      await Promise.all([write(a, 'a'), write(b, 'b')]);
      const total = 2 * perWriter * 2;
      const feedA = await a.readAll({ fromPosition: 0 });
      const feedB = await b.readAll({ fromPosition: 0 });
      assert.deepEqual(
        feedA.map((event) => event.position),
        Array.from({ length: total }, (_, index) => index + 1),
      );
      assert.deepEqual(feedB, feedA);
      assert.equal(await a.headPosition(), total);
      assert.equal(await b.headPosition(), total);
      // Each append's two events are adjacent: a commit's positions are consecutive.
      for (let index = 0; index < feedA.length; index += 2) assert.deepEqual([feedA[index].type, feedA[index + 1].type], ['E', 'F']);
      const verification = await verifyStore(a);
      assert.deepEqual(verification.breaks, []);
      assert.equal(verification.events, total);
    }));

  it("'any' appends on both instances to one stream: each chains to the other's head, none lost", () =>
    withTwoStores(async (a, b) => {
      // Each store remembers the head of its own last commit; the other's appends make it stale,
      // so most appends here are first refused for a stale head and committed again.
      for (let round = 0; round < 10; round += 1) {
        await Promise.all([
          a.append({ streamId: 'both', expectedRevision: 'any', events: [{ type: `A${round}`, data: {} }] }),
          b.append({ streamId: 'both', expectedRevision: 'any', events: [{ type: `B${round}`, data: {} }, { type: `B${round}'`, data: {} }] }),
        ]);
        const tail = await b.append({ streamId: 'both', expectedRevision: 'stream_exists', events: [{ type: `C${round}`, data: {} }] });
        assert.equal(tail.nextExpectedRevision, 4 * round + 3);
      }
      const stream = await a.readStream('both');
      assert.equal(stream.length, 40);
      assert.deepEqual(verifyStreamChain(stream), { ok: true });
      assert.deepEqual((await verifyStore(b)).breaks, []);
      // The stale head did not hide a real conflict: an exact expected revision is still checked.
      await assert.rejects(a.append({ streamId: 'both', expectedRevision: 38, events: [{ type: 'late', data: {} }] }), isWrongExpectedVersionError);
      await a.append({ streamId: 'both', expectedRevision: 39, events: [{ type: 'on time', data: {} }] });
      assert.deepEqual(verifyStreamChain(await b.readStream('both')), { ok: true });
    }));

  it('one batch naming a stream twice commits both appends in order, the second chained to the first', () =>
    withTwoStores(async (a) => {
      const results = await a.appendBatch([
        { streamId: 'twice', expectedRevision: 'no_stream', events: [{ type: 'one', data: {} }] },
        { streamId: 'other', expectedRevision: 'no_stream', events: [{ type: 'x', data: {} }] },
        { streamId: 'twice', expectedRevision: 0, events: [{ type: 'two', data: {} }] },
        { streamId: 'twice', expectedRevision: 0, events: [{ type: 'conflicts', data: {} }] },
      ]);
      assert.deepEqual(
        results.map((result) => (isWrongExpectedVersionError(result) ? 'conflict' : 'position' in result ? result.position : result.name)),
        [1, 2, 3, 'conflict'],
      );
      const stream = await a.readStream('twice');
      assert.deepEqual(stream.map((event) => event.type), ['one', 'two']);
      assert.deepEqual(verifyStreamChain(stream), { ok: true });
    }));

  it("a subscriber on one instance receives the other's appends in order, woken by NOTIFY", () =>
    withTwoStores(async (a, b) => {
      const received: RecordedEvent[] = [];
      const subscription = a.subscribe(0, (batch) => {
        received.push(...batch);
      });
      try {
        await b.append({ streamId: 's', expectedRevision: 'no_stream', events: [{ type: 'one', data: {} }] });
        await waitUntil(() => received.length === 1);
        await a.append({ streamId: 's', expectedRevision: 0, events: [{ type: 'two', data: {} }] });
        await b.append({ streamId: 's', expectedRevision: 1, events: [{ type: 'three', data: {} }] });
        await waitUntil(() => received.length === 3);
        assert.deepEqual(
          received.map((event) => [event.position, event.type]),
          [
            [1, 'one'],
            [2, 'two'],
            [3, 'three'],
          ],
        );
      } finally {
        subscription.close();
      }
    }));
});

describe('PostgreSQL event store: commits announced by NOTIFY (latestPerStream subscribers)', () => {
  const announcements = { types: ['End'], payloadTypes: ['Task'] };
  const follow = { payloadTypes: ['Task'], latestPerStream: { types: ['End'] } };
  /** The writer `a` and the follower `b`, announcing the same; `b`'s reads of the feed counted. */
  const withFollower = async (body: (a: PostgresEventStore, b: PostgresEventStore, feedReads: () => number) => Promise<void>) => {
    const database = await createTestDatabase((await clusterReady).url);
    const a = await openPostgresEventStore({ connectionString: database.url, announcements });
    const b = await openPostgresEventStore({ connectionString: database.url, announcements });
    let reads = 0;
    const query = b.pool.query.bind(b.pool) as (...args: unknown[]) => unknown;
    (b.pool as { query: unknown }).query = (...args: unknown[]) => {
      const config = args[0];
      const text = typeof config === 'string' ? config : (config as { text?: string }).text ?? '';
      if (/FROM stepstone_events WHERE position >/.test(text)) reads += 1;
      return query(...args);
    };
    try {
      await body(a, b, () => reads);
    } finally {
      await a.close();
      await b.close();
      await database.drop();
    }
  };
  const summary = (events: readonly RecordedEvent[]) => events.map((event) => [event.position, event.streamId, event.revision, event.type, event.data]);

  it("delivers each stream's last event and the announced types from the announcements, without reading the feed", () =>
    withFollower(async (a, b, feedReads) => {
      await a.append({ streamId: 'before', expectedRevision: 'no_stream', events: [{ type: 'Old', data: {} }] });
      const received: RecordedEvent[] = [];
      const subscription = b.subscribe(await b.headPosition(), (batch) => void received.push(...batch), follow);
      try {
        await a.appendBatch([
          {
            streamId: 's1',
            expectedRevision: 'no_stream',
            events: [
              { type: 'Start', data: { n: 1 } },
              { type: 'Task', data: { input: 'x' } },
              { type: 'Step', data: {} },
              { type: 'End', data: { output: 1 } },
              { type: 'Step', data: {} },
            ],
          },
          { streamId: 's2', expectedRevision: 'no_stream', events: [{ type: 'Start', data: {} }, { type: 'Step', data: { last: true } }] },
        ]);
        await waitUntil(() => received.at(-1)?.position === 8);
        await a.append({ streamId: 's2', expectedRevision: 1, events: [{ type: 'End', data: {} }] });
        await waitUntil(() => received.at(-1)?.position === 9);
        assert.deepEqual(summary(received), [
          [3, 's1', 1, 'Task', { input: 'x' }],
          [5, 's1', 3, 'End', null],
          [6, 's1', 4, 'Step', null],
          [8, 's2', 1, 'Step', null],
          [9, 's2', 2, 'End', null],
        ]);
        assert.equal(feedReads(), 0, 'the follower read nothing of the feed');
      } finally {
        subscription.close();
      }
    }));

  it('reads the feed for a commit too large to announce, and for one that announced something else', () =>
    withFollower(async (a, b, feedReads) => {
      const received: RecordedEvent[] = [];
      const subscription = b.subscribe(0, (batch) => void received.push(...batch), follow);
      const other = await openPostgresEventStore({ connectionString: a.connectionString, announcements: { types: [], payloadTypes: [] } });
      try {
        // Its Task's data alone is over PostgreSQL's 8000-byte NOTIFY limit: announced by position only.
        const big = 'x'.repeat(9000);
        await a.append({ streamId: 'big', expectedRevision: 'no_stream', events: [{ type: 'Task', data: { big } }, { type: 'Step', data: {} }] });
        await waitUntil(() => received.at(-1)?.position === 2);
        assert.equal(feedReads(), 1);
        // A store announcing nothing of Task and End (a tool, another build): its announcement is not trusted.
        await other.append({ streamId: 'o', expectedRevision: 'no_stream', events: [{ type: 'Task', data: { small: true } }, { type: 'End', data: {} }, { type: 'Step', data: {} }] });
        await waitUntil(() => received.at(-1)?.position === 5);
        assert.equal(feedReads(), 2);
        await a.append({ streamId: 'big', expectedRevision: 1, events: [{ type: 'End', data: {} }] });
        await waitUntil(() => received.at(-1)?.position === 6);
        assert.equal(feedReads(), 2, 'announced in full again: no read');
        assert.deepEqual(summary(received), [
          [1, 'big', 0, 'Task', { big }],
          [2, 'big', 1, 'Step', null],
          [3, 'o', 0, 'Task', { small: true }],
          [4, 'o', 1, 'End', null],
          [5, 'o', 2, 'Step', null],
          [6, 'big', 2, 'End', null],
        ]);
      } finally {
        subscription.close();
        await other.close();
      }
    }));

  it('a subscriber that follows every event is not affected: all of them, in order, from memory or the feed', () =>
    withFollower(async (a, b) => {
      const received: RecordedEvent[] = [];
      const subscription = b.subscribe(0, (batch) => void received.push(...batch));
      try {
        await a.appendBatch([
          { streamId: 's1', expectedRevision: 'no_stream', events: [{ type: 'Start', data: {} }, { type: 'Step', data: { n: 1 } }] },
          { streamId: 's2', expectedRevision: 'no_stream', events: [{ type: 'Start', data: {} }] },
        ]);
        await b.append({ streamId: 's1', expectedRevision: 1, events: [{ type: 'End', data: {} }] });
        await waitUntil(() => received.length === 4);
        assert.deepEqual(summary(received), [
          [1, 's1', 0, 'Start', {}],
          [2, 's1', 1, 'Step', { n: 1 }],
          [3, 's2', 0, 'Start', {}],
          [4, 's1', 2, 'End', {}],
        ]);
      } finally {
        subscription.close();
      }
    }));
});

describe('PostgreSQL event store: the index of streams', () => {
  it('lists the streams under a prefix with their last revision and last event type, as of the last commit', async () => {
    const database = await createTestDatabase((await clusterReady).url);
    const store = await openPostgresEventStore({ connectionString: database.url });
    try {
      await store.appendBatch([
        { streamId: 'execution-m:a', expectedRevision: 'no_stream', events: [{ type: 'ExecutionStarted', data: {} }, { type: 'PassStateEntered', data: {} }] },
        { streamId: 'execution-m:b', expectedRevision: 'no_stream', events: [{ type: 'ExecutionStarted', data: {} }] },
        { streamId: 'state-machine-m', expectedRevision: 'no_stream', events: [{ type: 'StateMachineCreated', data: {} }] },
      ]);
      await store.append({ streamId: 'execution-m:b', expectedRevision: 0, events: [{ type: 'ExecutionSucceeded', data: {} }] });
      // A refused append changes nothing.
      await assert.rejects(store.append({ streamId: 'execution-m:a', expectedRevision: 0, events: [{ type: 'ExecutionFailed', data: {} }] }), isWrongExpectedVersionError);
      assert.deepEqual(await store.listStreamHeads('execution-'), [
        { streamId: 'execution-m:a', revision: 1, lastType: 'PassStateEntered' },
        { streamId: 'execution-m:b', revision: 1, lastType: 'ExecutionSucceeded' },
      ]);
    } finally {
      await store.close();
      await database.drop();
    }
  });
});

describe('PostgreSQL event store: opening', () => {
  it('fails fast, naming the cause, when nothing listens at the address', async () => {
    const started = performance.now();
    await assert.rejects(openPostgresEventStore({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutMs: 2000 }), /ECONNREFUSED/);
    assert.ok(performance.now() - started < 5000);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) assert.fail('timed out waiting for the subscription');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
