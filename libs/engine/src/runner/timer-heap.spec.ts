import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimerHeap } from './timer-heap';

/** Waits until `done()` holds, or 2 s: a loaded machine can run a 0 ms timer late. */
async function until(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 2_000; !done() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 5));
}

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
    await until(() => fired.length >= 4);
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
    await until(() => fired.length >= 4);
    assert.deepEqual(fired, ['t200', 't400', 't500', 't600']);
    assert.equal(heap.size, 0);
    heap.close();
  });

  it('with a virtual clock, jumps only when idle, and hands due timers over before jumping again', async () => {
    let now = 0;
    let busy = true;
    const fired: string[] = [];
    const jumps: number[] = [];
    const heap = new TimerHeap<string>(
      (due) => {
        fired.push(...due.map((entry) => entry.payload));
        busy = true; // the fired timer's command is now under way
      },
      () => now,
      (to) => {
        jumps.push(to);
        now = to;
      },
      () => !busy,
    );
    heap.add({ key: 'year', at: 365 * 86_400_000, payload: 'year' });
    heap.add({ key: 'wait', at: 1_000, payload: 'wait' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(jumps, [], 'no jump while work is under way');
    busy = false;
    await until(() => fired.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(fired, ['wait'], 'the earliest deadline fired; the year did not, the fired command being under way');
    assert.deepEqual(jumps, [1_000]);
    busy = false;
    await until(() => fired.length >= 2);
    assert.deepEqual(fired, ['wait', 'year']);
    heap.close();
  });
});
