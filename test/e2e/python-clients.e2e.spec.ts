import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../support/server';

const run = promisify(execFile);
const credentials = { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };

describe('Python clients: boto3 and the AWS CLI', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.dispose();
  });

  it('boto3 creates, starts, describes, reads history and runs StartSyncExecution', async () => {
    const script = path.join(__dirname, 'fixtures', 'boto3-client.py');
    const { stdout } = await run('python3', [script, server.endpoint], { timeout: 60_000 });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(result.status, 'SUCCEEDED');
    assert.equal(result.output, '{"n":42}');
    assert.deepEqual(result.historyTypes, ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    assert.equal(result.syncStatus, 'SUCCEEDED');
    assert.equal(result.syncOutput, '{"n":10}');
    assert.equal(result.missing, 'ExecutionDoesNotExist');
  });

  it('the AWS CLI runs StartSyncExecution with host-prefix injection off (AWS_DISABLE_HOST_PREFIX_INJECTION)', async () => {
    const aws = (args: string[], env: Record<string, string> = {}) =>
      run('aws', ['stepfunctions', ...args, '--endpoint-url', server.endpoint, '--output', 'json'], { env: { ...process.env, ...credentials, ...env }, timeout: 60_000 });
    const definition = JSON.stringify({ StartAt: 'Hi', States: { Hi: { Type: 'Pass', Parameters: { 'hi.$': '$.who' }, End: true } } });
    const created = JSON.parse(
      (await aws(['create-state-machine', '--name', 'cli-express', '--type', 'EXPRESS', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--definition', definition])).stdout,
    ) as { stateMachineArn: string };
    const sync = ['start-sync-execution', '--state-machine-arn', created.stateMachineArn, '--input', '{"who":"cli"}'];
    // With the prefix the CLI calls sync-127.0.0.1, which does not resolve.
    await assert.rejects(aws(sync), /sync-127\.0\.0\.1/);
    const { stdout } = await aws(sync, { AWS_DISABLE_HOST_PREFIX_INJECTION: 'true' });
    const result = JSON.parse(stdout) as { status: string; output: string };
    assert.equal(result.status, 'SUCCEEDED');
    assert.equal(result.output, '{"hi":"cli"}');
  });
});
