import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

// Through the package's bin, from another folder, as `npx stepstone` runs it.
const BIN = join(__dirname, '../../../../bin/stepstone.mjs');
const dir = mkdtempSync(join(tmpdir(), 'stepstone-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function stepstone(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

const greet = file('greet.json', {
  StartAt: 'Greet',
  States: {
    Greet: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('hello {}', $.name)" }, Next: 'Check' },
    Check: { Type: 'Choice', Choices: [{ Variable: '$.greeting', StringEquals: 'hello world', Next: 'Done' }], Default: 'Nope' },
    Done: { Type: 'Succeed' },
    Nope: { Type: 'Fail', Error: 'Unexpected', Cause: 'not the world' },
  },
});

describe('stepstone run', () => {
  test('runs to success, printing each state entered and left, exit 0', () => {
    const { code, out } = stepstone('run', greet, '--input', '{"name":"world"}');
    assert.equal(code, 0);
    assert.match(out, /^entered Greet\nleft Greet \d+ms\nentered Check\n/);
    assert.match(out, /SUCCEEDED \{"greeting":"hello world"\}/);
  });
  test('exits 1 with the error and cause of a failed execution', () => {
    const { code, err } = stepstone('run', greet, '--input', file('moon.json', { name: 'moon' }));
    assert.equal(code, 1);
    assert.match(err, /FAILED Unexpected: not the world/);
  });
  test('--json prints the result and its AWS-format history', () => {
    const { code, out } = stepstone('run', greet, '--input', '{"name":"world"}', '--json');
    assert.equal(code, 0);
    const result = JSON.parse(out) as { status: string; output: unknown; history: { type: string }[] };
    assert.equal(result.status, 'SUCCEEDED');
    assert.deepEqual(result.output, { greeting: 'hello world' });
    assert.deepEqual(result.history.map((event) => event.type).slice(0, 3), ['ExecutionStarted', 'PassStateEntered', 'PassStateExited']);
  });
  test('answers tasks from a mock configuration test case', () => {
    const task = file('task.json', { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, End: true } } });
    const mocks = file('mocks.json', { StateMachines: { local: { TestCases: { Ok: { Call: 'R' } } } }, MockedResponses: { R: { '0': { Return: { n: 7 } } } } });
    const { code, out } = stepstone('run', task, '--mock-config', mocks, '--test-case', 'Ok');
    assert.equal(code, 0);
    assert.match(out, /SUCCEEDED \{"n":7\}/);
  });
  test('refuses bad input in one line with the AWS error name', () => {
    const { code, err } = stepstone('run', greet, '--input', '{nope');
    assert.equal(code, 1);
    assert.match(err, /^InvalidExecutionInput: /);
    assert.equal(err.trim().split('\n').length, 1);
  });
});

describe('stepstone validate and graph', () => {
  const broken = file('broken.json', { StartAt: 'Missing', States: { A: { Type: 'Pass', End: true } } });
  test("validate prints AWS's diagnostics and exits 1 on an error", () => {
    assert.equal(stepstone('validate', greet).code, 0);
    const { code, out } = stepstone('validate', greet, broken);
    assert.equal(code, 1);
    assert.match(out, /greet\.json: OK/);
    assert.match(out, /broken\.json: FAIL\n {2}ERROR \w+/);
  });
  test('graph prints Mermaid with Choice labels, and DOT on request', () => {
    const mermaid = stepstone('graph', greet);
    assert.equal(mermaid.code, 0);
    assert.match(mermaid.out, /^flowchart TD/);
    assert.match(mermaid.out, /n_Check -->\|"\$\.greeting StringEquals #quot;hello world#quot;"\| n_Done/);
    const dot = stepstone('graph', greet, '--format', 'dot');
    assert.match(dot.out, /"Check" -> "Nope" \[label="Default"\];/);
    const invalid = stepstone('graph', broken);
    assert.equal(invalid.code, 1);
    assert.match(invalid.err, /^InvalidDefinition: /);
  });
  test('every command answers --help, and --version prints the version', () => {
    for (const command of ['serve', 'run', 'validate', 'graph']) {
      const { code, out } = stepstone(command, '--help');
      assert.equal(code, 0, command);
      assert.match(out, new RegExp(`^Usage: stepstone ${command}`), command);
    }
    assert.match(stepstone('--version').out, /^\d+\.\d+\.\d+\n$/);
  });
});
