import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateStateMachineCommand, DescribeExecutionCommand, ListStateMachinesCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { eventually } from '../support/helpers';
import { startServer, type RunningServer } from '../support/server';

const key = { accessKeyId: 'AKIDSTEPSTONELOGS01', secretAccessKey: 'logs-secret-never-printed-0001' };

describe('health probes and structured logs (sigv4 on, STEPSTONE_LOG_LEVEL=info)', () => {
  let server: RunningServer;
  let dir: string;
  let sfn: SFNClient;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stepstone-logs-'));
    writeFileSync(path.join(dir, 'keys.json'), JSON.stringify({ keys: [{ ...key, policy: { Statement: { Effect: 'Allow', Action: '*', Resource: '*' } } }] }));
    server = await startServer({ env: { STEPSTONE_AUTH: 'sigv4', STEPSTONE_KEYS_FILE: path.join(dir, 'keys.json'), STEPSTONE_LOG_LEVEL: 'info' } });
    sfn = new SFNClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: key, maxAttempts: 1 });
  });
  after(async () => {
    sfn?.destroy();
    await server?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The JSON lines the server logged. */
  const logLines = () =>
    server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('answers GET /health and GET /ready without credentials', async () => {
    for (const probe of ['/health', '/ready']) {
      const response = await fetch(`${server.endpoint}${probe}`);
      assert.equal(response.status, 200, probe);
      assert.deepEqual(await response.json(), { status: probe === '/health' ? 'ok' : 'ready' });
    }
    // Everything else still needs a signature.
    assert.equal((await fetch(`${server.endpoint}/audit`)).status, 403);
  });

  it('logs one line per request at info, execution failures at warn, and never a signature or secret', async () => {
    await sfn.send(new ListStateMachinesCommand({}));
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'fails', roleArn: 'arn:aws:iam::123456789012:role/r', definition: JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Oops', Cause: 'on purpose' } } }) }),
    );
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'bad' }));
    await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (value) => value.status === 'FAILED');
    await eventually(async () => logLines(), (lines) => lines.some((line) => line.msg === 'execution failed'), 5_000);

    const requests = logLines().filter((line) => line.msg === 'request');
    const listCalls = requests.filter((line) => line.action === 'ListStateMachines');
    assert.equal(listCalls.length, 1, JSON.stringify(requests));
    assert.equal(listCalls[0].level, 30);
    assert.equal(listCalls[0].status, 200);
    assert.equal(listCalls[0].method, 'POST');
    assert.equal(typeof listCalls[0].ms, 'number');
    assert.match(String(listCalls[0].requestId), /^[0-9a-f-]{36}$/);
    const refused = requests.find((line) => line.path === '/audit');
    assert.deepEqual([refused?.status, refused?.error], [403, 'MissingAuthenticationToken']);

    const failure = logLines().find((line) => line.msg === 'execution failed');
    assert.deepEqual([failure?.level, failure?.executionArn, failure?.error, failure?.cause], [40, executionArn, 'Oops', 'on purpose']);

    const output = server.output();
    assert.doesNotMatch(output, /AWS4-HMAC-SHA256|Signature=|authorization/i);
    assert.ok(!output.includes(key.secretAccessKey));
  });
});
