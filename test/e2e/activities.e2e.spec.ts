import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DeleteActivityCommand,
  DescribeActivityCommand,
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  ListActivitiesCommand,
  ListTagsForResourceCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { sfnClient, startServer, type RunningServer, CLI_ENTRY } from '../support/server';
import { eventually, rejectsWith } from '../support/helpers';

const repoRoot = path.resolve(__dirname, '..', '..');
const roleArn = 'arn:aws:iam::123456789012:role/stepstone';
const activityArnOf = (name: string) => `arn:aws:states:us-east-1:123456789012:activity:${name}`;
const activityMachine = (activityArn: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    StartAt: 'Work',
    States: {
      Work: { Type: 'Task', Resource: activityArn, Next: 'Done', ...extra },
      Done: { Type: 'Pass', End: true },
      ...('Catch' in extra ? { Caught: { Type: 'Pass', End: true } } : {}),
    },
  });

async function startMachine(sfn: SFNClient, name: string, definition: string, input: unknown): Promise<string> {
  const machine = await sfn.send(new CreateStateMachineCommand({ name, definition, roleArn }));
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: JSON.stringify(input) }));
  return started.executionArn!;
}

async function finished(sfn: SFNClient, executionArn: string, timeoutMs = 15_000) {
  return eventually(
    () => sfn.send(new DescribeExecutionCommand({ executionArn })),
    (described) => described.status !== 'RUNNING',
    timeoutMs,
  );
}

