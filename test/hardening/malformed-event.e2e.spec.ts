import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { rawCall, openServerStore, startServer, type RunningServer, CLI_ENTRY } from '../support/server';
import { eventually } from '../support/helpers';

const repoRoot = path.resolve(__dirname, '..', '..');
const ROLE = 'arn:aws:iam::123456789012:role/r';
const PASS = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });

function runCli(server: RunningServer, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...CLI_ENTRY, ...args, '--data', server.dataDir],
      { cwd: repoRoot, timeout: 60_000, env: { ...process.env, ...server.storeEnv } },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

/**
 * Defence in depth (issue 18): an event the read models cannot apply, written past every check
 * straight into the store, is skipped and recorded; every other stream is still projected, and
 * `stepstone projections status` (another process) names it.
 */
describe('a malformed event appended directly to the store', () => {
  let server: RunningServer;
  const call = (action: string, body: unknown) => rawCall(server.endpoint, `AWSStepFunctions.${action}`, JSON.stringify(body));
  let machineArn: string;
  let firstArn: string;

  before(async () => {
    server = await startServer();
    machineArn = (await call('CreateStateMachine', { name: 'fine', definition: PASS, roleArn: ROLE })).json.stateMachineArn;
    firstArn = (await call('StartExecution', { stateMachineArn: machineArn, name: 'first' })).json.executionArn;
  });
  after(async () => server?.dispose());

  it('is skipped and reported; Describe and List answer for everything else', async () => {
    const store = await openServerStore(server);
    try {
      // What the `constructor` bypass once let through: wrongly typed fields the tables cannot take.
      await store.append({
        streamId: 'state-machine-broken',
        expectedRevision: 'no_stream',
        events: [{ type: 'StateMachineCreated', data: { v: 1, name: 'broken', tags: 'not a list', creationDate: 5 } }],
      });
      await store.append({
        streamId: 'execution-fine:forged',
        expectedRevision: 'no_stream',
        events: [{ type: 'ExecutionStarted', data: { type: 'ExecutionStarted', id: 1, previousEventId: 0, timestamp: '2024-01-01T00:00:00.000Z', x: { v: 1, th: '0', start: { executionArn: { no: 1 }, name: ['x'] } } } }],
      });
    } finally {
      await store.close();
    }

    const later = (await call('CreateStateMachine', { name: 'later', definition: PASS, roleArn: ROLE })).json.stateMachineArn as string;
    const second = (await call('StartExecution', { stateMachineArn: machineArn, name: 'second' })).json.executionArn as string;
    const described = await eventually(
      () => call('DescribeExecution', { executionArn: second }),
      (answer) => answer.json.status === 'SUCCEEDED',
    );
    assert.equal(described.status, 200);
    assert.equal((await call('DescribeExecution', { executionArn: firstArn })).json.status, 'SUCCEEDED');
    assert.equal((await call('DescribeStateMachine', { stateMachineArn: later })).status, 200);
    const machines = await call('ListStateMachines', {});
    assert.deepEqual(machines.json.stateMachines.map((machine: { name: string }) => machine.name), ['fine', 'later']);
    const executions = await call('ListExecutions', { stateMachineArn: machineArn });
    assert.deepEqual(executions.json.executions.map((execution: { name: string }) => execution.name).sort(), ['first', 'second']);

    const status = await runCli(server, ['projections', 'status']);
    assert.equal(status.code, 1, status.stdout + status.stderr);
    assert.match(status.stdout, /2 skipped events/);
    assert.match(status.stdout, /StateMachineCreated on state-machine-broken/);
    assert.match(status.stdout, /ExecutionStarted on execution-fine:forged/);
    assert.match(server.output(), /skipped event #\d+ \(StateMachineCreated on state-machine-broken\)/);
  });
});
