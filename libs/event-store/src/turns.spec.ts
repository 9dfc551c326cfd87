import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openInMemoryEventStore } from './in-memory/in-memory-event-store';
import { nextTurn, turnsWaiting } from './turns';

describe('nextTurn', () => {
  it('resumes one waiting piece of work per turn of the event loop, so what was queued meanwhile runs between them', async () => {
    const order: Array<number | string> = [];
    const waits = [1, 2, 3].map((piece) => nextTurn().then(() => order.push(piece)));
    assert.equal(turnsWaiting(), 3);
    // A callback of the same turn (as an I/O callback would be): with setImmediate alone it ran after all three.
    setImmediate(() => order.push('between'));
    await Promise.all(waits);
    assert.deepEqual(order, [1, 'between', 2, 3]);
    assert.equal(turnsWaiting(), 0);
  });
});

describe('a subscription catching up', () => {
  it('waits for a turn of the event loop between full batches', async () => {
    const store = openInMemoryEventStore();
    for (let index = 0; index < 10; index++) {
      await store.append({ streamId: `execution-${index}`, expectedRevision: 'no_stream', events: [{ type: 'ExecutionStarted', data: { index } }] });
    }
    const batches: number[] = [];
    let probeRan = false;
    let beforeProbe = -1;
    const done = new Promise<void>((resolve) => {
      const subscription = store.subscribe(0, (events) => {
        batches.push(events.length);
        if (events[events.length - 1].position === 10) {
          subscription.close();
          resolve();
        }
      }, { maxBatchSize: 2 });
    });
    setImmediate(() => {
      probeRan = true;
      beforeProbe = batches.length;
    });
    await done;
    assert.deepEqual(batches, [2, 2, 2, 2, 2]);
    assert.ok(probeRan);
    // The backlog's five batches were not delivered in one go: the probe ran among them.
    assert.ok(beforeProbe < 5, `batches delivered before the probe: ${beforeProbe}`);
    await store.close();
  });
});
