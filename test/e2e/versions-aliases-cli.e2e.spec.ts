import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../support/server';

const run = promisify(execFile);
const machineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:cli-versions';

describe('AWS CLI: versions and aliases against the real server', () => {
  let server: RunningServer;

  const aws = async (...args: string[]): Promise<any> => {
    const { stdout } = await run('aws', ['stepfunctions', ...args, '--endpoint-url', server.endpoint, '--output', 'json'], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' },
    });
    return stdout.trim() === '' ? {} : JSON.parse(stdout);
  };

  before(async () => {
    // The real AWS CLI (aws-cli.e2e.spec.ts installs it from Debian's archive when missing).
    execFileSync('aws', ['--version'], { stdio: 'ignore' });
    server = await startServer();
  });

  after(async () => {
    await server?.dispose();
  });

  it('publishes a version, points an alias at it and runs through the alias', async () => {
    const definition = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: 'v1', End: true } } });
    await aws('create-state-machine', '--name', 'cli-versions', '--definition', definition, '--role-arn', 'arn:aws:iam::123456789012:role/cli');
    const published = await aws('publish-state-machine-version', '--state-machine-arn', machineArn, '--description', 'first');
    assert.equal(published.stateMachineVersionArn, `${machineArn}:1`);

    const alias = await aws(
      'create-state-machine-alias',
      '--name',
      'prod',
      '--routing-configuration',
      JSON.stringify([{ stateMachineVersionArn: `${machineArn}:1`, weight: 100 }]),
    );
    assert.equal(alias.stateMachineAliasArn, `${machineArn}:prod`);

    const described = await aws('describe-state-machine-alias', '--state-machine-alias-arn', alias.stateMachineAliasArn);
    assert.deepEqual(described.routingConfiguration, [{ stateMachineVersionArn: `${machineArn}:1`, weight: 100 }]);

    const started = await aws('start-execution', '--state-machine-arn', alias.stateMachineAliasArn, '--name', 'via-alias');
    const execution = await aws('describe-execution', '--execution-arn', started.executionArn);
    assert.equal(execution.stateMachineAliasArn, alias.stateMachineAliasArn);
    assert.equal(execution.stateMachineVersionArn, `${machineArn}:1`);

    await assert.rejects(aws('delete-state-machine-version', '--state-machine-version-arn', `${machineArn}:1`), (error: any) => {
      assert.match(String(error.stderr), /ConflictException/);
      assert.match(String(error.stderr), /Current list of aliases referencing this version: \[prod\]/);
      return true;
    });
  });
});
