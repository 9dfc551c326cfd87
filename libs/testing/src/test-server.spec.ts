import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startTestServer } from './index';

test('startTestServer runs the real server on a free port for the AWS SDK, and close removes its store', async () => {
  const server = await startTestServer();
  try {
    const sfn = new SFNClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'waits',
        roleArn: 'arn:aws:iam::123456789012:role/r',
        definition: JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, Next: 'P' }, P: { Type: 'Pass', Result: 'done', End: true } } }),
      }),
    );
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
    let status: string | undefined;
    for (let attempt = 0; attempt < 100 && status !== 'SUCCEEDED'; attempt += 1) {
      status = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
      if (status !== 'SUCCEEDED') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(status, 'SUCCEEDED', 'an hour of Wait passes on the fast clock');
    sfn.destroy();
  } finally {
    await server.close();
  }
  assert.equal(existsSync(server.dataDir), false);
});
