const path = require('node:path');
const { runDefinition, TaskError } = require('stepstone/testing');

const definition = path.join(__dirname, '..', 'order.asl.json');

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

test('a declined card is caught into Refund', async () => {
  const result = await runDefinition({
    definition,
    states: { Charge: () => { throw new TaskError('CardDeclined', 'no funds'); } },
  });
  expect(result.status).toBe('FAILED');
  expect(result.error).toBe('PaymentFailed');
  expect(result.entered('Refund')).toBe(1);
});
