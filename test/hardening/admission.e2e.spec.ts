import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawCall, startServer, type RunningServer } from '../support/server';

/**
 * A bounded load test on 127.0.0.1: waves of concurrent StartExecution calls, well past the
 * admitted number in flight. Short by default; STEPSTONE_LOAD_SECONDS=60 runs it for a minute.
 */
const LOAD_SECONDS = Number(process.env.STEPSTONE_LOAD_SECONDS ?? '3');
const WAVE = 200;
const MAX_IN_FLIGHT = 8;

describe('admission control at the edge', () => {
  let server: RunningServer;
  let machineArn: string;
  const call = (action: string, body: object) => rawCall(server.endpoint, `AWSStepFunctions.${action}`, JSON.stringify(body));
  before(async () => {
    server = await startServer({ env: { STEPSTONE_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT) } });
    const definition = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    machineArn = (await call('CreateStateMachine', { name: 'load', definition, roleArn: 'arn:aws:iam::123456789012:role/r' })).json.stateMachineArn;
  });
  after(async () => server?.dispose());

  it('answers ThrottlingException (400) past the bound, never a 5xx, and recovers when the load stops', async () => {
    const counts = new Map<string, number>();
    const deadline = Date.now() + LOAD_SECONDS * 1000;
    while (Date.now() < deadline) {
      const answers = await Promise.all(Array.from({ length: WAVE }, () => call('StartExecution', { stateMachineArn: machineArn })));
      for (const { status, json } of answers) {
        const key = status === 200 ? '200' : `${status} ${json?.__type}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        if (status !== 200) assert.equal(json?.message, 'Rate exceeded');
      }
    }
    const seen = Object.fromEntries(counts);
    assert.deepEqual(Object.keys(seen).sort(), ['200', '400 ThrottlingException'], JSON.stringify(seen));
    assert.ok(server.running());
    // Recovered: once the burst is over, a start is admitted.
    const after = await call('StartExecution', { stateMachineArn: machineArn });
    assert.equal(after.status, 200, JSON.stringify(after.json));
    const described = await call('DescribeExecution', { executionArn: after.json.executionArn });
    assert.equal(described.status, 200);
  });
});
