import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startTestServer } from '@stepstone/testing';

const BIN = join(__dirname, '../../../../bin/stepstone.mjs');
const dir = mkdtempSync(join(tmpdir(), 'stepstone-cli-history-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function stepstone(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** Async, so a server in this process keeps answering while the CLI runs. */
function stepstoneAsync(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

const definition = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nap' }, Nap: { Type: 'Wait', Seconds: 1, Next: 'Z' }, Z: { Type: 'Succeed' } } };
const file = join(dir, 'nap.json');
writeFileSync(file, JSON.stringify(definition));

describe('stepstone history and timeline', () => {
  test('read a run kept with --store from its folder, with each state and its duration', () => {
    const store = join(dir, 'store');
    const ran = stepstone('run', file, '--store', store);
    assert.equal(ran.code, 0, ran.err);
    const arn = /^execution (\S+)$/m.exec(ran.out)?.[1];
    assert.ok(arn, ran.out);
    const history = stepstone('history', arn, '--data', store, '--json');
    assert.deepEqual(
      (JSON.parse(history.out) as { type: string }[]).map((event) => event.type),
      ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'WaitStateEntered', 'WaitStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded'],
    );
    const timeline = stepstone('timeline', arn, '--data', store);
    const nap = /^Nap\s+Wait\s+\S+\s+(\d+) ms$/m.exec(timeline.out);
    assert.ok(nap, timeline.out);
    assert.ok(Number(nap[1]) >= 1000, 'the Wait of one second lasted at least one second');
  });

  test('read from a server endpoint, and give AWS error names in one line', async () => {
    const server = await startTestServer();
    try {
      const sfn = new SFNClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'nap', roleArn: 'arn:aws:iam::123456789012:role/r', definition: JSON.stringify(definition) }));
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
      for (let attempt = 0; attempt < 100; attempt += 1) {
        if ((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status !== 'RUNNING') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      sfn.destroy();
      const timeline = await stepstoneAsync('timeline', executionArn ?? '', '--endpoint', server.endpoint);
      assert.equal(timeline.code, 0, timeline.err);
      assert.match(timeline.out, /^STATE\s+TYPE\s+ENTERED\s+DURATION\nA\s+Pass .*\nNap\s+Wait .* \d+ ms\nZ\s+Succeed /);
      const missing = `arn:aws:states:us-east-1:123456789012:execution:nope:none`;
      const result = await stepstoneAsync('history', missing, '--endpoint', server.endpoint);
      assert.equal(result.code, 1);
      assert.match(result.err, /^StateMachineDoesNotExist: |^ExecutionDoesNotExist: /);
      assert.equal(result.err.trim().split('\n').length, 1);
    } finally {
      await server.close();
    }
    const invalid = stepstone('timeline', 'not-an-arn');
    assert.equal(invalid.code, 1);
    assert.match(invalid.err, /^InvalidArn: /);
  });
});
