import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openInMemoryEventStore, openSqliteEventStore } from '@stepstone/event-store';
import { createExecutionRunner, type TaskDispatcher, type TaskOutcome, type TaskRequest } from '../index';

const dir = mkdtempSync(join(tmpdir(), 'stepstone-runner-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function request(name: string, state: Record<string, unknown>) {
  return {
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:deadlines:${name}`,
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:deadlines',
    name,
    executionType: 'STANDARD' as const,
    definition: JSON.stringify({ StartAt: 'Work', States: { Work: { Type: 'Task', End: true, ...state } } }),
    input: '{}',
    roleArn: 'arn:aws:iam::123456789012:role/x',
  };
}

async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('runner: task deadlines and the task request', () => {
  it('a promised outcome whose decision throws is reported, not left as an unhandled rejection that ends the process', async () => {
    // A decision that throws: the runner trusts its dispatchers to answer JSON (the integrations
    // and SendTaskSuccess's check do), and this one does not. (A catcher's string Assign used to be
    // the trigger; since a catcher's own failure fails its state, that decision no longer throws.)
    const store = openInMemoryEventStore();
    const reported: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void reported.push(args);
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => void rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const runner = createExecutionRunner({ store, taskDispatcher: { dispatch: async () => ({ kind: 'succeeded', output: 'not JSON' }) } });
      const start = request('throws', { Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f' });
      await runner.start(start);
      await eventually(async () => reported.length > 0);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(rejections, []);
      await runner.close();
    } finally {
      process.off('unhandledRejection', onRejection);
      console.error = original;
    }
  });

  it('re-arms a TimeoutSeconds deadline after a restart; the late completion is rejected', async () => {
    const file = join(dir, 'restart.db');
    const firstStore = openSqliteEventStore({ file });
    const first = createExecutionRunner({ store: firstStore });
    const start = request('restart', { Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', TimeoutSeconds: 1 });
    await first.start(start);
    const token = (await first.load(start.executionArn))!.state.threads['0'].cursor!.token!;
    await first.close();
    firstStore.close();

    const store = openSqliteEventStore({ file });
    const second = createExecutionRunner({ store });
    assert.equal((await second.recover()).executions, 1);
    await eventually(async () => (await second.load(start.executionArn))?.state.status === 'FAILED');
    const types = (await second.history(start.executionArn))!.map((event) => event.type);
    assert.deepEqual(types, ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskTimedOut', 'ExecutionFailed']);
    assert.equal(await second.completeTask(start.executionArn, token, { kind: 'succeeded', output: '{}' }), false);
    await second.close();
    store.close();
  });

  it('tells the dispatcher the state machine, the test case and the invocation; heartbeats keep a task alive', async () => {
    const seen: TaskRequest[] = [];
    const store = openSqliteEventStore({ file: join(dir, 'dispatch.db') });
    const runner = createExecutionRunner({
      store,
      taskDispatcher: {
        async dispatch(task) {
          seen.push(task);
          if (task.invocation === 0) return { kind: 'failed', error: 'Flaky' };
          return undefined; // completes later, by token
        },
      },
    });
    const start = {
      ...request('dispatch', { Resource: 'arn:aws:states:us-east-1:123456789012:activity:a', HeartbeatSeconds: 1, Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 0 }] }),
      testCase: 'RetryPath',
    };
    await runner.start(start);
    await eventually(async () => seen.length === 2);
    assert.deepEqual(seen.map((task) => [task.stateMachineArn, task.testCase, task.stateName, task.invocation]), [
      [start.stateMachineArn, 'RetryPath', 'Work', 0],
      [start.stateMachineArn, 'RetryPath', 'Work', 1],
    ]);
    const task = seen[1];
    assert.equal(await task.report({ kind: 'started', workerName: 'w1' }), true);
    for (let beat = 0; beat < 3; beat++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(await task.report({ kind: 'heartbeat' }), true, `heartbeat ${beat} finds the task open`);
    }
    assert.equal(await runner.completeTask(start.executionArn, task.token, { kind: 'succeeded', output: '"ok"' }), true);
    const history = (await runner.history(start.executionArn))!;
    assert.deepEqual(history.map((event) => event.type), [
      'ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ActivityStarted', 'ActivityFailed',
      'ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    assert.deepEqual(history[6].activityStartedEventDetails, { workerName: 'w1' });
    await runner.close();
    store.close();
  });
});

describe('runner: outcomes a dispatcher returns at once', () => {
  /** Runs a Task that fails twice (retried at once), then succeeds; `answer` wraps each outcome. */
  async function flaky(name: string, answer: (outcome: TaskOutcome) => TaskOutcome | Promise<TaskOutcome>) {
    const store = openInMemoryEventStore();
    const durableAtDispatch: string[] = [];
    const taskDispatcher: TaskDispatcher = {
      dispatch(task: TaskRequest) {
        // What the store holds when the dispatcher is called: the attempt's scheduling must be durable.
        const recorded = store.stats!().events;
        durableAtDispatch.push(`${task.invocation}:${recorded}`);
        return answer(task.invocation < 2 ? { kind: 'failed', error: 'Flaky', cause: `attempt ${task.invocation}` } : { kind: 'succeeded', output: '{"done":true}' });
      },
    };
    let closed!: () => void;
    const done = new Promise<void>((resolve) => (closed = resolve));
    const runner = createExecutionRunner({ store, taskDispatcher, onAppended: (_arn, _events, state) => state.status !== 'RUNNING' && closed() });
    const start = request(name, { Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 0, MaxAttempts: 3 }] });
    const started = await runner.start(start);
    assert.equal(started.kind, 'started');
    await done;
    const history = (await runner.history(start.executionArn))!.map((event) => ({ ...event, timestamp: 'T' }));
    await runner.close();
    return { history, durableAtDispatch, appends: store.stats!().commits };
  }

  it('decides them after the scheduling is durable, with the same history as promised outcomes', async () => {
    const atOnce = await flaky('at-once', (outcome) => outcome);
    const promised = await flaky('promised', async (outcome) => outcome);
    assert.deepEqual(atOnce.history.map((event) => event.type), [
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed',
      'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed',
      'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    const tokenless = (history: typeof atOnce.history) => history.map(({ x: _x, ...event }) => JSON.stringify(event).replaceAll('promised', 'at-once'));
    assert.deepEqual(tokenless(atOnce.history), tokenless(promised.history));
    // Each attempt was dispatched once its LambdaFunctionScheduled (events 3, 6, 9 of the stream) was stored.
    assert.deepEqual(atOnce.durableAtDispatch, ['0:3', '1:6', '2:9']);
    // One append per decision either way: the start, then one per outcome.
    assert.equal(atOnce.appends, 4);
    assert.equal(promised.appends, 4);
  });
});

describe('runner: closed executions', () => {
  it('answers a closed execution from memory until its stream moves (a redrive by another process)', async () => {
    const store = openSqliteEventStore({ file: join(dir, 'closed.db') });
    let streamReads = 0;
    const counting = { ...store, readStream: (...args: Parameters<typeof store.readStream>) => ((streamReads += 1), store.readStream(...args)) } as typeof store;
    const runner = createExecutionRunner({ store: counting });
    const other = createExecutionRunner({ store });
    const start = { ...request('closed', {}), definition: JSON.stringify({ StartAt: 'Stop', States: { Stop: { Type: 'Fail', Error: 'Broken' } } }) };
    await runner.start(start);
    assert.equal((await runner.load(start.executionArn))?.state.status, 'FAILED');
    assert.equal((await runner.load(start.executionArn))?.state.status, 'FAILED');
    assert.equal(streamReads, 0, 'the state it closed with, not a replay per query');
    // Another process redrives it: the next load sees the new events.
    assert.equal((await other.redrive(start.executionArn, {}))?.redriven, true);
    const reloaded = await runner.load(start.executionArn);
    assert.ok(streamReads > 0);
    assert.equal(reloaded?.state.redriveDate !== undefined, true);
    await runner.close();
    await other.close();
    store.close();
  });
});
