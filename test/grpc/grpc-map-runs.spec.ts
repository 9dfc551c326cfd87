import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import { eventually } from '../support/helpers';
import { expectGrpcError, grpcTestClient, withoutEmptyLists, type GrpcTestClient } from '../support/grpc-client';
import { rawCall, startServer, type RunningServer } from '../support/server';

/**
 * The Map Run actions through the gRPC API (a client built from proto/, the real server in a
 * child process): each read equals the AWS JSON endpoint's answer to the same request, and an
 * unknown Map Run is AWS's ResourceNotFound as NOT_FOUND.
 */
const ROLE_ARN = 'arn:aws:iam::123456789012:role/stepstone';
const ACCOUNT_PREFIX = 'arn:aws:states:us-east-1:123456789012';

const definition = JSON.stringify({
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      Label: 'Each',
      ItemsPath: '$.items',
      MaxConcurrency: 2,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Double',
        States: { Double: { Type: 'Pass', Parameters: { 'twice.$': 'States.MathAdd($.n, $.n)' }, End: true } },
      },
      End: true,
    },
  },
});

describe('gRPC API (stepstone.v1): Map Runs', { timeout: 120_000 }, () => {
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

  async function read(action: string, body: Record<string, unknown>): Promise<Record<string, any>> {
    const answer = await client.call(action, body);
    const http = await rawCall(server.endpoint, `AWSStepFunctions.${action}`, JSON.stringify(body));
    assert.equal(http.status, 200, `${action} over HTTP: ${JSON.stringify(http.json)}`);
    assert.deepEqual(withoutEmptyLists(answer), withoutEmptyLists(http.json), `${action}: gRPC and AWS JSON answers differ`);
    return answer;
  }

  it('describes and lists a Distributed Map run and its child executions as the AWS JSON endpoint does', async () => {
    await client.call('CreateStateMachine', { name: 'fan-out', definition, roleArn: ROLE_ARN });
    const started = await client.call('StartExecution', {
      stateMachineArn: `${ACCOUNT_PREFIX}:stateMachine:fan-out`,
      name: 'three',
      input: JSON.stringify({ items: [{ n: 1 }, { n: 2 }, { n: 3 }] }),
    });
    const executionArn = started.executionArn as string;
    const ended = await eventually(
      () => client.call('DescribeExecution', { executionArn }),
      (execution) => execution.status !== 'RUNNING',
    );
    assert.equal(ended.status, 'SUCCEEDED', JSON.stringify(ended));

    const listed = await read('ListMapRuns', { executionArn });
    assert.equal(listed.mapRuns.length, 1);
    const mapRunArn = listed.mapRuns[0].mapRunArn as string;
    assert.match(mapRunArn, /:mapRun:fan-out\/Each:/);

    const described = await read('DescribeMapRun', { mapRunArn });
    assert.equal(described.status, 'SUCCEEDED');
    assert.equal(described.maxConcurrency, 2);
    assert.equal(described.itemCounts.total, 3);
    assert.equal(described.itemCounts.succeeded, 3);
    assert.equal(described.executionCounts.succeeded, 3);

    const children = await read('ListExecutions', { mapRunArn });
    assert.equal(children.executions.length, 3);
    for (const child of children.executions) {
      assert.equal(child.mapRunArn, mapRunArn);
      assert.equal(child.status, 'SUCCEEDED');
    }
    // redriveFilter reaches the query: no child here was ever redriven.
    assert.equal((await read('ListExecutions', { mapRunArn, redriveFilter: 'NOT_REDRIVEN' })).executions.length, 3);
    assert.equal((await read('ListExecutions', { mapRunArn, redriveFilter: 'REDRIVEN' })).executions?.length ?? 0, 0);
  });

  it('refuses an unknown Map Run and an out-of-range update with the AWS JSON endpoint\'s names and messages', async () => {
    const unknown = `${ACCOUNT_PREFIX}:mapRun:fan-out/Each:00000000-0000-0000-0000-000000000000`;
    const http = await rawCall(server.endpoint, 'AWSStepFunctions.DescribeMapRun', JSON.stringify({ mapRunArn: unknown }));
    assert.equal(http.json.__type, 'ResourceNotFound');
    const error = await expectGrpcError(client.call('DescribeMapRun', { mapRunArn: unknown }), 'ResourceNotFound', status.NOT_FOUND);
    assert.equal(error.message, http.json.message);

    const tooMuch = { mapRunArn: unknown, toleratedFailurePercentage: 101 };
    const badHttp = await rawCall(server.endpoint, 'AWSStepFunctions.UpdateMapRun', JSON.stringify(tooMuch));
    assert.equal(badHttp.json.__type, 'ValidationException');
    const badGrpc = await expectGrpcError(client.call('UpdateMapRun', tooMuch), 'ValidationException', status.INVALID_ARGUMENT);
    assert.equal(badGrpc.message, badHttp.json.message);
  });
});