/** A well-formed token of an existing execution that names no task (the digest is made up). */
/** The worker's exit code; rejects (and kills it) if it has not exited within `timeoutMs`, so a stuck worker fails the test instead of hanging the run. */
function exitOf(worker: ChildProcess, timeoutMs = 60_000): Promise<number | null> {
  const exit = new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.kill('SIGKILL');
      reject(new Error(`the worker did not exit within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    worker.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  exit.catch(() => {}); // awaited by the test; a test that failed earlier never awaits it
  return exit;
}

function foreignToken(executionArn: string): string {
  return `${Buffer.from(executionArn, 'utf8').toString('base64url')}.${'ab'.repeat(32)}`;
}

describe('activities and task tokens against the real server', () => {
  let server: RunningServer;
  let sfn: SFNClient;

  before(async () => {
    server = await startServer({ env: { STEPSTONE_ACTIVITY_POLL_SECONDS: '2' } });
    sfn = sfnClient(server.endpoint);
  });

  after(async () => {
    sfn?.destroy();
    await server?.dispose();
  });

  it('creates an activity idempotently by name, describes it, lists it page by page, tags it and deletes it', async () => {
    const first = await sfn.send(new CreateActivityCommand({ name: 'crud-b', tags: [{ key: 'team', value: 'a' }] }));
    assert.equal(first.activityArn, activityArnOf('crud-b'));
    const again = await sfn.send(new CreateActivityCommand({ name: 'crud-b', tags: [{ key: 'team', value: 'other' }] }));
    assert.equal(again.activityArn, first.activityArn);
    assert.equal(again.creationDate?.getTime(), first.creationDate?.getTime());
    await sfn.send(new CreateActivityCommand({ name: 'crud-a' }));
    await sfn.send(new CreateActivityCommand({ name: 'crud-c' }));

    const described = await sfn.send(new DescribeActivityCommand({ activityArn: first.activityArn }));
    assert.equal(described.name, 'crud-b');
    assert.ok(described.creationDate instanceof Date);

    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await sfn.send(new ListActivitiesCommand({ maxResults: 2, nextToken }));
      names.push(...(page.activities ?? []).map((activity) => activity.name!));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    assert.deepEqual(names.filter((name) => name.startsWith('crud-')), ['crud-a', 'crud-b', 'crud-c']);
    assert.ok(pages >= 2);

    assert.deepEqual((await sfn.send(new ListTagsForResourceCommand({ resourceArn: first.activityArn }))).tags, [{ key: 'team', value: 'a' }]);
    await sfn.send(new TagResourceCommand({ resourceArn: first.activityArn, tags: [{ key: 'team', value: 'b' }, { key: 'tier', value: '1' }] }));
    await sfn.send(new UntagResourceCommand({ resourceArn: first.activityArn, tagKeys: ['tier'] }));
    assert.deepEqual((await sfn.send(new ListTagsForResourceCommand({ resourceArn: first.activityArn }))).tags, [{ key: 'team', value: 'b' }]);

    await sfn.send(new DeleteActivityCommand({ activityArn: first.activityArn }));
    await sfn.send(new DeleteActivityCommand({ activityArn: first.activityArn })); // idempotent
    await rejectsWith(sfn.send(new ListTagsForResourceCommand({ resourceArn: first.activityArn })), 'ResourceNotFound', `Resource not found: '${first.activityArn}'`);
    await rejectsWith(sfn.send(new DescribeActivityCommand({ activityArn: first.activityArn })), 'ActivityDoesNotExist', `Activity Does Not Exist: '${first.activityArn}'`);
  });

  it('rejects bad activity requests with AWS errors: InvalidArn, InvalidName, ActivityDoesNotExist', async () => {
    await rejectsWith(sfn.send(new DescribeActivityCommand({ activityArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:x' })), 'InvalidArn', "Invalid Arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:x'");
    // LocalStack's test_describe_activity_invalid_arn and test_get_activity_task_invalid_arn,
    // validated against AWS 2024-03-11.
    await rejectsWith(sfn.send(new DescribeActivityCommand({ activityArn: 'no_an_activity_arn' })), 'InvalidArn', "Invalid Arn: 'Invalid ARN prefix: no_an_activity_arn'");
    await rejectsWith(sfn.send(new GetActivityTaskCommand({ activityArn: 'no_an_activity_arn' })), 'InvalidArn', "Invalid Arn: 'Invalid ARN prefix: no_an_activity_arn'");
    await rejectsWith(sfn.send(new CreateActivityCommand({ name: 'bad name' })), 'InvalidName', "Invalid Name: 'bad name'");
    await rejectsWith(sfn.send(new GetActivityTaskCommand({ activityArn: activityArnOf('never-created') })), 'ActivityDoesNotExist', `Activity Does Not Exist: '${activityArnOf('never-created')}'`);
  });

  it('answers GetActivityTask with no taskToken when nothing arrives within the long poll', async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'idle' }));
    const startedAt = Date.now();
    const answer = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'idle-worker' }));
    assert.equal(answer.taskToken, undefined);
    assert.equal(answer.input, undefined);
    assert.ok(Date.now() - startedAt >= 1500, 'the poll waited for work before answering');
  });

  it('hands a task to exactly one of two concurrent pollers and completes it from SendTaskSuccess', async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'race' }));
    const polls = [
      sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'w-1' })),
      sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'w-2' })),
    ];
    const executionArn = await startMachine(sfn, 'race', activityMachine(activityArn!), { job: 7 });
    const answers = await Promise.all(polls);
    const got = answers.filter((answer) => answer.taskToken !== undefined);
    assert.equal(got.length, 1, 'one poller gets the task, the other times out empty');
    assert.deepEqual(JSON.parse(got[0].input!), { job: 7 });

    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: got[0].taskToken! }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: got[0].taskToken!, output: '{"done":true}' }));
    const described = await finished(sfn, executionArn);
    assert.equal(described.status, 'SUCCEEDED');
    assert.equal(described.output, '{"done":true}');
    // A second completion of the same token: the task is closed.
    await rejectsWith(sfn.send(new SendTaskSuccessCommand({ taskToken: got[0].taskToken!, output: '{}' })), 'TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
  });

  it('fails a task from SendTaskFailure with the given error and cause, which a Catch matches', async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'failing' }));
    const definition = activityMachine(activityArn!, { Catch: [{ ErrorEquals: ['Worker.Broken'], Next: 'Caught' }] });
    const executionArn = await startMachine(sfn, 'failing', definition, {});
    const task = await eventually(() => sfn.send(new GetActivityTaskCommand({ activityArn })), (answer) => answer.taskToken !== undefined);
    await sfn.send(new SendTaskFailureCommand({ taskToken: task.taskToken!, error: 'Worker.Broken', cause: 'disk full' }));
    const described = await finished(sfn, executionArn);
    assert.equal(described.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(described.output!), { Error: 'Worker.Broken', Cause: 'disk full' });
  });

  it('rejects bad tokens and outputs with AWS errors: InvalidToken, TaskDoesNotExist, InvalidOutput, the 256 KiB limit', async () => {
    await rejectsWith(sfn.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })), 'InvalidToken', "Invalid Token: 'Invalid token'");
    await rejectsWith(sfn.send(new SendTaskFailureCommand({ taskToken: 'not-a-token' })), 'InvalidToken', "Invalid Token: 'Invalid token'");
    await rejectsWith(sfn.send(new SendTaskHeartbeatCommand({ taskToken: 'not-a-token' })), 'InvalidToken', "Invalid Token: 'Invalid token'");

    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'tokens' }));
    const executionArn = await startMachine(sfn, 'tokens', activityMachine(activityArn!), {});
    await rejectsWith(sfn.send(new SendTaskSuccessCommand({ taskToken: foreignToken(executionArn), output: '{}' })), 'TaskDoesNotExist', "Task Does Not Exist: 'Provided task does not exist'");
    await rejectsWith(
      sfn.send(new SendTaskSuccessCommand({ taskToken: foreignToken('arn:aws:states:us-east-1:123456789012:execution:tokens:nope'), output: '{}' })),
      'TaskDoesNotExist',
    );

    const task = await eventually(() => sfn.send(new GetActivityTaskCommand({ activityArn })), (answer) => answer.taskToken !== undefined);
    await rejectsWith(sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken!, output: '{not json' })), 'InvalidOutput', /^Invalid Output: '.+'$/);
    const oversized = JSON.stringify({ blob: 'x'.repeat(262_144) });
    await rejectsWith(
      sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken!, output: oversized })),
      'ValidationException',
      "1 validation error detected: Value at 'output' failed to satisfy constraint: Member must have length less than or equal to 262144",
    );
    // Rejected requests changed nothing: the task is still open and completes.
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken!, output: '"ok"' }));
    assert.equal((await finished(sfn, executionArn)).status, 'SUCCEEDED');
  });

  it('a Task on an activity that does not exist fails the execution with States.Runtime', async () => {
    const missing = activityArnOf('deleted-before-run');
    const executionArn = await startMachine(sfn, 'missing-activity', activityMachine(missing, { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }] }), {});
    const described = await finished(sfn, executionArn);
    assert.equal(described.status, 'FAILED', 'States.Runtime is not caught');
    assert.equal(described.error, 'States.Runtime');
    assert.equal(described.cause, `An error occurred while executing the state 'Work' (entered at the event id #2). The activity ${missing} does not exist.`);
    // AWS fails the state before scheduling anything (corpus: test_activity_task_on_deleted).
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    assert.deepEqual(history.events!.map((event) => event.type), ['ExecutionStarted', 'TaskStateEntered', 'ExecutionFailed']);
  });

  describe('`stepstone worker` in another process', () => {
    let worker: ChildProcess | undefined;
    after(() => {
      worker?.kill('SIGKILL');
    });

    it('runs the command per task: input on stdin, JSON stdout as the result, a failing exit as its named error with the stderr tail', async () => {
      const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'shell' }));
      const script = [
        "let text = '';",
        "process.stdin.on('data', (chunk) => (text += chunk)).on('end', () => {",
        '  const input = JSON.parse(text);',
        "  if (input.fail) { console.error('step 1 ok'); console.error('could not reach the printer'); console.error('stepstone-error: Printer.Offline'); process.exit(3); }",
        '  console.log(JSON.stringify({ sum: input.a + input.b, pid: process.pid }));',
        '});',
      ].join('\n');
      let log = '';
      worker = spawn(
        process.execPath,
        [...CLI_ENTRY, 'worker', '--activity', activityArn!, '--endpoint', server.endpoint, '--worker-name', 'shell-1', '--heartbeat', '1', '--max-tasks', '2', '--', process.execPath, '-e', script],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      worker.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
      const exited = exitOf(worker);

      const definition = activityMachine(activityArn!, { Catch: [{ ErrorEquals: ['Printer.Offline'], Next: 'Caught' }] });
      const machine = await sfn.send(new CreateStateMachineCommand({ name: 'shell', definition, roleArn }));
      const ok = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: '{"a":2,"b":3}' }));
      const okDone = await finished(sfn, ok.executionArn!);
      assert.equal(okDone.status, 'SUCCEEDED', log);
      const result = JSON.parse(okDone.output!);
      assert.equal(result.sum, 5);
      assert.notEqual(result.pid, worker.pid, 'the command ran as its own process');

      const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: ok.executionArn }));
      const startedEvent = history.events?.find((event) => event.type === 'ActivityStarted' || event.type === 'TaskStarted');
      assert.ok(startedEvent, 'the hand-out to the worker is recorded');

      const bad = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: '{"fail":true}' }));
      const badDone = await finished(sfn, bad.executionArn!);
      assert.equal(badDone.status, 'SUCCEEDED', log);
      const caught = JSON.parse(badDone.output!);
      assert.equal(caught.Error, 'Printer.Offline');
      assert.match(caught.Cause, /could not reach the printer/);
      assert.equal(await exited, 0, `the worker exits after --max-tasks 2:\n${log}`);
      worker = undefined;
    });

    it('heartbeats while the command runs and kills the command when the task is gone (execution stopped)', async () => {
      const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'long-running' }));
      let log = '';
      worker = spawn(
        process.execPath,
        [...CLI_ENTRY, 'worker', '--activity', activityArn!, '--endpoint', server.endpoint, '--heartbeat', '1', '--max-tasks', '1', '--', process.execPath, '-e', 'setTimeout(() => {}, 60000)'],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      worker.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
      const exited = exitOf(worker);
      const executionArn = await startMachine(sfn, 'long-running', activityMachine(activityArn!), {});
      await eventually(
        () => sfn.send(new GetExecutionHistoryCommand({ executionArn })),
        (history) => (history.events ?? []).some((event) => event.type === 'ActivityStarted' || event.type === 'TaskStarted'),
      );
      await new Promise((resolve) => setTimeout(resolve, 1500)); // at least one heartbeat while the task is open
      const stoppedAt = Date.now();
      await sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator.Stop' }));
      assert.equal(await exited, 0, log);
      worker = undefined;
      assert.ok(Date.now() - stoppedAt < 10_000, 'the 60 s command was killed, not waited for');
      assert.match(log, /the task closed while the command ran/);
    });
  });
});

