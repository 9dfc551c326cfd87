import path from 'node:path';
import { createRequire } from 'node:module';
import { expect, test } from 'vitest';

// stepstone/testing is CommonJS; Node's require loads it outside Vite's transform.
const { runDefinition, TaskError } = createRequire(import.meta.url)('stepstone/testing');
const definition = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..', 'order.asl.json');

test('retries a gateway timeout, waits a day on the virtual clock, then succeeds', async () => {
  let attempts = 0;
  const result = await runDefinition({
    definition,
    input: { amount: 30 },
    states: {
      Charge: ({ amount }) => {
        attempts += 1;
        if (attempts < 3) throw new TaskError('GatewayTimeout', 'try again');
        return { charged: amount };
      },
    },
  });
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output).toEqual({ charged: 30 });
  expect(attempts).toBe(3);
  expect(result.path()).toEqual(['Charge', 'Ship', 'Done']);
});

test('a mocked response from a Step Functions Local test case', async () => {
  const result = await runDefinition({
    definition,
    stateMachineName: 'Orders',
    mockConfig: {
      StateMachines: { Orders: { TestCases: { Declined: { Charge: 'Declined' } } } },
      MockedResponses: { Declined: { '0': { Throw: { Error: 'CardDeclined', Cause: 'no funds' } } } },
    },
    testCase: 'Declined',
  });
  expect(result.status).toBe('FAILED');
  expect(result.path()).toEqual(['Charge', 'Refund']);
});
