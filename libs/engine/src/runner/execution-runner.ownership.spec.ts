import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openInMemoryEventStore, StaleLeaseError, type EventStore, type LeaseFence } from '@stepstone/event-store';
import { createExecutionRunner, type ExecutionOwnership } from './execution-runner';
import { executionStreamId } from './execution-runner.port';

const definition = JSON.stringify({ StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 0, Next: 'Done' }, Done: { Type: 'Pass', End: true } } });
const executionArn = 'arn:aws:states:us-east-1:123456789012:execution:runner:owned';
const caller = { actor: 'AKIDTEST', sourceIp: '127.0.0.1', requestId: 'r-1' };
const startRequest = {
  executionArn,
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:runner',
  name: 'owned',
  executionType: 'STANDARD' as const,
  definition,
  input: '{}',
  roleArn: 'arn:aws:iam::123456789012:role/r',
  caller,
};

/** Holds every shard (epoch 1) or none; `lost` records what the runner gave up. */
function ownership(holds: boolean, lost: LeaseFence[] = []): ExecutionOwnership {
  return { fenceOf: () => (holds ? { shard: 0, epoch: 1 } : undefined), lost: (fence) => lost.push(fence) };
}

const types = async (store: EventStore) => (await store.readStream(executionStreamId(executionArn))).map((event) => event.type);
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('runner: ownership of executions by shard leases', () => {
  it('a process that does not hold the shard appends the API call but leaves the effects to the holder, which picks them up from the feed', async () => {
    const store = openInMemoryEventStore();
    const holder = createExecutionRunner({ store, ownership: ownership(true) });
    const other = createExecutionRunner({ store, ownership: ownership(false) });
    try {
      const started = await other.start(startRequest);
      assert.equal(started.kind, 'started');
      await settle();
      assert.deepEqual(await types(store), ['ExecutionStarted', 'WaitStateEntered'], 'the Wait is not fired by the process that does not hold it');
      await holder.notice(executionArn, 1);
      await settle();
      assert.deepEqual(await types(store), ['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    } finally {
      await holder.close();
      await other.close();
      await store.close();
    }
  });

  it("taking shards over replays the open executions the store's index of streams names, without scanning the feed", async () => {
    const inner = openInMemoryEventStore();
    const waitDefinition = JSON.stringify({ StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 0, Next: 'Done' }, Done: { Type: 'Pass', End: true } } });
    const before = createExecutionRunner({ store: inner, ownership: ownership(false) });
    const closedArn = `${executionArn}-closed`;
    await before.start({ ...startRequest, definition: waitDefinition });
    await before.start({ ...startRequest, executionArn: closedArn, name: 'owned-closed', definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }) });
    await before.close();
    const read: string[] = [];
    const fail = () => assert.fail('the feed was scanned');
    // A store with an index of streams (as PostgreSQL's): the feed must not be read.
    const store: EventStore = {
      ...inner,
      readAll: fail,
      readAllData: fail,
      readStream: (streamId, options) => {
        read.push(streamId);
        return inner.readStream(streamId, options);
      },
      listStreamHeads: async (prefix) => {
        const heads = [];
        for (const streamId of [executionStreamId(executionArn), executionStreamId(closedArn)]) {
          const [last] = await inner.readStream(streamId, { direction: 'backwards', maxCount: 1 });
          if (streamId.startsWith(prefix)) heads.push({ streamId, revision: last.revision, lastType: last.type });
        }
        return heads;
      },
    };
    const holder = createExecutionRunner({ store, ownership: ownership(true) });
    try {
      const { executions } = await holder.adopt(() => true);
      assert.equal(executions, 1);
      assert.deepEqual(read, [executionStreamId(executionArn)], 'only the open execution was read');
      await settle();
      assert.deepEqual((await types(inner)).slice(-1), ['ExecutionSucceeded'], 'its Wait fired on the new holder');
    } finally {
      await holder.close();
      await inner.close();
    }
  });

  it('an append refused for a stale lease drops the shard: an engine command is dropped, an API command lands unfenced', async () => {
    const inner = openInMemoryEventStore();
    const fences: Array<LeaseFence | undefined> = [];
    let refuseFenced = false;
    // A store that keeps leases would refuse the old epoch: this one refuses every fenced append once told to.
    const store: EventStore = {
      ...inner,
      append: async (request) => {
        fences.push(request.fence);
        if (refuseFenced && request.fence) throw new StaleLeaseError(request.streamId, request.fence.shard, request.fence.epoch, request.fence.epoch + 1);
        return inner.append(request);
      },
    };
    const lost: LeaseFence[] = [];
    let holds = true;
    const runner = createExecutionRunner({ store, ownership: { fenceOf: () => (holds ? { shard: 0, epoch: 1 } : undefined), lost: (fence) => { lost.push(fence); holds = false; } } });
    try {
      const waitDefinition = JSON.stringify({ StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 1, Next: 'Done' }, Done: { Type: 'Pass', End: true } } });
      await runner.start({ ...startRequest, definition: waitDefinition });
      assert.deepEqual(fences, [{ shard: 0, epoch: 1 }], 'the start was made under the lease');
      refuseFenced = true;
      await new Promise((resolve) => setTimeout(resolve, 1200)); // the Wait's timer fires under the stale epoch
      assert.deepEqual(lost, [{ shard: 0, epoch: 1 }]);
      assert.deepEqual(await types(inner), ['ExecutionStarted', 'WaitStateEntered'], 'the refused timer appended nothing');
      const stopped = await runner.stop(executionArn, { error: 'Stopped', caller });
      assert.ok(stopped && stopped.position > 0, 'StopExecution, an API call, still lands');
      assert.equal(fences[fences.length - 1], undefined, 'unfenced, as on any process that does not hold the shard');
      assert.deepEqual((await types(inner)).slice(-1), ['ExecutionAborted']);
    } finally {
      await runner.close();
      await inner.close();
    }
  });

  it('a reader replaying while a step appends does not leave its older state behind: the task the step scheduled is still open to its worker', async () => {
    const inner = openInMemoryEventStore();
    const taskDefinition = JSON.stringify({
      StartAt: 'Nap',
      States: { Nap: { Type: 'Wait', Seconds: 0, Next: 'Work' }, Work: { Type: 'Task', Resource: 'arn:aws:states:us-east-1:123456789012:activity:work', End: true } },
    });
    // A reader's replay that reads the stream now and is answered only once `release` is called.
    let release: (() => void) | undefined;
    let holdNextRead = false;
    const store: EventStore = {
      ...inner,
      readStream: async (streamId, options) => {
        const page = await inner.readStream(streamId, options);
        if (!holdNextRead) return page;
        holdNextRead = false;
        await new Promise<void>((resolve) => (release = resolve));
        return page;
      },
    };
    const tokens: string[] = [];
    const starter = createExecutionRunner({ store: inner, ownership: ownership(false) });
    const holder = createExecutionRunner({ store, ownership: ownership(true), taskDispatcher: { dispatch: (task) => void tokens.push(task.token) } });
    try {
      await starter.start({ ...startRequest, definition: taskDefinition });
      holdNextRead = true;
      const reading = holder.load(executionArn); // as DescribeExecution does, outside the execution's queue
      await holder.notice(executionArn, 1); // the holder runs it: the Wait fires, the task is scheduled
      for (let waited = 0; tokens.length === 0 && waited < 2_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(tokens.length, 1, 'the task was dispatched');
      release!();
      assert.equal((await reading)?.revision, 1, 'the reader saw the stream as it was when it read');
      assert.equal(await holder.reportTask(executionArn, tokens[0], { kind: 'started' }), true, 'the worker takes the open task');
      assert.deepEqual((await types(inner)).slice(-2), ['ActivityScheduled', 'ActivityStarted']);
    } finally {
      await holder.close();
      await starter.close();
      await inner.close();
    }
  });
});
