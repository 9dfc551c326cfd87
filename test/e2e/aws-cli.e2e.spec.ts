import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../support/server';

const run = promisify(execFile);

/** The real AWS CLI; installed from Debian's archive when the machine has none. */
function ensureAwsCli(): void {
  try {
    execFileSync('aws', ['--version'], { stdio: 'ignore' });
  } catch {
    execFileSync('sh', ['-c', 'apt-get update && apt-get install -y awscli'], { stdio: 'inherit' });
  }
}

describe('AWS CLI against the real server', () => {
  let server: RunningServer;
  let workDir: string;

  const aws = async (...args: string[]): Promise<any> => {
    const { stdout } = await run('aws', ['stepfunctions', ...args, '--endpoint-url', server.endpoint, '--output', 'json'], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' },
    });
    return stdout.trim() === '' ? {} : JSON.parse(stdout);
  };

  before(async () => {
    ensureAwsCli();
    server = await startServer();
    workDir = mkdtempSync(path.join(tmpdir(), 'stepstone-cli-'));
  });

  after(async () => {
    await server?.dispose();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('creates a machine from a file, runs it, describes it and reads its history', async () => {
    const definitionFile = path.join(workDir, 'definition.json');
    writeFileSync(
      definitionFile,
      JSON.stringify({ StartAt: 'Greet', States: { Greet: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('hi {}', $.who)" }, End: true } } }),
    );
    const created = await aws(
      'create-state-machine',
      '--name',
      'cli-machine',
      '--definition',
      `file://${definitionFile}`,
      '--role-arn',
      'arn:aws:iam::123456789012:role/cli',
    );
    assert.equal(created.stateMachineArn, 'arn:aws:states:us-east-1:123456789012:stateMachine:cli-machine');
    assert.ok(created.creationDate);

    const started = await aws('start-execution', '--state-machine-arn', created.stateMachineArn, '--name', 'cli-run', '--input', '{"who":"cli"}');
    assert.equal(started.executionArn, 'arn:aws:states:us-east-1:123456789012:execution:cli-machine:cli-run');

    let described = await aws('describe-execution', '--execution-arn', started.executionArn);
    for (let i = 0; i < 50 && described.status === 'RUNNING'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      described = await aws('describe-execution', '--execution-arn', started.executionArn);
    }
    assert.equal(described.status, 'SUCCEEDED');
    assert.equal(described.output, '{"greeting":"hi cli"}');
    assert.equal(described.input, '{"who":"cli"}');

    const history = await aws('get-execution-history', '--execution-arn', started.executionArn);
    assert.deepEqual(
      history.events.map((event: { type: string }) => event.type),
      ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
    );
    assert.equal(history.events[0].executionStartedEventDetails.input, '{"who":"cli"}');
  });

  it('shows AWS error names in the CLI', async () => {
    await assert.rejects(aws('describe-state-machine', '--state-machine-arn', 'arn:aws:states:us-east-1:123456789012:stateMachine:missing'), (error: any) => {
      assert.match(String(error.stderr), /StateMachineDoesNotExist/);
      assert.match(String(error.stderr), /State Machine Does Not Exist: 'arn:aws:states:us-east-1:123456789012:stateMachine:missing'/);
      return true;
    });
  });
});
