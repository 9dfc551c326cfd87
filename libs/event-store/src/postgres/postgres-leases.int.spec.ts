import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { acquirePostgres, createTestDatabase } from '../../../../test/support/postgres';
import { isStaleLeaseError, StaleLeaseError, type AppendResult } from '../event-store';
import { createShardLeases, shardOfStream, type ShardLeases } from './postgres-leases';
import { openPostgresEventStore, type PostgresEventStore } from './postgres-event-store';
import { randomUUID } from 'node:crypto';
import { openKurrentDbEventStore, type KurrentDbEventStore } from '../kurrentdb/kurrentdb-event-store';

// Real PostgreSQL on 127.0.0.1 (the runner's shared cluster, else a private one for this file).
let cluster: { readonly url: string; release(): Promise<void> } | undefined;
const clusterReady = acquirePostgres().then((acquired) => (cluster = acquired));
before(() => clusterReady);
after(async () => {
  await clusterReady.catch(() => {});
  await cluster?.release();
});

const SHARDS = 8;

/** The stores several processes share: the leases live in PostgreSQL for both (the store's `pool`). */
type LeasedStore = PostgresEventStore | KurrentDbEventStore;

const kurrentConnection = process.env.KURRENTDB_CONNECTION_STRING;
const STORES: ReadonlyArray<{ readonly name: string; readonly skip?: string; open(databaseUrl: string): () => Promise<LeasedStore> }> = [
  { name: 'PostgreSQL', open: (url) => () => openPostgresEventStore({ connectionString: url }) },
  {
    name: 'KurrentDB',
    // Without a KurrentDB server these are reported SKIPPED with the reason, never passed.
    ...(kurrentConnection ? {} : { skip: 'no KurrentDB reachable: KURRENTDB_CONNECTION_STRING is not set (this machine has no Docker engine and no KurrentDB package)' }),
    open: (url) => {
      const namespace = `t${randomUUID().replace(/-/g, '')}-`;
      return () => openKurrentDbEventStore({ connectionString: kurrentConnection!, postgresUrl: url, namespace });
    },
  },
];

