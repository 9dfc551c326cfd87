import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { functionErrorPayload, runLocalHandler, type LocalHandler } from './local-functions';

const invocation = { functionName: 'f', requestId: '00000000-0000-4000-8000-000000000000', region: 'eu-west-1', account: '111122223333' };

describe('runLocalHandler', () => {
  it('takes an async handler’s result, a callback handler’s callback result, and a plain function’s return value', async () => {
    assert.deepEqual(await runLocalHandler(async (event) => ({ got: event }), 1, invocation), { got: 1 });
    const callbackStyle: LocalHandler = (event, _context, callback) => void setTimeout(() => callback(null, { later: event }), 5);
    assert.deepEqual(await runLocalHandler(callbackStyle, 2, invocation), { later: 2 });
    assert.deepEqual(await runLocalHandler((event) => ({ sync: event }), 3, invocation), { sync: 3 });
  });

  it('fails with the callback’s error, a thrown error or a rejected promise, and honours context.succeed/fail/done', async () => {
    await assert.rejects(runLocalHandler((_e, _c, callback) => callback(new TypeError('bad')), {}, invocation), TypeError);
    await assert.rejects(runLocalHandler(() => { throw new RangeError('thrown'); }, {}, invocation), RangeError);
    await assert.rejects(runLocalHandler(async () => Promise.reject(new SyntaxError('rejected')), {}, invocation), SyntaxError);
    assert.equal(await runLocalHandler((_e, context, _callback) => context.succeed('ok'), {}, invocation), 'ok');
    await assert.rejects(runLocalHandler((_e, context, _callback) => context.fail('no'), {}, invocation), (error) => error === 'no');
    assert.equal(await runLocalHandler((_e, context, _callback) => context.done(null, 'done'), {}, invocation), 'done');
  });

  it('passes a Lambda-like context', async () => {
    let clock = 1_000;
    const context = (await runLocalHandler((_e, c) => {
      clock += 250;
      return { ...c, remaining: c.getRemainingTimeInMillis() };
    }, {}, { ...invocation, now: () => clock, clientContext: Buffer.from('{"custom":{"a":1}}').toString('base64') })) as Record<string, unknown>;
    assert.equal(context.functionName, 'f');
    assert.equal(context.invokedFunctionArn, 'arn:aws:lambda:eu-west-1:111122223333:function:f');
    assert.equal(context.awsRequestId, invocation.requestId);
    assert.equal(context.logGroupName, '/aws/lambda/f');
    assert.equal(context.remaining, 15 * 60 * 1000 - 250);
    assert.deepEqual(context.clientContext, { custom: { a: 1 } });
  });
});

describe('functionErrorPayload', () => {
  it("reports errorType and errorMessage as Lambda does, and keeps Stepstone's own frames out of the trace", () => {
    class OrderInvalid extends Error {}
    const error = new OrderInvalid('missing customer');
    error.stack = [
      'Error: missing customer',
      '    at handler (/home/me/functions.js:3:9)',
      `    at runLocalHandler (${__filename}:10:5)`,
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    ].join('\n');
    const payload = JSON.parse(functionErrorPayload(error));
    assert.deepEqual(payload, { errorType: 'OrderInvalid', errorMessage: 'missing customer', trace: ['Error: missing customer', '    at handler (/home/me/functions.js:3:9)'] });
    assert.deepEqual(JSON.parse(functionErrorPayload('plain text')), { errorType: 'string', errorMessage: 'plain text', trace: [] });
  });
});
