import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskProgress } from '@stepstone/engine';
import { createActivityTaskQueue, type QueuedActivityTask } from './activity-task-queue';

const activity = 'arn:aws:states:us-east-1:123456789012:activity:a';

function task(token: string, open = true, reports: Array<{ token: string; progress: TaskProgress }> = []): QueuedActivityTask {
  return {
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:e',
    token,
    input: JSON.stringify({ token }),
    report: async (progress) => {
      reports.push({ token, progress });
      return open;
    },
  };
}

describe('activity task queue', () => {
  it('hands each task to exactly one of many concurrent pollers, in order, and reports the worker as started', async () => {
    const queue = createActivityTaskQueue();
    const reports: Array<{ token: string; progress: TaskProgress }> = [];
    const polls = [1, 2, 3].map((n) => queue.poll(activity, `w${n}`, 300));
    queue.enqueue(activity, task('t1', true, reports));
    queue.enqueue(activity, task('t2', true, reports));
    const answers = await Promise.all(polls);
    const tokens = answers.map((answer) => answer?.taskToken).filter(Boolean).sort();
    assert.deepEqual(tokens, ['t1', 't2']);
    assert.equal(answers.filter((answer) => answer === undefined).length, 1);
    assert.deepEqual(reports.map((report) => report.progress.kind), ['started', 'started']);
    queue.close();
  });

  it('skips a task that closed before a worker took it', async () => {
    const queue = createActivityTaskQueue();
    queue.enqueue(activity, task('closed', false));
    queue.enqueue(activity, task('open'));
    assert.equal((await queue.poll(activity, undefined, 100))?.taskToken, 'open');
    queue.close();
  });

  it('does not queue a re-dispatched token twice', async () => {
    const queue = createActivityTaskQueue();
    queue.enqueue(activity, task('same'));
    queue.enqueue(activity, task('same'));
    assert.equal(queue.size(activity), 1);
    assert.equal((await queue.poll(activity, undefined, 50))?.taskToken, 'same');
    assert.equal(await queue.poll(activity, undefined, 50), undefined);
    queue.close();
  });

  it('forgets the queued tasks and tokens of a closed execution', async () => {
    const queue = createActivityTaskQueue();
    queue.enqueue(activity, task('t'));
    queue.forgetExecution('arn:aws:states:us-east-1:123456789012:execution:m:e');
    assert.equal(queue.size(activity), 0);
    queue.close();
  });

  it('keeps activities apart and answers undefined after the wait', async () => {
    const queue = createActivityTaskQueue();
    queue.enqueue(`${activity}-other`, task('elsewhere'));
    const startedAt = Date.now();
    assert.equal(await queue.poll(activity, undefined, 120), undefined);
    assert.ok(Date.now() - startedAt >= 100);
    queue.close();
  });

  it('close() ends waiting polls at once', async () => {
    const queue = createActivityTaskQueue();
    const poll = queue.poll(activity, undefined, 60_000);
    queue.close();
    assert.equal(await poll, undefined);
  });

  it('an aborted poll ends at once and leaves the next task for another poller', async () => {
    const queue = createActivityTaskQueue();
    const gone = new AbortController();
    const abandoned = queue.poll(activity, 'gone', 60_000, gone.signal);
    gone.abort();
    assert.equal(await abandoned, undefined);
    queue.enqueue(activity, task('next'));
    assert.equal((await queue.poll(activity, 'present', 100))?.taskToken, 'next');
    queue.close();
  });
});
