import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startCluster, until, type TestCluster } from './cluster-harness';

/**
 * Issue 15: any process serves GetActivityTask for tasks scheduled by any other. A process
 * follows the store's feed from the moment it starts, so a task scheduled before it joined is
 * not in that feed: it must find it among the open executions when it starts.
 */
const ROLE = 'arn:aws:iam::123456789012:role/activity-join';

describe('activities: a process that joins later', () => {
  let cluster: TestCluster | undefined;
  after(() => cluster?.dispose());

  it("hands a task scheduled before it started to its GetActivityTask long poll, and takes the worker's answer", { timeout: 120_000 }, async () => {
    cluster = await startCluster(1, {});
    const [first] = cluster.processes;
    const { call } = cluster;
    const { activityArn } = await call(first, 'CreateActivity', { name: 'joined-later' });
    const definition = JSON.stringify({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } });
    const { stateMachineArn } = await call(first, 'CreateStateMachine', { name: 'joined-later', definition, roleArn: ROLE });
    const { executionArn } = await call(first, 'StartExecution', { stateMachineArn, name: 'before-join', input: JSON.stringify({ job: 7 }) });
    assert.ok(
      await until(async () => {
        const { events } = await call(first, 'GetExecutionHistory', { executionArn });
        return (events as Array<{ type: string }>).some((event) => event.type === 'ActivityScheduled');
      }, 15_000),
      'the task was scheduled on the first process',
    );

    const second = await cluster.join();
    const task = await call(second, 'GetActivityTask', { activityArn, workerName: 'late-worker' }, 15_000);
    assert.equal(typeof task.taskToken, 'string', 'the joining process handed out the task scheduled before it started');
    assert.deepEqual(JSON.parse(task.input), { job: 7 });
    await call(second, 'SendTaskSuccess', { taskToken: task.taskToken, output: JSON.stringify({ done: true }) });
    assert.ok(
      await until(async () => (await call(first, 'DescribeExecution', { executionArn })).status === 'SUCCEEDED', 15_000),
      'the execution finished with the answer given through the joining process',
    );
    const { events } = await call(first, 'GetExecutionHistory', { executionArn });
    assert.equal((events as Array<{ type: string }>).filter((event) => event.type === 'ActivityStarted').length, 1, 'one worker took the task');
  });
});
