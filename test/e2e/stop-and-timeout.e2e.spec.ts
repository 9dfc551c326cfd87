import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { sfnClient, startServer, type RunningServer } from '../support/server';

const roleArn = 'arn:aws:iam::123456789012:role/stepstone';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function historyTypes(sfn: SFNClient, executionArn: string): Promise<string[]> {
  const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return (history.events ?? []).map((event) => event.type!);
}

async function statusOf(sfn: SFNClient, executionArn: string, until: (status: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (until(status!) || Date.now() > deadline) return status!;
    await sleep(100);
  }
}

describe('StopExecution, TimeoutSeconds and the history quota through the real server', () => {
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

  it('stops a Parallel with a waiting branch and a Map of waits: AWS aborted events, then nothing more', async () => {
    const definition = JSON.stringify({
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Parallel',
          End: true,
          Branches: [
            { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 1, End: true } } },
            {
              StartAt: 'Each',
              States: { Each: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 1, End: true } } } } },
            },
          ],
        },
      },
    });
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'stoppable', definition, roleArn }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'stop-me', input: '[1, 2]' }));
    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'no longer needed' }));
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    assert.equal(described.status, 'ABORTED');
    assert.equal(described.error, 'Operator');
    assert.equal(described.cause, 'no longer needed');
    const types = await historyTypes(sfn, executionArn!);
    // A Wait stopped with its execution writes no WaitStateAborted, as AWS records it (LocalStack's
    // AWS-validated test_sfn_api::test_stop_execution, 2024-05-06); the containers' aborts stay.
    assert.equal(types.includes('WaitStateAborted'), false);
    assert.deepEqual(types.slice(types.lastIndexOf('WaitStateEntered') + 1), [
      'MapIterationAborted',
      'MapIterationAborted',
      'MapStateAborted',
      'ParallelStateAborted',
      'ExecutionAborted',
    ]);
    // The Waits' timers were armed for one second: when they come due they decide nothing.
    await sleep(1500);
    assert.deepEqual(await historyTypes(sfn, executionArn!), types);
  });

  it('fails a Choice loop with no way out at 25,000 history events instead of spinning forever', async () => {
    const definition = JSON.stringify({
      StartAt: 'Loop',
      States: {
        Loop: { Type: 'Choice', Choices: [{ Variable: '$.spin', BooleanEquals: true, Next: 'Again' }], Default: 'Done' },
        Again: { Type: 'Pass', Next: 'Loop' },
        Done: { Type: 'Succeed' },
      },
    });
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'spinner', definition, roleArn }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'spin', input: '{"spin": true}' }));
    assert.equal(await statusOf(sfn, executionArn!, (status) => status !== 'RUNNING'), 'FAILED');
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    assert.equal(described.error, 'States.Runtime');
    assert.equal(described.cause, 'The execution reached the maximum number of history events (25000).');
    const last = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 2 }));
    assert.deepEqual(last.events?.map((event) => [event.id, event.type]), [[25_000, 'ExecutionFailed'], [24_999, 'ChoiceStateExited']]);
    // The server stayed responsive: a redrive is refused for lack of history room.
    await assert.rejects(sfn.send(new RedriveExecutionCommand({ executionArn })), { name: 'ExecutionNotRedrivable', message: 'Execution history event limit exceeded.' });
  });

  it('times out at TimeoutSeconds, and also when the deadline passed while the server was down', async () => {
    const definition = JSON.stringify({ TimeoutSeconds: 2, StartAt: 'Long', States: { Long: { Type: 'Wait', Seconds: 60, End: true } } });
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'impatient', definition, roleArn }));
    const live = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'live' }));
    const crashed = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'crashed' }));

    await server.kill('SIGKILL');
    await sleep(2500); // the deadline passes while nothing runs
    await server.restart();
    sfn.destroy();
    sfn = sfnClient(server.endpoint);

    for (const executionArn of [live.executionArn!, crashed.executionArn!]) {
      assert.equal(await statusOf(sfn, executionArn, (status) => status !== 'RUNNING'), 'TIMED_OUT');
      assert.deepEqual(await historyTypes(sfn, executionArn), ['ExecutionStarted', 'WaitStateEntered', 'ExecutionTimedOut']);
    }
    const uncrashed = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'uncrashed' }));
    assert.equal(await statusOf(sfn, uncrashed.executionArn!, (status) => status !== 'RUNNING'), 'TIMED_OUT');
    const { startDate, stopDate } = await sfn.send(new DescribeExecutionCommand({ executionArn: uncrashed.executionArn }));
    const lasted = stopDate!.getTime() - startDate!.getTime();
    assert.ok(lasted >= 2000 && lasted < 5000, `timed out after its 2 seconds (${lasted} ms)`);
  });
});
