import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashDefinition, openInMemoryEventStore } from '@stepstone/event-store';
import { createExecutionRunner } from './execution-runner';
import { executionStreamId, type Caller } from './execution-runner.port';

const definition = JSON.stringify({
  StartAt: 'Pause',
  States: { Pause: { Type: 'Wait', Seconds: 0.05, Next: 'Done' }, Done: { Type: 'Pass', End: true } },
});
const waitLong = JSON.stringify({ StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 3600, End: true } } });
const caller: Caller = { actor: 'AKIDCALLER', sourceIp: '203.0.113.7', requestId: 'req-1' };

function request(name: string, text: string) {
  return {
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:m:${name}`,
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m',
    name,
    executionType: 'STANDARD' as const,
    definition: text,
    input: '{}',
    roleArn: 'arn:aws:iam::123456789012:role/r',
  };
}

describe('execution runner: who caused each event', () => {
  it('records the API caller on the events of a start, and the engine on what a timer decides', async () => {
    const store = openInMemoryEventStore();
    const runner = createExecutionRunner({ store });
    try {
      const start = request('timer', definition);
      await runner.start({ ...start, caller });
      const deadline = Date.now() + 5000;
      while ((await runner.load(start.executionArn))?.state.status === 'RUNNING' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const events = await store.readStream(executionStreamId(start.executionArn));
      const byType = new Map(events.map((event) => [event.type, event.metadata]));
      assert.deepEqual(byType.get('ExecutionStarted'), { actor: 'AKIDCALLER', sourceIp: '203.0.113.7', requestId: 'req-1' });
      assert.deepEqual(byType.get('WaitStateEntered'), { actor: 'AKIDCALLER', sourceIp: '203.0.113.7', requestId: 'req-1' });
      assert.deepEqual(byType.get('WaitStateExited'), { actor: 'engine' });
      assert.deepEqual(byType.get('ExecutionSucceeded'), { actor: 'engine' });
    } finally {
      await runner.close();
      await store.close();
    }
  });

  it('records the caller of a stop, and starts the chain at the hash of the definition run', async () => {
    const store = openInMemoryEventStore();
    const runner = createExecutionRunner({ store });
    try {
      const start = request('stopped', waitLong);
      await runner.start(start);
      await runner.stop(start.executionArn, { error: 'Halt', caller: { ...caller, requestId: 'req-2' } });
      const events = await store.readStream(executionStreamId(start.executionArn));
      assert.equal(events[0].previousHash, hashDefinition(waitLong));
      assert.deepEqual(events[0].metadata, { actor: 'engine' }, 'a start without a caller is the engine’s');
      const aborted = events.find((event) => event.type === 'ExecutionAborted');
      assert.deepEqual(aborted?.metadata, { actor: 'AKIDCALLER', sourceIp: '203.0.113.7', requestId: 'req-2' });
    } finally {
      await runner.close();
      await store.close();
    }
  });
});