for (const kind of STORES) {
  /** Two stores on one fresh database, as two processes have. */
  async function withTwoStores(body: (a: LeasedStore, b: LeasedStore) => Promise<void>): Promise<void> {
    const database = await createTestDatabase((await clusterReady).url);
    const open = kind.open(database.url);
    const a = await open();
    const b = await open();
    try {
      await body(a, b);
    } finally {
      await a.close();
      await b.close();
      await database.drop();
    }
  }

  function leasesOf(store: LeasedStore, processId: string, ttlMs: number, lost: number[] = []): ShardLeases {
    // Rounds only when the test asks (renew): no background timer.
    return createShardLeases({ pool: store.pool, processId, shardCount: SHARDS, ttlMs, renewEveryMs: 60_000, onLost: (shards) => lost.push(...shards) });
  }

  describe(`shard leases and fencing on the ${kind.name} store`, () => {
    it('spread the shards evenly over the live processes and rebalance when one joins and leaves', { skip: kind.skip ?? false }, () =>
      withTwoStores(async (a, b) => {
        const first = leasesOf(a, 'p1', 10_000);
        const second = leasesOf(b, 'p2', 10_000);
        await first.renew();
        assert.equal(first.held().size, SHARDS, 'alone, the first process holds every shard');
        await second.renew(); // joins: its shards are still held by p1
        assert.equal(second.held().size, 0);
        await first.renew(); // p1 sees p2 and hands its half back
        assert.deepEqual([...first.held().keys()].sort((x, y) => x - y), [0, 2, 4, 6]);
        await second.renew();
        assert.deepEqual([...second.held().keys()].sort((x, y) => x - y), [1, 3, 5, 7]);
        for (const [, epoch] of second.held()) assert.equal(epoch, 3, 'taken (1), given back (2), taken by p2 (3): each change of hands bumps the epoch');
        await second.close(); // leaves: its leases are free at once
        await first.renew();
        assert.equal(first.held().size, SHARDS);
        await first.close();
      }));

    it('a stalled owner loses its shards after the TTL and its appends under the old epoch are refused', { skip: kind.skip ?? false }, () =>
      withTwoStores(async (a, b) => {
        const lostByStalled: number[] = [];
        const stalled = leasesOf(a, 'p1', 300, lostByStalled);
        const survivor = leasesOf(b, 'p2', 300);
        await stalled.renew();
        const streamId = 'execution-machine:one';
        const shard = shardOfStream(streamId, SHARDS);
        const oldFence = stalled.fenceOf(shard)!;
        assert.ok(oldFence);
        await a.append({ streamId, expectedRevision: 'no_stream', events: [{ type: 'E', data: { n: 0 } }], fence: oldFence });

        await survivor.renew();
        assert.equal(survivor.fenceOf(shard), undefined, 'a live lease is never taken');
        await new Promise((resolve) => setTimeout(resolve, 450)); // p1 renews nothing: past its TTL
        await survivor.renew();
        const newFence = survivor.fenceOf(shard)!;
        assert.ok(newFence, 'the survivor took the lapsed shard');
        assert.equal(newFence.epoch, oldFence.epoch + 1);

        // The stalled process still believes it owns the shard: the store refuses it.
        assert.deepEqual(stalled.fenceOf(shard), oldFence);
        await assert.rejects(
          a.append({ streamId, expectedRevision: 0, events: [{ type: 'E', data: { n: 1 } }], fence: oldFence }),
          (error: unknown) => isStaleLeaseError(error) && error.shard === shard && error.epoch === oldFence.epoch && error.currentEpoch === newFence.epoch,
        );
        const batch = await a.appendBatch([
          { streamId, expectedRevision: 0, events: [{ type: 'E', data: { n: 1 } }], fence: oldFence },
          { streamId: 'unfenced', expectedRevision: 'no_stream', events: [{ type: 'F', data: {} }] },
        ]);
        assert.ok(batch[0] instanceof StaleLeaseError, 'the stale slot is refused');
        assert.equal((batch[1] as AppendResult).nextExpectedRevision, 0, 'the others of the batch still commit');
        await b.append({ streamId, expectedRevision: 0, events: [{ type: 'E', data: { n: 1 } }], fence: newFence });
        assert.deepEqual((await a.readStream(streamId)).map((event) => event.data), [{ n: 0 }, { n: 1 }], 'nothing of the stale writer landed');

        // Its next round tells the stalled process what happened.
        await stalled.renew();
        assert.ok(lostByStalled.includes(shard));
        assert.equal(stalled.fenceOf(shard), undefined);
        await stalled.close();
        await survivor.close();
      }));

    it('a process restarted under the same id takes its shards back at once, under new epochs', { skip: kind.skip ?? false }, () =>
      withTwoStores(async (a, b) => {
        const before = leasesOf(a, 'host:8083', 10_000);
        await before.renew();
        const oldFence = before.fenceOf(3)!;
        // Killed: no close, the leases stay live for the TTL. The restart has the same id.
        const after = leasesOf(b, 'host:8083', 10_000);
        await after.renew();
        assert.equal(after.held().size, SHARDS, 'no wait for the TTL');
        assert.equal(after.fenceOf(3)!.epoch, oldFence.epoch + 1);
        await assert.rejects(b.append({ streamId: 'x', expectedRevision: 'no_stream', events: [{ type: 'E', data: {} }], fence: oldFence }), isStaleLeaseError, 'its previous life is fenced off');
        await after.renew();
        assert.equal(after.fenceOf(3)!.epoch, oldFence.epoch + 1, 'later renewals keep the epoch');
        await after.close();
      }));

    it('a takeover waits for an append in flight under the old epoch (FOR SHARE), never interleaving with it', { skip: kind.skip ?? false }, () =>
      withTwoStores(async (a, b) => {
        const owner = leasesOf(a, 'p1', 200);
        await owner.renew();
        const fence = owner.fenceOf(0)!;
        await new Promise((resolve) => setTimeout(resolve, 300));
        const taker = leasesOf(b, 'p2', 200);
        // Many appends racing the takeover: each either commits before it or is refused after it.
        const appends = Array.from({ length: 50 }, (_, n) =>
          a.append({ streamId: `s-${n}`, expectedRevision: 'no_stream', events: [{ type: 'E', data: {} }], fence }).then(
            () => 'committed' as const,
            (error: unknown) => (isStaleLeaseError(error) ? ('refused' as const) : Promise.reject(error)),
          ),
        );
        await taker.renew();
        const outcomes = await Promise.all(appends);
        const committed = outcomes.filter((outcome) => outcome === 'committed').length;
        assert.equal((await a.listStreams('s-')).length, committed);
        await assert.rejects(a.append({ streamId: 'late', expectedRevision: 'no_stream', events: [{ type: 'E', data: {} }], fence }), isStaleLeaseError);
        await owner.close();
        await taker.close();
      }));
  });
}

describe('shardOfStream', () => {
  it('is stable and spreads stream ids over every shard', () => {
    assert.equal(shardOfStream('execution-m:a', 64), shardOfStream('execution-m:a', 64));
    const seen = new Set(Array.from({ length: 2000 }, (_, index) => shardOfStream(`execution-m:${index}`, 64)));
    assert.equal(seen.size, 64);
  });
});
