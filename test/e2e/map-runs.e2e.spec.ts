import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListMapRunsCommand,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateMapRunCommand,
  type DescribeMapRunCommandOutput,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { eventually, rejectsWith } from '../support/helpers';
import { sfnClient, startServer, type RunningServer } from '../support/server';

const roleArn = 'arn:aws:iam::123456789012:role/stepstone';

/** A Distributed Map whose children each wait on an activity task: the test decides when and how they end. */
function distributedMap(activityArn: string, limits: Record<string, unknown>): string {
  return JSON.stringify({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        Label: 'Each',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Work',
          States: { Work: { Type: 'Task', Resource: activityArn, End: true } },
        },
        ...limits,
        End: true,
      },
    },
  });
}

describe('Map Runs through the real server: DescribeMapRun, ListMapRuns, UpdateMapRun, ListExecutions by mapRunArn, redrive', () => {
  let server: RunningServer;
  let sfn: SFNClient;
  let objects: string;

  before(async () => {
    objects = mkdtempSync(path.join(tmpdir(), 'stepstone-map-run-objects-'));
    mkdirSync(path.join(objects, 'inbox'));
    mkdirSync(path.join(objects, 'outbox'));
    writeFileSync(path.join(objects, 'inbox', 'parts.json'), JSON.stringify([1, 2, 3, 4, 5]));
    server = await startServer({ env: { STEPSTONE_OBJECT_STORE_DIR: objects } });
    sfn = sfnClient(server.endpoint);
  });

  after(async () => {
    sfn?.destroy();
    await server?.dispose();
    if (objects) rmSync(objects, { recursive: true, force: true });
  });

  /** Takes `count` activity tasks (each GetActivityTask waits for one), in the order they come. */
  async function takeTasks(activityArn: string, count: number): Promise<string[]> {
    return (await takeTasksByInput(activityArn, count)).map((task) => task.token);
  }

  /** Takes `count` activity tasks with their input (the child's item): children start in any order. */
  async function takeTasksByInput(activityArn: string, count: number): Promise<Array<{ token: string; input: unknown }>> {
    const tasks: Array<{ token: string; input: unknown }> = [];
    // Each GetActivityTask waits up to a minute: a task that never comes fails the test, not the run.
    const deadline = Date.now() + 90_000;
    while (tasks.length < count) {
      assert.ok(Date.now() < deadline, `only ${tasks.length} of ${count} activity tasks came`);
      const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'map-run-test' }));
      if (task.taskToken) tasks.push({ token: task.taskToken, input: JSON.parse(task.input ?? 'null') });
    }
    return tasks;
  }

  async function mapRunOf(executionArn: string): Promise<string> {
    const listed = await eventually(
      () => sfn.send(new ListMapRunsCommand({ executionArn })),
      (page) => (page.mapRuns ?? []).length > 0,
    );
    assert.equal(listed.mapRuns?.length, 1);
    return listed.mapRuns![0].mapRunArn!;
  }

  const describeMapRun = (mapRunArn: string) => sfn.send(new DescribeMapRunCommand({ mapRunArn }));
  const until = (mapRunArn: string, done: (run: DescribeMapRunCommandOutput) => boolean) => eventually(() => describeMapRun(mapRunArn), done);

  it('UpdateMapRun raises maxConcurrency and the tolerated failures of a running Map Run; the counts follow its children', async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'map-run-work' }));
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'map-runs-update', definition: distributedMap(activityArn!, { MaxConcurrency: 1, ToleratedFailureCount: 0 }), roleArn }),
    );
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'run-1', input: JSON.stringify([1, 2, 3, 4]) }));
    const mapRunArn = await mapRunOf(executionArn!);
    assert.match(mapRunArn, /^arn:aws:states:[^:]+:\d+:mapRun:map-runs-update\/Each:[0-9a-f-]+$/);

    const listed = await sfn.send(new ListMapRunsCommand({ executionArn }));
    assert.equal(listed.mapRuns![0].executionArn, executionArn);
    // The children's state machine, as AWS lists it.
    assert.equal(listed.mapRuns![0].stateMachineArn, `${stateMachineArn}/Each`);
    assert.ok(listed.mapRuns![0].startDate instanceof Date);
    assert.equal(listed.mapRuns![0].stopDate, undefined);

    // One child at a time, as MaxConcurrency says.
    const [first] = await takeTasks(activityArn!, 1);
    const one = await until(mapRunArn, (run) => run.executionCounts?.running === 1);
    assert.equal(one.status, 'RUNNING');
    assert.equal(one.executionArn, executionArn);
    assert.equal(one.maxConcurrency, 1);
    assert.equal(one.toleratedFailureCount, 0);
    assert.equal(one.toleratedFailurePercentage, 0);
    assert.deepEqual(one.executionCounts, {
      pending: 3, running: 1, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, total: 4, resultsWritten: 0, failuresNotRedrivable: 0, pendingRedrive: 0,
    });
    assert.deepEqual(one.itemCounts, one.executionCounts);
    assert.equal(one.redriveCount, 0);
    assert.equal(one.redriveDate, undefined);
    assert.equal(one.stopDate, undefined);

    // The running Map Run takes the new limits: three more children start at once.
    await sfn.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 4, toleratedFailureCount: 1 }));
    const others = await takeTasks(activityArn!, 3);
    const four = await until(mapRunArn, (run) => run.executionCounts?.running === 4);
    assert.equal(four.maxConcurrency, 4);
    assert.equal(four.toleratedFailureCount, 1);
    assert.equal(four.executionCounts?.pending, 0);

    const children = await sfn.send(new ListExecutionsCommand({ mapRunArn }));
    assert.equal(children.executions?.length, 4);
    for (const child of children.executions ?? []) {
      assert.equal(child.status, 'RUNNING');
      assert.equal(child.mapRunArn, mapRunArn);
      assert.match(child.executionArn!, /:execution:map-runs-update\/Each:[0-9a-f-]{36}$/);
      assert.equal(child.stateMachineArn, stateMachineArn + '/Each');
      assert.ok(child.executionArn!.endsWith(`:${child.name}`));
      assert.ok(child.startDate instanceof Date);
    }

    // One failure is tolerated now (the definition tolerated none).
    await sfn.send(new SendTaskFailureCommand({ taskToken: first, error: 'Broken', cause: 'item 1' }));
    const failedOne = await until(mapRunArn, (run) => run.executionCounts?.failed === 1);
    assert.equal(failedOne.status, 'RUNNING');
    for (const token of others) await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '"ok"' }));

    const done = await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (execution) => execution.status !== 'RUNNING');
    assert.equal(done.status, 'SUCCEEDED');
    const ended = await until(mapRunArn, (run) => run.status !== 'RUNNING');
    assert.equal(ended.status, 'SUCCEEDED');
    assert.ok(ended.stopDate instanceof Date);
    // The tolerated failure cannot be redriven: the Map state exited and the parent succeeded.
    assert.deepEqual(ended.executionCounts, {
      pending: 0, running: 0, succeeded: 3, failed: 1, timedOut: 0, aborted: 0, total: 4, resultsWritten: 4, failuresNotRedrivable: 1, pendingRedrive: 0,
    });
    assert.deepEqual(ended.itemCounts, ended.executionCounts);
    const failedChildren = await sfn.send(new ListExecutionsCommand({ mapRunArn, statusFilter: 'FAILED' }));
    assert.equal(failedChildren.executions?.length, 1);
    assert.ok(failedChildren.executions![0].stopDate instanceof Date);
    // DescribeExecution takes a child's ARN, as AWS does for executions a Map Run dispatched.
    const child = await sfn.send(new DescribeExecutionCommand({ executionArn: failedChildren.executions![0].executionArn }));
    assert.equal(child.executionArn, failedChildren.executions![0].executionArn);
    assert.equal(child.status, 'FAILED');
    assert.equal(child.mapRunArn, mapRunArn);
    assert.equal(child.stateMachineArn, `${stateMachineArn}/Each`);
    assert.equal(child.name, failedChildren.executions![0].name);
    assert.ok(child.startDate instanceof Date && child.stopDate instanceof Date);
    assert.equal(child.input, '1');
    assert.equal(child.error, 'Broken');
    assert.equal(child.cause, 'item 1');
    assert.equal(child.output, undefined);
    const succeededChild = (await sfn.send(new ListExecutionsCommand({ mapRunArn, statusFilter: 'SUCCEEDED' }))).executions![0];
    assert.equal((await sfn.send(new DescribeExecutionCommand({ executionArn: succeededChild.executionArn }))).output, '"ok"');
    // Its failure was tolerated and the parent succeeded: no redrive runs it again.
    assert.equal(child.redriveStatus, 'NOT_REDRIVABLE');
    const missingChild = failedChildren.executions![0].executionArn!.replace(/:[^:]+$/, ':00000000-0000-0000-0000-000000000000');
    await rejectsWith(sfn.send(new DescribeExecutionCommand({ executionArn: missingChild })), 'ExecutionDoesNotExist', /Execution Does Not Exist/);
    const paged = await sfn.send(new ListExecutionsCommand({ mapRunArn, maxResults: 3 }));
    assert.equal(paged.executions?.length, 3);
    const rest = await sfn.send(new ListExecutionsCommand({ mapRunArn, maxResults: 3, nextToken: paged.nextToken }));
    assert.equal(rest.executions?.length, 1);
    assert.equal(rest.nextToken, undefined);

    // AWS's history shows the Map Run's start and end, not the update.
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = (history.events ?? []).map((event) => event.type);
    assert.ok(types.includes('MapRunStarted') && types.includes('MapRunSucceeded'), types.join(','));
    assert.ok(!types.some((type) => type?.startsWith('MapRunUpdated') || type?.startsWith('MapIteration')), types.join(','));
    const listedEnded = await sfn.send(new ListMapRunsCommand({ executionArn }));
    assert.ok(listedEnded.mapRuns![0].stopDate instanceof Date);
  });

  it('lowering the tolerated failures under the failures so far fails the Map Run', async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'map-run-tolerance' }));
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'map-runs-tolerance', definition: distributedMap(activityArn!, { ToleratedFailurePercentage: 50 }), roleArn }),
    );
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify([1, 2, 3]) }));
    const mapRunArn = await mapRunOf(executionArn!);
    const tokens = await takeTasks(activityArn!, 3);
    await sfn.send(new SendTaskFailureCommand({ taskToken: tokens[0], error: 'Broken' }));
    const tolerated = await until(mapRunArn, (run) => run.executionCounts?.failed === 1);
    assert.equal(tolerated.status, 'RUNNING');
    assert.equal(tolerated.toleratedFailurePercentage, 50);

    await sfn.send(new UpdateMapRunCommand({ mapRunArn, toleratedFailurePercentage: 10 }));
    const failed = await until(mapRunArn, (run) => run.status !== 'RUNNING');
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.toleratedFailurePercentage, 10);
    assert.equal(failed.executionCounts?.aborted, 2);
    const execution = await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (described) => described.status !== 'RUNNING');
    assert.equal(execution.status, 'FAILED');
    assert.equal(execution.error, 'States.ExceedToleratedFailureThreshold');

    // AWS updates "an in-progress Map Run": an ended one is a ValidationException whose reason says so.
    await assert.rejects(sfn.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 5 })), (error: Error & { reason?: string }) => {
      assert.equal(error.name, 'ValidationException');
      assert.equal(error.reason, 'CANNOT_UPDATE_COMPLETED_MAP_RUN');
      assert.match(error.message, /completed/);
      return true;
    });
    assert.equal((await describeMapRun(mapRunArn)).maxConcurrency, 0);
  });

  it('StopExecution aborts the Map Run and its running children', async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'map-run-stop' }));
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'map-runs-stop', definition: distributedMap(activityArn!, { MaxConcurrency: 2 }), roleArn }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify([1, 2, 3]) }));
    const mapRunArn = await mapRunOf(executionArn!);
    await takeTasks(activityArn!, 2);
    await until(mapRunArn, (run) => run.executionCounts?.running === 2);
    await sfn.send(new StopExecutionCommand({ executionArn }));
    const aborted = await until(mapRunArn, (run) => run.status !== 'RUNNING');
    assert.equal(aborted.status, 'ABORTED');
    assert.ok(aborted.stopDate instanceof Date);
    assert.deepEqual(aborted.executionCounts, {
      pending: 1, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 2, total: 3, resultsWritten: 0, failuresNotRedrivable: 0, pendingRedrive: 0,
    });
    const children = await sfn.send(new ListExecutionsCommand({ mapRunArn, statusFilter: 'ABORTED' }));
    assert.equal(children.executions?.length, 2);
  });

  it('RedriveExecution redrives the failed and aborted children of a failed Map Run, under the same Map Run ARN', async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'map-run-redrive' }));
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'map-runs-redrive', definition: distributedMap(activityArn!, {}), roleArn }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(['a', 'b', 'c']) }));
    const mapRunArn = await mapRunOf(executionArn!);
    const tasks = await takeTasksByInput(activityArn!, 3);
    const tokenOf = (item: string) => tasks.find((task) => task.input === item)!.token;
    await sfn.send(new SendTaskSuccessCommand({ taskToken: tokenOf('a'), output: '"done"' }));
    await until(mapRunArn, (run) => run.executionCounts?.succeeded === 1);
    await sfn.send(new SendTaskFailureCommand({ taskToken: tokenOf('b'), error: 'Broken' }));
    const failed = await until(mapRunArn, (run) => run.status !== 'RUNNING');
    assert.equal(failed.status, 'FAILED');
    assert.deepEqual(
      { succeeded: failed.executionCounts?.succeeded, failed: failed.executionCounts?.failed, aborted: failed.executionCounts?.aborted },
      { succeeded: 1, failed: 1, aborted: 1 },
    );
    await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (described) => described.status === 'FAILED');
    const [failedChild] = (await sfn.send(new ListExecutionsCommand({ mapRunArn, statusFilter: 'FAILED' }))).executions ?? [];
    const redrivableChild = await sfn.send(new DescribeExecutionCommand({ executionArn: failedChild.executionArn }));
    assert.equal(redrivableChild.redriveStatus, 'REDRIVABLE_BY_MAP_RUN');

    const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const redriven = await until(mapRunArn, (run) => run.status === 'RUNNING');
    assert.equal(redriven.redriveCount, 1);
    assert.equal(redriven.redriveDate?.getTime(), redriveDate?.getTime());
    assert.equal(redriven.stopDate, undefined);
    assert.equal(redriven.executionCounts?.succeeded, 1);
    assert.equal(redriven.executionCounts?.running, 2);
    const again = await sfn.send(new ListExecutionsCommand({ mapRunArn, statusFilter: 'RUNNING' }));
    assert.equal(again.executions?.length, 2);
    for (const child of again.executions ?? []) assert.equal(child.redriveCount, 1);

    // The succeeded child keeps its result; the other two run again.
    const rerun = await takeTasks(activityArn!, 2);
    for (const token of rerun) await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '"again"' }));
    const done = await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (described) => described.status !== 'RUNNING');
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(done.output!), ['done', 'again', 'again']);
    const succeeded = await until(mapRunArn, (run) => run.status !== 'RUNNING');
    assert.equal(succeeded.status, 'SUCCEEDED');
    assert.equal(succeeded.executionCounts?.succeeded, 3);
    assert.equal((await sfn.send(new ListMapRunsCommand({ executionArn }))).mapRuns?.length, 1);

    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const redrivenEvent = history.events?.find((event) => event.type === 'MapRunRedriven');
    assert.deepEqual(redrivenEvent?.mapRunRedrivenEventDetails, { mapRunArn, redriveCount: 1 });
  });

  it('a redrive starts the failed children no faster than MaxConcurrency: the others wait, counted as pendingRedrive', async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'map-run-paced-redrive' }));
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'map-runs-paced-redrive', definition: distributedMap(activityArn!, { MaxConcurrency: 1, ToleratedFailureCount: 1 }), roleArn }),
    );
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(['a', 'b', 'c']) }));
    const mapRunArn = await mapRunOf(executionArn!);
    const counts = (run: DescribeMapRunCommandOutput) => run.executionCounts!;
    /** pending + running + succeeded + failed + timedOut + aborted is the total at every moment. */
    const assertConsistent = (run: DescribeMapRunCommandOutput) => {
      const c = counts(run);
      assert.equal(c.pending! + c.running! + c.succeeded! + c.failed! + c.timedOut! + c.aborted!, c.total, JSON.stringify(c));
      assert.ok(c.pendingRedrive! <= c.failed! + c.timedOut! + c.aborted!, JSON.stringify(c));
      assert.deepEqual(run.itemCounts, run.executionCounts);
    };
    // a fails (tolerated), then b fails: past the tolerance, the Map Run fails with c never started.
    const [a] = await takeTasks(activityArn!, 1);
    await sfn.send(new SendTaskFailureCommand({ taskToken: a, error: 'Broken', cause: 'a' }));
    const [b] = await takeTasks(activityArn!, 1);
    await sfn.send(new SendTaskFailureCommand({ taskToken: b, error: 'Broken', cause: 'b' }));
    const failed = await until(mapRunArn, (run) => run.status === 'FAILED');
    assert.deepEqual(counts(failed), {
      pending: 1, running: 0, succeeded: 0, failed: 2, timedOut: 0, aborted: 0, total: 3, resultsWritten: 2, failuresNotRedrivable: 0, pendingRedrive: 0,
    });
    await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (described) => described.status === 'FAILED');

    // One child runs again (b, whose failure failed the Map Run); a waits to be redriven.
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const [bAgain] = await takeTasksByInput(activityArn!, 1);
    assert.equal(bAgain.input, 'b');
    const waiting = await until(mapRunArn, (run) => run.status === 'RUNNING' && counts(run).running === 1);
    assertConsistent(waiting);
    assert.deepEqual(counts(waiting), {
      pending: 1, running: 1, succeeded: 0, failed: 1, timedOut: 0, aborted: 0, total: 3, resultsWritten: 0, failuresNotRedrivable: 0, pendingRedrive: 1,
    });
    const [waitingChild] = (await sfn.send(new ListExecutionsCommand({ mapRunArn, statusFilter: 'FAILED' }))).executions ?? [];
    assert.equal(waitingChild.redriveCount ?? 0, 0, 'not redriven until it starts');
    const pendingRedrive = (await sfn.send(new ListExecutionsCommand({ mapRunArn, statusFilter: 'PENDING_REDRIVE' }))).executions ?? [];
    assert.deepEqual(pendingRedrive.map((child) => child.executionArn), [waitingChild.executionArn], 'the PENDING_REDRIVE filter lists the child waiting to be redriven');
    const redrivenChildren = (await sfn.send(new ListExecutionsCommand({ mapRunArn, redriveFilter: 'REDRIVEN' }))).executions ?? [];
    assert.deepEqual(redrivenChildren.map((child) => child.status), ['RUNNING'], 'the redriveFilter lists the one child running again');
    const notRedriven = (await sfn.send(new ListExecutionsCommand({ mapRunArn, redriveFilter: 'NOT_REDRIVEN' }))).executions ?? [];
    assert.deepEqual(notRedriven.map((child) => child.executionArn), [waitingChild.executionArn]);

    // b succeeds: a starts in its place, then c, the item never started.
    await sfn.send(new SendTaskSuccessCommand({ taskToken: bAgain.token, output: '"B"' }));
    const [aAgain] = await takeTasksByInput(activityArn!, 1);
    assert.equal(aAgain.input, 'a');
    const started = await until(mapRunArn, (run) => counts(run).succeeded === 1 && counts(run).running === 1);
    assertConsistent(started);
    assert.equal(counts(started).pendingRedrive, 0);
    assert.equal(counts(started).failed, 0);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: aAgain.token, output: '"A"' }));
    const [c] = await takeTasksByInput(activityArn!, 1);
    assert.equal(c.input, 'c');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: c.token, output: '"C"' }));

    const done = await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (described) => described.status !== 'RUNNING');
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(done.output!), ['A', 'B', 'C']);
    const ended = await until(mapRunArn, (run) => run.status !== 'RUNNING');
    assertConsistent(ended);
    assert.deepEqual(counts(ended), {
      pending: 0, running: 0, succeeded: 3, failed: 0, timedOut: 0, aborted: 0, total: 3, resultsWritten: 3, failuresNotRedrivable: 0, pendingRedrive: 0,
    });
    const children = (await sfn.send(new ListExecutionsCommand({ mapRunArn }))).executions ?? [];
    assert.deepEqual(children.map((child) => child.redriveCount ?? 0).sort(), [0, 1, 1]);

    // The redriven child's own history: its first attempt, ExecutionRedriven, then its second.
    const redrivenChild = children.find((child) => child.redriveCount === 1 && child.executionArn !== waitingChild.executionArn)!;
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: redrivenChild.executionArn }));
    const types = history.events!.map((event) => event.type);
    assert.equal(types[0], 'ExecutionStarted');
    assert.ok(types.indexOf('ExecutionFailed') < types.indexOf('ExecutionRedriven'), types.join(','));
    assert.equal(types.at(-1), 'ExecutionSucceeded');
    assert.deepEqual(history.events!.map((event) => event.id), types.map((_, index) => index + 1));
  });

  it('a child that failed on its own 25,000-event history is not redriven: failuresNotRedrivable counts it, RedriveExecution on its ARN refuses', async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'map-run-quota' }));
    const definition = JSON.stringify({
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          Label: 'Each',
          ToleratedFailureCount: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Loop',
            States: {
              Loop: { Type: 'Choice', Choices: [{ Variable: '$.spin', BooleanEquals: true, Next: 'Again' }], Default: 'Work' },
              Again: { Type: 'Pass', Next: 'Loop' },
              Work: { Type: 'Task', Resource: activityArn, End: true },
            },
          },
          End: true,
        },
      },
    });
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'map-runs-quota', definition, roleArn }));
    const items = [{ spin: true }, { spin: false, name: 'b' }, { spin: false, name: 'c' }];
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(items) }));
    const mapRunArn = await mapRunOf(executionArn!);
    const tasks = await takeTasksByInput(activityArn!, 2);
    // The spinning child fails at its own quota (tolerated): that failure can never be redriven.
    const spun = await until(mapRunArn, (run) => run.executionCounts?.failed === 1);
    assert.equal(spun.status, 'RUNNING');
    assert.equal(spun.executionCounts?.failuresNotRedrivable, 1);
    const tokenOf = (name: string) => tasks.find((task) => (task.input as { name?: string }).name === name)!.token;
    await sfn.send(new SendTaskFailureCommand({ taskToken: tokenOf('b'), error: 'Broken' }));
    const failed = await until(mapRunArn, (run) => run.status !== 'RUNNING');
    assert.equal(failed.status, 'FAILED');
    assert.deepEqual([failed.executionCounts?.failed, failed.executionCounts?.aborted, failed.executionCounts?.failuresNotRedrivable], [2, 1, 1]);
    await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (described) => described.status === 'FAILED');

    const failedChildren = (await sfn.send(new ListExecutionsCommand({ mapRunArn, statusFilter: 'FAILED' }))).executions ?? [];
    const described = await Promise.all(failedChildren.map((child) => sfn.send(new DescribeExecutionCommand({ executionArn: child.executionArn }))));
    const quotaChild = described.find((child) => child.cause === 'The execution reached the maximum number of history events (25000).')!;
    const otherChild = described.find((child) => child !== quotaChild)!;
    assert.deepEqual([quotaChild.error, quotaChild.redriveStatus, quotaChild.redriveStatusReason], ['States.Runtime', 'NOT_REDRIVABLE', 'Execution history event limit exceeded.']);
    assert.equal(otherChild.redriveStatus, 'REDRIVABLE_BY_MAP_RUN');
    // A child is redriven through its parent only.
    await rejectsWith(sfn.send(new RedriveExecutionCommand({ executionArn: quotaChild.executionArn })), 'ExecutionNotRedrivable', 'Execution history event limit exceeded.');
    await rejectsWith(sfn.send(new RedriveExecutionCommand({ executionArn: otherChild.executionArn })), 'ExecutionNotRedrivable');

    // The parent's redrive runs the failed and the aborted child again, not the quota child.
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const redriven = await until(mapRunArn, (run) => run.status === 'RUNNING' && run.executionCounts?.running === 2);
    assert.deepEqual([redriven.executionCounts?.failed, redriven.executionCounts?.failuresNotRedrivable, redriven.executionCounts?.pendingRedrive], [1, 1, 0]);
    const rerun = await takeTasksByInput(activityArn!, 2);
    assert.deepEqual(rerun.map((task) => (task.input as { name: string }).name).sort(), ['b', 'c']);
    for (const task of rerun) await sfn.send(new SendTaskSuccessCommand({ taskToken: task.token, output: '"again"' }));
    const done = await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (execution) => execution.status !== 'RUNNING');
    assert.equal(done.status, 'SUCCEEDED', 'the kept failure is within the tolerance of one');
    const ended = await until(mapRunArn, (run) => run.status !== 'RUNNING');
    assert.deepEqual([ended.executionCounts?.succeeded, ended.executionCounts?.failed, ended.executionCounts?.failuresNotRedrivable], [2, 1, 1]);
    const quotaHistory = await sfn.send(new GetExecutionHistoryCommand({ executionArn: quotaChild.executionArn, reverseOrder: true, maxResults: 1 }));
    assert.deepEqual(quotaHistory.events?.map((event) => [event.id, event.type]), [[25_000, 'ExecutionFailed']], 'the quota child was not run again');
  });

  it('counts items and child executions apart with ItemReader and ItemBatcher, and the results ResultWriter wrote', async () => {
    const definition = JSON.stringify({
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          Label: 'Parts',
          ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'inbox', Key: 'parts.json' } },
          ItemBatcher: { MaxItemsPerBatch: 2 },
          ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'outbox', Prefix: 'runs' } },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Count',
            States: { Count: { Type: 'Pass', Parameters: { 'n.$': 'States.ArrayLength($.Items)' }, End: true } },
          },
          End: true,
        },
      },
    });
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'map-runs-reader', definition, roleArn }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
    const done = await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (described) => described.status !== 'RUNNING');
    assert.equal(done.status, 'SUCCEEDED', done.cause);
    const run = await describeMapRun(await mapRunOf(executionArn!));
    assert.equal(run.status, 'SUCCEEDED');
    // Five items in batches of two: three child executions.
    assert.deepEqual(run.executionCounts, {
      pending: 0, running: 0, succeeded: 3, failed: 0, timedOut: 0, aborted: 0, total: 3, resultsWritten: 3, failuresNotRedrivable: 0, pendingRedrive: 0,
    });
    assert.deepEqual(run.itemCounts, {
      pending: 0, running: 0, succeeded: 5, failed: 0, timedOut: 0, aborted: 0, total: 5, resultsWritten: 5, failuresNotRedrivable: 0, pendingRedrive: 0,
    });
  });

  it('GetExecutionHistory on a child workflow execution gives its own history; the parent\'s leaves the children out', async () => {
    const definition = JSON.stringify({
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          Label: 'Each',
          ToleratedFailureCount: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Check',
            States: {
              Check: { Type: 'Choice', Choices: [{ Variable: '$', IsString: true, Next: 'Bad' }], Default: 'Good' },
              Good: { Type: 'Pass', End: true },
              Bad: { Type: 'Fail', Error: 'Bad', Cause: 'a string' },
            },
          },
          End: true,
        },
      },
    });
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'map-runs-child-history', definition, roleArn }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify([7, 'x']) }));
    await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (described) => described.status === 'SUCCEEDED');
    const mapRunArn = await mapRunOf(executionArn!);
    const childArn = async (status: 'SUCCEEDED' | 'FAILED') => (await sfn.send(new ListExecutionsCommand({ mapRunArn, statusFilter: status }))).executions![0].executionArn!;
    const succeededArn = await childArn('SUCCEEDED');
    const failedArn = await childArn('FAILED');

    const succeeded = await sfn.send(new GetExecutionHistoryCommand({ executionArn: succeededArn }));
    assert.deepEqual(
      succeeded.events?.map((event) => [event.type, event.id, event.previousEventId]),
      [
        ['ExecutionStarted', 1, 0],
        ['ChoiceStateEntered', 2, 1],
        ['ChoiceStateExited', 3, 2],
        ['PassStateEntered', 4, 3],
        ['PassStateExited', 5, 4],
        ['ExecutionSucceeded', 6, 5],
      ],
    );
    assert.equal(succeeded.events![0].executionStartedEventDetails?.input, '7');
    assert.equal(succeeded.events![0].executionStartedEventDetails?.roleArn, roleArn);
    assert.equal(succeeded.events![5].executionSucceededEventDetails?.output, '7');
    assert.ok(succeeded.events!.every((event) => event.timestamp instanceof Date));
    assert.equal(succeeded.nextToken, undefined);

    const failed = await sfn.send(new GetExecutionHistoryCommand({ executionArn: failedArn, reverseOrder: true, includeExecutionData: false }));
    assert.deepEqual(failed.events?.map((event) => event.type), ['ExecutionFailed', 'FailStateEntered', 'ChoiceStateExited', 'ChoiceStateEntered', 'ExecutionStarted']);
    assert.deepEqual(failed.events![0].executionFailedEventDetails, { error: 'Bad', cause: 'a string' });
    assert.equal(failed.events![4].executionStartedEventDetails?.input, undefined, 'includeExecutionData false leaves the input out');

    // Paged as any history: maxResults, nextToken, and a token is bound to its order.
    const first = await sfn.send(new GetExecutionHistoryCommand({ executionArn: succeededArn, maxResults: 4 }));
    assert.deepEqual(first.events?.map((event) => event.id), [1, 2, 3, 4]);
    const second = await sfn.send(new GetExecutionHistoryCommand({ executionArn: succeededArn, maxResults: 4, nextToken: first.nextToken }));
    assert.deepEqual(second.events?.map((event) => event.id), [5, 6]);
    assert.equal(second.nextToken, undefined);
    await rejectsWith(sfn.send(new GetExecutionHistoryCommand({ executionArn: succeededArn, nextToken: 'not-a-token' })), 'InvalidToken');

    // The parent's history shows the Map Run, never its children's states.
    const parent = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = (parent.events ?? []).map((event) => event.type);
    assert.ok(types.includes('MapRunStarted') && types.includes('MapRunSucceeded'), types.join(','));
    assert.ok(!types.some((type) => type?.startsWith('Choice') || type?.startsWith('Pass') || type?.startsWith('Fail') || type?.startsWith('MapIteration')), types.join(','));

    const unknownChild = succeededArn.replace(/:[^:]+$/, ':00000000-0000-0000-0000-000000000000');
    await rejectsWith(sfn.send(new GetExecutionHistoryCommand({ executionArn: unknownChild })), 'ExecutionDoesNotExist', `Execution Does Not Exist: '${unknownChild}'`);
    // AWS keeps no history for EXPRESS executions, a Map Run's EXPRESS children included.
    const expressChild = 'arn:aws:states:us-east-1:123456789012:express:map-runs-child-history/Each:0b4f3c2a:11112222';
    await rejectsWith(sfn.send(new GetExecutionHistoryCommand({ executionArn: expressChild })), 'InvalidArn');
    await rejectsWith(sfn.send(new GetExecutionHistoryCommand({ executionArn: 'not-an-arn' })), 'InvalidArn');
  });

  it('answers unknown Map Runs, bad ARNs and out-of-range limits with AWS errors', async () => {
    const unknown = 'arn:aws:states:us-east-1:123456789012:mapRun:nothing/Each:0b4f3c2a-1111-2222-3333-444455556666';
    await rejectsWith(sfn.send(new DescribeMapRunCommand({ mapRunArn: unknown })), 'ResourceNotFound', `Resource not found: '${unknown}'`);
    await rejectsWith(sfn.send(new UpdateMapRunCommand({ mapRunArn: unknown, maxConcurrency: 2 })), 'ResourceNotFound', `Resource not found: '${unknown}'`);
    await rejectsWith(sfn.send(new ListExecutionsCommand({ mapRunArn: unknown })), 'ResourceNotFound', `Resource not found: '${unknown}'`);
    const notMapRun = 'arn:aws:states:us-east-1:123456789012:stateMachine:nothing';
    await rejectsWith(sfn.send(new DescribeMapRunCommand({ mapRunArn: notMapRun })), 'InvalidArn', `Invalid Arn: '${notMapRun}'`);
    await rejectsWith(sfn.send(new UpdateMapRunCommand({ mapRunArn: 'not-an-arn' })), 'InvalidArn', "Invalid Arn: 'Invalid ARN prefix: not-an-arn'");
    // An EXPRESS child of a Map Run may be described (AWS), so its ARN is no InvalidArn there.
    const expressChild = 'arn:aws:states:us-east-1:123456789012:express:nothing/Each:0b4f3c2a:11112222';
    await rejectsWith(sfn.send(new DescribeExecutionCommand({ executionArn: expressChild })), 'ExecutionDoesNotExist', `Execution Does Not Exist: '${expressChild}'`);
    await rejectsWith(
      sfn.send(new UpdateMapRunCommand({ mapRunArn: unknown, maxConcurrency: -1 })),
      'ValidationException',
      "1 validation error detected: Value '-1' at 'maxConcurrency' failed to satisfy constraint: Member must have value greater than or equal to 0",
    );
    await rejectsWith(
      sfn.send(new UpdateMapRunCommand({ mapRunArn: unknown, toleratedFailurePercentage: 100.5 })),
      'ValidationException',
      "1 validation error detected: Value '100.5' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
    await rejectsWith(
      sfn.send(new UpdateMapRunCommand({ mapRunArn: unknown, toleratedFailureCount: -2 })),
      'ValidationException',
      "1 validation error detected: Value '-2' at 'toleratedFailureCount' failed to satisfy constraint: Member must have value greater than or equal to 0",
    );
    const missing = 'arn:aws:states:us-east-1:123456789012:execution:nothing:none';
    await rejectsWith(sfn.send(new ListMapRunsCommand({ executionArn: missing })), 'ExecutionDoesNotExist', `Execution Does Not Exist: '${missing}'`);
    await rejectsWith(sfn.send(new ListExecutionsCommand({ mapRunArn: unknown, stateMachineArn: notMapRun })), 'ValidationException');
    await rejectsWith(sfn.send(new ListExecutionsCommand({})), 'ValidationException', '1 validation error detected: Must provide a StateMachine ARN or MapRun ARN');
    await rejectsWith(
      sfn.send(new ListExecutionsCommand({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:any', statusFilter: 'PENDING_REDRIVE' })),
      'ValidationException',
      'The PENDING_REDRIVE statusFilter requires a mapRunArn, not a stateMachineArn.',
    );
  });
});
