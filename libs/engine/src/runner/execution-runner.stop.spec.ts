import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openInMemoryEventStore } from '@stepstone/event-store';
import { createExecutionRunner } from './execution-runner';

const definition = JSON.stringify({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } });
const executionArn = 'arn:aws:states:us-east-1:123456789012:execution:runner:late';

describe('runner: a stopped execution', () => {
  it('rejects a late task completion and keeps its history as it was', async () => {
    const store = openInMemoryEventStore();
    const runner = createExecutionRunner({ store });
    try {
      await runner.start({
        executionArn,
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:runner',
        name: 'late',
        executionType: 'STANDARD',
        definition,
        input: '{}',
        roleArn: 'arn:aws:iam::123456789012:role/r',
      });
      const token = Object.values((await runner.load(executionArn))!.state.threads)[0].cursor!.token!;
      await runner.stop(executionArn, { error: 'Stopped' });
      const stopped = (await runner.history(executionArn))!.map((event) => event.type);
      assert.deepEqual(stopped, ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStateAborted', 'ExecutionAborted']);
      assert.equal(await runner.completeTask(executionArn, token, { kind: 'succeeded', output: '{}' }), false);
      assert.equal(await runner.reportTask(executionArn, token, { kind: 'heartbeat' }), false);
      assert.deepEqual((await runner.history(executionArn))!.map((event) => event.type), stopped);
    } finally {
      await runner.close();
      await store.close();
    }
  });
});
