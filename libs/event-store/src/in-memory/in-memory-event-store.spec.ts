import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeEventHash, verifyStreamChain } from '../hash-chain';
import { describeEventStoreContract } from '../testing/event-store-contract';
import { openInMemoryEventStore } from './in-memory-event-store';

describeEventStoreContract('memory', async () => ({ store: openInMemoryEventStore() }));

describe('in-memory event store', () => {
  it("reports kind 'memory' and one commit per append or batch", async () => {
    const store = openInMemoryEventStore();
    assert.equal(store.kind, 'memory');
    await store.append({ streamId: 's', expectedRevision: 'no_stream', events: [{ type: 'A', data: 1 }] });
    await store.appendBatch([
      { streamId: 'a', expectedRevision: 'no_stream', events: [{ type: 'A', data: 1 }] },
      { streamId: 'b', expectedRevision: 'no_stream', events: [{ type: 'B', data: 2 }] },
    ]);
    assert.deepEqual(store.stats?.(), { commits: 2, events: 3 });
    await store.close();
  });

  it('hands out frozen records, so a reader cannot rewrite history for the next one', async () => {
    const store = openInMemoryEventStore();
    await store.append({ streamId: 's', expectedRevision: 'no_stream', events: [{ type: 'A', data: { n: 1 } }] });
    const [event] = await store.readStream('s');
    assert.ok(Object.isFrozen(event));
    assert.throws(() => {
      (event as { type: string }).type = 'B';
    });
    await store.close();
  });

  it('stamps recordedAt from the injected clock', async () => {
    const store = openInMemoryEventStore({ now: () => new Date('2024-01-01T00:00:00.000Z') });
    await store.append({ streamId: 's', expectedRevision: 'no_stream', events: [{ type: 'A', data: null }] });
    assert.equal((await store.readStream('s'))[0].recordedAt, '2024-01-01T00:00:00.000Z');
    await store.close();
  });

  it('keeps deeply frozen data as given, and chains it as if it had been copied', async () => {
    const store = openInMemoryEventStore();
    const frozen = Object.freeze({ n: 1, nested: Object.freeze({ list: Object.freeze([1, 2]) }) });
    const metadata = Object.freeze({ actor: 'engine' });
    await store.append({ streamId: 's', expectedRevision: 'no_stream', chainSeed: 'seed', events: [{ type: 'A', data: frozen, metadata }, { type: 'B', data: frozen, metadata }] });
    const [first, second] = await store.readStream('s');
    assert.equal(first.data, frozen);
    assert.equal(first.hash, computeEventHash(first));
    assert.equal(second.previousHash, first.hash);
    assert.deepEqual(verifyStreamChain([first, second], { chainSeed: 'seed' }), { ok: true });
    await store.close();
  });

  it('keeps handed-over data as given, and freezes it all the way down before a reader sees it', async () => {
    const store = openInMemoryEventStore();
    const shared = Object.freeze({ inner: { n: 1 } }); // frozen on the surface only
    const data = { details: { list: [1, 2] }, shared };
    await store.append({ streamId: 's', expectedRevision: 'no_stream', chainSeed: 'seed', handedOver: true, events: [{ type: 'A', data, metadata: { actor: 'engine' } }] });
    const [event] = await store.readStream('s');
    assert.equal(event.data, data);
    for (const part of [data, data.details, data.details.list, shared, shared.inner, event.metadata]) assert.ok(Object.isFrozen(part));
    assert.equal(event.hash, computeEventHash(event));
    await store.close();
  });

  it('copies data that is frozen only on the surface, so later changes inside it are not seen', async () => {
    const store = openInMemoryEventStore();
    const items = [1, 2];
    await store.append({ streamId: 's', expectedRevision: 'no_stream', events: [{ type: 'A', data: Object.freeze({ items }) }] });
    items.push(3);
    const [event] = await store.readStream('s');
    assert.deepEqual(event.data, { items: [1, 2] });
    await store.close();
  });
});
