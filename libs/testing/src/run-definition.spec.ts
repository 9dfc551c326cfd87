import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runDefinition, TaskError } from './index';

const RESOURCE = 'arn:aws:lambda:us-east-1:123456789012:function:charge';

const machine = {
  StartAt: 'Charge',
  States: {
    Charge: {
      Type: 'Task',
      Resource: RESOURCE,
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 3600, MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Refund' }],
      Next: 'Hold',
    },
    Hold: { Type: 'Wait', Seconds: 86400, Next: 'Done' },
    Done: { Type: 'Succeed' },
    Refund: { Type: 'Fail', Error: 'PaymentFailed', Cause: 'charge failed' },
  },
};

describe('runDefinition', () => {
  test('retries a handler that throws, waits a day on the virtual clock, and succeeds', async () => {
    let calls = 0;
    const started = Date.now();
    const result = await runDefinition({
      definition: machine,
      input: { amount: 5 },
      resources: {
        [RESOURCE]: (input) => {
          calls += 1;
          if (calls === 1) throw new TaskError('Flaky', 'first try');
          return { charged: (input as { amount: number }).amount };
        },
      },
    });
    assert.equal(result.status, 'SUCCEEDED');
    assert.deepEqual(result.output, { charged: 5 });
    assert.equal(calls, 2);
    assert.deepEqual(result.path(), ['Charge', 'Hold', 'Done']);
    assert.equal(result.entered('Charge'), 1);
    assert.ok(Date.now() - started < 20_000, 'a day of Wait and an hour of backoff took no real time');
    assert.equal(result.history[0]?.type, 'ExecutionStarted');
    assert.equal(result.history.at(-1)?.type, 'ExecutionSucceeded');
  });

  test('a handler bound by state name wins, and an unretried error is caught into a Fail', async () => {
    const result = await runDefinition({
      definition: JSON.stringify(machine),
      states: { Charge: () => { throw new TaskError('CardDeclined', 'no funds'); } },
    });
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error, 'PaymentFailed');
    assert.equal(result.cause, 'charge failed');
    assert.deepEqual(result.path(), ['Charge', 'Refund']);
  });

  test("answers a task from Step Functions Local's mock configuration and test case", async () => {
    const mockConfig = {
      StateMachines: { local: { TestCases: { HappyPath: { Charge: 'ChargeOk' } } } },
      MockedResponses: { ChargeOk: { '0': { Return: { charged: 42 } } } },
    };
    const result = await runDefinition({ definition: machine, mockConfig, testCase: 'HappyPath' });
    assert.equal(result.status, 'SUCCEEDED');
    assert.deepEqual(result.output, { charged: 42 });
  });

  test('rejects an invalid definition with InvalidDefinition', async () => {
    await assert.rejects(runDefinition({ definition: { StartAt: 'X', States: {} } }), { name: 'InvalidDefinition' });
  });
});
