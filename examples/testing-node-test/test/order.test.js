const assert = require('node:assert/strict');
const path = require('node:path');
const { test } = require('node:test');
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
  assert.equal(result.status, 'SUCCEEDED');
  assert.deepEqual(result.output, { charged: 30 });
  assert.equal(attempts, 3);
  assert.deepEqual(result.path(), ['Charge', 'Ship', 'Done']);
});

test('a declined card is caught into Refund', async () => {
  const result = await runDefinition({
    definition,
    states: { Charge: () => { throw new TaskError('CardDeclined', 'no funds'); } },
  });
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error, 'PaymentFailed');
  assert.equal(result.entered('Refund'), 1);
  assert.ok(result.history.some((event) => event.type === 'LambdaFunctionFailed'));
});
