import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFastClock } from './fast-clock';
import { TimerHeap } from './timer-heap';

describe('fast clock (STEPSTONE_CLOCK=fast)', () => {
  it('fires an hour-long timer at once, with the clock reading the deadline', async () => {
    const clock = createFastClock();
    const deadline = clock.now().getTime() + 3_600_000;
    const fired = await new Promise<{ key: string; at: number }>((resolve) => {
      const heap = new TimerHeap<string>((due) => resolve({ key: due[0].key, at: clock.now().getTime() }), () => clock.now().getTime(), clock.advanceTo);
      heap.add({ at: deadline, key: 'wait', payload: 'x' });
    });
    assert.equal(fired.key, 'wait');
    assert.ok(fired.at >= deadline, 'the clock reached the deadline');
    assert.ok(fired.at < deadline + 5_000, 'and did not run far past it');
  });

  it('never moves backwards', () => {
    const clock = createFastClock(() => 1_000);
    clock.advanceTo(5_000);
    clock.advanceTo(2_000);
    assert.equal(clock.now().getTime(), 5_000);
  });
});
