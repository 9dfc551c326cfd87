import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sfnClient, startServer, type RunningServer } from '../support/server';

/** STEPSTONE_CLOCK=fast: a Wait of an hour ends at once, and the history reads as if it had passed. */
describe('the fast test clock of the real server', () => {
  let server: RunningServer;
  let client: SFNClient;

  before(async () => {
    server = await startServer({ env: { STEPSTONE_CLOCK: 'fast' } });
    client = sfnClient(server.endpoint);
  });

  after(async () => {
    client?.destroy();
    await server?.dispose();
  });

  it('runs an hour-long Wait in well under a minute with consistent timestamps', async () => {
    const definition = { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 3600, Next: 'Done' }, Done: { Type: 'Succeed' } } };
    const { stateMachineArn } = await client.send(new CreateStateMachineCommand({ name: 'nap', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/x' }));
    const startedAt = Date.now();
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
    let status = 'RUNNING';
    while (status === 'RUNNING' && Date.now() - startedAt < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = (await client.send(new DescribeExecutionCommand({ executionArn }))).status ?? 'UNKNOWN';
    }
    assert.equal(status, 'SUCCEEDED');
    const { events = [] } = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    const at = (type: string) => events.find((event) => event.type === type)!.timestamp!.getTime();
    assert.ok(at('WaitStateExited') - at('WaitStateEntered') >= 3_600_000, 'the Wait lasted an hour of (virtual) time');
    assert.ok(at('ExecutionSucceeded') >= at('WaitStateExited'));
  });
});
