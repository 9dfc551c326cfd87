import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createExecutionEndWatcher } from './execution-end-watcher';

const arn = 'arn:aws:states:us-east-1:123456789012:execution:child:c';

describe('execution end watcher', () => {
  it('wakes every waiter of an execution when it closes, and not before', async () => {
    const watcher = createExecutionEndWatcher();
    let closed = false;
    const woke: string[] = [];
    const first = watcher.waitUntilClosed(arn, async () => closed).then(() => woke.push('first'));
    const second = watcher.waitUntilClosed(arn, async () => closed).then(() => woke.push('second'));
    await new Promise((resolve) => setImmediate(resolve));
    watcher.notify(arn, false);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(woke, []);
    closed = true;
    watcher.notify(arn, true);
    await Promise.all([first, second]);
    assert.deepEqual(woke.sort(), ['first', 'second']);
  });

  it('returns at once for an execution that closed before anyone waited', async () => {
    const watcher = createExecutionEndWatcher();
    await watcher.waitUntilClosed(arn, async () => true);
    const other = watcher.waitUntilClosed(arn, async () => false);
    watcher.close();
    await other; // close() releases waiters at shutdown
  });
});
