import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openSqliteEventStore } from '@stepstone/event-store';
import { createExecutionRunner } from '../index';
import { MAX_EVENTS_PER_DECISION } from '../execution/decision';
import type { ExecutionEvent } from '../execution/history-event';
import { executionStreamId } from './execution-runner.port';

const dir = mkdtempSync(join(tmpdir(), 'stepstone-map-children-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Each child counts from `n` to `limit` in a loop of pure states: four events a turn. */
const counting = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Check',
        States: {
          Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThanPath: '$.limit', Next: 'Count' }], Default: 'Done' },
          Count: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)', 'limit.$': '$.limit' }, Next: 'Check' },
          Done: { Type: 'Succeed' },
        },
      },
      End: true,
    },
  },
};

async function eventually(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('runner: a Distributed Map\'s children are decided in turns of their own', () => {
  it('runs two long children in alternating bounded steps, so neither waits for the other\'s loop to end', async () => {
    const store = openSqliteEventStore({ file: join(dir, 'turns.db') });
    const runner = createExecutionRunner({ store });
    const executionArn = 'arn:aws:states:us-east-1:123456789012:execution:turns:run-1';
    await runner.start({
      executionArn,
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:turns',
      name: 'run-1',
      executionType: 'STANDARD',
      definition: JSON.stringify(counting),
      input: JSON.stringify([{ n: 0, limit: 1_500 }, { n: 0, limit: 1_500 }]),
      roleArn: 'arn:aws:iam::123456789012:role/x',
    });
    await eventually(async () => (await runner.load(executionArn))?.state.status !== 'RUNNING');
    assert.equal((await runner.load(executionArn))!.state.status, 'SUCCEEDED');

    const events = (await store.readStream(executionStreamId(executionArn))).map((recorded) => recorded.data as ExecutionEvent);
    // The children's own events, in stream order, by child (thread `0/<entered>.<index>`).
    const childOf = (event: ExecutionEvent) => /^0\/\d+\.(\d+)$/.exec(event.x.th)?.[1];
    const order = events.map(childOf).filter((child): child is string => child !== undefined);
    assert.equal(order.length, 2 * (4 * 1_500 + 4));
    // Runs of consecutive events of one child: each is one decision's step, bounded.
    const runs: Array<{ child: string; length: number }> = [];
    for (const child of order) {
      const last = runs.at(-1);
      if (last?.child === child) last.length += 1;
      else runs.push({ child, length: 1 });
    }
    assert.ok(runs.length >= 8, `${runs.length} runs: ${runs.map((run) => `${run.child}×${run.length}`).join(' ')}`);
    for (const run of runs) assert.ok(run.length <= MAX_EVENTS_PER_DECISION + 4, `a step of ${run.length} events`);
    // Child 1 is more than half way through its loop before child 0's ends.
    const secondBeforeFirstEnds = order.slice(0, order.lastIndexOf('0')).filter((child) => child === '1').length;
    assert.ok(secondBeforeFirstEnds > (4 * 1_500) / 2, `child 1 had ${secondBeforeFirstEnds} events before child 0 ended`);
    await runner.close();
    store.close();
  });
});
