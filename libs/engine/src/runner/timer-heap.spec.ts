import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimerHeap } from './timer-heap';

describe('TimerHeap', () => {
  it('fires due timers in deadline order and skips cancelled ones (task deadlines of closed tasks)', async () => {
    let now = 0;
    const fired: string[] = [];
    const heap = new TimerHeap<string>((entries) => fired.push(...entries.map((entry) => entry.payload)), () => now);
    for (const [key, at] of [['a', 30], ['b', 10], ['c', 20], ['d', 40], ['e', 5]] as const) heap.add({ key, at, payload: key });
    assert.equal(heap.cancel('c'), true);
    assert.equal(heap.cancel('c'), false, 'a cancelled key is gone');
    assert.equal(heap.cancel('e'), true, 'cancelling the earliest re-orders the heap');
    assert.equal(heap.size, 3);
    now = 100;
    heap.add({ key: 'now', at: 0, payload: 'now' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(fired, ['now', 'b', 'a', 'd']);
    assert.equal(heap.size, 0);
    heap.close();
  });

  it('fires due timers earliest first, skipping removed ones, and ignores a second add of a pending key', async () => {
    const fired: string[] = [];
    const heap = new TimerHeap<string>((due) => fired.push(...due.map((entry) => entry.payload)), () => 1_000);
    for (const at of [500, 100, 400, 300, 200, 600]) assert.equal(heap.add({ at, key: `k${at}`, payload: `t${at}` }), true);
    assert.equal(heap.add({ at: 50, key: 'k500', payload: 'duplicate' }), false);
    assert.equal(heap.cancel('k300'), true);
    assert.equal(heap.cancel('k100'), true);
    assert.equal(heap.cancel('k100'), false);
    assert.equal(heap.size, 4);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(fired, ['t200', 't400', 't500', 't600']);
    assert.equal(heap.size, 0);
    heap.close();
  });
});