describe('activity tasks across a kill -9', () => {
  let server: RunningServer;
  let sfn: SFNClient;

  before(async () => {
    server = await startServer({ env: { STEPSTONE_ACTIVITY_POLL_SECONDS: '2' } });
    sfn = sfnClient(server.endpoint);
  });

  after(async () => {
    sfn?.destroy();
    await server?.dispose();
  });

  it('hands out again a task scheduled but not started before the crash, and not one a worker already took', async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'durable' }));
    const machine = await sfn.send(new CreateStateMachineCommand({ name: 'durable', definition: activityMachine(activityArn!), roleArn }));
    const taken = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, name: 'taken', input: '{"n":1}' }));
    const firstTask = await eventually(() => sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'before-crash' })), (answer) => answer.taskToken !== undefined);
    assert.deepEqual(JSON.parse(firstTask.input!), { n: 1 });
    const waiting = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, name: 'waiting', input: '{"n":2}' }));
    await eventually(
      () => sfn.send(new GetExecutionHistoryCommand({ executionArn: waiting.executionArn })),
      (history) => (history.events ?? []).some((event) => event.type!.endsWith('Scheduled')),
    );

    await server.kill('SIGKILL');
    await server.restart();

    const afterRestart = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'after-crash' }));
    assert.deepEqual(JSON.parse(afterRestart.input!), { n: 2 }, 'the waiting task comes back');
    const nothingMore = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'after-crash' }));
    assert.equal(nothingMore.taskToken, undefined, 'the task the first worker took is not handed out twice');

    // The first worker's token still completes its task after the restart.
    await sfn.send(new SendTaskSuccessCommand({ taskToken: firstTask.taskToken!, output: '{"from":"before-crash"}' }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: afterRestart.taskToken!, output: '{"from":"after-crash"}' }));
    assert.equal((await finished(sfn, taken.executionArn!)).output, '{"from":"before-crash"}');
    assert.equal((await finished(sfn, waiting.executionArn!)).output, '{"from":"after-crash"}');
  });

  it('times out an activity task whose worker stops heartbeating (HeartbeatSeconds)', async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'heartbeat' }));
    const definition = activityMachine(activityArn!, { HeartbeatSeconds: 1, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Caught' }] });
    const executionArn = await startMachine(sfn, 'heartbeat', definition, {});
    const task = await eventually(() => sfn.send(new GetActivityTaskCommand({ activityArn })), (answer) => answer.taskToken !== undefined);
    const described = await finished(sfn, executionArn, 5_000);
    assert.equal(described.status, 'SUCCEEDED');
    assert.equal(JSON.parse(described.output!).Error, 'States.Timeout');
    await rejectsWith(sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken! })), 'TaskTimedOut');
  });
});
