import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  GetActivityTaskCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { eventually } from '../support/helpers';
import { sfnClient, startServer, type RunningServer } from '../support/server';

const roleArn = 'arn:aws:iam::123456789012:role/stepstone';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rejectsWith(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  await assert.rejects(promise, (error: any) => {
    assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
    assert.equal(error.message, message);
    return true;
  });
}

describe('RedriveExecution through the real server', () => {
  let server: RunningServer;
  let sfn: SFNClient;

  before(async () => {
    server = await startServer();
    sfn = sfnClient(server.endpoint);
  });

  after(async () => {
    sfn?.destroy();
    await server?.dispose();
  });

  it('redrives an inline Map\'s unsuccessful iterations no faster than its MaxConcurrency, keeping the succeeded ones', async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'inline-redrive' }));
    const definition = JSON.stringify({
      StartAt: 'Each',
      States: {
        Each: { Type: 'Map', MaxConcurrency: 1, ToleratedFailureCount: 1, ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } }, End: true },
      },
    });
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'inline-redrive', definition, roleArn }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(['a', 'b', 'c', 'd']) }));
    const takeTask = async () => {
      for (;;) {
        const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'inline-redrive' }));
        if (task.taskToken) return { token: task.taskToken, input: JSON.parse(task.input ?? 'null') as string };
      }
    };
    /** Activity tasks scheduled and not yet ended since the redrive: never more than MaxConcurrency. */
    const openSinceRedrive = async () => {
      const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
      const after = events.slice(events.findIndex((event) => event.type === 'ExecutionRedriven'));
      return after.filter((event) => event.type === 'ActivityScheduled').length - after.filter((event) => event.type === 'ActivitySucceeded' || event.type === 'ActivityFailed').length;
    };
    // 'a' succeeds, 'b' fails within the tolerance, 'c' fails past it; 'd' never starts.
    const outcomes: Record<string, 'ok' | 'fail'> = { a: 'ok', b: 'fail', c: 'fail' };
    for (let taken = 0; taken < 3; taken++) {
      const task = await takeTask();
      if (outcomes[task.input] === 'ok') await sfn.send(new SendTaskSuccessCommand({ taskToken: task.token, output: '"first"' }));
      else await sfn.send(new SendTaskFailureCommand({ taskToken: task.token, error: 'Broken' }));
    }
    await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (described) => described.status === 'FAILED');

    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const order: string[] = [];
    for (let taken = 0; taken < 3; taken++) {
      const task = await takeTask();
      assert.equal(await openSinceRedrive(), 1, 'one iteration at a time, as MaxConcurrency 1 allows');
      order.push(task.input);
      await sfn.send(new SendTaskSuccessCommand({ taskToken: task.token, output: JSON.stringify(`${task.input}!`) }));
    }
    // The one that failed the Map resumes first, then the tolerated failure, then the item never started.
    assert.deepEqual(order, ['c', 'b', 'd']);
    const done = await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (described) => described.status !== 'RUNNING');
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(done.output!), ['first', 'b!', 'c!', 'd!']);
  });

  it('redrives an aborted execution from its Wait, across a kill -9, with AWS redrive fields and errors', async () => {
    const definition = JSON.stringify({
      StartAt: 'Before',
      States: {
        Before: { Type: 'Pass', Result: { step: 'before' }, Next: 'Nap' },
        Nap: { Type: 'Wait', Seconds: 1, Next: 'After' },
        After: { Type: 'Pass', Parameters: { 'redrives.$': '$$.Execution.RedriveCount' }, End: true },
      },
    });
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'redrivable', definition, roleArn }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'again' }));

    await rejectsWith(sfn.send(new RedriveExecutionCommand({ executionArn })), 'ExecutionNotRedrivable', 'Execution is RUNNING and cannot be redriven.');
    await sfn.send(new StopExecutionCommand({ executionArn }));
    const aborted = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    assert.equal(aborted.status, 'ABORTED');
    assert.equal(aborted.redriveStatus, 'REDRIVABLE');
    assert.equal(aborted.redriveCount, 0);
    assert.equal(aborted.redriveStatusReason, undefined);

    const first = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'token-1' }));
    assert.ok(first.redriveDate instanceof Date);
    // The same client token while the redrive runs is the same redrive.
    const again = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'token-1' }));
    assert.equal(again.redriveDate?.getTime(), first.redriveDate.getTime());
    const running = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    assert.equal(running.status, 'RUNNING');
    assert.equal(running.redriveCount, 1);
    assert.equal(running.redriveDate?.getTime(), first.redriveDate.getTime());
    assert.equal(running.redriveStatus, 'NOT_REDRIVABLE');
    assert.equal(running.stopDate, undefined);

    // The redrive is durable: killed while the Wait runs again, the execution still finishes.
    await server.kill('SIGKILL');
    await server.restart();
    sfn.destroy();
    sfn = sfnClient(server.endpoint);
    let described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    for (let i = 0; described.status === 'RUNNING' && i < 100; i++) {
      await sleep(100);
      described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    }
    assert.equal(described.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(described.output!), { redrives: 1 });
    assert.equal(described.redriveCount, 1);
    assert.equal(described.redriveStatus, 'NOT_REDRIVABLE');
    assert.equal(described.redriveStatusReason, 'Execution is SUCCEEDED and cannot be redriven.');

    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = history.events!.map((event) => event.type);
    assert.deepEqual(types, [
      'ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'WaitStateEntered', 'ExecutionAborted',
      'ExecutionRedriven', 'WaitStateEntered', 'WaitStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
    ]);
    assert.deepEqual(history.events![5].executionRedrivenEventDetails, { redriveCount: 1 });
    assert.deepEqual(history.events!.map((event) => event.id), types.map((_, index) => index + 1));

    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    assert.equal(listed.executions?.[0].redriveCount, 1);
    assert.equal(listed.executions?.[0].redriveDate?.getTime(), first.redriveDate.getTime());
    // redriveFilter: a second execution, never redriven, tells the two filters apart.
    const { executionArn: neverRedriven } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'never-redriven' }));
    const listedWith = async (redriveFilter?: 'REDRIVEN' | 'NOT_REDRIVEN') =>
      ((await sfn.send(new ListExecutionsCommand({ stateMachineArn, ...(redriveFilter ? { redriveFilter } : {}) }))).executions ?? []).map((listedExecution) => listedExecution.executionArn);
    assert.deepEqual(await listedWith('REDRIVEN'), [executionArn]);
    assert.deepEqual(await listedWith('NOT_REDRIVEN'), [neverRedriven]);
    assert.deepEqual(await listedWith(), [neverRedriven, executionArn]);
    await rejectsWith(
      sfn.send(new ListExecutionsCommand({ stateMachineArn, redriveFilter: 'SOMETIMES' as never })),
      'ValidationException',
      "1 validation error detected: Value 'SOMETIMES' at 'redriveFilter' failed to satisfy constraint: Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]",
    );

    await rejectsWith(sfn.send(new RedriveExecutionCommand({ executionArn })), 'ExecutionNotRedrivable', 'Execution is SUCCEEDED and cannot be redriven.');
    const missing = `${executionArn}-missing`;
    await rejectsWith(sfn.send(new RedriveExecutionCommand({ executionArn: missing })), 'ExecutionDoesNotExist', `Execution Does Not Exist: '${missing}'`);
  });
});
