import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { sfnClient, startServer, type RunningServer } from '../support/server';

const definition = JSON.stringify({
  StartAt: 'Before',
  States: {
    Before: { Type: 'Pass', Next: 'Wait' },
    Wait: { Type: 'Wait', Seconds: 3, Next: 'After' },
    After: { Type: 'Pass', Result: 'done', End: true },
  },
});

describe('crash and restart', () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await server?.dispose();
  });

  it('finishes executions that were waiting when the process was killed, with their history intact', async () => {
    let sfn = sfnClient(server.endpoint);
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'survivor', definition, roleArn: 'arn:aws:iam::123456789012:role/r' }));
    const arns: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `wait-${i}`, input: JSON.stringify({ i }) }));
      arns.push(executionArn!);
    }
    for (const executionArn of arns) {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      assert.equal(described.status, 'RUNNING');
    }
    sfn.destroy();

    await server.kill('SIGKILL');
    await server.restart();
    sfn = sfnClient(server.endpoint);

    const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    assert.equal(machine.definition, definition);

    const deadline = Date.now() + 15_000;
    for (const executionArn of arns) {
      let described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      while (described.status === 'RUNNING' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      }
      assert.equal(described.status, 'SUCCEEDED', `${executionArn} finished after the restart`);
      assert.equal(described.output, '"done"');

      const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
      assert.deepEqual(
        history.events?.map((event) => event.type),
        ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'WaitStateEntered', 'WaitStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
      );
      assert.deepEqual(history.events?.map((event) => event.id), [1, 2, 3, 4, 5, 6, 7, 8]);
      const started = history.events?.[0].timestamp?.getTime() ?? 0;
      const waited = (history.events?.[4].timestamp?.getTime() ?? 0) - started;
      assert.ok(waited >= 3000, `the Wait state lasted its 3 seconds (${waited} ms)`);
    }
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'SUCCEEDED' }));
    assert.equal(listed.executions?.length, arns.length);
    sfn.destroy();
  });
});
