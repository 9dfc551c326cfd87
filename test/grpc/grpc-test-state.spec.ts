import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import { expectGrpcError, grpcTestClient, type GrpcTestClient } from '../support/grpc-client';
import { rawCall, startServer, type RunningServer } from '../support/server';

/**
 * TestState through the gRPC API: the same answers as the AWS JSON endpoint for the same
 * request (nested mock and inspection data included), and the same refusals.
 */
describe('gRPC API (stepstone.v1): TestState', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let client: GrpcTestClient;

  before(async () => {
    server = await startServer();
    client = grpcTestClient(server.grpcAddress);
  });

  after(async () => {
    client?.close();
    await server?.dispose();
  });

  async function same(body: Record<string, unknown>): Promise<Record<string, any>> {
    const answer = await client.call('TestState', body);
    const http = await rawCall(server.endpoint, 'AWSStepFunctions.TestState', JSON.stringify(body));
    assert.equal(http.status, 200, JSON.stringify(http.json));
    assert.deepEqual(answer, http.json, 'gRPC and AWS JSON answers differ');
    return answer;
  }

  it('runs a Pass state at DEBUG and a mocked, caught Task as the AWS JSON endpoint does', async () => {
    const pass = await same({
      definition: JSON.stringify({ Type: 'Pass', InputPath: '$.order', Parameters: { 'total.$': 'States.MathAdd($.a, $.b)' }, ResultPath: '$.sum', Next: 'After' }),
      input: JSON.stringify({ order: { a: 2, b: 3 } }),
      inspectionLevel: 'DEBUG',
    });
    assert.equal(pass.status, 'SUCCEEDED');
    assert.equal(pass.nextState, 'After');
    // ResultPath writes into the state's raw input, not the InputPath selection.
    assert.deepEqual(JSON.parse(pass.output), { order: { a: 2, b: 3 }, sum: { total: 5 } });
    assert.deepEqual(JSON.parse(pass.inspectionData.afterParameters), { total: 5 });

    const caught = await same({
      definition: JSON.stringify({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'f' },
        Catch: [{ ErrorEquals: ['Boom'], Next: 'Handle' }],
        End: true,
      }),
      input: '{}',
      mock: { errorOutput: { error: 'Boom', cause: 'it broke' } },
    });
    assert.equal(caught.status, 'CAUGHT_ERROR');
    assert.equal(caught.nextState, 'Handle');
    assert.equal(caught.error, 'Boom');
  });

  it('refuses an invalid definition with InvalidDefinition as INVALID_ARGUMENT, in the AWS JSON endpoint\'s words', async () => {
    const body = { definition: JSON.stringify({ Type: 'Nope' }) };
    const http = await rawCall(server.endpoint, 'AWSStepFunctions.TestState', JSON.stringify(body));
    assert.equal(http.json.__type, 'InvalidDefinition');
    const error = await expectGrpcError(client.call('TestState', body), 'InvalidDefinition', status.INVALID_ARGUMENT);
    assert.equal(error.message, http.json.message);
  });
});
