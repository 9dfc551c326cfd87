import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outcomeOf, parseWorkerArgs, runCommand } from './worker.command';

const arn = 'arn:aws:states:us-east-1:123456789012:activity:a';

describe('stepstone worker', () => {
  it('parses its options and the command after --', () => {
    const options = parseWorkerArgs(['--activity', arn, '--endpoint=http://h:1', '--heartbeat', '2', '--', 'sh', '-c', 'cat'], {});
    assert.ok(typeof options !== 'string');
    assert.equal(options.activityArn, arn);
    assert.equal(options.endpoint, 'http://h:1');
    assert.equal(options.heartbeatSeconds, 2);
    assert.deepEqual(options.command, ['sh', '-c', 'cat']);
    assert.equal((parseWorkerArgs(['--activity', arn, '--', 'cat'], { STEPSTONE_ENDPOINT: 'http://e:2' }) as { endpoint: string }).endpoint, 'http://e:2');
  });

  it('says what is wrong with its arguments', () => {
    assert.equal(parseWorkerArgs(['--', 'cat'], {}), "missing '--activity <activity-arn>'");
    assert.equal(parseWorkerArgs(['--activity', arn], {}), "missing the command after '--'");
    assert.equal(parseWorkerArgs(['--activity', arn, '--bogus', '1', '--', 'cat'], {}), "unknown option '--bogus'");
    assert.equal(parseWorkerArgs(['--activity', arn, '--heartbeat', '0', '--', 'cat'], {}), "'--heartbeat' must be a positive number of seconds");
  });

  it('turns a finished command into SendTaskSuccess or SendTaskFailure', () => {
    assert.deepEqual(outcomeOf({ exitCode: 0, signal: null, stdout: ' {"a":1}\n', stderr: '' }), { kind: 'success', output: '{"a":1}' });
    assert.deepEqual(outcomeOf({ exitCode: 0, signal: null, stdout: '', stderr: '' }), { kind: 'success', output: 'null' });
    assert.equal((outcomeOf({ exitCode: 0, signal: null, stdout: 'hello', stderr: '' }) as { error: string }).error, 'States.TaskFailed');
    assert.equal((outcomeOf({ exitCode: 0, signal: null, stdout: JSON.stringify('x'.repeat(262_144)), stderr: '' }) as { error: string }).error, 'States.DataLimitExceeded');
    assert.deepEqual(outcomeOf({ exitCode: 2, signal: null, stdout: '', stderr: 'boom\nstepstone-error: Disk.Full\n' }), { kind: 'failure', error: 'Disk.Full', cause: 'boom\nstepstone-error: Disk.Full' });
    assert.deepEqual(outcomeOf({ exitCode: 1, signal: null, stdout: '', stderr: '' }), { kind: 'failure', error: 'States.TaskFailed', cause: 'The command exited with code 1' });
    assert.deepEqual(outcomeOf({ exitCode: null, signal: 'SIGKILL', stdout: '', stderr: '' }), { kind: 'failure', error: 'States.TaskFailed', cause: 'The command killed by SIGKILL' });
  });

  it('runs a real command with the input on stdin and keeps only the stderr tail', async () => {
    const script = "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{process.stderr.write('e'.repeat(40000)+'END');console.log(JSON.stringify({len:s.length}))})";
    const result = await runCommand([process.execPath, '-e', script], '{"hello":"world"}').done;
    assert.equal(result.exitCode, 0);
    assert.deepEqual(JSON.parse(result.stdout), { len: 17 });
    assert.equal(result.stderr.length, 32_768);
    assert.ok(result.stderr.endsWith('END'));
    const missing = await runCommand(['/no/such/command'], '{}').done;
    assert.match(missing.spawnError ?? '', /ENOENT/);
  });
});
