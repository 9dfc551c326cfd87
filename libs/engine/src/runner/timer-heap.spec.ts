import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimerHeap } from './timer-heap';

describe('TimerHeap', () => {
  it('fires due timers earliest first, skipping removed ones, and ignores a second add of a pending key', async () => {
    const fired: string[] = [];
    const heap = new TimerHeap<string>((due) => fired.push(...due.map((entry) => entry.payload)), () => 1_000);
    for (const at of [500, 100, 400, 300, 200, 600]) assert.equal(heap.add({ at, key: `k${at}`, payload: `t${at}` }), true);
    assert.equal(heap.add({ at: 50, key: 'k500', payload: 'duplicate' }), false);
    assert.equal(heap.remove('k300'), true);
    assert.equal(heap.remove('k100'), true);
    assert.equal(heap.remove('k100'), false);
    assert.equal(heap.size, 4);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(fired, ['t200', 't400', 't500', 't600']);
    assert.equal(heap.size, 0);
    heap.close();
  });
});
