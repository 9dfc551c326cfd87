import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSyncExecution } from './run-sync';
import type { StartExecutionRequest } from './execution-runner.port';

/**
 * StartSyncExecution runs an EXPRESS execution to its end in memory. Its deadline bounds it as
 * any execution's does: the definition's TimeoutSeconds ("If it runs longer than the specified
 * time, the execution fails with a States.Timeout Error Name", State machine structure) and the
 * EXPRESS maximum of five minutes (Step Functions service quotas). The run used to wait out
 * every Wait, whatever the deadline.
 */

function request(definition: unknown): StartExecutionRequest {
  return {
    executionArn: 'arn:aws:states:us-east-1:123456789012:express:sync:run-1:00000000-0000-4000-8000-000000000001',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:sync',
    name: 'run-1',
    executionType: 'EXPRESS',
    definition: JSON.stringify(definition),
    input: '{}',
    roleArn: 'arn:aws:iam::123456789012:role/spec',
  };
}

/** A fast clock: Waits move it instead of sleeping. */
function fastClock(startIso = '2024-01-01T00:00:00.000Z') {
  let nowMs = Date.parse(startIso);
  return { now: () => new Date(nowMs), advanceClock: (toMs: number) => (nowMs = Math.max(nowMs, toMs)), elapsedMs: () => nowMs - Date.parse(startIso) };
}

describe('runSyncExecution: the execution deadline', () => {
  it('times out at the definition\'s TimeoutSeconds instead of waiting out a longer Wait', async () => {
    const clock = fastClock();
    const result = await runSyncExecution(clock, request({ TimeoutSeconds: 2, StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 60, End: true } } }), () => false);
    assert.equal(result.status, 'TIMED_OUT');
    assert.equal(clock.elapsedMs(), 2_000);
  });

  it('times out an EXPRESS execution at five minutes with States.Timeout', async () => {
    const clock = fastClock();
    const result = await runSyncExecution(clock, request({ StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 400, End: true } } }), () => false);
    assert.deepEqual([result.status, result.error], ['TIMED_OUT', 'States.Timeout']);
    assert.equal(clock.elapsedMs(), 300_000);
  });

  it('still fires a Wait that ends before the deadline', async () => {
    const clock = fastClock();
    const result = await runSyncExecution(clock, request({ StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 30, End: true } } }), () => false);
    assert.equal(result.status, 'SUCCEEDED');
    assert.equal(clock.elapsedMs(), 30_000);
  });
});
